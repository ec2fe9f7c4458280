/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared state and steps of `warren up` and `warren down` (up.c, which
 * orders them and undoes them), split by concept: running programs and
 * reporting steps (quick_exec.c), the daemon and its UAPI
 * (quick_daemon.c), the device's addresses, MTU and bridge
 * (quick_link.c), routes and rules (quick_route.c), DNS (quick_dns.c), the
 * firewall (quick_firewall.c) and SaveConfig (quick_save.c). Named after
 * wg-quick, whose steps they are. Every step that fails has said why on
 * stderr ("warren: ...") before it returns -errno.
 */
#ifndef WARREN_CLI_QUICK_H
#define WARREN_CLI_QUICK_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "core/uapi_text.h"
#include "core/wgconf.h"

struct warren_rtnl;

struct quick {
	char ifname[IFNAMSIZ];
	char *config_file; /* resolved path */
	struct wgconf conf;
	uint32_t table; /* Table = number or name, resolved */
	struct warren_rtnl *rtnl;
	int ifindex;
	/* up, from set_config on: each peer's Endpoint as set (n_peers), else NULL */
	const union sockaddr_inet *eps;

	/* what up has done, for del_if() */
	bool have_if;
	bool have_set_dns;
	bool have_set_firewall;
	uint32_t rules_table; /* the fwmark table of add_default()'s rules, 0: none */
};

/*
 * The signal (SIGINT, SIGTERM, SIGHUP) that asked `up' to stop, or 0: set
 * by up's handler. Every step that may take long looks at it between its
 * parts (each route, each endpoint's MTU) or waits in a way it ends (a
 * hook), and then returns -EINTR, so that up undoes itself at once.
 * (quick_exec.c)
 */
extern volatile sig_atomic_t quick_interrupted;

/*
 * wg-quick's parse_options(): finds the config of @arg (CONFIG_FILE or
 * INTERFACE), warns when others may read it, reads it into q->conf and
 * opens q->rtnl. 0 or -errno, reported. (up.c)
 */
int quick_read_config(struct quick *q, const char *arg);

/* Frees what quick_read_config() made. (up.c) */
void quick_free(struct quick *q);

/*
 * Sets q->table from the config's Table: a number, or a name in iproute2's
 * rt_tables. Returns 0, or -ENOENT after saying which line names what. (up.c)
 */
int quick_resolve_table(struct quick *q);

/* wg-quick's cmd(): "[#] WHAT" on stderr, the equivalent command. */
void quick_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* wg-quick's die() without the exit: "warren: WHAT" on stderr. */
void quick_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Runs @argv (searched on PATH) with @input (may be NULL) on its stdin;
 * its stdout and stderr are ours, or /dev/null when @quiet. Returns its
 * exit status (128 + N for signal N), or -errno if it could not start.
 */
int quick_run(char *const argv[], const char *input, bool quiet);

/*
 * A PreUp/PostUp/PreDown/PostDown hook: quick_run() in a process group of
 * its own, which gets the signal that set quick_interrupted when one comes
 * (and SIGKILL a second later if it is still there).
 */
int quick_run_hook(char *const argv[]);

/* True when @prog is an executable on PATH (or a path to one). */
bool quick_have_program(const char *prog);

/* inet_ntop() into @buf of INET6_ADDRSTRLEN bytes; returns @buf. */
const char *quick_ip_str(char *buf, int family, const void *addr);

/*
 * wg-quick's add_if(): starts the daemon (Mode = tap through its
 * WARREN_MODE) and waits for its socket and device; sets q->have_if once
 * the daemon is started, q->ifindex once the device is there.
 */
int quick_add_if(struct quick *q);

/*
 * Deletes the device, which makes its daemon exit, and waits for the
 * daemon's socket to go (removing it when stale), so that a `warren up'
 * right after finds the name free. Clears q->have_if.
 */
int quick_del_device(struct quick *q);

/*
 * Each peer's Endpoint as wg resolves it (getaddrinfo, the first answer;
 * temporary failures tried again as $WG_ENDPOINT_RESOLUTION_RETRIES says),
 * into *@out, a new array of q->conf.n_peers entries (free() it): done
 * before anything is made, so that an unknown name fails cleanly with
 * "FILE:LINE: reason: `HOST:PORT'". -EINTR when a signal ended a wait.
 */
int quick_resolve_endpoints(struct quick *q, union sockaddr_inet **out);

/*
 * One getaddrinfo() of @e's host and port, the first IPv4 or IPv6 answer
 * into @out. Returns 0 or getaddrinfo()'s EAI_* code (EAI_ADDRFAMILY for
 * an answer of another family).
 */
