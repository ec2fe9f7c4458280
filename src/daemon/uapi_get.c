// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's get operation (uapi.h): the engine's configuration and
 * counters written as wireguard-go's device/uapi.go IpcGetOperation writes
 * them, plus warren's extensions (L2 state, drop counters). The text holds
 * the private key: it is grown without unwiped copies and wiped when freed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/key.h"
#include "core/mac.h"
#include "core/secret.h"
#include "daemon/uapi.h"
#include "os/loop.h"

bool uapi_buf_add(struct uapi_buf *buf, const char *s, size_t len)
{
	if (buf->failed)
		return false;
	if (buf->len + len + 1 > buf->cap) {
		size_t cap = buf->cap ? buf->cap * 2 : 4096;
		char *n;

		while (cap < buf->len + len + 1)
			cap *= 2;
		/* The text may hold private_key=: never realloc (it leaves an unwiped copy). */
		n = secret_realloc(buf->s, buf->cap, cap);
		if (!n) {
			buf->failed = true;
			return false;
		}
		buf->s = n;
		buf->cap = cap;
	}
	memcpy(buf->s + buf->len, s, len);
	buf->len += len;
	buf->s[buf->len] = '\0';
	return true;
}

void uapi_buf_free(struct uapi_buf *buf)
{
	secret_free(buf->s, buf->cap);
	memset(buf, 0, sizeof(*buf));
}

static void sb_addf(struct uapi_buf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_addf(struct uapi_buf *sb, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		sb->failed = true; /* no line of get is this long */
	else
		uapi_buf_add(sb, line, (size_t)n);
	secret_wipe(line, sizeof(line));
}

static void sb_key(struct uapi_buf *sb, const char *name, const uint8_t key[KEY_LEN])
{
	char hex[KEY_HEX_LEN + 1];

	key_to_hex(hex, key);
	sb_addf(sb, "%s=%s\n", name, hex);
	secret_wipe(hex, sizeof(hex));
}

static int get_allowedip(void *ctx, int family, const uint8_t *addr, uint8_t cidr)
{
	struct uapi_buf *sb = ctx;
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, text, sizeof(text)))
		return 0;
	sb_addf(sb, "allowed_ip=%s/%u\n", text, cidr);
	return 0;
}

static int get_allowedmac(void *ctx, const uint8_t *mac, uint8_t bits)
{
	char text[MAC_TEXT_LEN];

	mac_format(mac, text);
	sb_addf(ctx, "allowed_mac=%s/%u\n", text, bits);
	return 0;
}

/* One learned or static MAC: address, age in ms, frames from it, frames to it. */
static int get_mac(void *ctx, const struct engine_mac_info *info)
{
	char text[MAC_TEXT_LEN];

	mac_format(info->mac, text);
	sb_addf(ctx, "mac=%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "%s\n", text, info->age_ns / 1000000,
		info->rx_frames, info->tx_frames, info->is_static ? ",static" : "");
	return 0;
}

static void sb_endpoint(struct uapi_buf *sb, const union sockaddr_inet *ep)
{
	char text[INET6_ADDRSTRLEN];

	if (ep->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &ep->in4.sin_addr, text, sizeof(text));
		sb_addf(sb, "endpoint=%s:%u\n", text, ntohs(ep->in4.sin_port));
	} else if (ep->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &ep->in6.sin6_addr, text, sizeof(text));
		if (ep->in6.sin6_scope_id)
			sb_addf(sb, "endpoint=[%s%%%u]:%u\n", text, ep->in6.sin6_scope_id,
				ntohs(ep->in6.sin6_port));
		else
			sb_addf(sb, "endpoint=[%s]:%u\n", text, ntohs(ep->in6.sin6_port));
	}
}

static void emit_counter(void *arg, const char *key, uint64_t n)
{
	sb_addf(arg, "%s=%" PRIu64 "\n", key, n);
}

