// SPDX-License-Identifier: GPL-2.0-only
/*
 * Token buckets in a fixed pool. A bucket holds up to BURST packets' worth
 * of nanoseconds; time since the last call flows back in, capped; each
 * allowed message costs 1/PACKETS_PER_SECOND s. A source seen for the first
 * time starts with a full bucket and pays for its first message. An entry
 * idle for more than a second holds a full bucket, so forgetting it changes
 * nothing: that is what garbage collection relies on.
 *
 * The pool and the bucket heads are arrays allocated once; chains and the
 * free list are indices, so a call never allocates.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/ratelimiter.h"

#define PACKET_COST (NSEC_PER_SEC / RATELIMITER_PACKETS_PER_SECOND)
#define TOKEN_MAX (PACKET_COST * RATELIMITER_PACKETS_BURSTABLE)
#define IDLE_FORGET NSEC_PER_SEC
#define GC_INTERVAL NSEC_PER_SEC
/* When the pool is full, a sweep may come sooner, but not on every call. */
#define GC_INTERVAL_FULL (NSEC_PER_SEC / 10)

struct ratelimiter_entry {
	uint64_t key[2]; /* family, then the /32 or the /64 */
	uint64_t last;
	uint64_t tokens;
	uint32_t next; /* chain: index + 1, 0 ends it */
};

static uint64_t mix(uint64_t x)
{
	/* SplitMix64's finalizer: a bijection that spreads every input bit. */
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static size_t bucket_of(const struct ratelimiter *rl, const uint64_t *key)
{
	return (size_t)(mix(mix(key[1] ^ rl->seed) + key[0]) & rl->bucket_mask);
}

static uint64_t elapsed(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

int ratelimiter_init(struct ratelimiter *rl, size_t max_entries, uint64_t seed)
{
	size_t buckets = 16;

	memset(rl, 0, sizeof(*rl));
	if (!max_entries)
		max_entries = RATELIMITER_DEFAULT_ENTRIES;
	if (max_entries > (size_t)1 << 31)
		return -EINVAL;
	while (buckets < max_entries)
		buckets *= 2;

	rl->entries = calloc(max_entries, sizeof(*rl->entries));
	if (!rl->entries)
		goto err_entries;
	rl->buckets = calloc(buckets, sizeof(*rl->buckets));
	if (!rl->buckets)
		goto err_buckets;
	rl->free_list = calloc(max_entries, sizeof(*rl->free_list));
	if (!rl->free_list)
		goto err_free_list;

	/* Pop order: entry 0 first. */
	for (size_t i = 0; i < max_entries; i++)
		rl->free_list[i] = (uint32_t)(max_entries - 1 - i);
	rl->bucket_mask = buckets - 1;
	rl->max_entries = max_entries;
	rl->seed = mix(seed);
	return 0;

err_free_list:
	free(rl->buckets);
err_buckets:
	free(rl->entries);
err_entries:
	memset(rl, 0, sizeof(*rl));
	return -ENOMEM;
}

void ratelimiter_free(struct ratelimiter *rl)
{
	if (!rl)
		return;
	free(rl->entries);
	free(rl->buckets);
	free(rl->free_list);
	memset(rl, 0, sizeof(*rl));
}

/* Forgets every source idle for more than IDLE_FORGET at @now. */
static void gc(struct ratelimiter *rl, uint64_t now)
{
	for (size_t b = 0; b <= rl->bucket_mask; b++) {
		uint32_t *link = &rl->buckets[b];

		while (*link) {
			uint32_t i = *link - 1;
			struct ratelimiter_entry *e = &rl->entries[i];

			if (elapsed(now, e->last) > IDLE_FORGET) {
				*link = e->next;
				rl->free_list[rl->max_entries - rl->used] = i;
				rl->used--;
			} else {
				link = &e->next;
			}
		}
	}
	rl->last_gc = now;
}

static bool allow_key(struct ratelimiter *rl, const uint64_t *key, uint64_t now)
{
	struct ratelimiter_entry *e;
	size_t b;
	uint32_t i;

	if (!rl->max_entries)
		return false;
	if (elapsed(now, rl->last_gc) >= GC_INTERVAL)
		gc(rl, now);

	b = bucket_of(rl, key);
	for (i = rl->buckets[b]; i; i = e->next) {
		uint64_t tokens;

		e = &rl->entries[i - 1];
		if (e->key[0] != key[0] || e->key[1] != key[1])
			continue;
		tokens = e->tokens + elapsed(now, e->last);
		if (tokens > TOKEN_MAX)
			tokens = TOKEN_MAX;
		/* A clock that steps back must not credit the same time twice. */
		if (now > e->last)
			e->last = now;
		if (tokens < PACKET_COST) {
			e->tokens = tokens;
			return false;
		}
		e->tokens = tokens - PACKET_COST;
		return true;
	}

	if (rl->used == rl->max_entries && elapsed(now, rl->last_gc) >= GC_INTERVAL_FULL)
		gc(rl, now);
	if (rl->used == rl->max_entries) {
		rl->refused_full++;
		return false;
	}
	i = rl->free_list[rl->max_entries - 1 - rl->used];
	rl->used++;
	e = &rl->entries[i];
	e->key[0] = key[0];
	e->key[1] = key[1];
	e->last = now;
	e->tokens = TOKEN_MAX - PACKET_COST;
	e->next = rl->buckets[b];
	rl->buckets[b] = i + 1;
	return true;
}

static uint64_t load_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool ratelimiter_allow(struct ratelimiter *rl, int family, const uint8_t *addr, uint64_t now_ns)
{
	uint64_t key[2];

	if (family == AF_INET6 && !memcmp(addr, v4_mapped, sizeof(v4_mapped))) {
		family = AF_INET;
		addr += sizeof(v4_mapped);
	}
	if (family == AF_INET) {
		key[0] = AF_INET;
		key[1] = load_be(addr, 4);
	} else if (family == AF_INET6) {
		_Static_assert(RATELIMITER_IPV6_PREFIX_BITS == 64, "the key holds one /64");
		key[0] = AF_INET6;
		key[1] = load_be(addr, RATELIMITER_IPV6_PREFIX_BITS / 8);
	} else {
		return false;
	}
	return allow_key(rl, key, now_ns);
}

bool ratelimiter_allow_sockaddr(struct ratelimiter *rl, const struct sockaddr *sa, uint64_t now_ns)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		return ratelimiter_allow(rl, AF_INET, (const uint8_t *)&sin->sin_addr, now_ns);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		return ratelimiter_allow(rl, AF_INET6, sin6->sin6_addr.s6_addr, now_ns);
	}
	return false;
}
