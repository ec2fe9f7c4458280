// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon of `warren up`: which program it is, starting it and waiting
 * for its socket and device, `wg setconf` and `wg show` through its UAPI,
 * and deleting the device, which makes it exit. Contracts in quick.h.
 */
#include "cli/quick.h"

#include "os/service_notify.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <warren/rtnl.h>

#include "core/secret.h"

/* How long a daemon gets to create its socket, or to go after its device. */
#define DAEMON_WAIT_MS 5000

/*
 * Waits up to DAEMON_WAIT_MS for the daemon's socket to (dis)appear. A
 * signal ends the wait for a new daemon (up undoes what it made); the
 * wait for one to go is part of an undo and runs to its end.
 */
static bool wait_socket(const char *ifname, bool alive)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	for (int waited = 0; waited < DAEMON_WAIT_MS; waited += 20) {
		if (uapi_alive(ifname) == alive)
			return true;
		if (alive && quick_interrupted)
			return false;
		nanosleep(&ts, NULL);
	}
	return uapi_alive(ifname) == alive;
}

/*
 * The daemon wg-quick would fall back to: $WG_QUICK_USERSPACE_IMPLEMENTATION,
 * else warrend beside this binary, else warrend on PATH.
 */
static void daemon_program(char *buf, size_t len)
{
	const char *env = getenv("WG_QUICK_USERSPACE_IMPLEMENTATION");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(buf, len, "%s/warrend", self) < (int)len && !access(buf, X_OK))
				return;
		}
	}
	snprintf(buf, len, "warrend");
}

/*
 * warrend's command line for @q: `--user U [--group G]' for User and Group
 * (warren extensions: another daemon refuses them, as it should, rather
 * than run as root unasked), then the interface.
 */
static void daemon_argv(struct quick *q, char *prog, char **argv)
{
	size_t n = 0;

	argv[n++] = prog;
	if (q->conf.user[0]) {
		argv[n++] = "--user";
		argv[n++] = q->conf.user;
		if (q->conf.group[0]) {
			argv[n++] = "--group";
			argv[n++] = q->conf.group;
		}
	}
	argv[n++] = q->ifname;
	argv[n] = NULL;
}

/* Shows the daemon's command line as wg-quick would, with the environment it gets. */
static void note_command(bool tap, bool low_port, char *const *argv)
{
	char line[PATH_MAX + 256];
	size_t len = (size_t)snprintf(line, sizeof(line), "%s%s", tap ? "WARREN_MODE=tap " : "",
				      low_port ? "WARREN_LOW_PORT=1 " : "");

	for (size_t i = 0; argv[i] && len < sizeof(line); i++)
		len +=
		    (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);
	quick_note("%s", line);
}

int quick_add_if(struct quick *q)
{
	char prog[PATH_MAX];
	char *argv[8];
	/* warrend keeps CAP_NET_BIND_SERVICE for a ListenPort below 1024 only. */
	bool low_port =
	    q->conf.has_listen_port && q->conf.listen_port && q->conf.listen_port < 1024;
	int ret;

	daemon_program(prog, sizeof(prog));
	daemon_argv(q, prog, argv);
	/* Mode = tap: warrend's WARREN_MODE extension (docs/l2.md), for it alone. */
	if (q->conf.tap)
		setenv("WARREN_MODE", "tap", 1);
	else
		unsetenv("WARREN_MODE");
	if (low_port)
		setenv("WARREN_LOW_PORT", "1", 1);
	note_command(q->conf.tap, low_port, argv);
	q->have_if = true;
	ret = quick_run(argv, NULL, false);
	unsetenv("WARREN_MODE");
	unsetenv("WARREN_LOW_PORT");
	if (ret) {
		quick_die("`%s %s' failed with status %d", prog, q->ifname, ret < 0 ? 127 : ret);
		return -ECHILD;
	}
	if (!wait_socket(q->ifname, true)) {
		if (quick_interrupted)
			return -EINTR; /* up says so, and undoes */
		quick_die("`%s %s' made no socket in " UAPI_SOCKET_DIR, prog, q->ifname);
		return -ETIMEDOUT;
	}
	q->ifindex = warren_rtnl_ifindex(q->rtnl, q->ifname);
	if (q->ifindex <= 0) {
		quick_die("`%s %s' made no device: %s", prog, q->ifname,
			  warren_strerror(q->ifindex));
		return q->ifindex ? q->ifindex : -ENODEV;
	}
	return 0;
}

/*
 * Waits up to DAEMON_WAIT_MS for the daemon behind @pidfd to exit, so that
 * `warren down' (and the service's stop) ends after it: systemd kills what
 * is left of a unit once its main process is gone.
 */
static void wait_exit(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	if (pidfd < 0)
		return;
	while (poll(&p, 1, DAEMON_WAIT_MS) < 0 && errno == EINTR)
		;
	close(pidfd);
}

int quick_del_device(struct quick *q)
{
	char sock[128];
	int ifindex, pidfd, ret = 0;

	pidfd = uapi_daemon_pidfd(q->ifname);
	ifindex = warren_rtnl_ifindex(q->rtnl, q->ifname);
	if (ifindex > 0) {
		quick_note("ip link delete dev %s", q->ifname);
		ret = warren_rtnl_link_delete(q->rtnl, ifindex);
		if (ret)
			quick_die("%s", warren_strerror(ret));
	}
	if (!ret)
		wait_exit(pidfd);
	else if (pidfd >= 0)
		close(pidfd);
	if (!wait_socket(q->ifname, false)) {
		fprintf(stderr, "Warning: the daemon of `%s' still answers on its socket\n",
			q->ifname);
	} else if (!uapi_socket_path(sock, sizeof(sock), q->ifname)) {
		unlink(sock); /* stale: its daemon is gone */
	}
	q->have_if = false;
	return ret;
}

