/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's account of staged packets: every peer's queue of packets
 * waiting for a keypair (peer->staged), their total, the engine-wide cap,
 * and the peers grouped by how many packets they hold, so that the peer
 * holding the most is found in O(1).
 *
 * Why: the packets staged are buffers of the caller's fixed pool (warrend:
 * 2048 per worker), and MAX_STAGED_PACKETS per peer does not bound their
 * sum, so the caller sets a cap (warrend: a quarter of the pool, leaving
 * the rest for batches in flight and handshake messages). At the cap the
 * packet that goes is the oldest of the peer holding the most, never the
 * new one: each of n peers with staged packets keeps at least
 * min(MAX_STAGED_PACKETS, cap / n) of them (the cap is the sum of fair
 * shares), and a peer's first packet is always staged, so its handshake
 * always starts, whatever the others hold.
 *
 * Ownership: a peer's queue holds its buffers; staging_pop() hands one to
 * the caller. Nothing here allocates or locks; every operation is O(1)
 * but staging_forget(), which is O(MAX_STAGED_PACKETS).
 */
#ifndef WARREN_ENGINE_STAGING_H
#define WARREN_ENGINE_STAGING_H

#include <stddef.h>

#include "core/pktbuf.h"
#include "engine/messages.h"

struct peer;

struct staging {
	size_t total; /* packets on all peers' queues */
	size_t limit; /* cap on total; 0: none */
	/* Peers by queue length, 1..MAX_STAGED_PACKETS (linked through peer->staging_*). */
	struct peer *by_len[MAX_STAGED_PACKETS + 1];
	unsigned max_len; /* the longest queue; 0 when nothing is staged */
};

void staging_init(struct staging *s);

/*
 * The peer that must give up its oldest packet before @peer stages one
 * more, or NULL when there is room: @peer itself at MAX_STAGED_PACKETS or,
 * at the cap, when it holds the most (ties included); otherwise, at the
 * cap, a peer holding more than @peer.
 */
struct peer *staging_victim(const struct staging *s, struct peer *peer);

/* Appends @buf (consumed) to @peer's queue; staging_victim() made room. */
void staging_push(struct staging *s, struct peer *peer, struct pktbuf *buf);

/* Takes @peer's oldest staged packet (the caller owns it), or NULL. */
struct pktbuf *staging_pop(struct staging *s, struct peer *peer);

/* Forgets @peer's queue, which the caller frees with the peer. */
void staging_forget(struct staging *s, struct peer *peer);

#endif
