// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device: identity, peers, configuration and timers. The datapath is
 * in datapath.c, send.c, receive.c and l2.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "engine/crypto.h"
#include "engine/device.h"
#include "engine/messages.h"

static const char *const drop_names[ENGINE_DROP_COUNT] = {
    [ENGINE_DROP_INVALID_MESSAGE] = "invalid_message",
    [ENGINE_DROP_NO_IDENTITY] = "no_identity",
    [ENGINE_DROP_HANDSHAKE_MAC] = "handshake_mac",
    [ENGINE_DROP_HANDSHAKE_COOKIE] = "handshake_cookie",
    [ENGINE_DROP_HANDSHAKE_RATELIMIT] = "handshake_ratelimit",
    [ENGINE_DROP_HANDSHAKE_INVALID] = "handshake_invalid",
    [ENGINE_DROP_HANDSHAKE_REPLAY] = "handshake_replay",
    [ENGINE_DROP_COOKIE_INVALID] = "cookie_invalid",
    [ENGINE_DROP_UNKNOWN_INDEX] = "unknown_index",
    [ENGINE_DROP_KEYPAIR_EXPIRED] = "keypair_expired",
    [ENGINE_DROP_COUNTER_LIMIT] = "counter_limit",
    [ENGINE_DROP_DECRYPT] = "decrypt",
    [ENGINE_DROP_REPLAY] = "replay",
    [ENGINE_DROP_INNER_NOT_IP] = "inner_not_ip",
    [ENGINE_DROP_INNER_LENGTH] = "inner_length",
    [ENGINE_DROP_INNER_SOURCE] = "inner_source",
    [ENGINE_DROP_NO_ROUTE] = "no_route",
    [ENGINE_DROP_NO_ENDPOINT] = "no_endpoint",
    [ENGINE_DROP_DOWN] = "down",
    [ENGINE_DROP_TOO_BIG] = "too_big",
    [ENGINE_DROP_STAGED_OVERFLOW] = "staged_overflow",
    [ENGINE_DROP_STAGED_EVICTED] = "staged_evicted",
    [ENGINE_DROP_STAGED_GIVEUP] = "staged_giveup",
    [ENGINE_DROP_NO_BUFFER] = "no_buffer",
    [ENGINE_DROP_CRYPTO] = "crypto",
    [ENGINE_DROP_FRAME_ON_L3] = "frame_on_l3",
    [ENGINE_DROP_IP_ON_L2] = "ip_on_l2",
    [ENGINE_DROP_FRAME_INVALID] = "frame_invalid",
    [ENGINE_DROP_FRAME_FILTERED] = "frame_filtered",
    [ENGINE_DROP_MAC_NOT_ALLOWED] = "mac_not_allowed",
    [ENGINE_DROP_HANDSHAKE_BUDGET] = "handshake_budget",
    [ENGINE_DROP_COOKIE_RATELIMIT] = "cookie_ratelimit",
};

const char *engine_drop_name(enum engine_drop reason)
{
	return (unsigned)reason < ENGINE_DROP_COUNT ? drop_names[reason] : "unknown";
}

void engine_output_init(struct engine_output *out, struct pktbuf_pool *pool)
{
	memset(out, 0, sizeof(*out));
	out->pool = pool;
	pktbuf_queue_init(&out->tx);
	pktbuf_queue_init(&out->tun);
}

void engine_output_reset(struct engine_output *out)
{
	pktbuf_queue_purge(&out->tx);
	pktbuf_queue_purge(&out->tun);
	out->n_events = 0;
	out->events_lost = 0;
}

int engine_new(struct engine **enginep)
{
	struct engine *engine;
	int ret;

	ret = crypto_init();
	if (ret)
		return ret;
	engine = calloc(1, sizeof(*engine));
	if (!engine)
		return -ENOMEM;
	ret = peer_table_init(&engine->peers);
	if (ret)
		goto err_engine;
	index_table_init(&engine->indices);
	allowedips_init(&engine->allowedips);
	timerq_init(&engine->timerq);
	staging_init(&engine->staging);
	ret = load_init(&engine->load, ENGINE_DEFAULT_HANDSHAKE_LOAD);
	if (ret)
		goto err_peers;
	ret = cookie_checker_init(&engine->cookie_checker, NULL);
	if (ret)
		goto err_load;
	*enginep = engine;
	return 0;

err_load:
	load_free(&engine->load);
err_peers:
	peer_table_free(&engine->peers);
err_engine:
	free(engine);
	return ret;
}

