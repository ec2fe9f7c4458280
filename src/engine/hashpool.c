// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pool: an array of nodes (key and link) and an array of chain heads,
 * a power of two at least as long as the pool, so that chains stay short
 * when it is full. A free node's link threads the free list.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/hashpool.h"

int hashpool_init(struct hashpool *p, size_t capacity, uint64_t seed)
{
	size_t buckets = 16;

	memset(p, 0, sizeof(*p));
	if (!capacity || capacity > HASHPOOL_MAX_CAPACITY)
		return -EINVAL;
	while (buckets < capacity)
		buckets *= 2;

	p->nodes = calloc(capacity, sizeof(*p->nodes));
	if (!p->nodes)
		goto err_nodes;
	p->buckets = calloc(buckets, sizeof(*p->buckets));
	if (!p->buckets)
		goto err_buckets;

	for (size_t i = 0; i + 1 < capacity; i++)
		p->nodes[i].next = (uint32_t)(i + 2);
	p->free_head = 1;
	p->bucket_mask = buckets - 1;
	p->capacity = capacity;
	p->seed = hashpool_mix(seed);
	return 0;

err_buckets:
	free(p->nodes);
err_nodes:
	memset(p, 0, sizeof(*p));
	return -ENOMEM;
}

void hashpool_free(struct hashpool *p)
{
	if (!p)
		return;
	free(p->nodes);
	free(p->buckets);
	memset(p, 0, sizeof(*p));
}

int hashpool_insert(struct hashpool *p, struct hashpool_key key)
{
	uint32_t link = p->free_head;
	struct hashpool_node *n;
	size_t b;

	if (!link)
		return -ENOSPC;
	n = &p->nodes[link - 1];
	p->free_head = n->next;
	n->key = key;
	b = hashpool_bucket(p, key);
	n->next = p->buckets[b];
	p->buckets[b] = link;
	p->used++;
	return (int)(link - 1);
}

/* Moves the node that *@link names from its chain to the free list. */
static void unlink_node(struct hashpool *p, uint32_t *link)
{
	uint32_t l = *link;
	struct hashpool_node *n = &p->nodes[l - 1];

	*link = n->next;
	n->next = p->free_head;
	p->free_head = l;
	p->used--;
}

void hashpool_remove(struct hashpool *p, uint32_t slot)
{
	uint32_t *link = &p->buckets[hashpool_bucket(p, p->nodes[slot].key)];

	while (*link != slot + 1)
		link = &p->nodes[*link - 1].next;
	unlink_node(p, link);
}

size_t hashpool_remove_if(struct hashpool *p, bool (*drop)(void *ctx, uint32_t slot), void *ctx)
{
	size_t freed = 0;

	for (size_t b = 0; p->capacity && b <= p->bucket_mask; b++) {
		uint32_t *link = &p->buckets[b];

		while (*link) {
			if (drop(ctx, *link - 1)) {
				unlink_node(p, link);
				freed++;
			} else {
				link = &p->nodes[*link - 1].next;
			}
		}
	}
	return freed;
}
