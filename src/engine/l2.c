// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2 mode (a warren extension, docs/l2.md): Ethernet frames from a TAP
 * device carried in WireGuard transport messages, switched across peers by
 * a learning MAC table (engine/mactable.h), optionally as a hub between
 * peers with split horizon. The configuration of L2 mode lives here too.
 *
 * The MAC table maps a MAC to the peer it was last seen behind, or to
 * &engine->local_port for MACs seen in frames from the TAP device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mac.h"
#include "core/mss.h"
#include "engine/crypto.h"
#include "engine/device.h"
#include "engine/messages.h"

enum { ETH_DST = 0, ETH_SRC = 6 };

static struct peer *local_port(const struct engine *engine)
{
	return (struct peer *)(uintptr_t)&engine->local_port;
}

/* Allocates the MAC table with @entries on first use. 0 or -errno. */
static int macs_ready(struct engine *engine, size_t entries)
{
	uint64_t seed;
	int ret;

	if (engine->macs_ready)
		return 0;
	if (crypto_random(&seed, sizeof(seed)))
		return -EIO;
	ret = mactable_init(&engine->macs, entries, seed);
	if (ret)
		return ret;
	if (engine->mac_ageing_ns)
		mactable_set_ageing(&engine->macs, engine->mac_ageing_ns);
	engine->macs_ready = true;
	return 0;
}

/*
 * The longest plaintext whose datagram to @peer is one packet on a
 * TUNNEL_UNDERLAY_MTU path: the underlay header is IPv4's or IPv6's.
 */
static uint32_t fit_plain(const struct peer *peer)
{
	uint32_t header = peer->endpoint.sa.sa_family == AF_INET ? TUNNEL_UNDERLAY_HEADER_V4
								 : TUNNEL_UNDERLAY_HEADER_MAX;

	return TUNNEL_UNDERLAY_MTU - header - MESSAGE_DATA_HEADER_LEN - NOISE_AUTHTAG_LEN;
}

/* Clamps the MSS of a TCP SYN in the frame @buf, unless turned off. */
static void clamp_mss(struct engine *engine, struct pktbuf *buf)
{
	if (!engine->no_clamp_mss && mss_clamp_frame(pktbuf_data(buf), buf->len, TUNNEL_L2_FIT_MTU))
		engine->mss_clamped++;
}

/*
 * Puts the L2 header and padding in front of the frame @buf for @peer;
 * false when it dropped (and freed) the buffer. Padding never makes a
 * datagram that fits one underlay packet need two; a frame that needs two
 * anyway is counted as fragmented (the kernel fragments the datagram: the
 * socket does not forbid it, see daemon/worker.c).
 */
static bool encap(struct engine *engine, struct peer *peer, struct pktbuf *buf)
{
	uint32_t limit = engine_plain_limit(engine), fit = fit_plain(peer), len, padded;
	struct message_l2_header *hdr;
	uint8_t *pad;

	if (!buf->len)
		return true; /* a keepalive stays empty */
	if (buf->len < MESSAGE_L2_ETH_HEADER_LEN) {
		engine_drop_buf(engine, peer, ENGINE_DROP_FRAME_INVALID, buf);
		return false;
	}
	if (engine->mtu && buf->len > engine->mtu + MESSAGE_L2_ETH_HEADER_LEN) {
		engine_drop_buf(engine, peer, ENGINE_DROP_TOO_BIG, buf);
		return false;
	}
	len = buf->len + MESSAGE_L2_HEADER_LEN;
	padded = (len + MESSAGE_PADDING_MULTIPLE - 1) & ~(uint32_t)(MESSAGE_PADDING_MULTIPLE - 1);
	if (limit && padded > limit)
		padded = limit; /* len <= limit: the frame fits the MTU */
	if (len <= fit && padded > fit)
		padded = fit;
	hdr = (struct message_l2_header *)pktbuf_push(buf, MESSAGE_L2_HEADER_LEN);
	pad = hdr ? pktbuf_put(buf, padded - len) : NULL;
	if (!pad) {
		engine_drop_buf(engine, peer, ENGINE_DROP_NO_BUFFER, buf);
		return false;
	}
	memset(pad, 0, padded - len);
	hdr->magic = MESSAGE_L2_MAGIC;
	hdr->padding = (uint8_t)(padded - len);
	if (padded > fit)
		engine->fragmented++;
	return true;
}

