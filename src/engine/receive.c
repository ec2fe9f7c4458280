// SPDX-License-Identifier: GPL-2.0-only
/*
 * The receive paths (WireGuard's receive.c): every datagram is classified
 * by type and exact length before any field is read; every way out that
 * does not deliver counts a drop reason.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/ip.h"
#include "engine/device.h"
#include "engine/messages.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

static bool source_of(const union sockaddr_inet *addr, struct cookie_source *src)
{
	memset(src, 0, sizeof(*src));
	switch (addr->sa.sa_family) {
	case AF_INET:
		memcpy(src->addr, &addr->in4.sin_addr, 4);
		src->addr_len = 4;
		src->port = ntohs(addr->in4.sin_port);
		return true;
	case AF_INET6:
		memcpy(src->addr, &addr->in6.sin6_addr, 16);
		src->addr_len = 16;
		src->port = ntohs(addr->in6.sin6_port);
		return true;
	default:
		return false;
	}
}

/* Roaming: only called once the packet from @addr has authenticated. */
static void set_endpoint(struct peer *peer, const union sockaddr_inet *addr,
			 struct engine_output *out)
{
	if (addr->sa.sa_family != AF_INET && addr->sa.sa_family != AF_INET6)
		return;
	if (sockaddr_inet_equal(&peer->endpoint, addr))
		return;
	peer->endpoint = *addr;
	engine_event(out, ENGINE_EVENT_ENDPOINT_CHANGED, peer);
}

static struct noise_handshake *lookup_handshake(void *ctx, const uint8_t key[NOISE_PUBLIC_KEY_LEN])
{
	struct peer *peer = peer_table_lookup(&((struct engine *)ctx)->peers, key);

	return peer ? &peer->handshake : NULL;
}

/*
 * Derives the session of @peer's finished handshake into a keypair that
 * takes over the handshake's receiver index. Returns 0 or -errno.
 */
static int begin_session(struct engine *engine, struct peer *peer, struct engine_time now)
{
	struct noise_keys keys;
	struct keypair *kp;
	int ret;

	ret = noise_derive_keys(&peer->handshake, &keys, now.mono_ns);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (!peer->handshake_entry.inserted || peer->handshake_entry.index != keys.local_index)
		goto out;
	ret = -ENOMEM;
	kp = keypair_new(&keys, peer);
	if (!kp)
		goto out;
	index_replace(&engine->indices, &peer->handshake_entry, &kp->entry);
	keypairs_add(&peer->keypairs, kp, &engine->indices);
	timers_session_derived(&peer->timers, now.mono_ns);
	ret = 0;
out:
	if (ret)
		index_remove(&engine->indices, &peer->handshake_entry);
	noise_keys_wipe(&keys);
	return ret;
}

static void send_response(struct engine *engine, struct peer *peer, struct engine_time now,
			  struct engine_output *out)
{
	struct pktbuf *buf;
	int ret;

	ret = engine_handshake_create(engine, peer, MESSAGE_HANDSHAKE_RESPONSE, now, out, &buf);
	if (ret) {
		if (ret != -ENOBUFS)
			engine_drop(engine, peer, ENGINE_DROP_CRYPTO);
		return;
	}
	if (begin_session(engine, peer, now)) {
		engine_drop_buf(engine, peer, ENGINE_DROP_CRYPTO, buf);
		return;
	}
	engine_handshake_send(engine, peer, buf, now, out);
}

static void send_cookie_reply(struct engine *engine, const struct pktbuf *in,
			      const struct cookie_source *src, struct engine_time now,
			      struct engine_output *out)
{
	const uint8_t *data = pktbuf_data(in);
	struct message_handshake_cookie *msg;
	struct pktbuf *buf = pktbuf_alloc(out->pool);
	uint32_t sender;

	if (!buf) {
		engine_drop(engine, NULL, ENGINE_DROP_NO_BUFFER);
		return;
	}
	/* Both handshake messages carry the sender index right after the type. */
	memcpy(&sender, data + sizeof(struct message_header), sizeof(sender));
	msg = (struct message_handshake_cookie *)pktbuf_put(buf, sizeof(*msg));
	if (!msg || cookie_create_reply(&engine->cookie_checker, msg, data, in->len,
					le32toh(sender), src, now.mono_ns)) {
		engine_drop_buf(engine, NULL, ENGINE_DROP_CRYPTO, buf);
		return;
	}
	buf->addr = in->addr;
	pktbuf_queue_push(&out->tx, buf);
}

static void consume_initiation(struct engine *engine, struct pktbuf *buf, struct engine_time now,
			       struct engine_output *out)
{
	const struct message_handshake_initiation *msg = (const void *)pktbuf_data(buf);
	struct noise_handshake *hs = NULL;
	struct peer *peer;
	int ret;

