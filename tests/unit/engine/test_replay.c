// SPDX-License-Identifier: GPL-2.0-only
/*
 * The replay window: kernel WireGuard's counter self-test sequence
 * (selftest/counter.c, T_LIM = window + 1 = 8129) as numbered cases, then a
 * randomized comparison against a plain set model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/replay.h"

#define REJECT REJECT_AFTER_MESSAGES
#define T_LIM ((uint64_t)COUNTER_WINDOW_SIZE + 1)

static void sizes(void **state)
{
	assert_int_equal(COUNTER_WINDOW_SIZE, 8128);
	/* kernel WireGuard's value (wireguard-go's differs: 2^64 - 2^13 - 1) */
	assert_true(REJECT_AFTER_MESSAGES == UINT64_MAX - 8128 - 1);
	assert_int_equal(sizeof(struct replay), 8 + 8192 / 8);
	assert_int_equal(T_LIM, 8129);
}

static void kernel_sequence(void **state)
{
	static const struct {
		uint64_t counter;
		bool accepted;
	} cases[] = {
	    /*  1 */ {0, true},
	    /*  2 */ {1, true},
	    /*  3 */ {1, false},
	    /*  4 */ {9, true},
	    /*  5 */ {8, true},
	    /*  6 */ {7, true},
	    /*  7 */ {7, false},
	    /*  8 */ {T_LIM, true},
	    /*  9 */ {T_LIM - 1, true},
	    /* 10 */ {T_LIM - 1, false},
	    /* 11 */ {T_LIM - 2, true},
	    /* 12 */ {2, true},
	    /* 13 */ {2, false},
	    /* 14 */ {T_LIM + 16, true},
	    /* 15 */ {3, false},
	    /* 16 */ {T_LIM + 16, false},
	    /* 17 */ {T_LIM * 4, true},
	    /* 18 */ {T_LIM * 4 - (T_LIM - 1), true},
	    /* 19 */ {10, false},
	    /* 20 */ {T_LIM * 4 - T_LIM, false},
	    /* 21 */ {T_LIM * 4 - (T_LIM + 1), false},
	    /* 22 */ {T_LIM * 4 - (T_LIM - 2), true},
	    /* 23 */ {T_LIM * 4 + 1 - T_LIM, false},
	    /* 24 */ {0, false},
	    /* 25 */ {REJECT, false},
	    /* 26 */ {REJECT - 1, true},
	    /* 27 */ {REJECT, false},
	    /* 28 */ {REJECT - 1, false},
	    /* 29 */ {REJECT - 2, true},
	    /* 30 */ {REJECT + 1, false},
	    /* 31 */ {REJECT + 2, false},
	    /* 32 */ {REJECT - 2, false},
	    /* 33 */ {REJECT - 3, true},
	    /* 34 */ {0, false},
	    /* 35: beyond the kernel's list */ {UINT64_MAX, false},
	};
	struct replay r;

	replay_init(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = replay_check_and_update(&r, cases[i].counter, REJECT);

		if (got != cases[i].accepted)
			fail_msg("case %zu: counter %llu: got %d, want %d", i + 1,
				 (unsigned long long)cases[i].counter, got, cases[i].accepted);
	}
}

/*
 * The kernel's bidirectional sequences: fill the whole window in one
 * direction, then probe its edges. A step is a run of counters from
 * @first to @last inclusive (either direction), each expected @accepted.
 */
struct step {
	uint64_t first, last;
	bool accepted;
};

#define W ((uint64_t)COUNTER_WINDOW_SIZE)
#define STEPS_MAX 3

static void bidirectional(void **state)
{
	static const struct {
		struct step steps[STEPS_MAX];
		size_t n;
	} cases[] = {
	    /* 1: up 1..W, then 0 is exactly W behind */
	    {{{1, W, true}, {0, 0, true}, {0, 0, false}}, 3},
	    /* 2: up 2..W+1, then 1 is in, 0 is out */
	    {{{2, W + 1, true}, {1, 1, true}, {0, 0, false}}, 3},
	    /* 3: down W..0, every one new and inside */
	    {{{W, 0, true}}, 1},
	    /* 4: down W+1..1, then 0 is out */
	    {{{W + 1, 1, true}, {0, 0, false}}, 2},
	    /* 5: down W..1, then W+1 moves the top, then 0 is out */
	    {{{W, 1, true}, {W + 1, W + 1, true}, {0, 0, false}}, 3},
	    /* 6: down W..1, then 0 while still inside, then W+1 */
	    {{{W, 1, true}, {0, 0, true}, {W + 1, W + 1, true}}, 3},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct replay r;

		replay_init(&r);
		for (size_t s = 0; s < cases[i].n; s++) {
			const struct step *st = &cases[i].steps[s];
			int64_t dir = st->first <= st->last ? 1 : -1;

			for (uint64_t c = st->first;; c += dir) {
				bool got = replay_check_and_update(&r, c, REJECT);

				if (got != st->accepted)
					fail_msg("case %zu step %zu: counter %llu: got %d", i + 1,
						 s + 1, (unsigned long long)c, got);
				if (c == st->last)
					break;
			}
		}
	}
}

