/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text of the cross-platform userspace API (UAPI) as a client sees it:
 * the `set=1` request built from a wg-quick config, and the `get=1` reply
 * parsed into a plain struct. No I/O here; os/uapi_client.h carries the
 * text over the daemon's socket.
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
