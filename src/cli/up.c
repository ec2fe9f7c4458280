// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren up / warren down: wg-quick(8) for a userspace WireGuard daemon,
 * done through rtnetlink and the daemon's UAPI socket instead of `ip` and
 * `wg`. The steps, their order and their messages ("[#] ..." on stderr, the
 * equivalent ip/wg command) are wg-quick's, so that a wg-quick user reads
 * the same story; see docs/up.md for where warren differs.
 *
 * `up` records every change it makes in struct quick and, when a step fails,
 * undoes them in reverse (del_if), so that a failure leaves no daemon,
 * device, rule, route, DNS entry or firewall table behind.
 */
#include "cli/command.h"
#include "cli/quick.h"

#include "core/uapi_text.h"
#include "core/secret.h"
#include "core/wgconf.h"
#include "engine/crypto.h"
#include "os/fibrule.h"
#include "os/rtnl_query.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <warren/rtnl.h>

#define WG_QUICK_FIRST_TABLE 51820
/* How long a daemon gets to create its socket, or to go after its device. */
#define DAEMON_WAIT_MS 5000

/*
 * wg-quick's parse_options() up to the reading: IFNAME means
 * /etc/wireguard/IFNAME.conf (wgconf_locate()); wg-quick looks for the file
 * before it checks its name; a file others may read gets a warning.
 */
static int locate_config(struct quick *q, const char *arg)
{
	char *given = NULL;
	int ret;

	ret = wgconf_locate(arg, &given, q->ifname, NULL, 0);
	if (ret == -ENOMEM) {
		quick_die("%s", strerror(ENOMEM));
		return ret;
	}
	if (access(given ? given : arg, F_OK)) {
		quick_die("`%s' does not exist", given ? given : arg);
		ret = -ENOENT;
		goto out;
	}
	if (ret) {
		quick_die("The config file must be a valid interface name, followed by .conf");
		goto out;
	}
	q->config_file = realpath(given, NULL);
	if (!q->config_file) {
		ret = -errno;
		quick_die("%s: %s", given, strerror(errno));
		goto out;
	}
	if (wgconf_world_accessible(q->config_file))
		fprintf(stderr, "Warning: `%s' is world accessible\n", q->config_file);
out:
	free(given);
	return ret;
}

/* iproute2's rt_tables files, for Table = NAME. Returns 0 and *@id, or -ENOENT. */
static int table_lookup(const char *name, uint32_t *id)
{
	static const char *const files[] = {
	    "/etc/iproute2/rt_tables",
	    "/usr/share/iproute2/rt_tables",
	    "/usr/lib/iproute2/rt_tables",
	};
	static const struct {
		const char *name;
		uint32_t id;
	} builtin[] = {{"default", 253}, {"main", 254}, {"local", 255}};
	char line[256], word[128];
	unsigned long v;

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (!strcmp(name, builtin[i].name)) {
			*id = builtin[i].id;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, " %lu %127s", &v, word) == 2 && word[0] != '#' &&
			    !strcmp(word, name) && v <= UINT32_MAX) {
				fclose(f);
				*id = (uint32_t)v;
				return 0;
			}
		}
		fclose(f);
	}
	return -ENOENT;
}

/* Replaces every %i of @hook with the interface name. Returns a new string. */
static char *expand_hook(const char *hook, const char *ifname)
{
	size_t n = 0, ilen = strlen(ifname);
	char *out, *o;

	for (const char *s = hook; (s = strstr(s, "%i")); s += 2)
		n++;
	out = malloc(strlen(hook) + n * ilen + 1);
	if (!out)
		return NULL;
	for (o = out; *hook;) {
		if (hook[0] == '%' && hook[1] == 'i') {
			memcpy(o, ifname, ilen);
			o += ilen;
			hook += 2;
		} else {
			*o++ = *hook++;
		}
	}
	*o = '\0';
	return out;
}

