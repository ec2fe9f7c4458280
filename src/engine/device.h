/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The inside of struct engine, shared by the engine's own files
 * (engine.c: configuration and timers; datapath.c: the entry points; l2.c;
 * send.c; receive.c). Nothing outside src/engine/ includes this: the API
 * is engine/engine.h.
 *
 * The files call down only: datapath.c and engine.c call l2.c, send.c and
 * receive.c; l2.c calls send.c; receive.c calls send.c. The helpers every
 * layer shares (drops, staging, events) are inline here.
 */
#ifndef WARREN_ENGINE_DEVICE_H
#define WARREN_ENGINE_DEVICE_H

#include <string.h>

#include "engine/allowedips.h"
#include "engine/cookie.h"
#include "engine/engine.h"
#include "engine/index.h"
#include "engine/load.h"
#include "engine/messages.h"
#include "engine/mactable.h"
#include "engine/noise.h"
#include "engine/peer.h"
#include "engine/staging.h"
#include "engine/timerq.h"

struct engine {
	struct noise_static_identity identity;
	struct cookie_checker cookie_checker;
	struct peer_table peers;
	struct index_table indices;
	struct allowedips allowedips;
	struct load load;
	struct timerq timerq; /* every peer's timers, by next deadline */
	uint16_t listen_port;
	uint32_t fwmark;
	bool down; /* engine_set_down */
	uint32_t mtu;
	uint64_t drops[ENGINE_DROP_COUNT];
	/* Packets on all peers' staged queues, their cap, the peers holding most. */
	struct staging staging;

	/* L2 mode (l2.c). The table is allocated on first use (macs_ready). */
	enum engine_mode mode;
	bool hub;
	bool macs_ready;
	struct mactable macs;
	uint64_t mac_ageing_ns; /* 0: MACTABLE_DEFAULT_AGEING */
	/* Stands for "the TAP device" in the MAC table; never dereferenced. */
	uint64_t local_port;
	uint64_t flooded, flood_copies, forwarded;
	bool no_clamp_mss; /* engine_set_clamp_mss(false) */
	uint64_t mss_clamped, fragmented;
};

/* Counts a drop engine-wide and against @peer when known. */
static inline void engine_drop(struct engine *engine, struct peer *peer, enum engine_drop reason)
{
	engine->drops[reason]++;
	if (peer)
		peer_drop(peer, reason);
}

/* Frees @buf as a counted drop. */
static inline void engine_drop_buf(struct engine *engine, struct peer *peer,
				   enum engine_drop reason, struct pktbuf *buf)
{
	engine_drop(engine, peer, reason);
	pktbuf_free(buf);
}

/*
 * A peer's staged queue changes only through staging.h (engine->staging),
 * which keeps the count and the cap: this drops everything as @reason.
 */
static inline void engine_stage_drop_all(struct engine *engine, struct peer *peer,
					 enum engine_drop reason)
{
	struct pktbuf *buf;

	while ((buf = staging_pop(&engine->staging, peer)))
		engine_drop_buf(engine, peer, reason, buf);
}

/* Appends an event about @peer to @out and returns it, or counts it lost and returns NULL. */
static inline struct engine_event *
engine_event(struct engine_output *out, enum engine_event_type type, const struct peer *peer)
{
	struct engine_event *ev;

	if (out->n_events >= ENGINE_EVENTS_MAX) {
		out->events_lost++;
		return NULL;
	}
	ev = &out->events[out->n_events++];
	ev->type = type;
	ev->attempt = 0;
	memcpy(ev->public_key, peer->public_key, sizeof(ev->public_key));
	return ev;
}

/* Raises @type (a peer that sends the other mode's packets) for @peer once. */
static inline void engine_mode_mismatch(struct peer *peer, enum engine_event_type type,
					struct engine_output *out)
{
	if (peer->mode_mismatch_reported)
		return;
	peer->mode_mismatch_reported = true;
	engine_event(out, type, peer);
}

/*
 * send.c: the send paths every part of the engine uses.
 *
 * engine_send_datagram: queues the finished UDP payload @buf (consumed) to
 * the peer's endpoint and counts it in tx_bytes; drops it without an
 * endpoint.
 * engine_handshake_create: builds the handshake message @type
 * (MESSAGE_HANDSHAKE_INITIATION or _RESPONSE) of @peer in a new buffer under
 * a newly inserted handshake index, MACs added. Returns 0 with *@bufp owned by
 * the caller; -ENOBUFS for an empty pool, counted as ENGINE_DROP_NO_BUFFER;
 * any other -errno uncounted, with the buffer freed and, if the index was
 * inserted, the index removed and the handshake cleared.
 * engine_handshake_send: queues @buf (consumed) from engine_handshake_create
 * and notes the send for the timers and the one-per-REKEY_TIMEOUT limit.
 * engine_send_initiation: makes and sends an initiation unless one went out
 * less than REKEY_TIMEOUT ago; @retry keeps the attempt counter.
 * engine_send_keepalive: sends an empty packet (or flushes staged ones).
 * engine_send_staged: seals what is staged if a usable keypair exists,
 * otherwise starts a handshake.
 */
