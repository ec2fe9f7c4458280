// SPDX-License-Identifier: GPL-2.0-only
/*
 * Token buckets in a fixed pool. A bucket holds up to BURST packets' worth
 * of nanoseconds; time since the last call flows back in, capped; each
 * allowed message costs 1/PACKETS_PER_SECOND s. A source seen for the first
 * time starts with a full bucket and pays for its first message. An entry
 * idle for more than a second holds a full bucket, so forgetting it changes
 * nothing: that is what garbage collection relies on.
 *
 * The sources are keys in a hashpool (its slot indexes the token buckets here),
 * so a call never allocates.
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

/* A source's bucket; its key (hi: the family, lo: the /32 or the /64) is in the pool. */
struct ratelimiter_entry {
	uint64_t last;
	uint64_t tokens;
};

static uint64_t elapsed(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

int ratelimiter_init(struct ratelimiter *rl, size_t max_entries, uint64_t seed)
{
	int err;

	memset(rl, 0, sizeof(*rl));
	if (!max_entries)
		max_entries = RATELIMITER_DEFAULT_ENTRIES;
	err = hashpool_init(&rl->pool, max_entries, seed);
	if (err)
		return err;
	rl->entries = calloc(max_entries, sizeof(*rl->entries));
	if (!rl->entries) {
		hashpool_free(&rl->pool);
		return -ENOMEM;
	}
	return 0;
}

void ratelimiter_free(struct ratelimiter *rl)
{
	if (!rl)
		return;
	hashpool_free(&rl->pool);
	free(rl->entries);
	memset(rl, 0, sizeof(*rl));
}

struct gc_ctx {
	const struct ratelimiter *rl;
	uint64_t now;
};

static bool idle(void *ctx, uint32_t slot)
{
	const struct gc_ctx *c = ctx;

	return elapsed(c->now, c->rl->entries[slot].last) > IDLE_FORGET;
}

/* Forgets every source idle for more than IDLE_FORGET at @now. */
static void gc(struct ratelimiter *rl, uint64_t now)
{
	struct gc_ctx c = {.rl = rl, .now = now};

	hashpool_remove_if(&rl->pool, idle, &c);
	rl->last_gc = now;
}

static bool allow_key(struct ratelimiter *rl, struct hashpool_key key, uint64_t now)
{
	struct ratelimiter_entry *e;
	int slot;

	if (!rl->pool.capacity)
		return false;
	if (elapsed(now, rl->last_gc) >= GC_INTERVAL)
		gc(rl, now);

	slot = hashpool_find(&rl->pool, key);
	if (slot >= 0) {
		uint64_t tokens;

		e = &rl->entries[slot];
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

	if (hashpool_full(&rl->pool) && elapsed(now, rl->last_gc) >= GC_INTERVAL_FULL)
		gc(rl, now);
	slot = hashpool_insert(&rl->pool, key);
	if (slot < 0) {
		rl->refused_full++;
		return false;
	}
	e = &rl->entries[slot];
	e->last = now;
	e->tokens = TOKEN_MAX - PACKET_COST;
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
	struct hashpool_key key;

	if (family == AF_INET6 && !memcmp(addr, v4_mapped, sizeof(v4_mapped))) {
		family = AF_INET;
		addr += sizeof(v4_mapped);
	}
	if (family == AF_INET) {
		key.hi = AF_INET;
		key.lo = load_be(addr, 4);
	} else if (family == AF_INET6) {
		_Static_assert(RATELIMITER_IPV6_PREFIX_BITS == 64, "the key holds one /64");
		key.hi = AF_INET6;
		key.lo = load_be(addr, RATELIMITER_IPV6_PREFIX_BITS / 8);
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
