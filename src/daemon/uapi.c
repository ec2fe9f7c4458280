// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI: the set parser, the get writer and the socket server.
 * Behaviour follows wireguard-go's device/uapi.go and ipc/uapi_*.go.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/key.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/mac.h"
#include "daemon/uapi.h"
#include "os/loop.h"

/* ---- values, as Go's strconv and net/netip parse them ---- */

/* strconv.ParseUint(s, 10, bits): digits only, no sign, no space, not empty. */
static int parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Copies @len bytes of @s into @buf as a C string; -EINVAL if too long or holding a NUL. */
static int copy_value(char *buf, size_t size, const char *s, size_t len)
{
	if (len >= size || memchr(s, '\0', len))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

/* netip.ParseAddr without a zone: dotted quad or IPv6 text. */
static int parse_ip(const char *s, int *family, uint8_t addr[16])
{
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, addr) != 1)
			return -EINVAL;
		*family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, s, addr) != 1)
		return -EINVAL;
	*family = AF_INET;
	return 0;
}

/*
 * netip.ParsePrefix: ADDR/BITS, no zone, BITS in decimal digits (leading
 * zeros accepted, as by the Debian wireguard-go that the tests compare with).
 */
static int parse_prefix(const char *s, size_t len, int *family, uint8_t addr[16], uint8_t *cidr)
{
	char buf[64];
	char *slash;
	uint64_t bits;
	size_t blen;

	if (copy_value(buf, sizeof(buf), s, len))
		return -EINVAL;
	slash = strrchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	blen = strlen(slash + 1);
	if (parse_uint(slash + 1, blen, 128, &bits))
		return -EINVAL;
	if (parse_ip(buf, family, addr))
		return -EINVAL;
	if (bits > (*family == AF_INET ? 32u : 128u))
		return -EINVAL;
	*cidr = (uint8_t)bits;
	return 0;
}

/* netip.ParseAddrPort: A.B.C.D:PORT or [IPV6(%ZONE)]:PORT. */
static int parse_endpoint(const char *s, size_t len, union pktbuf_addr *ep)
{
	char buf[96];
	char *colon, *host, *zone;
	uint64_t port;
	uint8_t addr[16];
	int family;

	if (copy_value(buf, sizeof(buf), s, len))
		return -EINVAL;
	colon = strrchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (parse_uint(colon + 1, strlen(colon + 1), UINT16_MAX, &port))
		return -EINVAL;
	host = buf;
	memset(ep, 0, sizeof(*ep));
	if (host[0] == '[') {
		size_t hlen = strlen(host);

		if (hlen < 2 || host[hlen - 1] != ']')
			return -EINVAL;
		host[hlen - 1] = '\0';
		host++;
		zone = strchr(host, '%');
		if (zone)
			*zone++ = '\0';
		if (zone && !*zone)
			return -EINVAL;
		if (inet_pton(AF_INET6, host, addr) != 1)
			return -EINVAL;
		ep->in6.sin6_family = AF_INET6;
		memcpy(&ep->in6.sin6_addr, addr, 16);
		ep->in6.sin6_port = htons((uint16_t)port);
		if (zone) {
			uint64_t id;

			if (!parse_uint(zone, strlen(zone), UINT32_MAX, &id))
				ep->in6.sin6_scope_id = (uint32_t)id;
			else
				ep->in6.sin6_scope_id = if_nametoindex(zone);
		}
		return 0;
	}
	if (parse_ip(host, &family, addr) || family != AF_INET)
		return -EINVAL;
	ep->in4.sin_family = AF_INET;
	memcpy(&ep->in4.sin_addr, addr, 4);
	ep->in4.sin_port = htons((uint16_t)port);
	return 0;
}

static int parse_key(uint8_t key[KEY_LEN], const char *s, size_t len)
{
	char buf[KEY_HEX_LEN + 1];

	int ret;

	if (len != KEY_HEX_LEN || copy_value(buf, sizeof(buf), s, len))
		return -EINVAL;
	ret = key_from_hex(key, buf);
	OPENSSL_cleanse(buf, sizeof(buf));
	return ret;
}

static bool value_is(const char *v, size_t len, const char *want)
{
	return len == strlen(want) && !memcmp(v, want, len);
}

static bool key_is(const char *k, size_t len, const char *want)
{
	return value_is(k, len, want);
}

/* ---- set ---- */

void uapi_set_begin(struct uapi_set *set, struct engine *engine, struct engine_output *out,
		    const struct uapi_hooks *hooks)
{
	memset(set, 0, sizeof(*set));
	set->engine = engine;
	set->out = out;
	set->hooks = hooks;
}

