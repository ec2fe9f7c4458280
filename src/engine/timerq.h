/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's timer queue: every peer's timers (struct timers) in one
 * binary min-heap keyed by a lower bound of their earliest deadline, so
 * that the next deadline of the whole engine is the top of the heap, not a
 * walk over all peers after every batch.
 *
 * A key may be early, never late. A deadline armed earlier than the key
 * lowers it at once (timers.c calls timerq_lower from its one arm()); a
 * deadline that moves later or is disarmed (every packet re-arms the
 * persistent keepalive further out) costs nothing: the stale entry comes
 * up early, and whoever pops it queues the timers again at their true
 * deadline. So the datapath does one comparison per re-arm, and a heap
 * operation only when a deadline moves earlier.
 *
 * Capacity is reserved when a peer is added (timerq_reserve), so arming
 * never allocates. Pure, no locks: serialized by the engine's owner.
 */
#ifndef WARREN_ENGINE_TIMERQ_H
#define WARREN_ENGINE_TIMERQ_H

#include <stddef.h>
#include <stdint.h>

struct timers;

struct timerq {
	struct timers **heap;
	size_t len, cap;
};

void timerq_init(struct timerq *q);
void timerq_free(struct timerq *q);

/* Makes room for @n entries. 0 or -ENOMEM. */
int timerq_reserve(struct timerq *q, size_t n);

/*
 * Queues @t with key @key, or lowers its key to @key if it is queued with
 * a later one; UINT64_MAX (nothing armed) does nothing. Never allocates:
 * the caller reserved room for every queued timers.
 */
void timerq_lower(struct timerq *q, struct timers *t, uint64_t key);

/* Takes @t out of the queue if it is in it. */
void timerq_remove(struct timerq *q, struct timers *t);

/* The smallest key, or UINT64_MAX when the queue is empty. */
uint64_t timerq_next(const struct timerq *q);

/*
 * The earliest armed deadline of all queued timers, exactly (UINT64_MAX:
 * none). The top entries whose key is early are queued again at their
 * true deadline first: O(log n) for each, O(1) when none is.
 */
uint64_t timerq_settle(struct timerq *q);

/* Takes the entry with the smallest key out and returns it (NULL: empty). */
struct timers *timerq_pop(struct timerq *q);

#endif