void engine_free(struct engine *engine)
{
	if (!engine)
		return;
	engine_peers_clear(engine);
	peer_table_free(&engine->peers);
	timerq_free(&engine->timerq);
	mactable_free(&engine->macs);
	allowedips_free(&engine->allowedips);
	load_free(&engine->load);
	cookie_checker_clear(&engine->cookie_checker);
	noise_identity_clear(&engine->identity);
	secret_wipe(engine, sizeof(*engine));
	free(engine);
}

void engine_set_under_load(struct engine *engine, bool forced)
{
	load_force(&engine->load, forced);
}

void engine_set_handshake_load(struct engine *engine, uint32_t per_second)
{
	load_set_threshold(&engine->load, per_second);
}

/* The handshake and keypairs of @peer go; its timers stop where they must. */
static void zero_keys(struct engine *engine, struct peer *peer)
{
	index_remove(&engine->indices, &peer->handshake_entry);
	noise_handshake_clear(&peer->handshake);
	keypairs_clear(&peer->keypairs, &engine->indices);
}

int engine_set_private_key(struct engine *engine, const uint8_t key[32])
{
	struct noise_static_identity *id = &engine->identity;
	struct peer *peer, *next;
	int ret;

	if (key && crypto_is_zero(key, NOISE_PRIVATE_KEY_LEN))
		key = NULL;
	if (key && id->has_identity) {
		uint8_t clamped[NOISE_PRIVATE_KEY_LEN];
		bool same;

		memcpy(clamped, key, sizeof(clamped));
		crypto_x25519_clamp(clamped);
		same = crypto_equal(clamped, id->static_private, sizeof(clamped));
		secret_wipe(clamped, sizeof(clamped));
		if (same)
			return 0;
	}
	ret = noise_identity_set_private(id, key);
	if (ret)
		return ret;
	ret = cookie_checker_init(&engine->cookie_checker,
				  id->has_identity ? id->static_public : NULL);
	if (ret)
		return ret;

	for (peer = engine->peers.first; peer; peer = next) {
		next = peer->list_next;
		if (id->has_identity &&
		    crypto_equal(peer->public_key, id->static_public, NOISE_PUBLIC_KEY_LEN)) {
			engine_peer_remove(engine, peer);
			continue;
		}
		noise_handshake_precompute(&peer->handshake);
		index_remove(&engine->indices, &peer->handshake_entry);
		noise_handshake_clear(&peer->handshake);
		keypairs_expire(&peer->keypairs);
	}
	return 0;
}

bool engine_get_private_key(const struct engine *engine, uint8_t key[32])
{
	if (!engine->identity.has_identity)
		return false;
	memcpy(key, engine->identity.static_private, NOISE_PRIVATE_KEY_LEN);
	return true;
}

bool engine_get_public_key(const struct engine *engine, uint8_t key[32])
{
	if (!engine->identity.has_identity)
		return false;
	memcpy(key, engine->identity.static_public, NOISE_PUBLIC_KEY_LEN);
	return true;
}

void engine_set_listen_port(struct engine *engine, uint16_t port)
{
	engine->listen_port = port;
}

uint16_t engine_get_listen_port(const struct engine *engine)
{
	return engine->listen_port;
}

void engine_set_fwmark(struct engine *engine, uint32_t fwmark)
{
	engine->fwmark = fwmark;
}

void engine_set_down(struct engine *engine, bool down)
{
	engine->down = down;
}

uint32_t engine_get_fwmark(const struct engine *engine)
{
	return engine->fwmark;
}