int quick_resolve(const struct wgconf_endpoint *e, union sockaddr_inet *out);

/* wg-quick's set_config(): `wg setconf` through the UAPI, with @eps resolved. */
int quick_set_config(struct quick *q, const union sockaddr_inet *eps);

/* The device's state from its daemon (uapi_get()); a failure is reported. */
int quick_get_device(struct quick *q, struct uapi_device *dev);

/* wg-quick's add_addr() for each Address, without a broadcast address. */
int quick_add_addresses(struct quick *q);

/*
 * wg-quick's set_mtu_up(): MTU, or the largest MTU of the routes to the
 * peers' endpoints (else the default route's, else 1500) minus the
 * tunnel's overhead; then the link goes up.
 */
int quick_set_mtu_up(struct quick *q);

/*
 * `warren reload': the config's addresses the link lacks are added, the
 * link's global addresses the config lacks are deleted; counted.
 */
int quick_sync_addresses(struct quick *q, unsigned int *added, unsigned int *removed);

/* `warren reload': the MTU up would set, set if the link's differs. */
int quick_sync_mtu(struct quick *q, unsigned int *old_mtu, unsigned int *new_mtu);

/* Bridge = BR: the device joins that existing Linux bridge (L2 mode). */
int quick_set_bridge(struct quick *q);

/*
 * wg-quick's add_route() for every allowed IP of the config (what the
 * daemon holds once set_config is done), longest prefix first; a /0 with
 * Table = auto is add_default(): a fwmark table, its two rules (recorded in
 * q->rules_table) and quick_add_firewall(). O(n log n) in allowed IPs;
 * -EINTR between two routes when quick_interrupted is set.
 */
int quick_add_routes(struct quick *q);

/*
 * `warren reload': routes (as quick_add_routes() makes them) for the
 * allowed IPs that @after holds and @before did not, and the routes of
 * those @before held and @after does not deleted, with a default route's
 * rules (and firewall) once no /0 needs them. Counted.
 */
int quick_sync_routes(struct quick *q, const struct uapi_device *before,
		      const struct uapi_device *after, unsigned int *added, unsigned int *removed);

/*
 * `down': sets q->rules_table to the device's fwmark when Table is auto and
 * the daemon holds a /0, i.e. when add_default() made rules.
 */
void quick_find_default_rules(struct quick *q);

/*
 * wg-quick's del_if() for the rules of q->rules_table, if any: every rule
 * that looks up that table and every `lookup main suppress_prefixlength 0',
 * in both families. Clears q->rules_table.
 */
void quick_del_default_rules(struct quick *q);

/*
 * What an earlier instance of q->ifname left when it was killed (kill -9 of
 * the daemon and of `up --foreground'; the device went with the daemon):
 * a stale socket, the nftables tables "wg-quick-IFNAME", and the rules of
 * add_default() whose fwmark table is empty (their routes went with the
 * device), removed with wg-quick's lines. For @down only if the socket or
 * the tables show that this interface was up, and then its DNS entry too.
 * Returns how many things were removed.
 */
unsigned int quick_clean_leftovers(struct quick *q, bool down);

/*
 * wg-quick's set_dns(): DNS servers and search domains through
 * `resolvconf -a IF -m 0 -x`, or a warning when resolvconf(8) is missing.
 * Sets q->have_set_dns. 0 or -errno, reported.
 */
int quick_set_dns(struct quick *q);

/* wg-quick's unset_dns(): `resolvconf -d IF -f`, when DNS servers are set. */
void quick_unset_dns(struct quick *q);

/*
 * wg-quick's firewall for a default route through fwmark @table: for
 * AF_INET net.ipv4.conf.all.src_valid_mark=1, and with nft(8) the table
 * "ip|ip6 wg-quick-IFNAME" (warns without nft; iptables is not used). Sets
 * q->have_set_firewall.
 */
void quick_add_firewall(struct quick *q, int family, uint32_t table);

/*
 * Which of the nftables tables "ip wg-quick-IFNAME" (bit 0) and "ip6
 * wg-quick-IFNAME" (bit 1) exist; 0 without nft.
 */
unsigned int quick_firewall_tables(struct quick *q);

/* wg-quick's remove_firewall(): deletes those tables; returns how many. */
unsigned int quick_remove_firewall(struct quick *q);

/*
 * wg-quick's save_config(): rewrites q->config_file (mode 0600, through
 * FILE.tmp, synced and renamed) from the device's state. 0 or -errno,
 * reported.
 */
int quick_save_config(struct quick *q);

#endif
