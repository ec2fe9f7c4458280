// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fixed pool of hashed keys under the MAC table and the ratelimiter:
 * its bounds, the order in which slots are handed out and reused, keys
 * that differ in one word only, removal by predicate, and a long random
 * sequence of operations checked against a plain array.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/hashpool.h"

static struct hashpool_key key(uint64_t hi, uint64_t lo)
{
	return (struct hashpool_key){.hi = hi, .lo = lo};
}

static void init_bounds(void **state)
{
	static const struct {
		size_t capacity;
		int ret;
	} cases[] = {
	    /* 1 */ {0, -EINVAL},
	    /* 2 */ {HASHPOOL_MAX_CAPACITY + 1, -EINVAL},
	    /* 3 */ {1, 0},
	    /* 4 */ {17, 0}, /* buckets: the next power of two, 32 */
	};
	struct hashpool p, zero = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&p, 0xa5, sizeof(p));
		if (hashpool_init(&p, cases[i].capacity, 7) != cases[i].ret)
			fail_msg("case %zu: init(%zu) != %d", i + 1, cases[i].capacity,
				 cases[i].ret);
		if (cases[i].ret) {
			assert_memory_equal(&p, &zero, sizeof(p)); /* zeroed on error */
			continue;
		}
		assert_int_equal(p.capacity, cases[i].capacity);
		assert_true(p.bucket_mask + 1 >= cases[i].capacity);
		assert_int_equal((p.bucket_mask + 1) & p.bucket_mask, 0);
		hashpool_free(&p);
	}
	/* 5: a zeroed pool holds nothing and takes nothing; free is safe */
	assert_int_equal(hashpool_insert(&zero, key(1, 2)), -ENOSPC);
	assert_int_equal(hashpool_remove_if(&zero, NULL, NULL), 0);
	hashpool_free(&zero);
	hashpool_free(NULL);
	(void)state;
}

/* Slots come out 0, 1, 2, ...; a freed slot is the next one handed out. */
static void slot_order(void **state)
{
	static const struct {
		char op; /* 'i' insert key (n, n), 'r' remove slot n */
		unsigned n;
		int want; /* insert: the slot or -ENOSPC */
		size_t used;
	} steps[] = {
	    /* 1 */ {'i', 10, 0, 1},
	    /* 2 */ {'i', 11, 1, 2},
	    /* 3 */ {'i', 12, 2, 3},
	    /* 4 */ {'i', 13, 3, 4},
	    /* 5 */ {'i', 14, -ENOSPC, 4},
	    /* 6 */ {'r', 1, 0, 3},
	    /* 7 */ {'r', 3, 0, 2},
	    /* 8 */ {'i', 15, 3, 3}, /* last freed first */
	    /* 9 */ {'i', 16, 1, 4},
	    /* 10 */ {'i', 17, -ENOSPC, 4},
	};
	struct hashpool p;

	assert_int_equal(hashpool_init(&p, 4, 1), 0);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].op == 'i') {
			int got = hashpool_insert(&p, key(steps[i].n, steps[i].n));

			if (got != steps[i].want)
				fail_msg("step %zu: insert gave %d, want %d", i + 1, got,
					 steps[i].want);
			if (got >= 0)
				assert_int_equal(hashpool_find(&p, key(steps[i].n, steps[i].n)),
						 got);
		} else {
			hashpool_remove(&p, steps[i].n);
		}
		if (p.used != steps[i].used)
			fail_msg("step %zu: %zu used, want %zu", i + 1, p.used, steps[i].used);
		assert_int_equal(hashpool_full(&p), p.used == 4);
	}
	/* Removed keys are gone, the others stay where they were. */
	assert_int_equal(hashpool_find(&p, key(11, 11)), -ENOENT);
	assert_int_equal(hashpool_find(&p, key(13, 13)), -ENOENT);
	assert_int_equal(hashpool_find(&p, key(10, 10)), 0);
	assert_int_equal(hashpool_find(&p, key(12, 12)), 2);
	hashpool_free(&p);
	(void)state;
}