/* The device's lines: keys, L2 state, the drop counters. */
static void get_device(struct uapi_buf *sb, const struct engine *engine,
		       const struct uapi_hooks *hooks)
{
	uint8_t key[KEY_LEN];

	if (engine_get_private_key(engine, key))
		sb_key(sb, "private_key", key);
	secret_wipe(key, sizeof(key));
	if (engine_get_listen_port(engine))
		sb_addf(sb, "listen_port=%u\n", engine_get_listen_port(engine));
	if (engine_get_fwmark(engine))
		sb_addf(sb, "fwmark=%u\n", engine_get_fwmark(engine));
	if (engine_get_mode(engine) == ENGINE_MODE_L2) {
		/* warren extensions, only on L2 interfaces (docs/l2.md). */
		struct engine_l2_stats st;

		engine_l2_get_stats(engine, loop_now(), &st);
		sb_addf(sb, "mode=tap\nhub=%s\nmac_ageing=%" PRIu64 "\nclamp_mss=%s\n",
			engine_get_hub(engine) ? "true" : "false",
			(uint64_t)(engine_get_mac_ageing(engine) / 1000000000U),
			engine_get_clamp_mss(engine) ? "true" : "false");
		sb_addf(sb,
			"l2_flooded=%" PRIu64 "\nl2_flood_copies=%" PRIu64 "\nl2_forwarded=%" PRIu64
			"\nl2_macs=%" PRIu64 "\n",
			st.flooded, st.flood_copies, st.forwarded, st.macs);
		/* The MAC table's own counters (mactable.h), one l2_macs_ prefix for show. */
		sb_addf(sb,
			"l2_macs_local=%" PRIu64 "\nl2_macs_learned=%" PRIu64
			"\nl2_macs_moved=%" PRIu64 "\nl2_macs_expired=%" PRIu64
			"\nl2_macs_evicted=%" PRIu64 "\nl2_macs_ignored=%" PRIu64
			"\nl2_macs_refused=%" PRIu64 "\n",
			st.local_macs, st.learned, st.moved, st.expired, st.evicted, st.ignored,
			st.refused);
		/* What the MTU needs (docs/l2.md "MTU"). */
		sb_addf(sb, "l2_mss_clamped=%" PRIu64 "\nl2_fragmented=%" PRIu64 "\n",
			st.mss_clamped, st.fragmented);
	}
	for (int r = 0; r < ENGINE_DROP_COUNT; r++) {
		uint64_t n = engine_drops(engine, (enum engine_drop)r);

		if (n)
			sb_addf(sb, "drop_%s=%" PRIu64 "\n", engine_drop_name((enum engine_drop)r),
				n);
	}
	if (hooks && hooks->counters)
		hooks->counters(hooks->ctx, emit_counter, sb);
}

static void get_peer(struct uapi_buf *sb, const struct engine *engine, const struct peer *peer,
		     struct engine_peer_info *info)
{
	engine_peer_get_info(peer, info);
	sb_key(sb, "public_key", info->public_key);
	sb_key(sb, "preshared_key", info->preshared_key);
	sb_addf(sb, "protocol_version=1\n");
	sb_endpoint(sb, &info->endpoint);
	sb_addf(sb,
		"last_handshake_time_sec=%" PRIu64 "\n"
		"last_handshake_time_nsec=%" PRIu32 "\n"
		"tx_bytes=%" PRIu64 "\n"
		"rx_bytes=%" PRIu64 "\n"
		"persistent_keepalive_interval=%u\n",
		info->last_handshake_sec, info->last_handshake_nsec, info->tx_bytes, info->rx_bytes,
		info->persistent_keepalive_interval);
	engine_peer_allowedips_walk(engine, peer, get_allowedip, sb);
	engine_peer_allowedmacs_walk(engine, peer, get_allowedmac, sb);
	engine_peer_macs_walk(engine, peer, loop_now(), get_mac, sb);
	for (int r = 0; r < ENGINE_DROP_COUNT; r++)
		if (info->drops[r])
			sb_addf(sb, "drop_%s=%" PRIu64 "\n", engine_drop_name((enum engine_drop)r),
				info->drops[r]);
	secret_wipe(info, sizeof(*info));
}

void uapi_get_begin(struct uapi_get *get, const struct engine *engine,
		    const struct uapi_hooks *hooks)
{
	memset(get, 0, sizeof(*get));
	get->engine = engine;
	get->hooks = hooks;
}

int uapi_get_next(struct uapi_get *get, struct uapi_buf *buf, size_t max)
{
	struct engine_peer_info info;

	if (!get->started) {
		get_device(buf, get->engine, get->hooks);
		get->next = engine_peer_first(get->engine);
		get->started = true;
	}
	while (get->next && buf->len < max && !buf->failed) {
		get_peer(buf, get->engine, get->next, &info);
		get->next = engine_peer_next(get->next);
	}
	if (buf->failed)
		return -ENOMEM;
	return get->next ? 0 : 1;
}

int uapi_get_text(const struct engine *engine, const struct uapi_hooks *hooks, char **text,
		  size_t *len)
{
	struct uapi_buf sb = {0};
	struct uapi_get get;
	int ret;

	uapi_get_begin(&get, engine, hooks);
	do
		ret = uapi_get_next(&get, &sb, SIZE_MAX);
	while (!ret);
	if (ret < 0 || !uapi_buf_add(&sb, "", 0)) {
		uapi_buf_free(&sb);
		return -ENOMEM;
	}
	*text = sb.s;
	*len = sb.len;
	return 0;
}
