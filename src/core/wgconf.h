/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The WireGuard configuration file: the format of `wg setconf` and its
 * superset read by wg-quick(8), parsed line by line into a plain struct.
 *
 * The rules are those of the reference tools, so that every file they accept
 * is accepted here unchanged:
 * - '#' starts a comment anywhere on a line; section headers and key names
 *   are case-insensitive; a line may end in CR.
 * - Keys of `wg setconf` (PrivateKey, ListenPort, FwMark; PublicKey,
 *   PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive) are read with
 *   all whitespace removed, as wg does ("Listen Port = 51 820" is port 51820).
 * - Keys of wg-quick (Address, DNS, MTU, Table, PreUp, PostUp, PreDown,
 *   PostDown, SaveConfig) count only in a section written exactly
 *   "[Interface]" (any case); their values are trimmed, and Address and DNS
 *   are lists split at commas and whitespace. Hook commands keep everything
 *   after the first '=' of the line, '#' included, as current wg-quick does.
 *
 * Where warren is stricter than wg, the value would have been silently
 * mangled there: ports above 65535 (wg truncates them) are refused, ports
 * must be numbers (no /etc/services names), and a line holding a NUL or
 * another control character but whitespace is refused (wg ends a value
 * at a NUL: "ListenPort = 518<NUL>30" is port 518 there).
 *
 * Every error names the line it is about: the reader records the lines of
 * the values checked only later (an Endpoint's name, resolved by the
 * caller; a Table name, looked up in rt_tables).
 *
 * warren's L2 extensions (docs/l2.md), which stock tools do not know, are
 * read like wg-quick's keys (not under WGCONF_SETCONF, where they are
 * unknown lines as they are to wg): Mode, Bridge, MACAgeing and Hub in
 * "[Interface]", AllowedMACs and StaticMACs (comma-separated lists) in
 * "[Peer]".
 *
 * Errors read "FILE:LINE: what was expected: `offending value'".
 */
#ifndef WARREN_CORE_WGCONF_H
#define WARREN_CORE_WGCONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/key.h"
#include "core/mac.h"
#include "core/sockaddr.h"

/* An address with a prefix length: AllowedIPs, Address, DNS (cidr = max). */
struct wgconf_ip {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint8_t cidr;
};

/*
 * An Endpoint as written. A numeric host is converted into @addr; a name
 * (or a scoped IPv6 address) is left for the caller to resolve with
 * getaddrinfo(host, port) as wg does.
 */
struct wgconf_endpoint {
	char *host; /* without brackets */
	uint16_t port;
	bool numeric; /* @addr holds host:port */
	union sockaddr_inet addr;
};

/* An AllowedMACs entry (bits 1-48; host bits kept) or a StaticMACs one (48). */
struct wgconf_mac {
	uint8_t mac[MAC_LEN];
	uint8_t bits;
};

struct wgconf_peer {
	unsigned int line;	    /* of its [Peer] header, for messages */
	unsigned int endpoint_line; /* of its Endpoint, for a name that does not resolve */
	bool has_public_key;
	bool has_preshared_key;
	bool has_endpoint;
	bool has_persistent_keepalive;
	bool has_allowed_ips; /* an AllowedIPs line was present */
	uint8_t public_key[KEY_LEN];
	uint8_t preshared_key[KEY_LEN];
	struct wgconf_endpoint endpoint;
	uint16_t persistent_keepalive; /* seconds, 0 = off */
	struct wgconf_ip *allowed_ips; /* host bits cleared, as wg stores them */
	size_t n_allowed_ips;

	/* warren L2 extensions */
	struct wgconf_mac *allowed_macs;
	size_t n_allowed_macs;
	struct wgconf_mac *static_macs;
	size_t n_static_macs;
};

enum wgconf_table {
	WGCONF_TABLE_AUTO = 0, /* unset or "auto" */
	WGCONF_TABLE_OFF,
	WGCONF_TABLE_ID,   /* table_id */
	WGCONF_TABLE_NAME, /* table_name, from /etc/iproute2/rt_tables */
};

enum wgconf_hook {
	WGCONF_PRE_UP,
	WGCONF_POST_UP,
	WGCONF_PRE_DOWN,
	WGCONF_POST_DOWN,
	WGCONF_HOOK_COUNT,
};

/* The config key of @hook: "PreUp", "PostUp", "PreDown" or "PostDown". */
const char *wgconf_hook_key(enum wgconf_hook hook);

struct wgconf_strings {
	char **v;
	size_t n;
};

/* A User or Group value: a name of [A-Za-z0-9_.-] (not starting with '-') or a number. */
#define WGCONF_ID_MAX 64

