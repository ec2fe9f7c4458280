// SPDX-License-Identifier: GPL-2.0-only
/*
 * The send paths: handshake initiations, transport packets, keepalives and
 * staging while no keypair can send (WireGuard's send.c, as functions that
 * append to an engine_output instead of touching a socket).
 */
#include <errno.h>
#include <string.h>

#include "core/ip.h"
#include "engine/device.h"
#include "engine/messages.h"

void engine_send_datagram(struct engine *engine, struct peer *peer, struct pktbuf *buf,
			  struct engine_output *out)
{
	if (peer->endpoint.sa.sa_family == AF_UNSPEC) {
		engine_drop_buf(engine, peer, ENGINE_DROP_NO_ENDPOINT, buf);
		return;
	}
	if (engine->down) {
		engine_drop_buf(engine, peer, ENGINE_DROP_DOWN, buf);
		return;
	}
	buf->addr = peer->endpoint;
	peer->tx_bytes += buf->len;
	pktbuf_queue_push(&out->tx, buf);
}

int engine_handshake_create(struct engine *engine, struct peer *peer, enum message_type type,
			    struct engine_time now, struct engine_output *out, struct pktbuf **bufp)
{
	bool initiation = type == MESSAGE_HANDSHAKE_INITIATION;
	size_t len = initiation ? sizeof(struct message_handshake_initiation)
				: sizeof(struct message_handshake_response);
	uint32_t index;
	struct pktbuf *buf;
	void *msg;
	int ret;

	*bufp = NULL;
	buf = pktbuf_alloc(out->pool);
	if (!buf) {
		engine_drop(engine, peer, ENGINE_DROP_NO_BUFFER);
		return -ENOBUFS;
	}
	msg = pktbuf_put(buf, len);
	if (!msg) {
		ret = -EMSGSIZE;
		goto err;
	}
	ret = index_insert(&engine->indices, &peer->handshake_entry);
	if (ret)
		goto err;
	index = peer->handshake_entry.index;
	/* An initiation fails for a low-order peer key: such a peer never gets a packet. */
	if (initiation)
		ret = noise_create_initiation(&peer->handshake, msg, index, now.wall_ns);
	else
		ret = noise_create_response(&peer->handshake, msg, index);
	if (!ret)
		ret = cookie_add_macs(&peer->cookie, msg, len, now.mono_ns);
	if (ret)
		goto err_index;
	*bufp = buf;
	return 0;

err_index:
	index_remove(&engine->indices, &peer->handshake_entry);
	noise_handshake_clear(&peer->handshake);
err:
	pktbuf_free(buf);
	return ret;
}

void engine_handshake_send(struct engine *engine, struct peer *peer, struct pktbuf *buf,
			   struct engine_time now, struct engine_output *out)
{
	timers_any_authenticated_packet_traversal(&peer->timers, now.mono_ns);
	timers_any_authenticated_packet_sent(&peer->timers);
	peer->last_sent_handshake_ns = now.mono_ns;
	peer->has_sent_handshake = true;
	engine_send_datagram(engine, peer, buf, out);
}

void engine_send_initiation(struct engine *engine, struct peer *peer, bool retry,
			    struct engine_time now, struct engine_output *out)
{
	struct engine_event *ev;
	struct pktbuf *buf;

	if (!retry)
		peer->timers.handshake_attempts = 0;
	/* At most one initiation (or response) per REKEY_TIMEOUT. */
	if (peer->has_sent_handshake &&
	    now.mono_ns - peer->last_sent_handshake_ns < REKEY_TIMEOUT_NS)
		return;
	if (!engine->identity.has_identity)
		return;

	if (engine_handshake_create(engine, peer, MESSAGE_HANDSHAKE_INITIATION, now, out, &buf))
		return;
	engine_handshake_send(engine, peer, buf, now, out);
	timers_handshake_initiated(&peer->timers, now.mono_ns);
	ev = engine_event(out, ENGINE_EVENT_HANDSHAKE_SENT, peer);
	if (ev)
		ev->attempt = peer->timers.handshake_attempts + 1;
}

/* Initiator or not, rekey before the current keypair wears out (on send). */
static void keep_key_fresh(struct engine *engine, struct peer *peer, struct engine_time now,
			   struct engine_output *out)
{
	struct keypair *kp = peer->keypairs.current;

	if (kp && kp->sending_valid &&
	    (kp->send_counter > REKEY_AFTER_MESSAGES ||
	     (kp->initiator && now.mono_ns - kp->birth_ns >= REKEY_AFTER_TIME_NS)))
		engine_send_initiation(engine, peer, false, now, out);
}

/* Seals @buf (consumed) under @kp, which can send, and queues it. */
static void seal_and_send(struct engine *engine, struct peer *peer, struct keypair *kp,
			  struct pktbuf *buf, struct engine_time now, struct engine_output *out)
{
	bool keepalive = buf->len == 0;
	/*
	 * An L2 message is padded already (l2.c: its header counts the
	 * padding, which stops at what fits one underlay packet): the seal
	 * must add none, or a message that fits would need two.
	 */
	uint32_t limit =
	    engine->mode == ENGINE_MODE_L2 && !keepalive ? buf->len : engine_plain_limit(engine);
	int ret;

