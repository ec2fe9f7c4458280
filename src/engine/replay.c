// SPDX-License-Identifier: GPL-2.0-only
/*
 * RFC 6479 replay window. The bitmap is a ring of REPLAY_WORDS words; word
 * w of the ring holds the counters whose absolute word number (counter /
 * 64) is congruent to w. Moving the top forward zeroes the words it passes
 * over instead of shifting bits, so an update costs at most REPLAY_WORDS
 * stores and usually none. Because the top word is shared with counters
 * ahead of the highest one, the ring remembers exactly the words
 * top_word - 127 .. top_word: every counter within COUNTER_WINDOW_SIZE of the
 * highest accepted one, which is what the window check admits.
 */
#include <string.h>

#include "engine/replay.h"

static inline uint64_t word_of(uint64_t counter)
{
	return counter / REPLAY_WORD_BITS;
}

static inline uint64_t bit_of(uint64_t counter)
{
	return UINT64_C(1) << (counter % REPLAY_WORD_BITS);
}

void replay_init(struct replay *r)
{
	memset(r, 0, sizeof(*r));
}

bool replay_check_and_update(struct replay *r, uint64_t counter, uint64_t reject_limit)
{
	uint64_t *word;

	if (counter >= reject_limit)
		return false;

	if (r->next == 0) {
		/* Nothing seen yet: the ring is all zero. */
		r->next = counter + 1;
	} else if (counter >= r->next) {
		uint64_t from = word_of(r->next - 1), to = word_of(counter);
		uint64_t n = to - from;

		if (n > REPLAY_WORDS)
			n = REPLAY_WORDS;
		for (uint64_t i = 1; i <= n; i++)
			r->bitmap[(from + i) % REPLAY_WORDS] = 0;
		r->next = counter + 1;
	} else if (r->next - 1 - counter > COUNTER_WINDOW_SIZE) {
		/* Older than the window: it may have been seen and forgotten. */
		return false;
	}

	word = &r->bitmap[word_of(counter) % REPLAY_WORDS];
	if (*word & bit_of(counter))
		return false;
	*word |= bit_of(counter);
	return true;
}