static struct engine_time set_now(const struct uapi_set *set)
{
	struct engine_time t = {0, 0};

	if (set->hooks && set->hooks->now)
		return set->hooks->now(set->hooks->ctx);
	return t;
}

/*
 * The end of one peer's lines (wireguard-go's handlePostConfig): a
 * keepalive interval that was turned on is applied now, which sends a
 * keepalive (and with it any staged packets, or a handshake); staged
 * packets go now (or a handshake starts), not on the retransmit timer,
 * so a peer just given an endpoint gets them at once.
 */
static void peer_done(struct uapi_set *set)
{
	if (set->peer && set->keepalive_on)
		engine_peer_set_keepalive(set->engine, set->peer, set->keepalive, set_now(set),
					  set->out);
	if (set->peer)
		engine_peer_send_staged(set->engine, set->peer, set_now(set), set->out);
	set->peer = NULL;
	set->dummy = false;
	set->created = false;
	set->keepalive_on = false;
}

static int device_line(struct uapi_set *set, const char *k, size_t klen, const char *v, size_t vlen)
{
	uint64_t n;
	int err;

	if (key_is(k, klen, "private_key")) {
		uint8_t key[KEY_LEN];

		if (parse_key(key, v, vlen))
			return -EINVAL;
		err = engine_set_private_key(set->engine, key_is_zero(key) ? NULL : key);
		OPENSSL_cleanse(key, sizeof(key));
		return err ? -EINVAL : 0;
	}
	if (key_is(k, klen, "listen_port")) {
		if (parse_uint(v, vlen, UINT16_MAX, &n))
			return -EINVAL;
		if (set->hooks && set->hooks->set_listen_port) {
			if (set->hooks->set_listen_port(set->hooks->ctx, (uint16_t)n))
				return -EADDRINUSE;
		} else {
			engine_set_listen_port(set->engine, (uint16_t)n);
		}
		return 0;
	}
	if (key_is(k, klen, "fwmark")) {
		if (parse_uint(v, vlen, UINT32_MAX, &n))
			return -EINVAL;
		if (set->hooks && set->hooks->set_fwmark &&
		    set->hooks->set_fwmark(set->hooks->ctx, (uint32_t)n))
			return -EADDRINUSE;
		engine_set_fwmark(set->engine, (uint32_t)n);
		return 0;
	}
	if (key_is(k, klen, "replace_peers")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		engine_peers_clear(set->engine);
		return 0;
	}
	/* warren extensions (docs/l2.md). The mode is the device's kind: fixed. */
	if (key_is(k, klen, "mode")) {
		enum engine_mode want;

		if (value_is(v, vlen, "tap"))
			want = ENGINE_MODE_L2;
		else if (value_is(v, vlen, "tun"))
			want = ENGINE_MODE_L3;
		else
			return -EINVAL;
		return want == engine_get_mode(set->engine) ? 0 : -EINVAL;
	}
	if (key_is(k, klen, "hub")) {
		if (!value_is(v, vlen, "true") && !value_is(v, vlen, "false"))
			return -EINVAL;
		engine_set_hub(set->engine, value_is(v, vlen, "true"));
		return 0;
	}
	if (key_is(k, klen, "mac_ageing")) {
		if (parse_uint(v, vlen, UINT32_MAX, &n) || !n)
			return -EINVAL;
		return engine_set_mac_ageing(set->engine, n * 1000000000ULL) ? -EINVAL : 0;
	}
	return -EINVAL;
}

static int public_key_line(struct uapi_set *set, const char *v, size_t vlen)
{
	uint8_t key[KEY_LEN], own[KEY_LEN];
	struct peer *peer;
	int err;

	peer_done(set);
	if (parse_key(key, v, vlen))
		return -EINVAL;
	if (engine_get_public_key(set->engine, own) && !CRYPTO_memcmp(own, key, KEY_LEN)) {
		/* Our own key: accepted and ignored, as wireguard-go does. */
		set->dummy = true;
		return 0;
	}
	peer = engine_peer_lookup(set->engine, key);
	if (!peer) {
		err = engine_peer_add(set->engine, key, &peer);
		if (err)
			return -EINVAL;
		set->created = true;
	}
	set->peer = peer;
	return 0;
}