/* Both words are the key: keys equal in one word are different keys. */
static void both_words(void **state)
{
	static const struct hashpool_key keys[] = {
	    /* 1 */ {0, 0},
	    /* 2 */ {0, 1},
	    /* 3 */ {1, 0},
	    /* 4 */ {1, 1},
	    /* 5 */ {2, 0x0a000001},  /* AF_INET, 10.0.0.1 */
	    /* 6 */ {10, 0x0a000001}, /* AF_INET6, the same low word */
	};
	enum { N = sizeof(keys) / sizeof(keys[0]) };
	struct hashpool p;
	int slot[N];

	assert_int_equal(hashpool_init(&p, N, 3), 0);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(hashpool_find(&p, keys[i]), -ENOENT);
		slot[i] = hashpool_insert(&p, keys[i]);
		assert_true(slot[i] >= 0);
	}
	for (size_t i = 0; i < N; i++)
		if (hashpool_find(&p, keys[i]) != slot[i])
			fail_msg("key %zu not found in its slot %d", i + 1, slot[i]);
	hashpool_free(&p);
	(void)state;
}

static bool odd_slot(void *ctx, uint32_t slot)
{
	unsigned *calls = ctx;

	(*calls)++;
	return slot & 1;
}

static void remove_if(void **state)
{
	enum { N = 100 };
	struct hashpool p;
	unsigned calls = 0;

	assert_int_equal(hashpool_init(&p, N, 9), 0);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(hashpool_insert(&p, key(0, i * 7919)), (int)i);
	assert_int_equal(hashpool_remove_if(&p, odd_slot, &calls), N / 2);
	assert_int_equal(calls, N); /* every key asked once */
	assert_int_equal(p.used, N / 2);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(hashpool_find(&p, key(0, i * 7919)), i & 1 ? -ENOENT : (int)i);
	/* The freed slots serve again, until the pool is full. */
	for (unsigned i = 0; i < N / 2; i++)
		assert_true(hashpool_insert(&p, key(1, i)) >= 0);
	assert_true(hashpool_full(&p));
	assert_int_equal(hashpool_insert(&p, key(2, 0)), -ENOSPC);
	hashpool_free(&p);
	(void)state;
}

/*
 * Random inserts and removals over a small universe of keys (so that
 * chains collide and slots are reused), checked after every step against
 * an array of which key is in which slot.
 */
static void model(void **state)
{
	enum { CAP = 64, UNIVERSE = 200, STEPS = 200000 };
	static int slot_of[UNIVERSE]; /* -1: not in the pool */
	static int key_in[CAP];	      /* -1: a free slot */
	struct hashpool p;
	size_t used = 0;
	uint64_t rnd = 0x9e3779b97f4a7c15;

	assert_int_equal(hashpool_init(&p, CAP, 11), 0);
	for (int i = 0; i < UNIVERSE; i++)
		slot_of[i] = -1;
	for (int i = 0; i < CAP; i++)
		key_in[i] = -1;
	for (int step = 0; step < STEPS; step++) {
		unsigned k;
		int got;

		rnd ^= rnd << 13;
		rnd ^= rnd >> 7;
		rnd ^= rnd << 17;
		k = (unsigned)(rnd % UNIVERSE);
		got = hashpool_find(&p, key(k % 3, k * 0x100000001ull));
		if (got != slot_of[k] && !(got == -ENOENT && slot_of[k] == -1))
			fail_msg("step %d: key %u found in %d, model says %d", step, k, got,
				 slot_of[k]);
		if (slot_of[k] >= 0) {
			hashpool_remove(&p, (uint32_t)slot_of[k]);
			key_in[slot_of[k]] = -1;
			slot_of[k] = -1;
			used--;
		} else {
			got = hashpool_insert(&p, key(k % 3, k * 0x100000001ull));
			if (used == CAP) {
				assert_int_equal(got, -ENOSPC);
				continue;
			}
			if (got < 0 || got >= CAP || key_in[got] != -1)
				fail_msg("step %d: insert gave slot %d", step, got);
			key_in[got] = (int)k;
			slot_of[k] = got;
			used++;
		}
		assert_int_equal(p.used, used);
	}
	for (unsigned k = 0; k < UNIVERSE; k++) {
		int got = hashpool_find(&p, key(k % 3, k * 0x100000001ull));

		assert_int_equal(got, slot_of[k] >= 0 ? slot_of[k] : -ENOENT);
	}
	hashpool_free(&p);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(init_bounds), cmocka_unit_test(slot_order),
	    cmocka_unit_test(both_words),  cmocka_unit_test(remove_if),
	    cmocka_unit_test(model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