	ret = noise_consume_initiation(&engine->identity, msg, now.mono_ns, lookup_handshake,
				       engine, &hs);
	peer = hs ? container_of(hs, struct peer, handshake) : NULL;
	if (ret) {
		engine_drop(engine, peer,
			    ret == -ESTALE || ret == -EAGAIN ? ENGINE_DROP_HANDSHAKE_REPLAY
							     : ENGINE_DROP_HANDSHAKE_INVALID);
		return;
	}
	set_endpoint(peer, &buf->addr, out);
	peer->rx_bytes += buf->len;
	timers_any_authenticated_packet_received(&peer->timers);
	timers_any_authenticated_packet_traversal(&peer->timers, now.mono_ns);
	send_response(engine, peer, now, out);
}

static void consume_response(struct engine *engine, struct pktbuf *buf, struct engine_time now,
			     struct engine_output *out)
{
	const struct message_handshake_response *msg = (const void *)pktbuf_data(buf);
	struct index_entry *entry;
	struct peer *peer;

	entry = index_lookup(&engine->indices, le32toh(msg->receiver_index), INDEX_HANDSHAKE);
	if (!entry) {
		engine_drop(engine, NULL, ENGINE_DROP_UNKNOWN_INDEX);
		return;
	}
	peer = entry->peer;
	if (noise_consume_response(&peer->handshake, msg)) {
		engine_drop(engine, peer, ENGINE_DROP_HANDSHAKE_INVALID);
		return;
	}
	set_endpoint(peer, &buf->addr, out);
	peer->rx_bytes += buf->len;
	timers_any_authenticated_packet_received(&peer->timers);
	timers_any_authenticated_packet_traversal(&peer->timers, now.mono_ns);
	if (begin_session(engine, peer, now)) {
		engine_drop(engine, peer, ENGINE_DROP_CRYPTO);
		return;
	}
	engine_handshake_complete(engine, peer, now, out);
	/* Key confirmation for the responder; flushes staged packets first. */
	engine_send_keepalive(engine, peer, now, out);
}

/* The message's mac2 is zeros: its sender holds no cookie for us (cookie.c). */
static bool mac2_is_zero(const struct pktbuf *buf)
{
	const uint8_t *mac2 = pktbuf_data(buf) + buf->len - COOKIE_MAC_LEN;
	uint8_t acc = 0;

	for (size_t i = 0; i < COOKIE_MAC_LEN; i++)
		acc |= mac2[i];
	return !acc;
}

/*
 * Consumes @buf, a handshake initiation or response of the right size,
 * received when the engine is @under_load or not.
 *
 * Every step that costs crypto first takes its cost from the handshake work
 * budget (budget.h), and what does not fit is dropped before the crypto.
 * Under load, a message whose mac2 is zeros can earn at most a cookie
 * reply, so its source's cookie rate is checked before its mac1 is (unless
 * the caller did: @cookie_allowed); a message with a wrong mac2 pays for
 * its mac1 and mac2 and then the same.
 */
static void receive_handshake(struct engine *engine, struct pktbuf *buf, bool under_load,
			      bool cookie_allowed, struct engine_time now,
			      struct engine_output *out)
{
	enum message_type type = message_classify(pktbuf_data(buf), buf->len);
	struct load *load = &engine->load;
	uint64_t t = now.mono_ns;
	struct cookie_source src;
	enum cookie_mac_state mac;
	enum engine_drop reason;
	bool check_cookie;

	if (!engine->identity.has_identity) {
		reason = ENGINE_DROP_NO_IDENTITY;
		goto drop;
	}
	if (!source_of(&buf->addr, &src)) {
		reason = ENGINE_DROP_INVALID_MESSAGE;
		goto drop;
	}
	check_cookie = under_load && !mac2_is_zero(buf);
	if (under_load && !check_cookie && !cookie_allowed &&
	    !load_allow_cookie(load, &buf->addr.sa, t)) {
		reason = ENGINE_DROP_COOKIE_RATELIMIT;
		goto drop;
	}
	if (!load_take(load, check_cookie ? 3 * BUDGET_COST_MAC : BUDGET_COST_MAC, t)) {
		reason = ENGINE_DROP_HANDSHAKE_BUDGET;
		goto drop;
	}
	mac = cookie_validate(&engine->cookie_checker, pktbuf_data(buf), buf->len, &src,
			      check_cookie, t);
	if (mac == INVALID_MAC) {
		reason = ENGINE_DROP_HANDSHAKE_MAC;
		goto drop;
	}
	if (under_load) {
		if (mac != VALID_MAC_WITH_COOKIE) {
			if (check_cookie && !load_allow_cookie(load, &buf->addr.sa, t)) {
				reason = ENGINE_DROP_COOKIE_RATELIMIT;
				goto drop;
			}
			if (!load_take(load, BUDGET_COST_COOKIE, t)) {
				reason = ENGINE_DROP_HANDSHAKE_BUDGET;
				goto drop;
			}
			send_cookie_reply(engine, buf, &src, now, out);
			reason = ENGINE_DROP_HANDSHAKE_COOKIE;
			goto drop;
		}
		if (!load_allow(load, &buf->addr.sa, t)) {
			reason = ENGINE_DROP_HANDSHAKE_RATELIMIT;
			goto drop;
		}
	}
	if (!load_take(load, BUDGET_COST_HANDSHAKE, t)) {
		reason = ENGINE_DROP_HANDSHAKE_BUDGET;
		goto drop;
	}
	if (type == MESSAGE_HANDSHAKE_INITIATION)
		consume_initiation(engine, buf, now, out);
	else
		consume_response(engine, buf, now, out);
	pktbuf_free(buf);
	return;

drop:
	engine_drop_buf(engine, NULL, reason, buf);
}