void l2_send(struct engine *engine, struct peer *peer, struct pktbuf *buf, struct engine_time now,
	     struct engine_output *out)
{
	if (encap(engine, peer, buf))
		engine_send_packet(engine, peer, buf, now, out);
}

/*
 * Sends @buf (consumed) to every peer but @from that has an endpoint, one
 * copy each; with @to_tun the original goes to the TAP device as well.
 * Peers without an endpoint are skipped: nothing could reach them.
 */
static void flood(struct engine *engine, struct peer *from, struct pktbuf *buf, bool to_tun,
		  struct engine_time now, struct engine_output *out)
{
	struct peer *last = NULL;

	engine->flooded++;
	for (struct peer *p = engine->peers.first; p; p = p->list_next)
		if (p != from && p->endpoint.sa.sa_family != AF_UNSPEC)
			last = p;
	for (struct peer *p = engine->peers.first; p; p = p->list_next) {
		struct pktbuf *copy;

		if (p == from || p->endpoint.sa.sa_family == AF_UNSPEC)
			continue;
		if (p == last && !to_tun) {
			copy = buf;
			buf = NULL;
		} else {
			copy = pktbuf_from(out->pool, pktbuf_data(buf), buf->len);
			if (!copy) {
				engine_drop(engine, p, ENGINE_DROP_NO_BUFFER);
				continue;
			}
		}
		engine->flood_copies++;
		l2_send(engine, p, copy, now, out);
		if (p == last)
			break;
	}
	if (to_tun)
		pktbuf_queue_push(&out->tun, buf);
	else if (buf) /* no peer to flood to */
		engine_drop_buf(engine, NULL, ENGINE_DROP_NO_ROUTE, buf);
}

void l2_send_batch(struct engine *engine, struct pktbuf **bufs, size_t n, struct engine_time now,
		   struct engine_output *out)
{
	if (macs_ready(engine, 0)) {
		for (size_t i = 0; i < n; i++)
			engine_drop_buf(engine, NULL, ENGINE_DROP_NO_BUFFER, bufs[i]);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct pktbuf *buf = bufs[i];
		const uint8_t *eth = pktbuf_data(buf);
		struct peer *to;

		if (buf->len < MESSAGE_L2_ETH_HEADER_LEN) {
			engine_drop_buf(engine, NULL, ENGINE_DROP_FRAME_INVALID, buf);
			continue;
		}
		if (engine->mtu && buf->len > engine->mtu + MESSAGE_L2_ETH_HEADER_LEN) {
			engine_drop_buf(engine, NULL, ENGINE_DROP_TOO_BIG, buf);
			continue;
		}
		clamp_mss(engine, buf);
		mactable_learn(&engine->macs, eth + ETH_SRC, local_port(engine), now.mono_ns);
		to = mactable_lookup(&engine->macs, eth + ETH_DST, now.mono_ns);
		if (to == local_port(engine))
			engine_drop_buf(engine, NULL, ENGINE_DROP_FRAME_FILTERED, buf);
		else if (to)
			l2_send(engine, to, buf, now, out);
		else
			flood(engine, NULL, buf, false, now, out);
	}
}

static bool mac_allowed(const struct peer *peer, const uint8_t *mac)
{
	if (!peer->n_allowed_macs)
		return true;
	for (uint32_t i = 0; i < peer->n_allowed_macs; i++) {
		const struct peer_allowed_mac *a = &peer->allowed_macs[i];
		unsigned bytes = a->bits / 8, rest = a->bits % 8;

		if (memcmp(a->mac, mac, bytes))
			continue;
		if (rest && ((a->mac[bytes] ^ mac[bytes]) & (uint8_t)(0xff00 >> rest)))
			continue;
		return true;
	}
	return false;
}

void l2_receive(struct engine *engine, struct peer *peer, struct pktbuf *buf,
		struct engine_time now, struct engine_output *out)
{
	const uint8_t *p = pktbuf_data(buf), *eth;
	uint32_t plain_len = buf->len, pad;
	enum engine_drop reason;
	struct peer *to;