/* wg-quick's execute_hooks(): each with bash -c; the first failure stops. */
static int execute_hooks(struct quick *q, enum wgconf_hook which)
{
	const struct wgconf_strings *hooks = &q->conf.hooks[which];

	for (size_t i = 0; i < hooks->n; i++) {
		char *cmd = expand_hook(hooks->v[i], q->ifname);
		char *argv[] = {"bash", "-c", cmd, NULL};
		int ret;

		if (!cmd)
			return -ENOMEM;
		quick_note("%s", cmd);
		ret = quick_run(argv, NULL, false);
		free(cmd);
		if (ret) {
			quick_die("hook failed with status %d: `%s'", ret < 0 ? 255 : ret,
				  hooks->v[i]);
			return -ECANCELED;
		}
	}
	return 0;
}

const char *quick_ip_str(char *buf, int family, const void *addr)
{
	return inet_ntop(family, addr, buf, INET6_ADDRSTRLEN);
}

int quick_get_device(struct quick *q, struct uapi_device *dev)
{
	int ret = uapi_get(q->ifname, dev);

	if (ret)
		quick_die("Unable to read the configuration of `%s' from its daemon: %s", q->ifname,
			  strerror(-ret));
	return ret;
}

static bool has_default_route(const struct uapi_device *dev)
{
	for (size_t i = 0; i < dev->n_peers; i++)
		for (size_t j = 0; j < dev->peers[i].n_allowed_ips; j++)
			if (!dev->peers[i].allowed_ips[j].cidr)
				return true;
	return false;
}

/* Waits up to DAEMON_WAIT_MS for the daemon's socket to (dis)appear. */
static bool wait_socket(const char *ifname, bool alive)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	for (int waited = 0; waited < DAEMON_WAIT_MS; waited += 20) {
		if (uapi_alive(ifname) == alive)
			return true;
		nanosleep(&ts, NULL);
	}
	return uapi_alive(ifname) == alive;
}

/*
 * wg-quick's del_if(): DNS, firewall, the default-route rules, then the
 * device, which takes its addresses and routes along and makes the daemon
 * exit. Waits for the daemon's socket to go, so that a `warren up' right
 * after finds the name free.
 */