void engine_set_mtu(struct engine *engine, uint32_t mtu)
{
	engine->mtu = mtu;
}

void engine_set_staged_limit(struct engine *engine, size_t limit)
{
	engine->staging.limit = limit;
}

size_t engine_staged(const struct engine *engine)
{
	return engine->staging.total;
}

int engine_peer_add(struct engine *engine, const uint8_t public_key[32], struct peer **peerp)
{
	struct peer *peer;
	uint64_t seed;

	peer = peer_table_lookup(&engine->peers, public_key);
	if (peer) {
		*peerp = peer;
		return -EEXIST;
	}
	*peerp = NULL;
	if (engine->identity.has_identity &&
	    crypto_equal(public_key, engine->identity.static_public, NOISE_PUBLIC_KEY_LEN))
		return -EINVAL;
	if (engine->peers.count >= MAX_PEERS)
		return -ENOSPC;
	/* Its slot in the timer queue now, so that arming never allocates. */
	if (timerq_reserve(&engine->timerq, engine->peers.count + 1))
		return -ENOMEM;
	if (peer_table_seed(&engine->peers, &seed))
		return -EIO;
	peer = peer_new(engine, &engine->identity, public_key, seed);
	if (!peer)
		return -ENOMEM;
	timers_attach(&peer->timers, &engine->timerq);
	peer_table_insert(&engine->peers, peer);
	*peerp = peer;
	return 0;
}

struct peer *engine_peer_lookup(const struct engine *engine, const uint8_t public_key[32])
{
	return peer_table_lookup(&engine->peers, public_key);
}

void engine_peer_remove(struct engine *engine, struct peer *peer)
{
	if (!peer)
		return;
	allowedips_remove_by_peer(&engine->allowedips, peer);
	if (engine->macs_ready)
		mactable_remove_by_peer(&engine->macs, peer);
	zero_keys(engine, peer);
	timers_stop(&peer->timers);
	timers_detach(&peer->timers);
	peer_table_remove(&engine->peers, peer);
	staging_forget(&engine->staging, peer); /* peer_free returns them uncounted */
	peer_free(peer);
}

void engine_peers_clear(struct engine *engine)
{
	while (engine->peers.first)
		engine_peer_remove(engine, engine->peers.first);
}

void engine_peer_set_psk(struct engine *engine, struct peer *peer, const uint8_t psk[32])
{
	if (psk && crypto_is_zero(psk, NOISE_SYMMETRIC_KEY_LEN))
		psk = NULL;
	noise_handshake_set_psk(&peer->handshake, psk);
}