	ret = keypair_seal(kp, buf, kp->send_counter++, limit);
	if (ret) {
		engine_drop_buf(engine, peer,
				ret == -ENOSPC ? ENGINE_DROP_NO_BUFFER : ENGINE_DROP_CRYPTO, buf);
		return;
	}
	timers_any_authenticated_packet_traversal(&peer->timers, now.mono_ns);
	timers_any_authenticated_packet_sent(&peer->timers);
	if (!keepalive)
		timers_data_sent(&peer->timers, now.mono_ns);
	engine_send_datagram(engine, peer, buf, out);
}

/*
 * Stages @buf (consumed), always: past MAX_STAGED_PACKETS the peer's
 * oldest goes, and at the engine-wide cap the oldest of the peer holding
 * the most (staging.h), so that no peer's staging can keep another's first
 * packet, and with it its handshake, out (engine_set_staged_limit).
 */
static void stage(struct engine *engine, struct peer *peer, struct pktbuf *buf)
{
	struct peer *victim = staging_victim(&engine->staging, peer);

	if (victim)
		engine_drop_buf(engine, victim,
				victim == peer ? ENGINE_DROP_STAGED_OVERFLOW
					       : ENGINE_DROP_STAGED_EVICTED,
				staging_pop(&engine->staging, victim));
	staging_push(&engine->staging, peer, buf);
}

void engine_send_staged(struct engine *engine, struct peer *peer, struct engine_time now,
			struct engine_output *out)
{
	struct keypair *kp = peer->keypairs.current;
	struct pktbuf *buf;

	if (!peer->staged.len)
		return;
	if (!keypair_can_send(kp, now.mono_ns))
		goto need_handshake;
	while (peer->staged.len) {
		if (kp->send_counter >= REJECT_AFTER_MESSAGES) {
			kp->sending_valid = false;
			goto need_handshake;
		}
		buf = staging_pop(&engine->staging, peer);
		seal_and_send(engine, peer, kp, buf, now, out);
	}
	keep_key_fresh(engine, peer, now, out);
	return;

need_handshake:
	engine_send_initiation(engine, peer, false, now, out);
}

void engine_peer_send_staged(struct engine *engine, struct peer *peer, struct engine_time now,
			     struct engine_output *out)
{
	engine_send_staged(engine, peer, now, out);
}

void engine_send_keepalive(struct engine *engine, struct peer *peer, struct engine_time now,
			   struct engine_output *out)
{
	if (!peer->staged.len) {
		struct pktbuf *buf;

		/*
		 * Without a session there is nothing to keep alive: start the
		 * handshake and stage nothing (receiving the response sends the
		 * keepalive that confirms the session). An empty packet staged
		 * here would hold a pool buffer per unreachable peer, past the
		 * staging cap, until the pool ran dry for everyone.
		 */
		if (!keypair_can_send(peer->keypairs.current, now.mono_ns)) {
			engine_send_initiation(engine, peer, false, now, out);
			return;
		}
		buf = pktbuf_alloc(out->pool);
		if (!buf) {
			engine_drop(engine, peer, ENGINE_DROP_NO_BUFFER);
			return;
		}
		stage(engine, peer, buf);
	}
	engine_send_staged(engine, peer, now, out);
}

void engine_send_packet(struct engine *engine, struct peer *peer, struct pktbuf *buf,
			struct engine_time now, struct engine_output *out)
{
	struct keypair *kp = peer->keypairs.current;

	if (peer->staged.len || !keypair_can_send(kp, now.mono_ns)) {
		stage(engine, peer, buf);
		engine_send_staged(engine, peer, now, out);
		return;
	}
	seal_and_send(engine, peer, kp, buf, now, out);
	keep_key_fresh(engine, peer, now, out);
}

void engine_send_ip(struct engine *engine, struct peer *peer, struct pktbuf *buf,
		    struct engine_time now, struct engine_output *out)
{
	if (engine->mtu && buf->len > engine->mtu) {
		engine_drop_buf(engine, peer, ENGINE_DROP_TOO_BIG, buf);
		return;
	}
	engine_send_packet(engine, peer, buf, now, out);
}

void engine_send_ip_batch(struct engine *engine, struct pktbuf **bufs, size_t n,
			  struct engine_time now, struct engine_output *out)
{
	for (size_t i = 0; i < n; i++) {
		struct pktbuf *buf = bufs[i];
		struct ip_info ip;
		struct peer *peer;

		if (ip_parse(pktbuf_data(buf), buf->len, &ip)) {
			engine_drop_buf(engine, NULL, ENGINE_DROP_INNER_NOT_IP, buf);
			continue;
		}
		peer = allowedips_lookup(&engine->allowedips, ip.family, ip.dst);
		if (!peer) {
			engine_drop_buf(engine, NULL, ENGINE_DROP_NO_ROUTE, buf);
			continue;
		}
		engine_send_ip(engine, peer, buf, now, out);
	}
}

void engine_handshake_complete(struct engine *engine, struct peer *peer, struct engine_time now,
			       struct engine_output *out)
{
	timers_handshake_complete(&peer->timers);
	peer->last_handshake_wall_ns = now.wall_ns;
	engine_event(out, ENGINE_EVENT_HANDSHAKE_COMPLETE, peer);
}
