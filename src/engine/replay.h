/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The receive counter's replay window: an RFC 6479 bitmap of
 * COUNTER_BITS_TOTAL (8192) bits, as WireGuard's transport uses it. The
 * newest 64-bit word of the ring is the one being filled, so the window
 * that is guaranteed to be remembered is COUNTER_WINDOW_SIZE = 8192 - 64 =
 * 8128 counters behind the highest one accepted; a counter further back is
 * rejected. The constants live in engine/messages.h.
 *
 * A struct replay is plain memory embedded in a keypair: no allocation, no
 * teardown. It is not thread-safe: the caller serializes all calls for one
 * window (e.g. under the keypair's receive lock), because a check and its
 * update must be one step (kernel WireGuard CVE-2024-26861 was a race here).
 */
#ifndef WARREN_ENGINE_REPLAY_H
#define WARREN_ENGINE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/messages.h"

enum {
	REPLAY_WORD_BITS = 64,
	REPLAY_WORDS = COUNTER_BITS_TOTAL / REPLAY_WORD_BITS,
};
_Static_assert((int)COUNTER_REDUNDANT_BITS == (int)REPLAY_WORD_BITS,
	       "the window gives up exactly the word being filled");

struct replay {
	/* One more than the highest counter accepted; 0 before the first. */
	uint64_t next;
	uint64_t bitmap[REPLAY_WORDS];
};

/* Empties the window: every counter is unseen again. */
void replay_init(struct replay *r);

/*
 * Decides whether @counter, taken from a packet that has ALREADY been
 * authenticated (AEAD opened), may be delivered, and records it if so.
 * Returns true and marks @counter seen if @counter < @reject_limit, it has
 * not been seen, and it is not older than the window; returns false
 * otherwise and leaves the window unchanged. @reject_limit is
 * REJECT_AFTER_MESSAGES from engine/messages.h.
 * Work bounded by REPLAY_WORDS word stores; never allocates.
 */
bool replay_check_and_update(struct replay *r, uint64_t counter, uint64_t reject_limit);

#endif /* WARREN_ENGINE_REPLAY_H */