void engine_send_datagram(struct engine *engine, struct peer *peer, struct pktbuf *buf,
			  struct engine_output *out);
int engine_handshake_create(struct engine *engine, struct peer *peer, enum message_type type,
			    struct engine_time now, struct engine_output *out,
			    struct pktbuf **bufp);
void engine_handshake_send(struct engine *engine, struct peer *peer, struct pktbuf *buf,
			   struct engine_time now, struct engine_output *out);
void engine_send_initiation(struct engine *engine, struct peer *peer, bool retry,
			    struct engine_time now, struct engine_output *out);
void engine_send_keepalive(struct engine *engine, struct peer *peer, struct engine_time now,
			   struct engine_output *out);
void engine_send_staged(struct engine *engine, struct peer *peer, struct engine_time now,
			struct engine_output *out);
/*
 * engine_send_packet: sends or stages one plaintext (consumed) for @peer,
 * keeping the peer's order: an IP packet, or a frame that l2.c has
 * encapsulated. It does not look inside.
 * engine_send_ip: an IP packet (consumed) for @peer, dropped as
 * ENGINE_DROP_TOO_BIG past the MTU, else engine_send_packet.
 * engine_send_ip_batch: IP packets from the TUN device (consumed), routed
 * by destination through the allowed IPs to engine_send_ip.
 */
void engine_send_packet(struct engine *engine, struct peer *peer, struct pktbuf *buf,
			struct engine_time now, struct engine_output *out);
void engine_send_ip(struct engine *engine, struct peer *peer, struct pktbuf *buf,
		    struct engine_time now, struct engine_output *out);
void engine_send_ip_batch(struct engine *engine, struct pktbuf **bufs, size_t n,
			  struct engine_time now, struct engine_output *out);

/*
 * receive.c: the receive path.
 *
 * engine_receive: one received UDP payload (consumed). Handshake and
 * cookie messages are handled here. A data message that opens, passes the
 * replay window and is not a keepalive is returned, plaintext in place,
 * with *@peerp its peer, for the caller to hand to its mode's layer;
 * otherwise NULL.
 * engine_receive_handshakes: @n handshake initiations and responses
 * (classified by the caller, consumed; the array is reordered), one
 * batch's worth: the batch's size tells the load (load.h), then each is
 * handled within the handshake work budget (budget.h).
 * engine_receive_ip: the plaintext of a data message from @peer (consumed)
 * in L3 mode: checked as an IP packet from the peer's allowed IPs and
 * delivered to out->tun.
 */
struct pktbuf *engine_receive(struct engine *engine, struct pktbuf *buf, struct engine_time now,
			      struct engine_output *out, struct peer **peerp);
void engine_receive_handshakes(struct engine *engine, struct pktbuf **bufs, size_t n,
			       struct engine_time now, struct engine_output *out);
void engine_receive_ip(struct engine *engine, struct peer *peer, struct pktbuf *buf,
		       struct engine_output *out);

/*
 * l2.c: the L2 layer, above the send path.
 *
 * l2_send_batch: frames from the TAP device, switched to peers (consumed).
 * l2_send: one frame (consumed) for @peer: encapsulated, then
 * engine_send_packet.
 * l2_receive: the plaintext returned by engine_receive in L2 mode
 * (consumed): checked, learned, delivered to out->tun and, in hub mode,
 * switched on.
 * engine_plain_limit: the longest plaintext padding may reach (0: none).
 */
void l2_send_batch(struct engine *engine, struct pktbuf **bufs, size_t n, struct engine_time now,
		   struct engine_output *out);
void l2_send(struct engine *engine, struct peer *peer, struct pktbuf *buf, struct engine_time now,
	     struct engine_output *out);
void l2_receive(struct engine *engine, struct peer *peer, struct pktbuf *buf,
		struct engine_time now, struct engine_output *out);

static inline uint32_t engine_plain_limit(const struct engine *engine)
{
	if (!engine->mtu || engine->mode == ENGINE_MODE_L3)
		return engine->mtu;
	return engine->mtu + MESSAGE_L2_ETH_HEADER_LEN + MESSAGE_L2_HEADER_LEN;
}

/* Marks the last completed handshake (wall clock) and resets the timers' attempt count. */
void engine_handshake_complete(struct engine *engine, struct peer *peer, struct engine_time now,
			       struct engine_output *out);

#endif