static int peer_line(struct uapi_set *set, const char *k, size_t klen, const char *v, size_t vlen)
{
	uint64_t n;

	if (key_is(k, klen, "update_only")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		if (set->created && set->peer) {
			engine_peer_remove(set->engine, set->peer);
			set->peer = NULL;
			set->dummy = true;
		}
		return 0;
	}
	if (key_is(k, klen, "remove")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		if (set->peer)
			engine_peer_remove(set->engine, set->peer);
		set->peer = NULL;
		set->dummy = true;
		set->keepalive_on = false;
		return 0;
	}
	/* warren extensions (docs/l2.md). */
	if (key_is(k, klen, "replace_allowed_macs")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		if (set->peer)
			engine_peer_allowedmacs_clear(set->engine, set->peer);
		return 0;
	}
	if (key_is(k, klen, "allowed_mac") || key_is(k, klen, "static_mac")) {
		bool allowed = key_is(k, klen, "allowed_mac");
		char text[MAC_TEXT_LEN + 3];
		uint8_t mac[MAC_LEN], bits;

		if (copy_value(text, sizeof(text), v, vlen) ||
		    mac_parse(text, mac, allowed ? &bits : NULL))
			return -EINVAL;
		if (!set->peer)
			return 0;
		if (allowed)
			return engine_peer_allowedmac_add(set->engine, set->peer, mac, bits)
				   ? -EINVAL
				   : 0;
		return engine_peer_mac_add_static(set->engine, set->peer, mac) ? -EINVAL : 0;
	}
	if (key_is(k, klen, "preshared_key")) {
		uint8_t psk[KEY_LEN];

		if (parse_key(psk, v, vlen))
			return -EINVAL;
		if (set->peer)
			engine_peer_set_psk(set->engine, set->peer, psk);
		OPENSSL_cleanse(psk, sizeof(psk));
		return 0;
	}
	if (key_is(k, klen, "endpoint")) {
		union pktbuf_addr ep;

		if (parse_endpoint(v, vlen, &ep))
			return -EINVAL;
		if (set->peer && engine_peer_set_endpoint(set->engine, set->peer, &ep))
			return -EINVAL;
		return 0;
	}
	if (key_is(k, klen, "persistent_keepalive_interval")) {
		struct engine_peer_info info;

		if (parse_uint(v, vlen, UINT16_MAX, &n))
			return -EINVAL;
		if (!set->peer)
			return 0;
		engine_peer_get_info(set->peer, &info);
		if (set->keepalive_on || (!info.persistent_keepalive_interval && n)) {
			/* Turned on: applied with its keepalive when the peer's lines end. */
			set->keepalive_on = n != 0;
			set->keepalive = (uint16_t)n;
			if (!n)
				engine_peer_set_keepalive(set->engine, set->peer, 0, set_now(set),
							  set->out);
		} else {
			engine_peer_set_keepalive(set->engine, set->peer, (uint16_t)n, set_now(set),
						  set->out);
		}
		return 0;
	}
	if (key_is(k, klen, "replace_allowed_ips")) {
		if (!value_is(v, vlen, "true"))
			return -EINVAL;
		if (set->peer)
			engine_peer_allowedips_clear(set->engine, set->peer);
		return 0;
	}
	if (key_is(k, klen, "allowed_ip")) {
		bool add = true;
		uint8_t addr[16];
		uint8_t cidr;
		int family;

		if (vlen && v[0] == '-') {
			add = false;
			v++;
			vlen--;
		}
		if (parse_prefix(v, vlen, &family, addr, &cidr))
			return -EINVAL;
		if (!set->peer)
			return 0;
		if (add) {
			if (engine_peer_allowedip_add(set->engine, set->peer, family, addr, cidr))
				return -EINVAL;
		} else {
			/* Removing a prefix this peer does not hold is not an error. */
			engine_peer_allowedip_remove(set->engine, set->peer, family, addr, cidr);
		}
		return 0;
	}
	if (key_is(k, klen, "protocol_version")) {
		if (!value_is(v, vlen, "1"))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int uapi_set_line(struct uapi_set *set, const char *line, size_t len)
{
	const char *eq;
	size_t klen;
	int err;

	/* bufio.ScanLines drops one '\r' before the newline. */
	if (len && line[len - 1] == '\r')
		len--;
	if (!len) {
		peer_done(set);
		return 1;
	}
	eq = memchr(line, '=', len);
	if (!eq)
		return -EPROTO;
	klen = (size_t)(eq - line);
	if (key_is(line, klen, "public_key")) {
		set->in_peers = true;
		return public_key_line(set, eq + 1, len - klen - 1);
	}
	if (!set->in_peers)
		err = device_line(set, line, klen, eq + 1, len - klen - 1);
	else
		err = peer_line(set, line, klen, eq + 1, len - klen - 1);
	return err;
}

void uapi_set_end(struct uapi_set *set)
{
	peer_done(set);
}

int uapi_set_text(struct engine *engine, struct engine_output *out, const struct uapi_hooks *hooks,
		  const char *text, size_t len)
{
	struct uapi_set set;
	size_t off = 0;

	uapi_set_begin(&set, engine, out, hooks);
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - (text + off)) : len - off;
		int ret;

		if (llen > UAPI_LINE_MAX)
			return -EIO;
		ret = uapi_set_line(&set, text + off, llen);
		if (ret == 1)
			return 0;
		if (ret < 0)
			return ret;
		off += llen + (nl ? 1 : 0);
	}
	uapi_set_end(&set);
	return 0;
}