int quick_resolve(const struct wgconf_endpoint *e, union sockaddr_inet *out)
{
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_protocol = IPPROTO_UDP};
	struct addrinfo *res;
	char port[8];
	int ret;

	snprintf(port, sizeof(port), "%u", e->port);
	ret = getaddrinfo(e->host, port, &hints, &res);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	if ((res->ai_family == AF_INET && res->ai_addrlen == sizeof(out->in4)) ||
	    (res->ai_family == AF_INET6 && res->ai_addrlen == sizeof(out->in6)))
		memcpy(out, res->ai_addr, res->ai_addrlen);
	else
		ret = EAI_ADDRFAMILY;
	freeaddrinfo(res);
	return ret;
}

/*
 * wireguard-tools' WG_ENDPOINT_RESOLUTION_RETRIES: how many times a
 * temporary failure is tried again (15 by default, -1 for "infinity").
 */
static int resolution_retries(int *retries)
{
	const char *s = getenv("WG_ENDPOINT_RESOLUTION_RETRIES");
	unsigned long v;
	char *end;

	*retries = 15;
	if (!s)
		return 0;
	if (!strcmp(s, "infinity")) {
		*retries = -1;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > INT_MAX || *s == '-') {
		quick_die("Unable to parse WG_ENDPOINT_RESOLUTION_RETRIES: `%s'", s);
		return -EINVAL;
	}
	*retries = (int)v;
	return 0;
}

/*
 * Resolves one Endpoint as `wg setconf' does: a failure that getaddrinfo()
 * calls permanent (no such name, no data, a hard failure) ends at once; any
 * other (no network yet, the resolver not answering) is tried again after
 * 1 s, then each wait 6/5 of the one before, at most 20 s, @retries times
 * (-1: forever). A signal ends the wait: -EINTR.
 */
static int resolve_retrying(struct quick *q, size_t i, int retries, union sockaddr_inet *out)
{
	const struct wgconf_endpoint *e = &q->conf.peers[i].endpoint;
	unsigned int line = q->conf.peers[i].endpoint_line;
	long wait_us = 1000000;
	int ret;

	for (;;) {
		ret = quick_resolve(e, out);
		if (!ret)
			return 0;
		if (ret == EAI_NONAME || ret == EAI_FAIL || ret == EAI_NODATA ||
		    ret == EAI_ADDRFAMILY || (retries >= 0 && !retries--)) {
			fprintf(stderr, "%s:%u: %s: `%s:%u'\n", q->config_file, line,
				ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret), e->host,
				e->port);
			return -EINVAL;
		}
		fprintf(stderr, "%s:%u: %s: `%s:%u'. Trying again in %.2f seconds...\n",
			q->config_file, line,
			ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret), e->host, e->port,
			wait_us / 1000000.0);
		service_notify_status("Resolving %s (%s), trying again in %.2f seconds", e->host,
				      gai_strerror(ret), wait_us / 1000000.0);
		{
			struct timespec ts = {wait_us / 1000000, (wait_us % 1000000) * 1000};

			if (nanosleep(&ts, NULL) && errno == EINTR)
				return -EINTR;
		}
		wait_us = wait_us * 6 / 5 > 20000000 ? 20000000 : wait_us * 6 / 5;
	}
}

/*
 * Resolves each peer's Endpoint as wg does (getaddrinfo, the first
 * answer, temporary failures tried again). Done before anything is made,
 * so that an unknown name fails cleanly.
 */
int quick_resolve_endpoints(struct quick *q, union sockaddr_inet **out)
{
	union sockaddr_inet *eps;
	int retries, ret;

	ret = resolution_retries(&retries);
	if (ret)
		return ret;
	eps = calloc(q->conf.n_peers + 1, sizeof(*eps));
	if (!eps)
		return -ENOMEM;
	for (size_t i = 0; i < q->conf.n_peers; i++) {
		const struct wgconf_endpoint *e = &q->conf.peers[i].endpoint;

		if (!q->conf.peers[i].has_endpoint)
			continue;
		if (e->numeric) {
			eps[i] = e->addr;
			continue;
		}
		ret = resolve_retrying(q, i, retries, &eps[i]);
		if (ret) {
			free(eps);
			return ret;
		}
	}
	*out = eps;
	return 0;
}

/* wg-quick's set_config(): `wg setconf` through the UAPI. */
int quick_set_config(struct quick *q, const union sockaddr_inet *eps)
{
	struct secret_buf req = {0};
	FILE *f = secret_stream(&req); /* the request holds private_key= */
	int ret;

	if (!f)
		return -ENOMEM;
	ret = uapi_text_write_set(f, &q->conf, eps);
	if (fclose(f) && !ret)
		ret = -EIO;
	quick_note("wg setconf %s /dev/fd/63", q->ifname);
	if (!ret)
		ret = uapi_set(q->ifname, req.data ? req.data : "", req.len);
	secret_buf_free(&req);
	if (ret)
		quick_die("Unable to modify interface: %s", strerror(-ret));
	return ret;
}

int quick_get_device(struct quick *q, struct uapi_device *dev)
{
	int ret = uapi_get(q->ifname, dev);

	if (ret)
		quick_die("Unable to read the configuration of `%s' from its daemon: %s", q->ifname,
			  strerror(-ret));
	return ret;
}
