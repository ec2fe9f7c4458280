// SPDX-License-Identifier: GPL-2.0-only
/*
 * `warren up --foreground' between up and down (quick_service.h): the
 * service's main process. Why warren and not warrend is the main process:
 * warren is what knows when the interface is *up* (addresses, routes, DNS,
 * PostUp: READY=1 then), what must be undone at stop (DNS, rules,
 * firewall, PreDown/PostDown), and the Endpoint host names, which the UAPI
 * does not carry; and it works with any daemon (wireguard-go too).
 */
#include "cli/quick_service.h"
#include "cli/quick.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/key.h"
#include "core/sockaddr.h"
#include "core/log.h"
#include "os/service_notify.h"
#include "os/uapi_client.h"

/* How often the daemon is checked and due names are resolved. */
#define WATCH_S 5
/* contrib/reresolve-dns: a peer without a handshake in 135 s is failing... */
#define STALE_HANDSHAKE_S 135
/* ...and its name is resolved again, at most this often (its timer's period). */
#define STALE_RETRY_S 30
#define RERESOLVE_DEFAULT_S 120

/* What is known of one peer's Endpoint name. */
struct name {
	union sockaddr_inet answer; /* the name's last answer (sa_family 0: none yet) */
	time_t next_stale_try;
	int last_error; /* EAI_*, said once until it changes */
};

