// SPDX-License-Identifier: GPL-2.0-only
/*
 * A binary min-heap of struct timers. Contracts in timerq.h. Each timers
 * records its slot (q_index) and key (q_key), so lowering a key and
 * removing an entry are O(log n) without a search.
 */
#include "engine/timerq.h"

#include <errno.h>
#include <stdlib.h>

#include "engine/timers.h"

void timerq_init(struct timerq *q)
{
	q->heap = NULL;
	q->len = q->cap = 0;
}

void timerq_free(struct timerq *q)
{
	for (size_t i = 0; i < q->len; i++)
		q->heap[i]->q_index = TIMERQ_NONE;
	free(q->heap);
	timerq_init(q);
}

int timerq_reserve(struct timerq *q, size_t n)
{
	struct timers **heap;
	size_t cap = q->cap ? q->cap : 16;

	if (n <= q->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	heap = realloc(q->heap, cap * sizeof(*heap));
	if (!heap)
		return -ENOMEM;
	q->heap = heap;
	q->cap = cap;
	return 0;
}

static void place(struct timerq *q, size_t i, struct timers *t)
{
	q->heap[i] = t;
	t->q_index = i;
}

static void sift_up(struct timerq *q, size_t i)
{
	struct timers *t = q->heap[i];

	while (i) {
		size_t parent = (i - 1) / 2;

		if (q->heap[parent]->q_key <= t->q_key)
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, t);
}

static void sift_down(struct timerq *q, size_t i)
{
	struct timers *t = q->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= q->len)
			break;
		if (child + 1 < q->len && q->heap[child + 1]->q_key < q->heap[child]->q_key)
			child++;
		if (t->q_key <= q->heap[child]->q_key)
			break;
		place(q, i, q->heap[child]);
		i = child;
	}
	place(q, i, t);
}

void timerq_lower(struct timerq *q, struct timers *t, uint64_t key)
{
	if (key == UINT64_MAX)
		return;
	if (t->q_index == TIMERQ_NONE) {
		if (q->len >= q->cap)
			return; /* unreachable: a queued peer always has its slot reserved */
		t->q_key = key;
		place(q, q->len++, t);
		sift_up(q, t->q_index);
	} else if (key < t->q_key) {
		t->q_key = key;
		sift_up(q, t->q_index);
	}
}

void timerq_remove(struct timerq *q, struct timers *t)
{
	size_t i = t->q_index;

	if (i == TIMERQ_NONE)
		return;
	t->q_index = TIMERQ_NONE;
	if (i == --q->len)
		return;
	/* The last entry fills the hole; it may belong above or below it. */
	place(q, i, q->heap[q->len]);
	if (i && q->heap[(i - 1) / 2]->q_key > q->heap[i]->q_key)
		sift_up(q, i);
	else
		sift_down(q, i);
}

uint64_t timerq_next(const struct timerq *q)
{
	return q->len ? q->heap[0]->q_key : UINT64_MAX;
}

struct timers *timerq_pop(struct timerq *q)
{
	struct timers *top;

	if (!q->len)
		return NULL;
	top = q->heap[0];
	timerq_remove(q, top);
	return top;
}

uint64_t timerq_settle(struct timerq *q)
{
	/*
	 * When the top's key is its deadline, that deadline is the earliest:
	 * every other key is at least the top's, every deadline at least its
	 * key.
	 */
	while (q->len && q->heap[0]->q_key != timers_next(q->heap[0])) {
		struct timers *t = timerq_pop(q);

		timerq_lower(q, t, timers_next(t));
	}
	return timerq_next(q);
}