/* ---- get ---- */

struct strbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->failed)
		return;
	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->s + sb->len, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->failed = true;
			return;
		}
		if ((size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		size_t cap = sb->cap * 2 + (size_t)n + 1;
		/* The text holds private_key=: never realloc (it leaves an unwiped copy). */
		char *s = secret_realloc(sb->s, sb->cap, cap);

		if (!s) {
			sb->failed = true;
			return;
		}
		sb->s = s;
		sb->cap = cap;
	}
}

static void sb_key(struct strbuf *sb, const char *name, const uint8_t key[KEY_LEN])
{
	char hex[KEY_HEX_LEN + 1];

	key_to_hex(hex, key);
	sb_addf(sb, "%s=%s\n", name, hex);
	OPENSSL_cleanse(hex, sizeof(hex));
}

static int get_allowedip(void *ctx, int family, const uint8_t *addr, uint8_t cidr)
{
	struct strbuf *sb = ctx;
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

static void sb_endpoint(struct strbuf *sb, const union pktbuf_addr *ep)
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

int uapi_get_text(const struct engine *engine, const struct uapi_hooks *hooks, char **text,
		  size_t *len)
{
	struct strbuf sb = {.s = malloc(4096), .cap = 4096};
	struct engine_peer_info *info;
	uint8_t key[KEY_LEN];
	const struct peer *peer;

	info = malloc(sizeof(*info));
	if (!sb.s || !info)
		goto err_mem;
	sb.s[0] = '\0';
	if (engine_get_private_key(engine, key))
		sb_key(&sb, "private_key", key);
	OPENSSL_cleanse(key, sizeof(key));
	if (engine_get_listen_port(engine))
		sb_addf(&sb, "listen_port=%u\n", engine_get_listen_port(engine));
	if (engine_get_fwmark(engine))
		sb_addf(&sb, "fwmark=%u\n", engine_get_fwmark(engine));
	if (engine_get_mode(engine) == ENGINE_MODE_L2) {
		/* warren extensions, only on L2 interfaces (docs/l2.md). */
		struct engine_l2_stats st;

		engine_l2_get_stats(engine, loop_now(), &st);
		sb_addf(&sb, "mode=tap\nhub=%s\nmac_ageing=%" PRIu64 "\n",
			engine_get_hub(engine) ? "true" : "false",
			(uint64_t)(engine_get_mac_ageing(engine) / 1000000000U));
		sb_addf(&sb,
			"l2_flooded=%" PRIu64 "\nl2_flood_copies=%" PRIu64 "\nl2_forwarded=%" PRIu64
			"\nl2_macs=%" PRIu64 "\n",
			st.flooded, st.flood_copies, st.forwarded, st.macs);
		/* The MAC table's own counters (mactable.h), one l2_macs_ prefix for show. */
		sb_addf(&sb,
			"l2_macs_local=%" PRIu64 "\nl2_macs_learned=%" PRIu64
			"\nl2_macs_moved=%" PRIu64 "\nl2_macs_expired=%" PRIu64
			"\nl2_macs_evicted=%" PRIu64 "\nl2_macs_ignored=%" PRIu64
			"\nl2_macs_refused=%" PRIu64 "\n",
			st.local_macs, st.learned, st.moved, st.expired, st.evicted, st.ignored,
			st.refused);
	}
	for (int r = 0; r < ENGINE_DROP_COUNT; r++) {
		uint64_t n = engine_drops(engine, (enum engine_drop)r);

		if (n)
			sb_addf(&sb, "drop_%s=%" PRIu64 "\n", engine_drop_name((enum engine_drop)r),
				n);
	}
	if (hooks && hooks->counters)
		hooks->counters(hooks->ctx, emit_counter, &sb);
	for (peer = engine_peer_first(engine); peer; peer = engine_peer_next(peer)) {
		engine_peer_get_info(peer, info);
		sb_key(&sb, "public_key", info->public_key);
		sb_key(&sb, "preshared_key", info->preshared_key);
		sb_addf(&sb, "protocol_version=1\n");
		sb_endpoint(&sb, &info->endpoint);
		sb_addf(&sb,
			"last_handshake_time_sec=%" PRIu64 "\n"
			"last_handshake_time_nsec=%" PRIu32 "\n"
			"tx_bytes=%" PRIu64 "\n"
			"rx_bytes=%" PRIu64 "\n"
			"persistent_keepalive_interval=%u\n",
			info->last_handshake_sec, info->last_handshake_nsec, info->tx_bytes,
			info->rx_bytes, info->persistent_keepalive_interval);
		engine_peer_allowedips_walk(engine, peer, get_allowedip, &sb);
		engine_peer_allowedmacs_walk(engine, peer, get_allowedmac, &sb);
		engine_peer_macs_walk(engine, peer, loop_now(), get_mac, &sb);
		for (int r = 0; r < ENGINE_DROP_COUNT; r++)
			if (info->drops[r])
				sb_addf(&sb, "drop_%s=%" PRIu64 "\n",
					engine_drop_name((enum engine_drop)r), info->drops[r]);
	}
	OPENSSL_cleanse(info, sizeof(*info));
	free(info);
	info = NULL; /* err_mem frees it again */
	if (sb.failed)
		goto err_mem;
	*text = sb.s;
	*len = sb.len;
	return 0;

err_mem:
	free(info);
	if (sb.s)
		OPENSSL_cleanse(sb.s, sb.cap);
	free(sb.s);
	return -ENOMEM;
}

/* ---- the socket ---- */

static int socket_path(char path[sizeof(((struct sockaddr_un *)0)->sun_path)], const char *ifname)
{
	int n = snprintf(path, sizeof(((struct sockaddr_un *)0)->sun_path), "%s/%s.sock",
			 UAPI_SOCKET_DIR, ifname);

	if (n < 0 || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

int uapi_listen(const char *ifname)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	mode_t old_umask;
	int fd, probe, err;

	err = socket_path(sun.sun_path, ifname);
	if (err)
		return err;
	if (mkdir("/var/run", 0755) && errno != EEXIST)
		return -errno;
	if (mkdir(UAPI_SOCKET_DIR, 0755) && errno != EEXIST)
		return -errno;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old_umask = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		if (errno != EADDRINUSE)
			goto err_errno;
		/* A socket file exists: in use if someone accepts on it, else stale. */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0)
			goto err_errno;
		if (!connect(probe, (struct sockaddr *)&sun, sizeof(sun))) {
			close(probe);
			errno = EADDRINUSE;
			goto err_errno;
		}
		close(probe);
		if (unlink(sun.sun_path) && errno != ENOENT)
			goto err_errno;
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)))
			goto err_errno;
	}
	umask(old_umask);
	if (listen(fd, 128)) {
		err = -errno;
		unlink(sun.sun_path);
		close(fd);
		return err;
	}
	return fd;

