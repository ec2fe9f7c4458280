/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text of the cross-platform userspace API (UAPI) as a client sees it:
 * the `set=1` request built from a wg-quick config, and the `get=1` reply
 * parsed into a plain struct (uapi_text.c); the requests of `wg setconf',
 * `addconf' and `syncconf', and a device's state as a config
 * (uapi_text_set.c). No I/O here; os/uapi_client.h carries the text over
 * the daemon's socket.
 *
 * The get reply is outside input: every line is checked for its key's type
 * before it is stored, and a reply that breaks the grammar is refused as a
 * whole (-EPROTO), as wg does. Keys this parser does not know (a daemon's
 * extensions, such as warrend's drop counters) are kept as strings, in
 * order, under the device or the peer they follow.
 */
#ifndef WARREN_CORE_UAPI_TEXT_H
#define WARREN_CORE_UAPI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/key.h"
#include "core/wgconf.h"

/* An unknown `key=value' line of a get reply. */
struct uapi_extra {
	char *key;
	char *value;
};

struct uapi_peer {
	uint8_t public_key[KEY_LEN];
	bool has_preshared_key; /* present and not all zero */
	uint8_t preshared_key[KEY_LEN];
	union sockaddr_inet endpoint;
	int64_t last_handshake_sec;
	int64_t last_handshake_nsec;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint16_t persistent_keepalive;
	struct wgconf_ip *allowed_ips; /* in the daemon's order */
	size_t n_allowed_ips;
	struct uapi_extra *extra;
	size_t n_extra;
};

struct uapi_device {
	bool has_private_key; /* present and not all zero */
	uint8_t private_key[KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark;
	struct uapi_peer *peers;
	size_t n_peers;
	struct uapi_extra *extra;
	size_t n_extra;
};

/*
 * Parses a whole get reply (@len bytes, up to and including its final empty
 * line) into @dev, which is zeroed first. Returns 0; -EPROTO for a reply that
 * breaks the grammar (a line without '=', a bad number, key, address, or no
 * final errno=); the daemon's error as -errno when it answered errno=N with
 * N != 0; or -ENOMEM. On failure @dev holds nothing.
 */
int uapi_text_parse_get(struct uapi_device *dev, const char *text, size_t len);

/* Frees what @dev owns and wipes its keys; accepts a zeroed struct. */
void uapi_device_free(struct uapi_device *dev);

/*
 * Writes the `set=1' request that makes a fresh device what @conf says, as
 * `wg setconf' would (replace_peers, each peer's allowed IPs replaced),
 * ending with the empty line. @endpoints[i] is peer i's endpoint, already
 * resolved (sa_family 0: none); @conf's own endpoint fields are not read.
 * Returns 0 or -EIO if @out fails.
 */
int uapi_text_write_set(FILE *out, const struct wgconf *conf, const union sockaddr_inet *endpoints);

/*
 * The device's state as a config: what `wg showconf` prints of it, and on
 * an L2 device (a get reply with mode=tap) warren's L2 keys too: Mode,
 * Hub, MACAgeing, each peer's AllowedMACs (allowed_mac=) and StaticMACs
 * (mac=...,static). Endpoints are written as wg prints them (getnameinfo,
 * numeric, with a %scope). @conf is zeroed first and owns copies: free it
 * with wgconf_free(). Returns 0 or -ENOMEM (then @conf holds nothing).
 */
int uapi_text_device_conf(const struct uapi_device *dev, struct wgconf *conf);

/* uapi_text_write_conf() flags. */
enum uapi_set_flags {
	/*
	 * `wg setconf': replace_peers=true, and PrivateKey, ListenPort and
	 * FwMark sent even when the file leaves them out (a zero key, 0,
	 * 0), as wg sends them. Without it `wg addconf': the file's keys
	 * only, added to the peers there are.
	 */
	UAPI_SET_REPLACE = 1 << 0,
};

/*
 * Writes the `set=1' request of `wg setconf' or `wg addconf' (@flags) for
 * @conf, L2 keys included when it has them; @endpoints as for
 * uapi_text_write_set(). Returns 0 or -EIO.
 */
int uapi_text_write_conf(FILE *out, const struct wgconf *conf, const union sockaddr_inet *endpoints,
			 unsigned int flags);

/* uapi_text_write_sync() flags. */
enum uapi_sync_flags {
	/* A config without FwMark leaves the device's (wg-quick set it for a /0). */
	UAPI_SYNC_KEEP_FWMARK = 1 << 0,
};

/* What uapi_text_write_sync() changes. */
struct uapi_sync_report {
	unsigned int device;	/* device keys changed (private key, port, fwmark, L2) */
	unsigned int added;	/* peers new to the device */
	unsigned int removed;	/* peers not in the config */
	unsigned int updated;	/* peers kept, with some key changed */
	unsigned int recreated; /* peers removed and added again: a static MAC went */
};

/*
 * `wg syncconf': writes the `set=1' request that takes the device from
 * @dev (its get reply) to @conf, with only the differences, so that a peer
 * whose keys are unchanged is not touched and keeps its session, counters
 * and handshake time. Peers not in @conf are removed; a kept peer gets a
 * line for each key that differs: its preshared key (none in @conf: a zero
 * one) and persistent keepalive (none: off), as current wg, its endpoint
 * when @conf has one, its allowed IPs (replaced when the set differs), its
 * AllowedMACs (replaced when the set differs) and StaticMACs (new ones
 * added; the UAPI cannot remove one, so a peer that lost one is removed
 * and added again). Device keys: PrivateKey (none: no key, as wg),
 * ListenPort (none: the port stays, where wg would pick a new random one),
 * FwMark (none: 0, or kept with UAPI_SYNC_KEEP_FWMARK), Hub and MACAgeing
 * (none: kept). Mode is not written: the caller checks it cannot change.
 * Fills @report (may be NULL). The request is "set=1\n\n" when nothing
 * differs. Returns 0, -ENOMEM or -EIO.
 */
int uapi_text_write_sync(FILE *out, const struct wgconf *conf, const union sockaddr_inet *endpoints,
			 const struct uapi_device *dev, unsigned int flags,
			 struct uapi_sync_report *report);

/* True when @dev's get reply says mode=tap (an L2 device, docs/l2.md). */
bool uapi_device_is_tap(const struct uapi_device *dev);

/*
 * Reads the errno=N line of a set reply. Returns 0 for errno=0, -N for
 * errno=N or errno=-N (wireguard-go answers negative values), -EPROTO for
 * anything else.
 */
int uapi_text_parse_errno(const char *text, size_t len);

/*
 * Formats @addr as wg does: "1.2.3.4:51820", "[fe80::1%eth0]:51820".
 * Returns @buf.
 */
char *uapi_text_endpoint(char *buf, size_t len, const union sockaddr_inet *addr);

#endif
