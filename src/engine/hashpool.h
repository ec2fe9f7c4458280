/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fixed pool of hashed keys: the chained hash table under the MAC table
 * (mactable.h) and the handshake ratelimiter (ratelimiter.h).
 *
 * A key is 128 bits (two words, passed by value so that a lookup keeps it
 * in registers). Each key lives in a slot, an index below
 * the capacity, which the user also uses for its own array of values kept
 * beside the pool (the pool stores keys and links only). Chains and the
 * free list are slot indices plus one, so 0 is "none".
 *
 * - All memory is allocated by hashpool_init(); no other call allocates.
 * - Keys are hashed with a seeded SplitMix64 finalizer, so that an
 *   outsider who picks keys (source addresses) cannot aim them at one
 *   chain; pass random bytes as the seed.
 * - Free slots are reused last freed first; a new pool hands out slot 0
 *   first.
 *
 * Concurrency: no locking inside; the caller serializes every call on one
 * pool.
 */
#ifndef WARREN_ENGINE_HASHPOOL_H
#define WARREN_ENGINE_HASHPOOL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest capacity: slots and links must fit 32 bits. */
#define HASHPOOL_MAX_CAPACITY ((size_t)1 << 31)

struct hashpool_key {
	uint64_t hi, lo;
};

struct hashpool_node {
	struct hashpool_key key;
	uint32_t next; /* the chain, or the free list: slot + 1, 0 ends it */
};

struct hashpool {
	struct hashpool_node *nodes; /* capacity long */
	uint32_t *buckets;	     /* chain heads: slot + 1, 0 = none */
	uint32_t free_head;	     /* free slots: slot + 1, 0 = none */
	size_t bucket_mask;	     /* buckets - 1; a power of two >= capacity */
	size_t capacity;	     /* 0: not initialized (a zeroed struct) */
	size_t used;		     /* slots holding a key */
	uint64_t seed;
};

/*
 * Allocates a pool of @capacity slots. Returns 0, -EINVAL (@capacity 0 or
 * above HASHPOOL_MAX_CAPACITY) or -ENOMEM; on error @p is zeroed.
 */
int hashpool_init(struct hashpool *p, size_t capacity, uint64_t seed);

/* Frees the pool; NULL and a zeroed struct are ok. */
void hashpool_free(struct hashpool *p);

/* SplitMix64's finalizer: a bijection that spreads every input bit. */
static inline uint64_t hashpool_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/* The chain @key belongs to. */
static inline size_t hashpool_bucket(const struct hashpool *p, struct hashpool_key key)
{
	return (size_t)(hashpool_mix(hashpool_mix(key.lo ^ p->seed) + key.hi) & p->bucket_mask);
}

/*
 * The slot holding @key, or -ENOENT. @p must be initialized (not a zeroed
 * struct). Inline: it is the lookup on the ratelimiter's and the MAC
 * table's paths.
 */
static inline int hashpool_find(const struct hashpool *p, struct hashpool_key key)
{
	uint32_t link;

	for (link = p->buckets[hashpool_bucket(p, key)]; link; link = p->nodes[link - 1].next) {
		const struct hashpool_node *n = &p->nodes[link - 1];

		if (n->key.hi == key.hi && n->key.lo == key.lo)
			return (int)(link - 1);
	}
	return -ENOENT;
}

static inline bool hashpool_full(const struct hashpool *p)
{
	return p->used == p->capacity;
}

/*
 * Takes a free slot for @key, which must not be in the pool already.
 * Returns the slot or -ENOSPC (every slot in use, or a zeroed pool).
 */
int hashpool_insert(struct hashpool *p, struct hashpool_key key);

/* Frees @slot, which holds a key. */
void hashpool_remove(struct hashpool *p, uint32_t slot);

/*
 * Frees every slot for which @drop returns true; @drop must not change the
 * pool. Returns how many were freed.
 */
size_t hashpool_remove_if(struct hashpool *p, bool (*drop)(void *ctx, uint32_t slot), void *ctx);

#endif /* WARREN_ENGINE_HASHPOOL_H */