err_errno:
	err = -errno;
	umask(old_umask);
	close(fd);
	return err;
}

enum conn_state {
	CONN_OP,	/* waiting for an operation line */
	CONN_GET_BLANK, /* "get=1" read, the empty line must follow */
	CONN_SET,	/* inside a set */
	CONN_CLOSING,	/* write what is left, then close */
};

struct uapi_conn {
	struct uapi_server *server;
	struct loop_watch watch;
	enum conn_state state;
	bool eof;
	/* The lines of the set being received, each with its '\n'; applied
	 * whole at its end. May hold keys: grown and freed wiped. */
	char *set_text;
	size_t set_len, set_cap;
	bool set_too_big; /* beyond UAPI_SET_MAX: the rest is read and dropped */
	char *in;	  /* UAPI_LINE_MAX + 1 bytes */
	size_t in_len;
	char *outbuf; /* pending answer bytes */
	size_t out_len, out_off;
	uint32_t events; /* what the watch asks for */
	size_t drained;	 /* input discarded after the last answer (CONN_CLOSING) */
};

enum {
	/*
	 * After its last answer a connection is closed only once the client
	 * has stopped sending (or this much more arrived): closing a unix
	 * socket with input unread resets the peer, whose write then fails
	 * before it reads the answer (a client still writing a too-long line).
	 */
	CONN_DRAIN_MAX = 1 << 20,
};

