// SPDX-License-Identifier: GPL-2.0-only
/*
 * A binary min-heap of embedded nodes. Contracts in timerq.h. Each node
 * records its slot and key, so lowering a key and removing a node are
 * O(log n) without a search.
 */
#include "engine/timerq.h"

#include <errno.h>
#include <stdlib.h>

void timerq_init(struct timerq *q)
{
	q->heap = NULL;
	q->len = q->cap = 0;
}

void timerq_free(struct timerq *q)
{
	for (size_t i = 0; i < q->len; i++)
		q->heap[i]->index = TIMERQ_NONE;
	free(q->heap);
	timerq_init(q);
}

int timerq_reserve(struct timerq *q, size_t n)
{
	struct timerq_node **heap;
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

static void place(struct timerq *q, size_t i, struct timerq_node *node)
{
	q->heap[i] = node;
	node->index = i;
}

static void sift_up(struct timerq *q, size_t i)
{
	struct timerq_node *node = q->heap[i];

	while (i) {
		size_t parent = (i - 1) / 2;

		if (q->heap[parent]->key <= node->key)
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, node);
}

static void sift_down(struct timerq *q, size_t i)
{
	struct timerq_node *node = q->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= q->len)
			break;
		if (child + 1 < q->len && q->heap[child + 1]->key < q->heap[child]->key)
			child++;
		if (node->key <= q->heap[child]->key)
			break;
		place(q, i, q->heap[child]);
		i = child;
	}
	place(q, i, node);
}

void timerq_lower(struct timerq *q, struct timerq_node *node, uint64_t key)
{
	if (key == UINT64_MAX)
		return;
	if (node->index == TIMERQ_NONE) {
		if (q->len >= q->cap)
			return; /* unreachable: a queued peer always has its slot reserved */
		node->key = key;
		place(q, q->len++, node);
		sift_up(q, node->index);
	} else if (key < node->key) {
		node->key = key;
		sift_up(q, node->index);
	}
}

void timerq_remove(struct timerq *q, struct timerq_node *node)
{
	size_t i = node->index;

	if (i == TIMERQ_NONE)
		return;
	node->index = TIMERQ_NONE;
	if (i == --q->len)
		return;
	/* The last entry fills the hole; it may belong above or below it. */
	place(q, i, q->heap[q->len]);
	if (i && q->heap[(i - 1) / 2]->key > q->heap[i]->key)
		sift_up(q, i);
	else
		sift_down(q, i);
}

uint64_t timerq_next(const struct timerq *q)
{
	return q->len ? q->heap[0]->key : UINT64_MAX;
}

struct timerq_node *timerq_pop(struct timerq *q)
{
	struct timerq_node *top;

	if (!q->len)
		return NULL;
	top = q->heap[0];
	timerq_remove(q, top);
	return top;
}