static void del_if(struct quick *q)
{
	struct uapi_device dev;
	char sock[128];
	int ifindex;

	if (q->have_set_dns)
		quick_unset_dns(q);
	if (q->have_set_firewall)
		quick_remove_firewall(q);
	if (q->conf.table == WGCONF_TABLE_AUTO && !uapi_get(q->ifname, &dev)) {
		if (dev.fwmark && has_default_route(&dev)) {
			for (int f = 0; f < 2; f++) {
				int family = f ? AF_INET6 : AF_INET;
				unsigned int n;

				if (!fibrule_flush(family, dev.fwmark, true, &n) && n)
					quick_note("ip %s rule delete table %u (%u rules, and main "
						   "suppress_prefixlength 0)",
						   f ? "-6" : "-4", dev.fwmark, n);
			}
		}
		uapi_device_free(&dev);
	}
	ifindex = warren_rtnl_ifindex(q->rtnl, q->ifname);
	if (ifindex > 0) {
		int ret;

		quick_note("ip link delete dev %s", q->ifname);
		ret = warren_rtnl_link_delete(q->rtnl, ifindex);
		if (ret)
			quick_die("%s", warren_strerror(ret));
	}
	if (!wait_socket(q->ifname, false)) {
		fprintf(stderr, "Warning: the daemon of `%s' still answers on its socket\n",
			q->ifname);
	} else if (!uapi_socket_path(sock, sizeof(sock), q->ifname)) {
		unlink(sock); /* stale: its daemon is gone */
	}
	q->have_if = false;
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

static int add_if(struct quick *q)
{
	char prog[PATH_MAX];
	char *argv[] = {prog, q->ifname, NULL};
	int ret;

	daemon_program(prog, sizeof(prog));
	/* Mode = tap: warrend's WARREN_MODE extension (docs/l2.md), for it alone. */
	if (q->conf.tap) {
		quick_note("WARREN_MODE=tap %s %s", prog, q->ifname);
		setenv("WARREN_MODE", "tap", 1);
	} else {
		quick_note("%s %s", prog, q->ifname);
		unsetenv("WARREN_MODE");
	}
	q->have_if = true;
	ret = quick_run(argv, NULL, false);
	unsetenv("WARREN_MODE");
	if (ret) {
		quick_die("`%s %s' failed with status %d", prog, q->ifname, ret < 0 ? 127 : ret);
		return -ECHILD;
	}
	if (!wait_socket(q->ifname, true)) {
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
 * Resolves each peer's Endpoint as wg does (getaddrinfo, the first
 * answer). Done before anything is made, so that an unknown name fails
 * cleanly.
 */
static int resolve_endpoints(struct quick *q, union uapi_sockaddr **out)
{
	union uapi_sockaddr *eps = calloc(q->conf.n_peers + 1, sizeof(*eps));

	if (!eps)
		return -ENOMEM;
	for (size_t i = 0; i < q->conf.n_peers; i++) {
		const struct wgconf_endpoint *e = &q->conf.peers[i].endpoint;
		struct addrinfo hints = {
		    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_protocol = IPPROTO_UDP};
		struct addrinfo *res;
		char port[8];
		int ret;

		if (!q->conf.peers[i].has_endpoint)
			continue;
		if (e->numeric) {
			memcpy(&eps[i], &e->addr, sizeof(e->addr));
			continue;
		}
		snprintf(port, sizeof(port), "%u", e->port);
		ret = getaddrinfo(e->host, port, &hints, &res);
		if (ret) {
			fprintf(stderr, "%s:%u: %s: `%s:%u'\n", q->config_file,
				q->conf.peers[i].line, gai_strerror(ret), e->host, e->port);
			free(eps);
			return -EINVAL;
		}
		if (res->ai_addrlen <= sizeof(eps[i]))
			memcpy(&eps[i], res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
	}
	*out = eps;
	return 0;
}

/* wg-quick's set_config(): `wg setconf` through the UAPI. */
static int set_config(struct quick *q, const union uapi_sockaddr *eps)
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

static int add_addr(struct quick *q, const struct wgconf_ip *a)
{
	char ip[INET6_ADDRSTRLEN];
	int ret;

	quick_note("ip -%c address add %s/%u dev %s", a->family == AF_INET6 ? '6' : '4',
		   quick_ip_str(ip, a->family, &a->addr), a->cidr, q->ifname);
	ret = warren_rtnl_addr_add(q->rtnl, q->ifindex, a->family, &a->addr, a->cidr,
				   WARREN_RTNL_ADDR_NO_BROADCAST);
	if (ret)
		quick_die("%s", warren_strerror(ret));
	return ret;
}

/* The largest MTU of the routes to the peers' endpoints, as wg-quick. */
static unsigned int endpoint_mtu(const struct uapi_device *dev)
{
	unsigned int mtu = 0, m;

	for (size_t i = 0; i < dev->n_peers; i++) {
		const union uapi_sockaddr *ep = &dev->peers[i].endpoint;
		const void *dst = ep->sa.sa_family == AF_INET6 ? (const void *)&ep->v6.sin6_addr
							       : (const void *)&ep->v4.sin_addr;

		if (!ep->sa.sa_family)
			continue;
		if (!rtnl_query_route_mtu(ep->sa.sa_family, dst, &m) && m > mtu)
			mtu = m;
	}
	if (!mtu && !rtnl_query_default_mtu(&m))
		mtu = m;
	return mtu ? mtu : 1500;
}

static int set_mtu_up(struct quick *q)
{
	struct uapi_device dev;
	unsigned int mtu = q->conf.mtu;
	int ret;

	if (!mtu) {
		ret = quick_get_device(q, &dev);
		if (ret)
			return ret;
		/* L2: 48 bytes of WireGuard and L2 header, not 32 (docs/l2.md "MTU"). */
		mtu = endpoint_mtu(&dev) - (q->conf.tap ? 96 : 80);
		uapi_device_free(&dev);
	}
	quick_note("ip link set mtu %u up dev %s", mtu, q->ifname);
	ret = warren_rtnl_link_set_mtu(q->rtnl, q->ifindex, mtu);
	if (!ret)
		ret = warren_rtnl_link_set_up(q->rtnl, q->ifindex, true);
	if (ret)
		quick_die("%s", warren_strerror(ret));
	return ret;
}

/* wg-quick's add_default(): a default route through fwmark and two rules. */
static int add_default(struct quick *q, const struct wgconf_ip *r)
{
	struct uapi_device dev;
	struct warren_rtnl_route route = {.family = r->family, .ifindex = q->ifindex};
	struct fibrule not_mark = {
	    .family = r->family, .invert = true, .has_fwmark = true, .suppress_prefixlen = -1};
	struct fibrule suppress = {
	    .family = r->family, .table = RT_TABLE_MAIN, .suppress_prefixlen = 0};
	const char *p = r->family == AF_INET6 ? "-6" : "-4";
	char ip[INET6_ADDRSTRLEN];
	uint32_t table;
	int ret;

	ret = quick_get_device(q, &dev);
	if (ret)
		return ret;
	table = dev.fwmark;
	uapi_device_free(&dev);
	if (!table) {
		char req[64];
		bool used;

		for (table = WG_QUICK_FIRST_TABLE;; table++) {
			ret = rtnl_query_table_used(table, &used);
			if (ret) {
				quick_die("%s", warren_strerror(ret));
				return ret;
			}
			if (!used)
				break;
		}
		quick_note("wg set %s fwmark %u", q->ifname, table);
		snprintf(req, sizeof(req), "set=1\nfwmark=%u\n\n", table);
		ret = uapi_set(q->ifname, req, strlen(req));
		if (ret) {
			quick_die("Unable to modify interface: %s", strerror(-ret));
			return ret;
		}
	}
	route.table = table;
	quick_note("ip %s route add %s/%u dev %s table %u", p,
		   quick_ip_str(ip, r->family, &r->addr), r->cidr, q->ifname, table);
	ret = warren_rtnl_route_add(q->rtnl, &route);
	if (ret)
		goto err;
	not_mark.table = table;
	not_mark.fwmark = table;
	quick_note("ip %s rule add not fwmark %u table %u", p, table, table);
	ret = fibrule_add(&not_mark);
	if (ret)
		goto err;
	quick_note("ip %s rule add table main suppress_prefixlength 0", p);
	ret = fibrule_add(&suppress);
	if (ret)
		goto err;
	quick_add_firewall(q, r->family, table);
	return 0;
err:
	quick_die("%s", warren_strerror(ret));
	return ret;
}

static int add_route(struct quick *q, const struct wgconf_ip *r)
{
	struct warren_rtnl_route route = {
	    .family = r->family,
	    .dst = &r->addr,
	    .dst_len = r->cidr,
	    .ifindex = q->ifindex,
	};
	const char *p = r->family == AF_INET6 ? "-6" : "-4";
	char ip[INET6_ADDRSTRLEN];
	bool covered;
	int ret;

	if (q->conf.table == WGCONF_TABLE_OFF)
		return 0;
	quick_ip_str(ip, r->family, &r->addr);
	if (q->conf.table == WGCONF_TABLE_ID || q->conf.table == WGCONF_TABLE_NAME) {
		route.table = q->table;
		quick_note("ip %s route add %s/%u dev %s table %u", p, ip, r->cidr, q->ifname,
			   q->table);
	} else if (!r->cidr) {
		return add_default(q, r);
	} else {
		ret = rtnl_query_route_covered(r->family, q->ifindex, &r->addr, r->cidr, &covered);
		if (ret)
			goto err;
		if (covered)
			return 0;
		quick_note("ip %s route add %s/%u dev %s", p, ip, r->cidr, q->ifname);
	}
	ret = warren_rtnl_route_add(q->rtnl, &route);
	if (!ret)
		return 0;
err:
	quick_die("%s", warren_strerror(ret));
	return ret;
}

/*
 * wg-quick's order, `sort -nr -k 2 -t /` under LC_ALL=C: longest prefix
 * first, and among equal lengths the text "ADDR/LEN" in reverse byte order
 * (sort's last resort, reversed too), so "::/0" before "0.0.0.0/0".
 */
static int route_order(const struct wgconf_ip *x, const struct wgconf_ip *y)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (x->cidr != y->cidr)
		return (int)y->cidr - (int)x->cidr;
	inet_ntop(x->family, &x->addr, a, sizeof(a));
	inet_ntop(y->family, &y->addr, b, sizeof(b));
	return strcmp(b, a);
}

/* Routes for every allowed IP the daemon holds, longest prefixes first. */
static int add_routes(struct quick *q)
{
	struct wgconf_ip *all = NULL, *nv;
	struct uapi_device dev;
	size_t n = 0;
	int ret;

	ret = quick_get_device(q, &dev);
	if (ret)
		return ret;
	for (size_t i = 0; i < dev.n_peers; i++) {
		const struct uapi_peer *p = &dev.peers[i];

		if (!p->n_allowed_ips)
			continue;
		nv = realloc(all, (n + p->n_allowed_ips) * sizeof(*all));
		if (!nv) {
			ret = -ENOMEM;
			goto out;
		}
		all = nv;
		memcpy(all + n, p->allowed_ips, p->n_allowed_ips * sizeof(*all));
		n += p->n_allowed_ips;
	}
	for (size_t i = 1; i < n; i++) {
		struct wgconf_ip t = all[i];
		size_t j = i;

		for (; j > 0 && route_order(&all[j - 1], &t) > 0; j--)
			all[j] = all[j - 1];
		all[j] = t;
	}
	for (size_t i = 0; i < n && !ret; i++)
		ret = add_route(q, &all[i]);
out:
	free(all);
	uapi_device_free(&dev);
	return ret;
}

/* Reads the config, with wgconf's "FILE:LINE: ..." on failure. */
/* Bridge = BR: the TAP device joins that existing Linux bridge. */
static int set_bridge(struct quick *q)
{
	int master, ret;

	if (!q->conf.bridge[0])
		return 0;
	quick_note("ip link set %s master %s", q->ifname, q->conf.bridge);
	master = warren_rtnl_ifindex(q->rtnl, q->conf.bridge);
	ret = master > 0 ? warren_rtnl_link_set_master(q->rtnl, q->ifindex, master)
			 : (master ? master : -ENODEV);
	if (ret)
		quick_die("Unable to put `%s' into bridge `%s': %s", q->ifname, q->conf.bridge,
			  warren_strerror(ret));
	return ret;
}

static int read_config(struct quick *q, const char *arg)
{
	char error[600];
	int ret;

	ret = locate_config(q, arg);
	if (ret)
		return ret;
	ret = wgconf_read_file(&q->conf, q->config_file, 0, error, sizeof(error));
	if (ret) {
		fprintf(stderr, "%s\n", error);
		return ret;
	}
	ret = warren_rtnl_open(&q->rtnl);
	if (ret)
		quick_die("%s", warren_strerror(ret));
	return ret;
}

static void quick_free(struct quick *q)
{
	wgconf_free(&q->conf);
	warren_rtnl_close(q->rtnl);
	free(q->config_file);
}

static int usage(const char *cmd)
{
	fprintf(stderr,
		"Usage: warren %s [ CONFIG_FILE | INTERFACE ]\n\n"
		"  CONFIG_FILE is a wg-quick(8) configuration file, whose filename is the\n"
		"  interface name followed by `.conf'. Otherwise, INTERFACE is an interface\n"
		"  name, with configuration found at /etc/wireguard/INTERFACE.conf.\n"
		"  The daemon is $WG_QUICK_USERSPACE_IMPLEMENTATION, else warrend.\n",
		cmd);
	return 1;
}

/* Set by SIGINT, SIGTERM and SIGHUP during up: wg-quick's trap, undo and exit. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Returns -EINTR (said once) when a signal asked up to stop. */
static int check_interrupted(void)
{
	if (!interrupted)
		return 0;
	quick_die("interrupted by signal %d; undoing", (int)interrupted);
	return -EINTR;
}

static int cmd_up_steps(struct quick *q)
{
	union uapi_sockaddr *eps = NULL;
	int ret;

	ret = resolve_endpoints(q, &eps);
	if (ret)
		return ret;
	ret = execute_hooks(q, WGCONF_PRE_UP);
	if (!ret)
		ret = check_interrupted();
	if (!ret)
		ret = add_if(q);
	if (!ret)
		ret = set_config(q, eps);
	free(eps);
	if (!ret)
		ret = set_bridge(q);
	for (size_t i = 0; !ret && i < q->conf.n_addresses; i++)
		ret = add_addr(q, &q->conf.addresses[i]);
	if (!ret)
		ret = set_mtu_up(q);
	if (!ret)
		ret = quick_set_dns(q);
	/* In L2 mode allowed IPs mean nothing (docs/l2.md): no routes. */
	if (!ret && !q->conf.tap)
		ret = add_routes(q);
	if (!ret)
		ret = check_interrupted();
	if (!ret)
		ret = execute_hooks(q, WGCONF_POST_UP);
	if (!ret)
		ret = check_interrupted();
	return ret;
}

int cmd_up(int argc, char **argv)
{
	struct quick q = {0};
	struct warren_rtnl_link link;
	int ret = 1;

	if (argc != 1 || !strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
	    !strcmp(argv[0], "--help"))
		return usage("up");
	if (read_config(&q, argv[0]))
		goto out;
	if (q.conf.table == WGCONF_TABLE_ID) {
		q.table = q.conf.table_id;
	} else if (q.conf.table == WGCONF_TABLE_NAME && table_lookup(q.conf.table_name, &q.table)) {
		quick_die(
		    "%s: Table `%s' is neither a number nor a name in /etc/iproute2/rt_tables",
		    q.config_file, q.conf.table_name);
		goto out;
	}
	if (!warren_rtnl_link_get(q.rtnl, q.ifname, &link) || uapi_alive(q.ifname)) {
		quick_die("`%s' already exists", q.ifname);
		goto out;
	}
	{
		struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};

		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	if (cmd_up_steps(&q)) {
		if (q.have_if)
			del_if(&q);
		goto out;
	}
	ret = 0;
out:
	quick_free(&q);
	return ret;
}

int cmd_down(int argc, char **argv)
{
	struct quick q = {0};
	int ret = 1;

	if (argc != 1 || !strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
	    !strcmp(argv[0], "--help"))
		return usage("down");
	if (read_config(&q, argv[0]))
		goto out;
	if (!uapi_alive(q.ifname)) {
		quick_die("`%s' is not a WireGuard interface", q.ifname);
		goto out;
	}
	q.ifindex = warren_rtnl_ifindex(q.rtnl, q.ifname);
	if (execute_hooks(&q, WGCONF_PRE_DOWN))
		goto out;
	if (q.conf.save_config && quick_save_config(&q))
		goto out;
	q.have_set_dns = q.have_set_firewall = true;
	del_if(&q);
	if (execute_hooks(&q, WGCONF_POST_DOWN))
		goto out;
	ret = 0;
out:
	quick_free(&q);
	return ret;
}
