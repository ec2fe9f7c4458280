/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The L2 MAC table: which peer an Ethernet address lives behind, learned
 * from the source address of authenticated frames (issue 5). Known unicast
 * goes to its one peer; a miss (or a multicast destination) means flood.
 *
 * - Multicast (including broadcast) and all-zero sources are never learned.
 * - Learned entries age out MACTABLE_DEFAULT_AGEING after they were last
 *   seen (configurable); static entries (from the config) never age, are
 *   never evicted and are never moved by learning.
 * - A source seen behind another peer moves there (it roamed).
 * - The table has a cap. A new source when it is full first drops expired
 *   entries, then evicts the learned entry seen longest ago; each eviction
 *   is counted. If every slot is static, the source is not learned.
 *
 * Peers are opaque: stored, compared, never dereferenced; before a peer is
 * freed the caller calls mactable_remove_by_peer(). Time is passed in,
 * nanoseconds on a monotonic clock. All memory is allocated by
 * mactable_init(); no other call allocates.
 *
 * Concurrency: no locking inside; lookups update counters and drop expired
 * entries, so the caller serializes every call on one table.
 */
#ifndef WARREN_ENGINE_MACTABLE_H
#define WARREN_ENGINE_MACTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/hashpool.h"

struct peer;
struct mactable_entry;

#define MACTABLE_DEFAULT_AGEING (UINT64_C(300) * 1000000000)
#define MACTABLE_DEFAULT_ENTRIES 4096
#define MACTABLE_ADDR_LEN 6

struct mactable_stats {
	uint64_t learned; /* new entries from learning */
	uint64_t moved;	  /* entries that changed peer by learning */
	uint64_t expired; /* learned entries dropped for age */
	uint64_t evicted; /* learned entries dropped to make room */
	uint64_t ignored; /* multicast, broadcast or all-zero sources */
	uint64_t refused; /* sources not learned: every slot static, or the
			   * address is static behind another peer */
};

struct mactable {
	struct hashpool pool;		/* the addresses; pool.used entries of pool.capacity */
	struct mactable_entry *entries; /* what is known of each, by slot */
	/* Learned entries by last seen, oldest first; statics in order added. */
	uint32_t lru_head, lru_tail, static_head, static_tail; /* slot + 1, 0 = none */
	uint64_t ageing;
	struct mactable_stats stats;
};

/* What mactable_learn() did. */
enum mactable_learn_result {
	MACTABLE_IGNORED,   /* not a unicast source address */
	MACTABLE_NEW,	    /* a new entry */
	MACTABLE_REFRESHED, /* known behind this peer; its age restarts */
	MACTABLE_MOVED,	    /* known behind another peer; now behind this one */
	MACTABLE_STATIC,    /* a static entry; left as it is */
	MACTABLE_REFUSED,   /* no room: every slot is static */
};

/* One entry, as mactable_walk() shows it. */
struct mactable_info {
	uint8_t addr[MACTABLE_ADDR_LEN];
	bool is_static;
	struct peer *peer;
	uint64_t age;	    /* ns since last seen (0 for static entries) */
	uint64_t rx_frames; /* frames learned from this source */
	uint64_t tx_frames; /* lookups that found it (unicast sent to it) */
};

/*
 * Allocates a table of @max_entries (0: MACTABLE_DEFAULT_ENTRIES) with the
 * default ageing. @seed keys the hash; pass random bytes. Returns 0,
 * -EINVAL (max_entries > 2^31) or -ENOMEM.
 */
int mactable_init(struct mactable *t, size_t max_entries, uint64_t seed);

/* Frees the table; NULL and a zeroed struct are ok. */
void mactable_free(struct mactable *t);

/* Sets how long learned entries live after last seen. Returns 0 or -EINVAL for 0. */
int mactable_set_ageing(struct mactable *t, uint64_t ageing_ns);

/* Records that @addr was the source of an authenticated frame from @peer. */
enum mactable_learn_result mactable_learn(struct mactable *t, const uint8_t *addr,
					  struct peer *peer, uint64_t now);

/*
 * The peer @addr lives behind, or NULL (unknown, expired, or multicast):
 * then the frame is flooded. Counts a hit on the entry.
 */
struct peer *mactable_lookup(struct mactable *t, const uint8_t *addr, uint64_t now);

/*
 * Pins @addr behind @peer (not NULL) until removed, replacing any entry for
 * it. Returns 0, -EINVAL (multicast or all-zero address, NULL peer), or
 * -ENOSPC (every slot is static).
 */
int mactable_add_static(struct mactable *t, const uint8_t *addr, struct peer *peer);

/* Removes the entry for @addr, learned or static. Returns 0 or -ENOENT. */
int mactable_remove(struct mactable *t, const uint8_t *addr);

/* Removes every entry behind @peer, learned and static. */
void mactable_remove_by_peer(struct mactable *t, struct peer *peer);

/* Removes every learned entry; static ones stay. */
void mactable_flush(struct mactable *t);

/*
 * Calls @fn for each live entry: static ones in the order added, then
 * learned ones from the longest ago seen. Drops expired entries first.
 * Stops at @fn's first nonzero return and returns it; 0 otherwise. @fn
 * must not modify the table.
 */
typedef int (*mactable_walk_fn)(void *ctx, const struct mactable_info *info);
int mactable_walk(struct mactable *t, uint64_t now, mactable_walk_fn fn, void *ctx);

#endif /* WARREN_ENGINE_MACTABLE_H */