struct uapi_server {
	struct loop *loop;
	struct engine *engine;
	struct engine_output *out;
	const struct uapi_hooks *hooks;
	struct loop_watch listen_watch;
	int inotify_fd;
	/*
	 * An fd held in reserve (/dev/null; -1 if none): at EMFILE/ENFILE it is
	 * given up to accept and close the waiting connection, which otherwise
	 * keeps the listening socket readable and the loop spinning.
	 */
	int spare_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
	bool have_ino;
	struct uapi_conn *conns[UAPI_CONN_MAX];
};

static void set_text_free(struct uapi_conn *conn)
{
	secret_free(conn->set_text, conn->set_len);
	conn->set_text = NULL;
	conn->set_len = conn->set_cap = 0;
	conn->set_too_big = false;
}

static void conn_free(struct uapi_conn *conn)
{
	struct uapi_server *server = conn->server;

	for (int i = 0; i < UAPI_CONN_MAX; i++)
		if (server->conns[i] == conn)
			server->conns[i] = NULL;
	loop_del(server->loop, &conn->watch);
	close(conn->watch.fd);
	if (conn->in)
		OPENSSL_cleanse(conn->in, UAPI_LINE_MAX + 1);
	free(conn->in);
	set_text_free(conn);
	if (conn->outbuf)
		OPENSSL_cleanse(conn->outbuf, conn->out_len);
	free(conn->outbuf);
	free(conn);
}

/* Appends @len bytes to the pending answer; false when out of memory. */
static bool conn_queue(struct uapi_conn *conn, const char *s, size_t len)
{
	char *n;

	if (!len)
		return true;
	/* A get answer holds private_key=: grow without leaving unwiped copies. */
	n = secret_realloc(conn->outbuf, conn->out_len, conn->out_len + len);
	if (!n)
		return false;
	memcpy(n + conn->out_len, s, len);
	conn->outbuf = n;
	conn->out_len += len;
	return true;
}

static bool conn_errno(struct uapi_conn *conn, int err)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "errno=%d\n\n", err);

	return conn_queue(conn, line, (size_t)n);
}

static void changed(struct uapi_server *server)
{
	if (server->hooks && server->hooks->changed)
		server->hooks->changed(server->hooks->ctx);
}

/* Adds one line of a set body (and its '\n'); false when out of memory. */
static bool set_text_add(struct uapi_conn *conn, const char *line, size_t len)
{
	char *n;

	if (conn->set_too_big || conn->set_len + len + 1 > UAPI_SET_MAX) {
		set_text_free(conn);
		conn->set_too_big = true;
		return true;
	}
	if (conn->set_len + len + 1 > conn->set_cap) {
		/* Doubling: a long setconf grows in linear time. */
		size_t cap = conn->set_cap ? conn->set_cap * 2 : 4096;

		while (cap < conn->set_len + len + 1)
			cap *= 2;
		n = secret_realloc(conn->set_text, conn->set_len, cap);
		if (!n)
			return false;
		conn->set_text = n;
		conn->set_cap = cap;
	}
	memcpy(conn->set_text + conn->set_len, line, len);
	conn->set_text[conn->set_len + len] = '\n';
	conn->set_len += len + 1;
	return true;
}

/*
 * Applies the set received so far in one go and answers it, with @err
 * (-EIO: a line too long came next) unless the set itself failed first;
 * @more: the connection may send another request.
 */
static bool set_apply(struct uapi_conn *conn, int err, bool more)
{
	struct uapi_server *server = conn->server;
	int ret = -EFBIG;

	if (!conn->set_too_big)
		ret = uapi_set_text(server->engine, server->out, server->hooks, conn->set_text,
				    conn->set_len);
	set_text_free(conn);
	changed(server);
	if (!ret)
		ret = err;
	if (ret)
		pr_error("UAPI: set failed: errno=%d", ret);
	conn->state = !ret && more ? CONN_OP : CONN_CLOSING;
	return conn_errno(conn, ret);
}