int engine_peer_set_endpoint(struct engine *engine, struct peer *peer,
			     const union sockaddr_inet *endpoint)
{
	if (endpoint->sa.sa_family != AF_INET && endpoint->sa.sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	peer->endpoint = *endpoint;
	return 0;
}

void engine_peer_set_keepalive(struct engine *engine, struct peer *peer, uint16_t interval,
			       struct engine_time now, struct engine_output *out)
{
	bool turned_on = interval && !peer->timers.persistent_keepalive_interval;

	timers_set_persistent_keepalive(&peer->timers, interval, now.mono_ns);
	if (turned_on)
		engine_send_keepalive(engine, peer, now, out);
}

int engine_peer_allowedip_add(struct engine *engine, struct peer *peer, int family,
			      const uint8_t *addr, uint8_t cidr)
{
	return allowedips_insert(&engine->allowedips, family, addr, cidr, peer);
}

int engine_peer_allowedip_remove(struct engine *engine, struct peer *peer, int family,
				 const uint8_t *addr, uint8_t cidr)
{
	return allowedips_remove(&engine->allowedips, family, addr, cidr, peer);
}

void engine_peer_allowedips_clear(struct engine *engine, struct peer *peer)
{
	allowedips_remove_by_peer(&engine->allowedips, peer);
}

int engine_peer_allowedips_walk(const struct engine *engine, const struct peer *peer,
				int (*fn)(void *ctx, int family, const uint8_t *addr, uint8_t cidr),
				void *ctx)
{
	return allowedips_walk_by_peer(&engine->allowedips, peer, fn, ctx);
}

struct peer *engine_peer_first(const struct engine *engine)
{
	return engine->peers.first;
}

struct peer *engine_peer_next(const struct peer *peer)
{
	return peer->list_next;
}

size_t engine_peer_count(const struct engine *engine)
{
	return engine->peers.count;
}

void engine_peer_get_info(const struct peer *peer, struct engine_peer_info *info)
{
	memset(info, 0, sizeof(*info));
	memcpy(info->public_key, peer->public_key, NOISE_PUBLIC_KEY_LEN);
	memcpy(info->preshared_key, peer->handshake.preshared_key, NOISE_SYMMETRIC_KEY_LEN);
	info->endpoint = peer->endpoint;
	info->last_handshake_sec = peer->last_handshake_wall_ns / NSEC_PER_SEC;
	info->last_handshake_nsec = (uint32_t)(peer->last_handshake_wall_ns % NSEC_PER_SEC);
	info->rx_bytes = peer->rx_bytes;
	info->tx_bytes = peer->tx_bytes;
	info->persistent_keepalive_interval = peer->timers.persistent_keepalive_interval;
	memcpy(info->drops, peer->drops, sizeof(info->drops));
}

uint64_t engine_drops(const struct engine *engine, enum engine_drop reason)
{
	return (unsigned)reason < ENGINE_DROP_COUNT ? engine->drops[reason] : 0;
}

/* The retransmit timer fired: try again, or give up after MAX_TIMER_HANDSHAKES. */
static void retransmit_handshake(struct engine *engine, struct peer *peer, struct engine_time now,
				 struct engine_output *out)
{
	if (peer->timers.handshake_attempts > MAX_TIMER_HANDSHAKES) {
		timers_handshake_gave_up(&peer->timers, now.mono_ns);
		engine_stage_drop_all(engine, peer, ENGINE_DROP_STAGED_GIVEUP);
		engine_event(out, ENGINE_EVENT_HANDSHAKE_GAVE_UP, peer);
		return;
	}
	peer->timers.handshake_attempts++;
	engine_send_initiation(engine, peer, true, now, out);
}

static void run_timers(struct engine *engine, struct peer *peer, struct engine_time now,
		       struct engine_output *out)
{
	unsigned due = timers_expired(&peer->timers, now.mono_ns);

	if (due & TIMER_BIT(TIMER_RETRANSMIT_HANDSHAKE))
		retransmit_handshake(engine, peer, now, out);
	if (due & TIMER_BIT(TIMER_SEND_KEEPALIVE)) {
		engine_send_keepalive(engine, peer, now, out);
		timers_keepalive_sent(&peer->timers, now.mono_ns);
	}
	if (due & TIMER_BIT(TIMER_NEW_HANDSHAKE))
		engine_send_initiation(engine, peer, false, now, out);
	if (due & TIMER_BIT(TIMER_ZERO_KEY_MATERIAL)) {
		zero_keys(engine, peer);
		engine_event(out, ENGINE_EVENT_KEYS_ZEROED, peer);
	}
	if ((due & TIMER_BIT(TIMER_PERSISTENT_KEEPALIVE)) &&
	    peer->timers.persistent_keepalive_interval)
		engine_send_keepalive(engine, peer, now, out);
}

void engine_tick(struct engine *engine, struct engine_time now, struct engine_output *out)
{
	/*
	 * Only the peers whose key has come up. A key may be early (a
	 * deadline moved later since): such a peer has nothing due and is
	 * queued again at its true deadline, which lies in the future, so
	 * the loop ends.
	 */
	while (timerq_next(&engine->timerq) <= now.mono_ns) {
		struct timers *t = timers_pop(&engine->timerq);
		struct peer *peer = peer_from_timers(t);

		if (timers_next(t) <= now.mono_ns)
			run_timers(engine, peer, now, out);
		timers_requeue(t);
	}
}

uint64_t engine_next_deadline(struct engine *engine)
{
	return timers_settle(&engine->timerq);
}