/*
 * Under load, the messages without mac2 (@n of them in @bufs) can earn a
 * cookie reply each at most. Sources over their cookie rate are dropped
 * first, for free; when the budget cannot pay for all the others, what it
 * can pay for is spread evenly over the batch, from a phase that turns
 * from one batch to the next, so that a legitimate message is served
 * wherever it sits in a flood, within a few batches. They never spend the
 * last handshake's worth of the budget: that stays for the messages with a
 * valid mac2 of the batches to come, however often batches come. The rest
 * is dropped before any crypto.
 */
static void receive_cookieless(struct engine *engine, struct pktbuf **bufs, size_t n,
			       struct engine_time now, struct engine_output *out)
{
	struct load *load = &engine->load;
	uint64_t t = now.mono_ns, fit;
	size_t kept = 0, step = 1, phase = 0;

	for (size_t i = 0; i < n; i++) {
		if (load_allow_cookie(load, &bufs[i]->addr.sa, t))
			bufs[kept++] = bufs[i];
		else
			engine_drop_buf(engine, NULL, ENGINE_DROP_COOKIE_RATELIMIT, bufs[i]);
	}
	fit = load_affordable(load, BUDGET_COST_MAC + BUDGET_COST_COOKIE, BUDGET_COST_HANDSHAKE, t);
	if (fit < kept) {
		step = fit ? (kept + fit - 1) / fit : 0;
		phase = step ? load_phase(load, step) : 0;
	}
	for (size_t i = 0; i < kept; i++) {
		if (step && (i + phase) % step == 0)
			receive_handshake(engine, bufs[i], true, true, now, out);
		else
			engine_drop_buf(engine, NULL, ENGINE_DROP_HANDSHAKE_BUDGET, bufs[i]);
	}
}

/*
 * The batch's handshake messages. Under load those with a mac2 go first,
 * as only they can become handshakes; @bufs is reordered.
 */
void engine_receive_handshakes(struct engine *engine, struct pktbuf **bufs, size_t n,
			       struct engine_time now, struct engine_output *out)
{
	bool under_load = load_handshakes_received(&engine->load, n, now.mono_ns);
	size_t cookieless = 0;

	for (size_t i = 0; i < n; i++) {
		if (under_load && mac2_is_zero(bufs[i]))
			bufs[cookieless++] = bufs[i];
		else
			receive_handshake(engine, bufs[i], under_load, false, now, out);
	}
	if (cookieless)
		receive_cookieless(engine, bufs, cookieless, now, out);
}

static void receive_cookie(struct engine *engine, struct pktbuf *buf, struct engine_time now)
{
	const struct message_handshake_cookie *msg = (const void *)pktbuf_data(buf);
	struct index_entry *entry;

	entry = index_lookup(&engine->indices, le32toh(msg->receiver_index),
			     INDEX_HANDSHAKE | INDEX_KEYPAIR);
	if (!entry) {
		engine_drop_buf(engine, NULL, ENGINE_DROP_UNKNOWN_INDEX, buf);
		return;
	}
	if (cookie_consume_reply(&entry->peer->cookie, msg, now.mono_ns)) {
		engine_drop_buf(engine, entry->peer, ENGINE_DROP_COOKIE_INVALID, buf);
		return;
	}
	pktbuf_free(buf);
}

/* The initiator rekeys once when what it receives on is nearly too old. */
static void keep_key_fresh(struct engine *engine, struct peer *peer, struct engine_time now,
			   struct engine_output *out)
{
	struct keypair *kp = peer->keypairs.current;

