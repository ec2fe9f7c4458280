// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rules are WireGuard's timers.c, turned into deadlines: "mod_timer"
 * sets a deadline, "del_timer" clears it, "timer_pending" tests it.
 */
#include <string.h>

#include "engine/messages.h"
#include "engine/timers.h"

static void arm(struct timers *t, enum timer_kind kind, uint64_t at)
{
	/* 0 means disarmed: a deadline is never 0. */
	t->deadline[kind] = at ? at : 1;
	/* Queued: its key need only come down (one comparison, usually not). */
	if (t->q)
		timerq_lower(t->q, &t->q_node,
			     timerq_queued(&t->q_node) ? t->deadline[kind] : timers_next(t));
}

static void disarm(struct timers *t, enum timer_kind kind)
{
	t->deadline[kind] = 0;
}

void timers_init(struct timers *t, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->rng = seed;
	timerq_node_init(&t->q_node);
}

void timers_attach(struct timers *t, struct timerq *q)
{
	t->q = q;
	timerq_lower(q, &t->q_node, timers_next(t));
}

void timers_requeue(struct timers *t)
{
	timerq_lower(t->q, &t->q_node, timers_next(t));
}

uint64_t timers_settle(struct timerq *q)
{
	struct timerq_node *top;

	/*
	 * When the top's key is its deadline, that deadline is the earliest:
	 * every other key is at least the top's, every deadline at least its
	 * key.
	 */
	while ((top = timerq_peek(q)) && top->key != timers_next(timers_from_node(top))) {
		struct timers *t = timers_pop(q);

		timerq_lower(q, &t->q_node, timers_next(t));
	}
	return timerq_next(q);
}

void timers_detach(struct timers *t)
{
	if (t->q)
		timerq_remove(t->q, &t->q_node);
	t->q = NULL;
}

void timers_stop(struct timers *t)
{
	for (int i = 0; i < TIMER_COUNT; i++)
		disarm(t, i);
	t->need_another_keepalive = false;
}

uint64_t timers_jitter(struct timers *t)
{
	/* splitmix64: jitter only spreads retries, it needs no secrecy. */
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z % REKEY_TIMEOUT_JITTER_MAX_NS;
}

void timers_data_sent(struct timers *t, uint64_t now)
{
	if (!timers_armed(t, TIMER_NEW_HANDSHAKE))
		arm(t, TIMER_NEW_HANDSHAKE, now + NEW_HANDSHAKE_TIMEOUT_NS + timers_jitter(t));
}

void timers_data_received(struct timers *t, uint64_t now)
{
	if (!timers_armed(t, TIMER_SEND_KEEPALIVE))
		arm(t, TIMER_SEND_KEEPALIVE, now + KEEPALIVE_TIMEOUT_NS);
	else
		t->need_another_keepalive = true;
}

void timers_any_authenticated_packet_sent(struct timers *t)
{
	disarm(t, TIMER_SEND_KEEPALIVE);
}

void timers_any_authenticated_packet_received(struct timers *t)
{
	disarm(t, TIMER_NEW_HANDSHAKE);
}

void timers_handshake_initiated(struct timers *t, uint64_t now)
{
	arm(t, TIMER_RETRANSMIT_HANDSHAKE, now + REKEY_TIMEOUT_NS + timers_jitter(t));
}

void timers_handshake_complete(struct timers *t)
{
	disarm(t, TIMER_RETRANSMIT_HANDSHAKE);
	t->handshake_attempts = 0;
	t->sent_lastminute_handshake = false;
}

void timers_session_derived(struct timers *t, uint64_t now)
{
	arm(t, TIMER_ZERO_KEY_MATERIAL, now + ZERO_KEY_MATERIAL_NS);
}

void timers_any_authenticated_packet_traversal(struct timers *t, uint64_t now)
{
	if (t->persistent_keepalive_interval)
		arm(t, TIMER_PERSISTENT_KEEPALIVE,
		    now + (uint64_t)t->persistent_keepalive_interval * NSEC_PER_SEC);
}

void timers_handshake_gave_up(struct timers *t, uint64_t now)
{
	disarm(t, TIMER_SEND_KEEPALIVE);
	if (!timers_armed(t, TIMER_ZERO_KEY_MATERIAL))
		arm(t, TIMER_ZERO_KEY_MATERIAL, now + ZERO_KEY_MATERIAL_NS);
}

void timers_keepalive_sent(struct timers *t, uint64_t now)
{
	if (t->need_another_keepalive) {
		t->need_another_keepalive = false;
		arm(t, TIMER_SEND_KEEPALIVE, now + KEEPALIVE_TIMEOUT_NS);
	}
}

void timers_set_persistent_keepalive(struct timers *t, uint16_t interval, uint64_t now)
{
	t->persistent_keepalive_interval = interval;
	if (interval)
		arm(t, TIMER_PERSISTENT_KEEPALIVE, now + (uint64_t)interval * NSEC_PER_SEC);
	else
		disarm(t, TIMER_PERSISTENT_KEEPALIVE);
}

unsigned timers_expired(struct timers *t, uint64_t now)
{
	unsigned due = 0;

	for (int i = 0; i < TIMER_COUNT; i++) {
		if (t->deadline[i] && t->deadline[i] <= now) {
			due |= TIMER_BIT(i);
			disarm(t, i);
		}
	}
	return due;
}

uint64_t timers_next(const struct timers *t)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < TIMER_COUNT; i++)
		if (t->deadline[i] && t->deadline[i] < next)
			next = t->deadline[i];
	return next;
}
