// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's set operation (uapi.h): key=value lines applied to the engine
 * one at a time, as wireguard-go's device/uapi.go IpcSetOperation applies
 * them, with the device's part (listen port, fwmark) left to uapi_hooks.
 *
 * The values are parsed as Go parses them (strconv.ParseUint, net/netip),
 * by the parsers in the first section below; they are kept together there
 * so that they can be swapped for the shared ones of src/core/ in one move.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/key.h"
#include "core/mac.h"
#include "core/secret.h"
#include "core/value.h"
#include "daemon/uapi.h"

/*
 * ---- values ----
 *
 * Read in the UAPI's grammar (wireguard-go's strconv and net/netip) by the
 * one set of value parsers, core/value.h, with VALUE_UAPI.
 */

/* Copies @len bytes of @s into @buf as a C string; -EINVAL if too long or holding a NUL. */
static int copy_value(char *buf, size_t size, const char *s, size_t len)
{
	if (len >= size || memchr(s, '\0', len))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static bool value_is(const char *v, size_t len, const char *want)
{
	return len == strlen(want) && !memcmp(v, want, len);
}

static bool key_is(const char *k, size_t len, const char *want)
{
	return value_is(k, len, want);
}

/* ---- the set operation ---- */

/* Peers that replace_peers removes per call (uapi_set_line's UAPI_SET_AGAIN). */
enum { REPLACE_PEERS_SLICE = 512 };

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

/* The two secrets a set carries: each wiped at one exit. */
static int private_key_line(struct uapi_set *set, const char *v, size_t vlen)
{
	uint8_t key[KEY_LEN];
	int ret = -EINVAL;

	if (value_key(key, v, vlen, VALUE_UAPI))
		goto out;
	if (!engine_set_private_key(set->engine, key_is_zero(key) ? NULL : key))
		ret = 0;
out:
	secret_wipe(key, sizeof(key));
	return ret;
}

static int preshared_key_line(struct uapi_set *set, const char *v, size_t vlen)
{
	uint8_t psk[KEY_LEN];
	int ret = -EINVAL;

	if (value_key(psk, v, vlen, VALUE_UAPI))
		goto out;
	if (set->peer)
		engine_peer_set_psk(set->engine, set->peer, psk);
	ret = 0;
out:
	secret_wipe(psk, sizeof(psk));
	return ret;
}

static int device_line(struct uapi_set *set, const char *k, size_t klen, const char *v, size_t vlen)
{
	uint64_t n;

	if (key_is(k, klen, "private_key"))
		return private_key_line(set, v, vlen);
	if (key_is(k, klen, "listen_port")) {
		if (value_uint(v, vlen, UINT16_MAX, VALUE_UAPI, &n))
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
		if (value_uint(v, vlen, UINT32_MAX, VALUE_UAPI, &n))
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
		/* A slice at a time: a million peers take a while to free. */
		for (int i = 0; i < REPLACE_PEERS_SLICE && engine_peer_first(set->engine); i++)
			engine_peer_remove(set->engine, engine_peer_first(set->engine));
		return engine_peer_first(set->engine) ? UAPI_SET_AGAIN : 0;
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
	if (key_is(k, klen, "clamp_mss")) {
		if (!value_is(v, vlen, "true") && !value_is(v, vlen, "false"))
			return -EINVAL;
		engine_set_clamp_mss(set->engine, value_is(v, vlen, "true"));
		return 0;
	}
	if (key_is(k, klen, "mac_ageing")) {
		if (value_uint(v, vlen, UINT32_MAX, VALUE_UAPI, &n) || !n)
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
	if (value_key(key, v, vlen, VALUE_UAPI))
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
	if (key_is(k, klen, "preshared_key"))
		return preshared_key_line(set, v, vlen);
	if (key_is(k, klen, "endpoint")) {
		union sockaddr_inet ep;
		struct value_endpoint text;

		if (value_endpoint(v, vlen, VALUE_UAPI, &text, &ep.sa, sizeof(ep)))
			return -EINVAL;
		if (set->peer && engine_peer_set_endpoint(set->engine, set->peer, &ep))
			return -EINVAL;
		return 0;
	}
	if (key_is(k, klen, "persistent_keepalive_interval")) {
		struct engine_peer_info info;

		if (value_uint(v, vlen, UINT16_MAX, VALUE_UAPI, &n))
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
		if (value_prefix(v, vlen, VALUE_UAPI, &family, addr, &cidr))
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
		do
			ret = uapi_set_line(&set, text + off, llen);
		while (ret == UAPI_SET_AGAIN);
		if (ret == 1)
			return 0;
		if (ret < 0)
			return ret;
		off += llen + (nl ? 1 : 0);
	}
	uapi_set_end(&set);
	return 0;
}
