/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of `warren show` (show.c), one file per output: wg's pretty
 * text with warren's extras (show_pretty.c), wg's one-field and dump lines
 * (show_field.c), -j JSON (show_json.c) and Prometheus text
 * (show_metrics.c). Each borrows the devices it prints; none frees them.
 * The helpers below are shared by all of them and call nothing back.
 */
#ifndef WARREN_CLI_SHOW_H
#define WARREN_CLI_SHOW_H

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/key.h"
#include "core/mac.h"
#include "core/uapi_text.h"

/* One interface as read over its socket. */
struct show_device {
	const char *name; /* borrowed */
	struct uapi_device dev;
};

/* A public key in base64, in a static buffer that the next call reuses. */
static inline const char *show_key(const uint8_t key[KEY_LEN])
{
	static char buf[KEY_BASE64_LEN + 1];

	key_to_base64(buf, key);
	return buf;
}

static inline const char *show_ip(char buf[INET6_ADDRSTRLEN], const struct wgconf_ip *ip)
{
	return inet_ntop(ip->family, &ip->addr, buf, INET6_ADDRSTRLEN);
}

/* wg's order for its pretty text: the most recent handshake first, peers
 * without one last (glibc's qsort is stable for the ties, as wg relies on). */
static inline int show_peer_cmp(const void *a, const void *b)
{
	const struct uapi_peer *x = a, *y = b;
	bool xz = !x->last_handshake_sec && !x->last_handshake_nsec;
	bool yz = !y->last_handshake_sec && !y->last_handshake_nsec;

	if (xz != yz)
		return xz ? 1 : -1;
	if (x->last_handshake_sec != y->last_handshake_sec)
		return x->last_handshake_sec < y->last_handshake_sec ? 1 : -1;
	if (x->last_handshake_nsec != y->last_handshake_nsec)
		return x->last_handshake_nsec < y->last_handshake_nsec ? 1 : -1;
	return 0;
}

static inline void show_sort_peers(struct uapi_device *dev)
{
	if (dev->n_peers)
		qsort(dev->peers, dev->n_peers, sizeof(*dev->peers), show_peer_cmp);
}

/* A peer's `mac=MAC,AGE_MS,RX_FRAMES,TX_FRAMES[,static]` line (docs/l2.md). */
struct show_mac_line {
	char mac[MAC_TEXT_LEN];
	uint64_t age_ms, rx, tx;
	bool is_static;
};

/* The L2 extension's per-peer lists, shown apart from the other keys. */
static inline bool show_is_l2_list(const char *key)
{
	return !strcmp(key, "mac") || !strcmp(key, "allowed_mac");
}

static inline bool show_parse_mac_line(const char *value, struct show_mac_line *m)
{
	int end = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(value, "%17[0-9a-fA-F:],%" SCNu64 ",%" SCNu64 ",%" SCNu64 "%n", m->mac,
		   &m->age_ms, &m->rx, &m->tx, &end) != 4 ||
	    !end)
		return false;
	if (!strcmp(value + end, ",static"))
		m->is_static = true;
	else if (value[end])
		return false;
	return true;
}

/* wg show IFNAME: wg's layout, colours as WG_COLOR_MODE says, and the
 * daemon's extension keys after wg's fields. Sorts @dev's peers. */
void show_pretty(const char *name, struct uapi_device *dev);

/*
 * wg show IFNAME FIELD (public-key ... dump), byte for byte as wg prints
 * it, each line prefixed with "@name\t" when @with_interface (`all`). Peers
 * in the daemon's order, as wg leaves them. False for an unknown @field,
 * with nothing printed.
 */
bool show_field(const char *name, const struct uapi_device *dev, const char *field,
		bool with_interface);

/* True when @field is one of wg show's fields. */
bool show_field_is_known(const char *field);

/* One interface as a JSON object (docs/up.md). Sorts @dev's peers. */
void show_json(struct json_writer *jw, const char *name, struct uapi_device *dev);

/*
 * The counters of @n devices in Prometheus' text exposition format, every
 * family once with its # HELP and # TYPE lines, onto @out.
 */
void show_metrics(FILE *out, const struct show_device *devs, size_t n);

#endif
