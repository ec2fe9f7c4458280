/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-source token bucket for handshake messages under load
 * (drivers/net/wireguard/ratelimiter.c): RATELIMITER_PACKETS_PER_SECOND with a
 * burst of RATELIMITER_PACKETS_BURSTABLE (engine/messages.h), keyed by the
 * IPv4 address (/32) or the IPv6 /64. An IPv4-mapped IPv6 source
 * (::ffff:a.b.c.d) counts as IPv4.
 *
 * Sans-I/O: the time is passed in (nanoseconds on any monotonic clock).
 * Memory is bounded and allocated once by ratelimiter_init(); no call
 * allocates afterwards. Sources idle for a second or more are forgotten
 * (their bucket would be full again anyway), lazily, at most one sweep
 * per second. When every slot holds a live source, new sources are refused.
 *
 * Concurrency: no locking inside; the caller serializes calls on one
 * ratelimiter.
 */
#ifndef WARREN_ENGINE_RATELIMITER_H
#define WARREN_ENGINE_RATELIMITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/hashpool.h"
#include "engine/messages.h"

struct sockaddr;

/* Default for ratelimiter_init()'s max_entries when given 0. */
enum { RATELIMITER_DEFAULT_ENTRIES = 8192 };

struct ratelimiter_entry;

struct ratelimiter {
	struct hashpool pool;		   /* the sources, by key; pool.used of them */
	struct ratelimiter_entry *entries; /* their buckets, by slot */
	uint64_t last_gc;
	uint64_t refused_full; /* new sources refused because the table was full */
};

/*
 * Allocates a table for @max_entries sources (0: the default). @seed keys
 * the hash so that an outsider cannot aim sources at one chain; pass
 * random bytes. Returns 0 or -ENOMEM / -EINVAL (max_entries > 2^31).
 */
int ratelimiter_init(struct ratelimiter *rl, size_t max_entries, uint64_t seed);

/* Frees the table; NULL and a zeroed struct are ok. */
void ratelimiter_free(struct ratelimiter *rl);

/*
 * Takes a token for the source @addr (4 bytes for AF_INET, 16 for
 * AF_INET6) at time @now_ns. Returns true if the message may be
 * processed, false if it must be dropped (bucket empty, table full, or
 * unknown family).
 */
bool ratelimiter_allow(struct ratelimiter *rl, int family, const uint8_t *addr, uint64_t now_ns);

/* The same for a struct sockaddr_in / sockaddr_in6 (the port is ignored). */
bool ratelimiter_allow_sockaddr(struct ratelimiter *rl, const struct sockaddr *sa, uint64_t now_ns);

#endif /* WARREN_ENGINE_RATELIMITER_H */