struct wgconf {
	/* [Interface], wg setconf keys */
	bool has_private_key;
	bool has_listen_port;
	bool has_fwmark;
	uint8_t private_key[KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark; /* 0 = off */

	/* [Interface], wg-quick keys */
	struct wgconf_ip *addresses; /* as written, host bits kept */
	size_t n_addresses;
	struct wgconf_ip *dns; /* name servers */
	size_t n_dns;
	struct wgconf_strings dns_search; /* DNS entries that are not addresses */
	uint32_t mtu;			  /* 0 = unset: route MTU - 80 */
	enum wgconf_table table;
	uint32_t table_id;
	char *table_name;
	unsigned int table_line;			/* of Table, for a name not in rt_tables */
	struct wgconf_strings hooks[WGCONF_HOOK_COUNT]; /* in file order */
	bool save_config;

	/* [Interface], warren extensions: who warrend runs as (docs/security.md) */
	char user[WGCONF_ID_MAX];  /* User: a name or number, "" = root */
	char group[WGCONF_ID_MAX]; /* Group: "" = User's own */

	/* [Interface], warren L2 extensions */
	bool tap;		/* Mode = tap (false: tun, the default) */
	unsigned int mode_line; /* of Mode, 0 when unset: a running device's Mode is fixed */
	char bridge[16];	/* Bridge: "" = none */
	uint32_t mac_ageing;	/* MACAgeing seconds, 0 = unset (the daemon's 300) */
	bool has_hub;
	bool hub;
	bool has_clamp_mss; /* ClampMSS, tinc's name: on unless set to off */
	bool clamp_mss;

	struct wgconf_peer *peers;
	size_t n_peers;
};

enum wgconf_flags {
	/*
	 * Read the grammar of `wg setconf` only: wg-quick's keys are unknown
	 * lines, as they are to wg. Without it, the wg-quick superset.
	 */
	WGCONF_SETCONF = 1 << 0,
	/*
	 * wgconf_write() as wg-quick's SaveConfig writes: `wg showconf`'s
	 * text as $(...) leaves it, without the blank line that ends an
	 * [Interface] with no peers.
	 */
	WGCONF_SAVECONFIG = 1 << 1,
	/*
	 * With WGCONF_SETCONF: warren's L2 keys that are UAPI keys too (Mode,
	 * MACAgeing and Hub in [Interface], AllowedMACs and StaticMACs in
	 * [Peer]) are read and written as well; Bridge, which only `warren
	 * up` applies, stays unknown. The grammar of `warren setconf` and
	 * `warren showconf`: what `warren strip` leaves of an L2 config.
	 */
	WGCONF_L2 = 1 << 2,
};

/* Called for problems that are not errors (a host part in AllowedIPs). */
typedef void (*wgconf_warn_fn)(void *arg, const char *message);

struct wgconf_reader {
	struct wgconf *conf;
	const char *file;
	unsigned int flags;
	unsigned int line;
	int section; /* 0 none, 1 [Interface], 2 [Peer] */
	bool quick_section;
	wgconf_warn_fn warn;
	void *warn_arg;
	char error[512]; /* set when a call returns -EINVAL */
};

/*
 * Starts reading into @conf, which is zeroed. @file names the input in
 * messages (kept by reference). @warn may be NULL.
 */
void wgconf_read_init(struct wgconf_reader *r, struct wgconf *conf, const char *file,
		      unsigned int flags, wgconf_warn_fn warn, void *warn_arg);

/*
 * Reads one line: the @len bytes at @line (without or with its '\n'; no
 * NUL needed after them). A line holding a NUL or another control
 * character but whitespace is refused. Returns 0, -EINVAL with r->error
 * set, or -ENOMEM. After an error, @conf holds what was read so far and
 * must still be freed.
 */
int wgconf_read_line(struct wgconf_reader *r, const char *line, size_t len);

/* Checks the whole (every peer has a PublicKey). Returns 0 or -EINVAL. */
int wgconf_read_finish(struct wgconf_reader *r);

/*
 * Parses a whole text / file. On failure @conf is freed and @error (if
 * given) holds the message; for a file that cannot be read it is
 * "FILE: strerror". Returns 0 or -errno.
 */
int wgconf_read_string(struct wgconf *conf, const char *file, const char *text, size_t len,
		       unsigned int flags, char *error, size_t error_len);
int wgconf_read_file(struct wgconf *conf, const char *path, unsigned int flags, char *error,
		     size_t error_len);

/*
 * True when wg-quick would warn "`PATH' is world accessible": the file and
 * its directory share a permission bit for others. False if stat fails.
 */
bool wgconf_world_accessible(const char *path);

/*
 * wg-quick's CONFIG_FILE | INTERFACE argument: a bare interface name (1-15
 * of [A-Za-z0-9_=+.-]) stands for /etc/wireguard/NAME.conf, and a file
 * must be named NAME.conf after its interface. Sets *@path (malloc'd, the
 * caller frees it) and @ifname. Returns 0, -EINVAL with @error set, or
 * -ENOMEM. Whether the file exists is for the caller to find out.
 */
int wgconf_locate(const char *arg, char **path, char ifname[16], char *error, size_t error_len);

/*
 * Writes @conf in the format it is read in: wg-quick's keys first (as
 * wg-quick's SaveConfig writes them, one Address and one DNS entry per
 * line), then what `wg showconf` prints. With WGCONF_SETCONF only the
 * latter, as `wg-quick strip` would leave it; WGCONF_L2 adds the L2 keys
 * of that grammar (Mode, MACAgeing, Hub; AllowedMACs, StaticMACs). Reading the output back
 * gives the same configuration (ListenPort, FwMark and PersistentKeepalive
 * of 0 are left out, as wg does), and writing that again the same text.
 * Returns 0 or -EIO.
 */
int wgconf_write(const struct wgconf *conf, FILE *f, unsigned int flags);

/* Frees everything @conf owns and wipes its keys; accepts a zeroed conf. */
void wgconf_free(struct wgconf *conf);

#endif
