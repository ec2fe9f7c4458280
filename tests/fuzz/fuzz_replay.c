// SPDX-License-Identifier: GPL-2.0-only
/*
 * The replay window against a plain set, driven by fuzzer bytes. Each
 * operation is 3 bytes: a mode and a 16-bit distance, giving a counter
 * ahead of or behind the highest accepted one, or near the reject limit.
 * The model accepts a counter iff it is below the limit, was never
 * accepted, and is at most COUNTER_WINDOW_SIZE behind the highest accepted
 * one. Any difference traps.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/replay.h"

#define OPS_MAX 4096

static uint64_t seen[OPS_MAX];
static size_t seen_n;

static bool was_seen(uint64_t c)
{
	for (size_t i = 0; i < seen_n; i++)
		if (seen[i] == c)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint64_t limit = REJECT_AFTER_MESSAGES;
	uint64_t max = 0;
	bool any = false;
	struct replay r;

	replay_init(&r);
	seen_n = 0;
	for (size_t at = 0; at + 3 <= size && seen_n < OPS_MAX; at += 3) {
		uint64_t d = (uint64_t)data[at + 1] | (uint64_t)data[at + 2] << 8, c;
		bool want, got;

		switch (data[at] % 5) {
		case 0: /* ahead of the top, up to 8 windows */
			c = max + d;
			break;
		case 1: /* behind the top, around the window's edge */
			c = max - d % (2 * COUNTER_WINDOW_SIZE);
			break;
		case 2: /* the edge itself, give or take 64 */
			c = max - COUNTER_WINDOW_SIZE - 64 + d % 129;
			break;
		case 3: /* near the reject limit */
			c = limit - 32768 + d;
			break;
		default: /* small absolute counters */
			c = d;
			break;
		}
		want = c < limit && !was_seen(c) &&
		       (!any || c >= max || max - c <= COUNTER_WINDOW_SIZE);
		got = replay_check_and_update(&r, c, limit);
		if (got != want)
			__builtin_trap();
		if (want) {
			seen[seen_n++] = c;
			if (!any || c > max)
				max = c;
			any = true;
		}
	}
	return 0;
}