/* Handles one complete line (without '\n'); false closes the connection. */
static bool conn_line(struct uapi_conn *conn, const char *line, size_t len)
{
	switch (conn->state) {
	case CONN_OP:
		if (len == 5 && !memcmp(line, "set=1", 5)) {
			conn->state = CONN_SET;
			return true;
		}
		if (len == 5 && !memcmp(line, "get=1", 5)) {
			conn->state = CONN_GET_BLANK;
			return true;
		}
		/* Only the length: the line may be private_key=... sent without set=1. */
		pr_error("UAPI: invalid operation (a line of %zu bytes)", len);
		return false;
	case CONN_SET:
		/* The empty line ends it (bufio.ScanLines drops one '\r'). */
		if (!len || (len == 1 && line[0] == '\r'))
			return set_apply(conn, 0, true);
		return set_text_add(conn, line, len);
	default:
		return false;
	}
}

static bool conn_get(struct uapi_conn *conn)
{
	char *text;
	size_t len;
	bool ok;

	if (uapi_get_text(conn->server->engine, conn->server->hooks, &text, &len))
		return conn_errno(conn, -ENOMEM);
	ok = conn_queue(conn, text, len) && conn_errno(conn, 0);
	OPENSSL_cleanse(text, len);
	free(text);
	return ok;
}

/* Consumes what is in conn->in; false closes the connection. */
static bool conn_parse(struct uapi_conn *conn)
{
	size_t off = 0;
	bool ok = true;

	while (ok && off < conn->in_len && conn->state != CONN_CLOSING) {
		/* Stop reading while an answer is pending, to bound memory. */
		if (conn->out_len > conn->out_off)
			break;
		if (conn->state == CONN_GET_BLANK) {
			if (conn->in[off] != '\n') {
				/* The byte is consumed; the next operation may follow. */
				off++;
				conn->state = CONN_OP;
				ok = conn_errno(conn, -EINVAL);
				continue;
			}
			off++;
			conn->state = CONN_OP;
			ok = conn_get(conn);
			continue;
		}
		char *nl = memchr(conn->in + off, '\n', conn->in_len - off);

		if (!nl)
			break;
		ok = conn_line(conn, conn->in + off, (size_t)(nl - (conn->in + off)));
		off = (size_t)(nl - conn->in) + 1;
	}
	memmove(conn->in, conn->in + off, conn->in_len - off);
	conn->in_len -= off;
	if (ok && conn->in_len > UAPI_LINE_MAX && conn->state != CONN_CLOSING) {
		/* A line longer than the limit: bufio.Scanner's ErrTooLong. */
		if (conn->state != CONN_SET)
			return false;
		return set_apply(conn, -EIO, false);
	}
	if (ok && conn->eof && conn->state == CONN_SET) {
		/* The input ended inside a set: its last line may lack its '\n'. */
		if (conn->in_len && !set_text_add(conn, conn->in, conn->in_len))
			return false;
		conn->in_len = 0;
		return set_apply(conn, 0, false);
	}
	return ok;
}

/* Writes pending output; false on a write error. */
static bool conn_flush(struct uapi_conn *conn)
{
	while (conn->out_off < conn->out_len) {
		ssize_t n = send(conn->watch.fd, conn->outbuf + conn->out_off,
				 conn->out_len - conn->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			if (errno == EINTR)
				continue;
			return false;
		}
		conn->out_off += (size_t)n;
	}
	OPENSSL_cleanse(conn->outbuf, conn->out_len);
	free(conn->outbuf);
	conn->outbuf = NULL;
	conn->out_len = conn->out_off = 0;
	return true;
}

