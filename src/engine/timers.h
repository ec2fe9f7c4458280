/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A peer's timers as deadlines, not threads (WireGuard paper §6;
 * drivers/net/wireguard/timers.c; wireguard-go device/timers.go).
 *
 * Each timer is a deadline on the engine's monotonic clock (nanoseconds);
 * 0 means disarmed. The engine reports the protocol events below as they
 * happen (timers_data_sent() etc.: the same hooks as WireGuard's timers.c),
 * and asks timers_expired() which timers are due when its caller drives it;
 * the engine then performs the expiry actions (resend an initiation, send a
 * keepalive, zero keys). timers_next() is the earliest armed deadline, from
 * which engine_next_deadline() is computed.
 *
 * Pure state, no allocation; serialized by the owner of the peer.
 */
#ifndef WARREN_ENGINE_TIMERS_H
#define WARREN_ENGINE_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/timerq.h"

enum timer_kind {
	TIMER_RETRANSMIT_HANDSHAKE,
	TIMER_SEND_KEEPALIVE,
	TIMER_NEW_HANDSHAKE,
	TIMER_ZERO_KEY_MATERIAL,
	TIMER_PERSISTENT_KEEPALIVE,
	TIMER_COUNT,
};

#define TIMER_BIT(kind) (1U << (kind))

struct timers {
	uint64_t deadline[TIMER_COUNT];
	/* Retransmissions of the current handshake attempt so far. */
	uint32_t handshake_attempts;
	/* Persistent keepalive interval in seconds; 0 is off. */
	uint16_t persistent_keepalive_interval;
	/* Data arrived while the keepalive timer was already armed. */
	bool need_another_keepalive;
	/* The initiator's one rekey on receive at 165 s has been sent. */
	bool sent_lastminute_handshake;
	/* State of the jitter generator (not secret; seeded randomly). */
	uint64_t rng;
	/* The engine's queue (timerq.h) once attached, and our node in it,
	 * keyed no later than the earliest armed deadline. */
	struct timerq *q;
	struct timerq_node q_node;
};

/* Disarms everything; @seed seeds the jitter. */
void timers_init(struct timers *t, uint64_t seed);

/* Disarms everything (the peer is being removed or its keys zeroed). */
void timers_stop(struct timers *t);

/*
 * Puts @t in the engine's queue @q, which has room for it reserved
 * (timerq_reserve); from then on every deadline armed is queued.
 */
void timers_attach(struct timers *t, struct timerq *q);
/* Takes @t out of its queue (the peer is being removed). */
void timers_detach(struct timers *t);

static inline struct timers *timers_from_node(struct timerq_node *node)
{
	return (struct timers *)((char *)node - offsetof(struct timers, q_node));
}

/* Takes the timers with the earliest key out of @q (NULL: empty). */
static inline struct timers *timers_pop(struct timerq *q)
{
	struct timerq_node *node = timerq_pop(q);

	return node ? timers_from_node(node) : NULL;
}

/* Queues @t again at its earliest armed deadline (after timers_pop()). */
void timers_requeue(struct timers *t);

/*
 * The earliest armed deadline of all timers queued in @q, exactly
 * (UINT64_MAX: none). The top entries whose key is early are queued again
 * at their true deadline first: O(log n) for each, O(1) when none is.
 */
uint64_t timers_settle(struct timerq *q);

/* A random jitter in [0, REKEY_TIMEOUT_JITTER_MAX_NS). */
uint64_t timers_jitter(struct timers *t);

/* Should be called after an authenticated data packet is sent. */
void timers_data_sent(struct timers *t, uint64_t now);
/* Should be called after an authenticated data packet (not a keepalive) is received. */
void timers_data_received(struct timers *t, uint64_t now);
/* Should be called after any authenticated packet is sent (keepalive, data, handshake). */
void timers_any_authenticated_packet_sent(struct timers *t);
/* Should be called after any authenticated packet is received (keepalive, data, handshake). */
void timers_any_authenticated_packet_received(struct timers *t);
/* Should be called after a handshake initiation is sent. */
void timers_handshake_initiated(struct timers *t, uint64_t now);
/*
 * Should be called after a handshake response is consumed, or when the
 * responder gets key confirmation through the first data packet.
 */
void timers_handshake_complete(struct timers *t);
/* Should be called when a keypair is derived (sending a response or consuming one). */
void timers_session_derived(struct timers *t, uint64_t now);
/*
 * Should be called before any authenticated packet is sent and after one is
 * received: re-arms the persistent keepalive.
 */
void timers_any_authenticated_packet_traversal(struct timers *t, uint64_t now);

/*
 * Should be called when the retransmit timer gives up after
 * MAX_TIMER_HANDSHAKES: no keepalive is owed any more, and keys are
 * zeroed after ZERO_KEY_MATERIAL_NS unless that is already pending.
 */
void timers_handshake_gave_up(struct timers *t, uint64_t now);
/*
 * Should be called after the send-keepalive timer fired and its keepalive
 * went out: re-arms it if data arrived meanwhile.
 */
void timers_keepalive_sent(struct timers *t, uint64_t now);

/*
 * Sets the persistent keepalive interval (seconds, 0 = off). Arms or
 * disarms its timer; sending the immediate keepalive that turning it on
 * calls for is the engine's job.
 */
void timers_set_persistent_keepalive(struct timers *t, uint16_t interval, uint64_t now);

/*
 * Returns the TIMER_BIT()s of the timers due at @now and disarms them.
 * The caller performs their actions in enum order.
 */
unsigned timers_expired(struct timers *t, uint64_t now);

/* The earliest armed deadline, or UINT64_MAX when none is armed. */
uint64_t timers_next(const struct timers *t);

static inline bool timers_armed(const struct timers *t, enum timer_kind kind)
{
	return t->deadline[kind] != 0;
}

#endif