	if ((p[0] >> 4) == 4 || (p[0] >> 4) == 6) {
		engine_mode_mismatch(peer, ENGINE_EVENT_PEER_SENDS_L3, out);
		reason = ENGINE_DROP_IP_ON_L2;
		goto drop;
	}
	reason = ENGINE_DROP_FRAME_INVALID;
	if (plain_len < MESSAGE_L2_HEADER_LEN + MESSAGE_L2_ETH_HEADER_LEN ||
	    p[0] != MESSAGE_L2_MAGIC)
		goto drop;
	pad = p[1];
	if (pad >= MESSAGE_PADDING_MULTIPLE ||
	    pad > plain_len - MESSAGE_L2_HEADER_LEN - MESSAGE_L2_ETH_HEADER_LEN)
		goto drop;
	eth = pktbuf_pull(buf, MESSAGE_L2_HEADER_LEN);
	buf->len -= pad;
	if (engine->mtu && buf->len > engine->mtu + MESSAGE_L2_ETH_HEADER_LEN) {
		reason = ENGINE_DROP_TOO_BIG;
		goto drop;
	}
	if (mac_is_multicast(eth + ETH_SRC) || mac_is_zero(eth + ETH_SRC))
		goto drop;
	if (!mac_allowed(peer, eth + ETH_SRC)) {
		reason = ENGINE_DROP_MAC_NOT_ALLOWED;
		goto drop;
	}
	if (macs_ready(engine, 0)) {
		reason = ENGINE_DROP_NO_BUFFER;
		goto drop;
	}
	mactable_learn(&engine->macs, eth + ETH_SRC, peer, now.mono_ns);
	peer->rx_bytes += message_data_len(plain_len);
	clamp_mss(engine, buf); /* from a peer that does not clamp, as tinc does */

	if (!engine->hub) {
		pktbuf_queue_push(&out->tun, buf);
		return;
	}
	to = mactable_lookup(&engine->macs, eth + ETH_DST, now.mono_ns);
	if (to == local_port(engine)) {
		pktbuf_queue_push(&out->tun, buf);
	} else if (to == peer) {
		reason = ENGINE_DROP_FRAME_FILTERED; /* split horizon */
		goto drop;
	} else if (to) {
		engine->forwarded++;
		l2_send(engine, to, buf, now, out);
	} else {
		flood(engine, peer, buf, true, now, out);
	}
	return;

drop:
	engine_drop_buf(engine, peer, reason, buf);
}

/* Configuration. */

int engine_set_mode(struct engine *engine, enum engine_mode mode)
{
	int ret;

	if (mode != ENGINE_MODE_L3 && mode != ENGINE_MODE_L2)
		return -EINVAL;
	if (mode == engine->mode)
		return 0;
	if (mode == ENGINE_MODE_L2) {
		ret = macs_ready(engine, 0);
		if (ret)
			return ret;
	}
	engine->mode = mode;
	if (engine->macs_ready)
		mactable_flush(&engine->macs);
	for (struct peer *p = engine->peers.first; p; p = p->list_next) {
		/* Staged packets are of the old kind, possibly encapsulated. */
		engine_stage_drop_all(engine, p, ENGINE_DROP_STAGED_GIVEUP);
		p->mode_mismatch_reported = false;
	}
	return 0;
}

enum engine_mode engine_get_mode(const struct engine *engine)
{
	return engine->mode;
}

void engine_set_hub(struct engine *engine, bool hub)
{
	engine->hub = hub;
}

bool engine_get_hub(const struct engine *engine)
{
	return engine->hub;
}

void engine_set_clamp_mss(struct engine *engine, bool on)
{
	engine->no_clamp_mss = !on;
}

bool engine_get_clamp_mss(const struct engine *engine)
{
	return !engine->no_clamp_mss;
}

int engine_set_mac_ageing(struct engine *engine, uint64_t ageing_ns)
{
	if (!ageing_ns)
		return -EINVAL;
	engine->mac_ageing_ns = ageing_ns;
	return engine->macs_ready ? mactable_set_ageing(&engine->macs, ageing_ns) : 0;
}

uint64_t engine_get_mac_ageing(const struct engine *engine)
{
	return engine->mac_ageing_ns ? engine->mac_ageing_ns : MACTABLE_DEFAULT_AGEING;
}

int engine_set_mac_capacity(struct engine *engine, size_t entries)
{
	struct mactable old = engine->macs;
	bool was_ready = engine->macs_ready;
	int ret;

	engine->macs_ready = false;
	ret = macs_ready(engine, entries);
	if (ret) {
		engine->macs = old;
		engine->macs_ready = was_ready;
		return ret;
	}
	if (was_ready)
		mactable_free(&old);
	return 0;
}

int engine_peer_mac_add_static(struct engine *engine, struct peer *peer, const uint8_t mac[6])
{
	int ret = macs_ready(engine, 0);

	return ret ? ret : mactable_add_static(&engine->macs, mac, peer);
}