static void conn_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct uapi_conn *conn = arg;
	uint32_t want;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		while (!conn->eof && conn->in_len <= UAPI_LINE_MAX &&
		       conn->out_len == conn->out_off) {
			ssize_t n = recv(fd, conn->in + conn->in_len,
					 UAPI_LINE_MAX + 1 - conn->in_len, MSG_DONTWAIT);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					conn->eof = true;
				break;
			}
			if (n == 0)
				conn->eof = true;
			conn->in_len += (size_t)n;
			if (!conn_parse(conn))
				goto close;
			if (conn->state == CONN_CLOSING)
				break;
		}
		if (conn->eof && conn->state != CONN_CLOSING && !conn_parse(conn))
			goto close;
	}
	if (!conn_flush(conn))
		goto close;
	/* An answer written: what is already buffered may hold the next request. */
	while (conn->out_len == 0 && conn->in_len && conn->state != CONN_CLOSING) {
		size_t before = conn->in_len;

		if (!conn_parse(conn))
			goto close;
		if (!conn_flush(conn))
			goto close;
		if (conn->in_len == before)
			break;
	}
	if (conn->out_len == 0 && conn->state == CONN_CLOSING && !conn->eof) {
		char sink[4096];
		ssize_t n;

		/* The answer is out: discard what the client still sends, to its EOF. */
		while ((n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0) {
			conn->drained += (size_t)n;
			if (conn->drained > CONN_DRAIN_MAX)
				goto close;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			goto close;
	} else if (conn->out_len == 0 && (conn->state == CONN_CLOSING || conn->eof)) {
		goto close;
	}
	want = conn->out_len ? EPOLLOUT : EPOLLIN;
	if (want != conn->events) {
		conn->events = want;
		loop_modify(loop, &conn->watch, want);
	}
	return;

close:
	conn_free(conn);
}

static void listen_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct uapi_server *server = arg;

	for (;;) {
		struct uapi_conn *conn;
		int slot = -1;
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (cfd < 0 && (errno == EMFILE || errno == ENFILE) && server->spare_fd >= 0) {
			pr_error("UAPI: out of file descriptors: connection refused");
			close(server->spare_fd);
			cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (cfd >= 0)
				close(cfd);
			server->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (cfd >= 0)
				continue;
		}
		if (cfd < 0)
			return;
		for (int i = 0; i < UAPI_CONN_MAX; i++) {
			if (!server->conns[i]) {
				slot = i;
				break;
			}
		}
		conn = slot >= 0 ? calloc(1, sizeof(*conn)) : NULL;
		if (conn)
			conn->in = malloc(UAPI_LINE_MAX + 1);
		if (!conn || !conn->in) {
			if (conn)
				free(conn);
			close(cfd);
			continue;
		}
		conn->server = server;
		conn->watch.fd = cfd;
		conn->watch.fn = conn_event;
		conn->watch.arg = conn;
		conn->events = EPOLLIN;
		if (loop_add(loop, &conn->watch, EPOLLIN)) {
			free(conn->in);
			free(conn);
			close(cfd);
			continue;
		}
		server->conns[slot] = conn;
	}
}

bool uapi_server_socket_present(const struct uapi_server *server)
{
	struct stat st;

	if (lstat(server->path, &st))
		return false;
	if (!server->have_ino)
		return S_ISSOCK(st.st_mode);
	return st.st_dev == server->dev && st.st_ino == server->ino;
}

int uapi_server_watch_fd(const struct uapi_server *server)
{
	return server->inotify_fd;
}

bool uapi_server_watch_event(struct uapi_server *server)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(server->inotify_fd, buf, sizeof(buf)) > 0)
		;
	return uapi_server_socket_present(server);
}

int uapi_server_new(struct uapi_server **serverp, struct loop *loop, int fd, const char *ifname,
		    struct engine *engine, struct engine_output *out,
		    const struct uapi_hooks *hooks)
{
	struct uapi_server *server;
	struct stat st;
	int err;

	server = calloc(1, sizeof(*server));
	if (!server) {
		err = -ENOMEM;
		goto err_alloc;
	}
	server->loop = loop;
	server->engine = engine;
	server->out = out;
	server->hooks = hooks;
	server->inotify_fd = -1;
	server->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	err = socket_path(server->path, ifname);
	if (err)
		goto err_path;
	if (!lstat(server->path, &st) && S_ISSOCK(st.st_mode)) {
		server->dev = st.st_dev;
		server->ino = st.st_ino;
		server->have_ino = true;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		err = -errno;
		goto err_path;
	}
	server->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (server->inotify_fd < 0) {
		err = -errno;
		goto err_path;
	}
	if (inotify_add_watch(server->inotify_fd, server->path,
			      IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
		err = -errno;
		goto err_inotify;
	}
	server->listen_watch.fd = fd;
	server->listen_watch.fn = listen_event;
	server->listen_watch.arg = server;
	err = loop_add(loop, &server->listen_watch, EPOLLIN);
	if (err)
		goto err_inotify;
	*serverp = server;
	return 0;

err_inotify:
	close(server->inotify_fd);
err_path:
	if (server->spare_fd >= 0)
		close(server->spare_fd);
	free(server);
err_alloc:
	close(fd);
	return err;
}

void uapi_server_free(struct uapi_server *server)
{
	if (!server)
		return;
	for (int i = 0; i < UAPI_CONN_MAX; i++)
		if (server->conns[i])
			conn_free(server->conns[i]);
	loop_del(server->loop, &server->listen_watch);
	close(server->listen_watch.fd);
	if (server->inotify_fd >= 0)
		close(server->inotify_fd);
	if (server->spare_fd >= 0)
		close(server->spare_fd);
	if (uapi_server_socket_present(server))
		unlink(server->path);
	free(server);
}