struct service {
	struct quick *q;
	struct name *names; /* one per peer of q->conf */
	long interval_s;    /* 0: no periodic re-resolution */
	time_t next_all;
	unsigned long moves;
	size_t n_names;
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int parse_interval(long *out)
{
	const char *s = getenv("WARREN_RERESOLVE_INTERVAL");
	char *end;
	long v;

	*out = RERESOLVE_DEFAULT_S;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > INT_MAX) {
		pr_error("WARREN_RERESOLVE_INTERVAL=`%s' is not a number of seconds", s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static void status(struct service *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->q->conf.n_peers; i++)
		n += s->q->conf.peers[i].has_endpoint && !s->q->conf.peers[i].endpoint.numeric;
	service_notify_status("%s is up: %zu peers, %zu endpoint names, %lu endpoint moves",
			      s->q->ifname, s->q->conf.n_peers, n, s->moves);
}

/* `wg set IF peer KEY endpoint ADDR' through the UAPI, the peer kept as it is. */
static int move_peer(struct service *s, const uint8_t key[KEY_LEN], const union sockaddr_inet *to)
{
	char hex[KEY_HEX_LEN + 1], ep[INET6_ADDRSTRLEN + 32], req[256];
	int len;

	key_to_hex(hex, key);
	uapi_text_endpoint(ep, sizeof(ep), to);
	len = snprintf(req, sizeof(req), "set=1\npublic_key=%s\nupdate_only=true\nendpoint=%s\n\n",
		       hex, ep);
	return uapi_set(s->q->ifname, req, (size_t)len);
}

static const struct uapi_peer *find_peer(const struct uapi_device *dev, const uint8_t key[KEY_LEN])
{
	for (size_t j = 0; j < dev->n_peers; j++)
		if (!memcmp(dev->peers[j].public_key, key, KEY_LEN))
			return &dev->peers[j];
	return NULL;
}

/* Resolves peer @i's name again; moves the peer when it should (quick_service.h). */
static void reresolve_peer(struct service *s, size_t i, const struct uapi_peer *now, bool failing)
{
	const struct wgconf_peer *p = &s->q->conf.peers[i];
	struct name *name = &s->names[i];
	char peer[LOG_PEER_NAME_LEN], from[INET6_ADDRSTRLEN + 32], to[INET6_ADDRSTRLEN + 32];
	union sockaddr_inet answer;
	bool changed;
	int ret;

	log_peer_name(peer, p->public_key);
	ret = quick_resolve(&p->endpoint, &answer);
	if (ret) {
		if (ret != name->last_error)
			pr_warn("%s - Resolving `%s:%u' failed: %s; the endpoint stays", peer,
				p->endpoint.host, p->endpoint.port, gai_strerror(ret));
		name->last_error = ret;
		return;
	}
	name->last_error = 0;
	changed = !sockaddr_inet_equal(&answer, &name->answer);
	name->answer = answer;
	if (sockaddr_inet_equal(&answer, &now->endpoint) || (!changed && !failing))
		return;
	uapi_text_endpoint(from, sizeof(from), &now->endpoint);
	uapi_text_endpoint(to, sizeof(to), &answer);
	ret = move_peer(s, p->public_key, &answer);
	if (ret) {
		pr_error("%s - Moving to %s (`%s:%u'): %s", peer, to, p->endpoint.host,
			 p->endpoint.port, strerror(-ret));
		return;
	}
	s->moves++;
	pr_info("%s - Endpoint `%s:%u' now resolves to %s: moved from %s (%lu moves)", peer,
		p->endpoint.host, p->endpoint.port, to, now->endpoint.sa.sa_family ? from : "none",
		s->moves);
	status(s);
}

/* Re-resolves the names that are due, or all of them when @all. */
static void reresolve(struct service *s, bool all)
{
	struct uapi_device dev = {0};
	time_t now = now_s(), wall = time(NULL);
	bool periodic = all || (s->interval_s && now >= s->next_all);

	if (periodic && s->interval_s)
		s->next_all = now + s->interval_s;
	if (uapi_get(s->q->ifname, &dev))
		return;
	for (size_t i = 0; i < s->n_names; i++) {
		const struct wgconf_peer *p = &s->q->conf.peers[i];
		const struct uapi_peer *cur;
		bool failing;

		if (!p->has_endpoint || p->endpoint.numeric)
			continue;
		cur = find_peer(&dev, p->public_key);
		if (!cur)
			continue; /* removed by hand: not ours to put back */
		failing = wall - cur->last_handshake_sec > STALE_HANDSHAKE_S;
		if (failing && now >= s->names[i].next_stale_try)
			s->names[i].next_stale_try = now + STALE_RETRY_S;
		else if (!periodic)
			continue;
		reresolve_peer(s, i, cur, failing);
	}
	uapi_device_free(&dev);
}

/* The endpoints `up' set are the names' first answers. */
static void first_answers(struct service *s)
{
	struct uapi_device dev = {0};

	if (uapi_get(s->q->ifname, &dev))
		return;
	for (size_t i = 0; i < s->n_names; i++) {
		const struct uapi_peer *cur = find_peer(&dev, s->q->conf.peers[i].public_key);

		if (cur)
			s->names[i].answer = cur->endpoint;
		/* a fresh peer has no handshake yet: not failing before STALE_RETRY_S */
		s->names[i].next_stale_try = now_s() + STALE_RETRY_S;
	}
	uapi_device_free(&dev);
}

enum quick_serve_end quick_serve(struct quick *q, volatile sig_atomic_t *interrupted)
{
	struct service s = {.q = q, .n_names = q->conf.n_peers};
	enum quick_serve_end end = QUICK_SERVE_STOP;
	static char prefix[IFNAMSIZ + 4];
	sigset_t stop, old;

	/* As warrend's lines: the journal shows both under the unit. */
	snprintf(prefix, sizeof(prefix), "(%s) ", q->ifname);
	log_set_prefix(prefix);

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (*interrupted)
		goto out;
	if (parse_interval(&s.interval_s)) {
		end = QUICK_SERVE_ERROR;
		goto out;
	}
	s.names = calloc(s.n_names + 1, sizeof(*s.names));
	if (!s.names) {
		pr_error("%s", strerror(ENOMEM));
		end = QUICK_SERVE_ERROR;
		goto out;
	}
	first_answers(&s);
	s.next_all = now_s() + s.interval_s;
	service_notify("READY=1");
	status(&s);
	pr_info("Interface up; stays up until SIGTERM");
	for (;;) {
		struct timespec ts = {WATCH_S, 0};
		int sig = sigtimedwait(&stop, NULL, &ts);

		if (sig == SIGINT || sig == SIGTERM) {
			pr_info("Signal %d: taking the interface down", sig);
			break;
		}
		if (!uapi_alive(q->ifname)) {
			pr_error("The daemon of `%s' no longer answers: the interface is gone",
				 q->ifname);
			end = QUICK_SERVE_IF_GONE;
			break;
		}
		if (sig == SIGHUP) {
			service_notify("RELOADING=1");
			reresolve(&s, true);
			service_notify("READY=1");
			status(&s);
		} else {
			reresolve(&s, false);
		}
	}
out:
	service_notify("STOPPING=1");
	free(s.names);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return end;
}