int engine_mac_remove(struct engine *engine, const uint8_t mac[6])
{
	return engine->macs_ready ? mactable_remove(&engine->macs, mac) : -ENOENT;
}

int engine_peer_allowedmac_add(struct engine *engine, struct peer *peer, const uint8_t mac[6],
			       uint8_t bits)
{
	struct peer_allowed_mac *a;

	(void)engine;
	if (bits > 48)
		return -EINVAL;
	for (uint32_t i = 0; i < peer->n_allowed_macs; i++)
		if (peer->allowed_macs[i].bits == bits &&
		    !memcmp(peer->allowed_macs[i].mac, mac, 6))
			return 0;
	if (peer->n_allowed_macs >= ENGINE_MAX_ALLOWED_MACS)
		return -ENOSPC;
	a = realloc(peer->allowed_macs, (peer->n_allowed_macs + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	peer->allowed_macs = a;
	a = &a[peer->n_allowed_macs++];
	memset(a, 0, sizeof(*a));
	/* Only the prefix is kept, so that walks print what matches. */
	for (unsigned b = 0; b < bits; b++)
		a->mac[b / 8] |= mac[b / 8] & (uint8_t)(0x80 >> (b % 8));
	a->bits = bits;
	return 0;
}

void engine_peer_allowedmacs_clear(struct engine *engine, struct peer *peer)
{
	(void)engine;
	free(peer->allowed_macs);
	peer->allowed_macs = NULL;
	peer->n_allowed_macs = 0;
}

int engine_peer_allowedmacs_walk(const struct engine *engine, const struct peer *peer,
				 int (*fn)(void *ctx, const uint8_t *mac, uint8_t bits), void *ctx)
{
	(void)engine;
	for (uint32_t i = 0; i < peer->n_allowed_macs; i++) {
		int ret = fn(ctx, peer->allowed_macs[i].mac, peer->allowed_macs[i].bits);

		if (ret)
			return ret;
	}
	return 0;
}

struct macs_walk {
	const struct peer *peer;
	int (*fn)(void *ctx, const struct engine_mac_info *info);
	void *ctx;
};

static int peer_mac(void *ctx, const struct mactable_info *info)
{
	const struct macs_walk *w = ctx;
	struct engine_mac_info mi = {.is_static = false};

	if (info->peer != w->peer)
		return 0;
	memcpy(mi.mac, info->addr, sizeof(mi.mac));
	mi.is_static = info->is_static;
	mi.age_ns = info->age;
	mi.rx_frames = info->rx_frames;
	mi.tx_frames = info->tx_frames;
	return w->fn(w->ctx, &mi);
}

int engine_peer_macs_walk(const struct engine *engine, const struct peer *peer,
			  uint64_t now_mono_ns,
			  int (*fn)(void *ctx, const struct engine_mac_info *info), void *ctx)
{
	struct macs_walk w = {.peer = peer, .fn = fn, .ctx = ctx};

	if (!engine->macs_ready)
		return 0;
	/* Dropping expired entries changes nothing anyone can observe. */
	return mactable_walk((struct mactable *)&engine->macs, now_mono_ns, peer_mac, &w);
}

struct count_macs {
	struct engine_l2_stats *stats;
	const struct peer *local;
};

static int count_macs(void *ctx, const struct mactable_info *info)
{
	struct count_macs *c = ctx;

	c->stats->macs++;
	if (info->peer == c->local)
		c->stats->local_macs++;
	return 0;
}

void engine_l2_get_stats(const struct engine *engine, uint64_t now_mono_ns,
			 struct engine_l2_stats *stats)
{
	struct count_macs c = {.stats = stats, .local = local_port(engine)};

	memset(stats, 0, sizeof(*stats));
	stats->flooded = engine->flooded;
	stats->flood_copies = engine->flood_copies;
	stats->forwarded = engine->forwarded;
	stats->mss_clamped = engine->mss_clamped;
	stats->fragmented = engine->fragmented;
	if (!engine->macs_ready)
		return;
	mactable_walk((struct mactable *)&engine->macs, now_mono_ns, count_macs, &c);
	stats->learned = engine->macs.stats.learned;
	stats->moved = engine->macs.stats.moved;
	stats->expired = engine->macs.stats.expired;
	stats->evicted = engine->macs.stats.evicted;
	stats->ignored = engine->macs.stats.ignored;
	stats->refused = engine->macs.stats.refused;
}
