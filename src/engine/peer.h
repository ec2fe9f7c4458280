/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A peer: everything the engine keeps about one remote public key, and the
 * table of peers by public key.
 *
 * The table hashes the public key with a random per-table key (so that
 * chains cannot be aimed at) and compares keys with CRYPTO_memcmp
 * (crypto_equal). It also keeps the peers in a list in the order they were
 * added, for a stable `get`.
 *
 * Ownership: the table owns its peers. peer_free() is only called by the
 * engine after it has taken the peer out of every other structure (index
 * table, allowed IPs); it wipes the keys. Nothing here locks.
 */
#ifndef WARREN_ENGINE_PEER_H
#define WARREN_ENGINE_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pktbuf.h"
#include "engine/cookie.h"
#include "engine/engine.h"
#include "engine/index.h"
#include "engine/keypair.h"
#include "engine/noise.h"
#include "engine/timers.h"

/* A source MAC prefix a peer may send from (L2 mode). */
struct peer_allowed_mac {
	uint8_t mac[6];
	uint8_t bits; /* 0-48 leading bits that must match */
};

struct peer {
	struct engine *engine;
	struct peer *hash_next;
	struct peer *list_prev, *list_next;

	uint8_t public_key[NOISE_PUBLIC_KEY_LEN];
	struct noise_handshake handshake;
	struct index_entry handshake_entry; /* kind INDEX_HANDSHAKE */
	struct cookie_maker cookie;
	struct keypairs keypairs;

	/* Where to send; learnt from authenticated packets (roaming). */
	union sockaddr_inet endpoint;
	/*
	 * Outgoing packets waiting for a keypair; at most MAX_STAGED_PACKETS.
	 * Changed only through the engine's staging (staging.h), which links
	 * the peer in its list of peers holding as many.
	 */
	struct pktbuf_queue staged;
	struct peer *staging_prev, *staging_next;
	struct timers timers;

	/* Monotonic time of the last initiation or response we sent. */
	uint64_t last_sent_handshake_ns;
	bool has_sent_handshake;

	/* Counted like WireGuard: whole UDP payloads, handshakes included. */
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	/* Wall clock (Unix ns) of the last completed handshake; 0 = never. */
	uint64_t last_handshake_wall_ns;
	uint64_t drops[ENGINE_DROP_COUNT];

	/* L2 mode: allowed source MACs (none: any); owned, freed by peer_free. */
	struct peer_allowed_mac *allowed_macs;
	uint32_t n_allowed_macs;
	/* The mode-mismatch event was raised for this peer. */
	bool mode_mismatch_reported;
};

/* The peer whose timers @t are (from the engine's timer queue). */
static inline struct peer *peer_from_timers(struct timers *t)
{
	return (struct peer *)((char *)t - offsetof(struct peer, timers));
}

/*
 * Buckets at first; the table doubles them when it holds more peers than
 * buckets, so that a lookup stays short at a million peers.
 */
enum { PEER_BUCKETS_MIN = 1 << 11, PEER_SEEDS = 64 };

struct peer_table {
	struct peer **buckets;
	uint32_t mask; /* buckets - 1 */
	/* While it grows: the old buckets, moved a few per insert from [moved]. */
	struct peer **old_buckets;
	uint32_t old_mask, moved;
	struct peer *first, *last;
	uint64_t hash_key[2];
	uint32_t count;
	/* Random timer seeds for new peers, drawn PEER_SEEDS at a time. */
	uint64_t seeds[PEER_SEEDS];
	uint32_t seeds_left;
};

/* An empty table with a random hash key. Returns 0, -ENOMEM or -EIO. */
int peer_table_init(struct peer_table *t);
/* Frees the buckets (the table must be empty). */
void peer_table_free(struct peer_table *t);
/* A random 64-bit seed for a new peer's timers; 0 or -EIO. */
int peer_table_seed(struct peer_table *t, uint64_t *seed);

/*
 * A new peer for @public_key (not yet in any table), its handshake set up
 * against @identity, timers stopped (jitter from @seed), no psk. Returns it or NULL (-ENOMEM).
 */
struct peer *peer_new(struct engine *engine, const struct noise_static_identity *identity,
		      const uint8_t public_key[NOISE_PUBLIC_KEY_LEN], uint64_t seed);

/* Wipes and frees @peer; its staged packets go back to their pool. NULL ok. */
void peer_free(struct peer *peer);

/* Adds @peer (whose key is not in the table); grows the buckets when it can. */
void peer_table_insert(struct peer_table *t, struct peer *peer);
/* Takes @peer out of the table (it is not freed). */
void peer_table_remove(struct peer_table *t, struct peer *peer);
/* The peer with @public_key, or NULL. Constant time per compared key. */
struct peer *peer_table_lookup(const struct peer_table *t,
			       const uint8_t public_key[NOISE_PUBLIC_KEY_LEN]);

/* Counts a drop against @peer; the engine counts it device-wide too. */
static inline void peer_drop(struct peer *peer, enum engine_drop reason)
{
	peer->drops[reason]++;
}

#endif