	if (kp && kp->sending_valid && kp->initiator &&
	    now.mono_ns - kp->birth_ns >= REKEY_AFTER_TIME_RECV_NS &&
	    !peer->timers.sent_lastminute_handshake) {
		peer->timers.sent_lastminute_handshake = true;
		engine_send_initiation(engine, peer, false, now, out);
	}
}

/* Consumes @buf, a data message; returns its plaintext as engine_receive does. */
static struct pktbuf *receive_data(struct engine *engine, struct pktbuf *buf,
				   struct engine_time now, struct engine_output *out,
				   struct peer **peerp)
{
	const struct message_data *msg = (const void *)pktbuf_data(buf);
	struct index_entry *entry;
	struct keypair *kp;
	struct peer *peer;
	uint64_t counter;
	enum engine_drop reason;

	entry = index_lookup(&engine->indices, le32toh(msg->key_idx), INDEX_KEYPAIR);
	if (!entry) {
		engine_drop_buf(engine, NULL, ENGINE_DROP_UNKNOWN_INDEX, buf);
		return NULL;
	}
	kp = container_of(entry, struct keypair, entry);
	peer = entry->peer;
	if (!keypair_can_receive(kp, now.mono_ns)) {
		reason = ENGINE_DROP_KEYPAIR_EXPIRED;
		goto drop;
	}
	if (le64toh(msg->counter) >= REJECT_AFTER_MESSAGES) {
		reason = ENGINE_DROP_COUNTER_LIMIT;
		goto drop;
	}
	if (keypair_open(kp, buf, &counter)) {
		reason = ENGINE_DROP_DECRYPT;
		goto drop;
	}
	if (!replay_check_and_update(&kp->replay, counter, REJECT_AFTER_MESSAGES)) {
		reason = ENGINE_DROP_REPLAY;
		goto drop;
	}

	/* Authenticated and fresh: the peer may roam, the keys are confirmed. */
	set_endpoint(peer, &buf->addr, out);
	if (keypairs_received_with(&peer->keypairs, kp, &engine->indices)) {
		engine_handshake_complete(engine, peer, now, out);
		engine_send_staged(engine, peer, now, out);
	}
	keep_key_fresh(engine, peer, now, out);
	timers_any_authenticated_packet_received(&peer->timers);
	timers_any_authenticated_packet_traversal(&peer->timers, now.mono_ns);

	if (!buf->len) {
		peer->rx_bytes += message_data_len(0);
		pktbuf_free(buf);
		return NULL;
	}
	timers_data_received(&peer->timers, now.mono_ns);
	*peerp = peer;
	return buf;

drop:
	engine_drop_buf(engine, peer, reason, buf);
	return NULL;
}

void engine_receive_ip(struct engine *engine, struct peer *peer, struct pktbuf *buf,
		       struct engine_output *out)
{
	uint32_t plain_len = buf->len;
	enum engine_drop reason;
	struct ip_info ip;

	switch (ip_parse(pktbuf_data(buf), buf->len, &ip)) {
	case 0:
		break;
	case -EBADMSG:
		reason = ENGINE_DROP_INNER_LENGTH;
		goto drop;
	default:
		if (message_l2_is_frame(pktbuf_data(buf)[0])) {
			engine_mode_mismatch(peer, ENGINE_EVENT_PEER_SENDS_L2, out);
			reason = ENGINE_DROP_FRAME_ON_L3;
			goto drop;
		}
		reason = ENGINE_DROP_INNER_NOT_IP;
		goto drop;
	}
	pktbuf_trim(buf, ip.len);
	if (allowedips_lookup(&engine->allowedips, ip.family, ip.src) != peer) {
		reason = ENGINE_DROP_INNER_SOURCE;
		goto drop;
	}
	peer->rx_bytes += message_data_len(plain_len);
	pktbuf_queue_push(&out->tun, buf);
	return;

drop:
	engine_drop_buf(engine, peer, reason, buf);
}

struct pktbuf *engine_receive(struct engine *engine, struct pktbuf *buf, struct engine_time now,
			      struct engine_output *out, struct peer **peerp)
{
	enum message_type type = message_classify(pktbuf_data(buf), buf->len);

	switch (type) {
	case MESSAGE_HANDSHAKE_INITIATION:
	case MESSAGE_HANDSHAKE_RESPONSE:
		engine_receive_handshakes(engine, &buf, 1, now, out);
		return NULL;
	case MESSAGE_HANDSHAKE_COOKIE:
		receive_cookie(engine, buf, now);
		return NULL;
	case MESSAGE_DATA:
		return receive_data(engine, buf, now, out, peerp);
	default:
		engine_drop_buf(engine, NULL, ENGINE_DROP_INVALID_MESSAGE, buf);
		return NULL;
	}
}
