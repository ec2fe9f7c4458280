/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's timer queue: a binary min-heap of nodes, each embedded in
 * its owner (a peer's struct timers) and keyed by a lower bound of the
 * owner's earliest deadline, so that the next deadline of the whole engine
 * is the top of the heap, not a walk over all peers after every batch. The
 * queue knows nothing of its owners (as fastd's pqueue.h): the owner maps a
 * node back with container_of() and says what its true deadline is.
 *
 * A key may be early, never late. A deadline armed earlier than the key
 * lowers it at once (timers.c calls timerq_lower from its one arm()); a
 * deadline that moves later or is disarmed (every packet re-arms the
 * persistent keepalive further out) costs nothing: the stale node comes up
 * early, and whoever pops it queues it again at its true deadline
 * (timers_settle()). So the datapath does one comparison per re-arm, and a
 * heap operation only when a deadline moves earlier.
 *
 * Capacity is reserved when a peer is added (timerq_reserve), so queueing
 * never allocates. Pure, no locks: serialized by the engine's owner.
 */
#ifndef WARREN_ENGINE_TIMERQ_H
#define WARREN_ENGINE_TIMERQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMERQ_NONE ((size_t)-1)

/* Embedded in what is queued. Only timerq.c writes it. */
struct timerq_node {
	uint64_t key;
	size_t index; /* slot in the heap; TIMERQ_NONE: not queued */
};

struct timerq {
	struct timerq_node **heap;
	size_t len, cap;
};

/* A node that is not queued. */
static inline void timerq_node_init(struct timerq_node *node)
{
	node->key = 0;
	node->index = TIMERQ_NONE;
}

static inline bool timerq_queued(const struct timerq_node *node)
{
	return node->index != TIMERQ_NONE;
}

void timerq_init(struct timerq *q);
/* Frees the heap; every node still queued is left not queued. */
void timerq_free(struct timerq *q);

/* Makes room for @n nodes. 0 or -ENOMEM. */
int timerq_reserve(struct timerq *q, size_t n);

/*
 * Queues @node with key @key, or lowers its key to @key if it is queued
 * with a later one; UINT64_MAX (nothing armed) does nothing. Never
 * allocates: the caller reserved room for every queued node.
 */
void timerq_lower(struct timerq *q, struct timerq_node *node, uint64_t key);

/* Takes @node out of the queue if it is in it. */
void timerq_remove(struct timerq *q, struct timerq_node *node);

/* The smallest key, or UINT64_MAX when the queue is empty. */
uint64_t timerq_next(const struct timerq *q);

/* The node with the smallest key, left queued (NULL: empty). */
static inline struct timerq_node *timerq_peek(const struct timerq *q)
{
	return q->len ? q->heap[0] : NULL;
}

/* Takes the node with the smallest key out and returns it (NULL: empty). */
struct timerq_node *timerq_pop(struct timerq *q);

#endif