/* A caller's own limit is honoured, whatever the window holds. */
static void small_limit(void **state)
{
	static const struct {
		uint64_t counter;
		bool accepted;
	} cases[] = {
	    /* 1 */ {99, true}, /* 2 */ {100, false}, /* 3 */ {101, false},
	    /* 4 */ {98, true}, /* 5 */ {99, false},  /* 6 */ {0, true},
	};
	struct replay r;

	replay_init(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (replay_check_and_update(&r, cases[i].counter, 100) != cases[i].accepted)
			fail_msg("case %zu", i + 1);
}

static uint64_t rng_state;

/* The randomized test's seed: fixed, or WARREN_TEST_SEED to explore others. */
static uint64_t test_seed(uint64_t fixed)
{
	const char *s = getenv("WARREN_TEST_SEED");
	uint64_t seed = s && *s ? strtoull(s, NULL, 0) : fixed;

	print_message("seed %#llx\n", (unsigned long long)seed);
	return seed ? seed : fixed; /* xorshift needs a nonzero state */
}

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

/*
 * The model: a counter is accepted iff it is below the limit, it was never
 * accepted before, and it is no more than COUNTER_WINDOW_SIZE behind the
 * highest accepted counter. (The bitmap forgets words that fall out of the
 * window, but only for counters the window check rejects anyway.)
 * Each epoch draws counters base + offset with offset < SPAN; the model's
 * set is a bitmap over offsets.
 */
#define SPAN (UINT64_C(1) << 24)

static void randomized(void **state)
{
	const uint64_t bases[] = {
	    0, 1, 12345, REJECT - SPAN / 2, REJECT - 100, UINT64_MAX - SPAN + 1};
	uint8_t *seen = malloc(SPAN / 8);
	long ops = 0, accepted = 0;

	assert_non_null(seen);
	rng_state = test_seed(UINT64_C(0x9e3779b97f4a7c15));
	for (size_t epoch = 0; ops < 1200000; epoch++) {
		uint64_t base = bases[epoch % (sizeof(bases) / sizeof(bases[0]))], max = 0;
		bool any = false;
		struct replay r;

		memset(seen, 0, SPAN / 8);
		replay_init(&r);
		for (int i = 0; i < 200000; i++) {
			uint64_t x = rnd(), top = any ? max - base : 0, off, c;
			bool want, got;

			/* Mostly behind the top by up to 1.1 windows; sometimes
			 * a little ahead; rarely a jump of up to 2.5 windows. */
			if (x % 64 == 0)
				off = top + (x >> 8) % 20000;
			else if (x % 8 < 3)
				off = top + (x >> 8) % 70;
			else if (top >= (x >> 8) % (W + 900))
				off = top - (x >> 8) % (W + 900);
			else
				off = (x >> 8) % 64;
			if (off >= SPAN)
				break;
			ops++;
			c = base + off;
			want = c < REJECT && !(seen[off / 8] & (1u << (off % 8))) &&
			       (!any || c + W >= max);
			got = replay_check_and_update(&r, c, REJECT);
			if (got != want)
				fail_msg("op %ld base %llu counter %llu max %llu: got %d want %d",
					 ops, (unsigned long long)base, (unsigned long long)c,
					 (unsigned long long)max, got, want);
			if (want) {
				accepted++;
				seen[off / 8] |= 1u << (off % 8);
				if (!any || c > max)
					max = c;
				any = true;
			}
		}
	}
	free(seen);
	assert_true(ops > 1000000);
	/* Both outcomes must be well represented for the test to mean much. */
	assert_true(accepted > ops / 5 && accepted < ops - ops / 5);
	print_message("randomized: %ld operations, %ld accepted\n", ops, accepted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sizes),	     cmocka_unit_test(kernel_sequence),
	    cmocka_unit_test(bidirectional), cmocka_unit_test(small_limit),
	    cmocka_unit_test(randomized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
