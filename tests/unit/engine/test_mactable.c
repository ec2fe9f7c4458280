// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L2 MAC table with a fake clock: numbered cases for learning, ageing,
 * roaming, static entries and removal; the cap and its eviction policy;
 * walks and per-entry counters; and a randomized comparison with a model.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/mactable.h"

struct peer {
	int id;
};

#define NPEERS 4
static struct peer peers[NPEERS] = {{0}, {1}, {2}, {3}};

static struct peer *P(char c)
{
	return c == '-' ? NULL : &peers[c - 'a'];
}

static char name_of(const struct peer *p)
{
	return p ? (char)('a' + p->id) : '-';
}

#define SEC UINT64_C(1000000000)

static void mac(const char *s, uint8_t *a)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		fail_msg("bad test address %s", s);
	for (int i = 0; i < 6; i++)
		a[i] = (uint8_t)b[i];
}

enum op_kind { LEARN, LOOKUP, STATIC, REMOVE, REMOVE_PEER, FLUSH, AGEING };

struct op {
	enum op_kind kind;
	const char *addr;
	char peer;	 /* LEARN, STATIC, REMOVE_PEER: the peer; LOOKUP: the answer */
	uint64_t second; /* the time; AGEING: the new ageing */
	int want;	 /* LEARN: the result; STATIC, REMOVE, AGEING: the return */
};

static void run_ops(struct mactable *t, const char *name, const struct op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct op *op = &ops[i];
		uint64_t now = op->second * SEC;
		uint8_t a[6] = {0};
		struct peer *got;
		int ret = 0;

		if (op->addr)
			mac(op->addr, a);
		switch (op->kind) {
		case LEARN:
			ret = (int)mactable_learn(t, a, P(op->peer), now);
			break;
		case LOOKUP:
			got = mactable_lookup(t, a, now);
			if (got != P(op->peer))
				fail_msg("%s case %zu: lookup %s: %c, want %c", name, i + 1,
					 op->addr, name_of(got), op->peer);
			continue;
		case STATIC:
			ret = mactable_add_static(t, a, P(op->peer));
			break;
		case REMOVE:
			ret = mactable_remove(t, a);
			break;
		case REMOVE_PEER:
			mactable_remove_by_peer(t, P(op->peer));
			break;
		case FLUSH:
			mactable_flush(t);
			break;
		case AGEING:
			ret = mactable_set_ageing(t, op->second * SEC);
			break;
		}
		if (ret != op->want)
			fail_msg("%s case %zu: %d, want %d", name, i + 1, ret, op->want);
	}
}

#define RUN(t, ops) run_ops(t, #ops, ops, sizeof(ops) / sizeof(ops[0]))

#define M1 "02:00:00:00:00:01"
#define M2 "02:00:00:00:00:02"
#define M3 "02:00:00:00:00:03"
#define M4 "02:00:00:00:00:04"
#define M5 "52:54:00:12:34:56"

static void learning(void **state)
{
	static const struct op ops[] = {
	    /*  1 */ {LEARN, M1, 'a', 0, MACTABLE_NEW},
	    /*  2 */ {LOOKUP, M1, 'a', 1, 0},
	    /*  3: broadcast, multicast and all-zero sources are never learned */
	    {LEARN, "ff:ff:ff:ff:ff:ff", 'a', 1, MACTABLE_IGNORED},
	    /*  4 */ {LEARN, "01:00:5e:00:00:01", 'a', 1, MACTABLE_IGNORED},
	    /*  5 */ {LEARN, "33:33:00:00:00:01", 'a', 1, MACTABLE_IGNORED},
	    /*  6 */ {LEARN, "00:00:00:00:00:00", 'a', 1, MACTABLE_IGNORED},
	    /*  7 */ {LEARN, "03:00:00:00:00:01", 'a', 1, MACTABLE_IGNORED},
	    /*  8 */ {LOOKUP, "ff:ff:ff:ff:ff:ff", '-', 1, 0},
	    /*  9 */ {LOOKUP, "00:00:00:00:00:00", '-', 1, 0},
	    /* 10: but any unicast is, globally or locally administered */
	    {LEARN, "00:00:00:00:00:01", 'b', 1, MACTABLE_NEW},
	    /* 11 */ {LEARN, M5, 'b', 1, MACTABLE_NEW},
	    /* 12 */ {LOOKUP, "00:00:00:00:00:01", 'b', 2, 0},
	    /* 13 */ {LOOKUP, M2, '-', 2, 0},
	    /* 14: seen again: its age restarts */
	    {LEARN, M1, 'a', 100, MACTABLE_REFRESHED},
	    /* 15 */ {LOOKUP, M1, 'a', 399, 0},
	    /* 16: 300 s after last seen, it is gone */
	    {LOOKUP, M1, '-', 400, 0},
	    /* 17: lookups do not keep an entry alive: M5 was seen at 1 */
	    {LOOKUP, M5, '-', 301, 0},
	    /* 18 */ {LEARN, M1, 'b', 401, MACTABLE_NEW},
	    /* 19: it roamed behind c */
	    {LEARN, M1, 'c', 402, MACTABLE_MOVED},
	    /* 20 */ {LOOKUP, M1, 'c', 402, 0},
	    /* 21: and back */
	    {LEARN, M1, 'b', 403, MACTABLE_MOVED},
	    /* 22 */ {LOOKUP, M1, 'b', 403, 0},
	    /* 23: an expired entry learned again is new */
	    {LEARN, M1, 'b', 703, MACTABLE_NEW},
	    /* 24: NULL peer */
	    {LEARN, M2, '-', 703, MACTABLE_IGNORED},
	};
	struct mactable t;

	assert_int_equal(mactable_init(&t, 0, 1), 0);
	assert_int_equal(t.pool.capacity, MACTABLE_DEFAULT_ENTRIES);
	RUN(&t, ops);
	assert_int_equal(t.stats.ignored, 6);
	assert_int_equal(t.stats.moved, 2);
	assert_int_equal(t.stats.learned, 5);
	mactable_free(&t);
}

static void statics_and_removal(void **state)
{
	static const struct op ops[] = {
	    /*  1 */ {STATIC, M2, 'b', 0, 0},
	    /*  2: learning never moves a static entry */
	    {LEARN, M2, 'c', 1, MACTABLE_STATIC},
	    /*  3 */ {LOOKUP, M2, 'b', 1, 0},
	    /*  4: nor does it age */
	    {LOOKUP, M2, 'b', 1000000, 0},
	    /*  5 */ {LEARN, M2, 'b', 1000000, MACTABLE_STATIC},
	    /*  6 */ {STATIC, "ff:ff:ff:ff:ff:ff", 'b', 0, -EINVAL},
	    /*  7 */ {STATIC, "01:80:c2:00:00:00", 'b', 0, -EINVAL},
	    /*  8 */ {STATIC, "00:00:00:00:00:00", 'b', 0, -EINVAL},
	    /*  9 */ {STATIC, M3, '-', 0, -EINVAL},
	    /* 10: a static entry replaces a learned one */
	    {LEARN, M3, 'a', 1000000, MACTABLE_NEW},
	    /* 11 */ {STATIC, M3, 'c', 0, 0},
	    /* 12 */ {LOOKUP, M3, 'c', 9000000, 0},
	    /* 13: and a static entry can be re-pinned */
	    {STATIC, M3, 'd', 0, 0},
	    /* 14 */ {LOOKUP, M3, 'd', 9000000, 0},
	    /* 15 */ {REMOVE, M3, '-', 0, 0},
	    /* 16 */ {REMOVE, M3, '-', 0, -ENOENT},
	    /* 17 */ {LOOKUP, M3, '-', 9000000, 0},
	    /* 18: flush drops learned entries only */
	    {LEARN, M4, 'a', 9000000, MACTABLE_NEW},
	    /* 19 */ {FLUSH, NULL, '-', 0, 0},
	    /* 20 */ {LOOKUP, M4, '-', 9000000, 0},
	    /* 21 */ {LOOKUP, M2, 'b', 9000000, 0},
	    /* 22: remove by peer drops both kinds */
	    {LEARN, M1, 'b', 9000000, MACTABLE_NEW},
	    /* 23 */ {LEARN, M4, 'a', 9000000, MACTABLE_NEW},
	    /* 24 */ {REMOVE_PEER, NULL, 'b', 0, 0},
	    /* 25 */ {LOOKUP, M1, '-', 9000000, 0},
	    /* 26 */ {LOOKUP, M2, '-', 9000000, 0},
	    /* 27 */ {LOOKUP, M4, 'a', 9000000, 0},
	    /* 28 */ {LEARN, M2, 'c', 9000000, MACTABLE_NEW},
	    /* 29: ageing is configurable */
	    {AGEING, NULL, '-', 0, -EINVAL},
	    /* 30 */ {AGEING, NULL, '-', 10, 0},
	    /* 31 */ {LEARN, M5, 'a', 9000000, MACTABLE_NEW},
	    /* 32 */ {LOOKUP, M5, 'a', 9000009, 0},
	    /* 33 */ {LOOKUP, M5, '-', 9000010, 0},
	};
	struct mactable t;

	assert_int_equal(mactable_init(&t, 0, 2), 0);
	RUN(&t, ops);
	assert_int_equal(t.stats.refused, 1);
	assert_int_equal(t.pool.used, 2); /* M2 behind c, M4 behind a */
	mactable_free(&t);
}

static void cap_and_eviction(void **state)
{
	static const struct op ops[] = {
	    /*  1 */ {LEARN, M1, 'a', 1, MACTABLE_NEW},
	    /*  2 */ {LEARN, M2, 'a', 2, MACTABLE_NEW},
	    /*  3 */ {LEARN, M3, 'a', 3, MACTABLE_NEW},
	    /*  4 */ {LEARN, M4, 'a', 4, MACTABLE_NEW},
	    /*  5: full: the oldest, M1, makes room */
	    {LEARN, M5, 'b', 5, MACTABLE_NEW},
	    /*  6 */ {LOOKUP, M1, '-', 5, 0},
	    /*  7 */ {LOOKUP, M2, 'a', 5, 0},
	    /*  8: seen again, M2 is young; M3 goes next */
	    {LEARN, M2, 'a', 6, MACTABLE_REFRESHED},
	    /*  9 */ {LEARN, M1, 'c', 7, MACTABLE_NEW},
	    /* 10 */ {LOOKUP, M3, '-', 7, 0},
	    /* 11 */ {LOOKUP, M2, 'a', 7, 0},
	    /* 12: a lookup is not a sighting: M4 goes next */
	    {LOOKUP, M4, 'a', 7, 0},
	    /* 13 */ {LEARN, M3, 'c', 8, MACTABLE_NEW},
	    /* 14 */ {LOOKUP, M4, '-', 8, 0},
	    /* 15: a move is a sighting: M5 (seen at 5) young again */
	    {LEARN, M5, 'c', 9, MACTABLE_MOVED},
	    /* 16 */ {LEARN, M4, 'd', 10, MACTABLE_NEW}, /* evicts M2 (6) */
	    /* 17 */ {LOOKUP, M2, '-', 10, 0},
	    /* 18 */ {LOOKUP, M5, 'c', 10, 0},
	    /* 19: a static entry takes the oldest learned slot: M1 (7) */
	    {STATIC, "02:00:00:00:00:aa", 'd', 0, 0},
	    /* 20 */ {LOOKUP, M1, '-', 10, 0},
	    /* table: M3 (8), M5 (9), M4 (10), static aa */
	    /* 21: expired entries go before any eviction */
	    {AGEING, NULL, '-', 100, 0},
	    /* 22 at 109: M3 and M5 have expired, M4 not */
	    {LEARN, M1, 'a', 109, MACTABLE_NEW},
	    /* 23 */ {LEARN, M2, 'a', 109, MACTABLE_NEW},
	    /* 24 */ {LOOKUP, M4, 'd', 109, 0},
	    /* 25: statics fill the table */
	    {STATIC, "02:00:00:00:00:bb", 'd', 0, 0},
	    /* 26 */ {STATIC, "02:00:00:00:00:cc", 'd', 0, 0},
	    /* 27 */ {STATIC, "02:00:00:00:00:dd", 'd', 0, 0},
	    /* 28: no room left for anything */
	    {LEARN, M1, 'a', 110, MACTABLE_REFUSED},
	    /* 29 */ {STATIC, "02:00:00:00:00:ee", 'd', 0, -ENOSPC},
	    /* 30: a static entry re-pinned needs no room */
	    {STATIC, "02:00:00:00:00:dd", 'a', 0, 0},
	    /* 31 */ {LOOKUP, "02:00:00:00:00:dd", 'a', 110, 0},
	};
	struct mactable t;

	assert_int_equal(mactable_init(&t, 4, 3), 0);
	RUN(&t, ops);
	/* M1, M3, M4, M2, M1 evicted (cases 5, 9, 13, 16, 19); M3 and M5
	 * expired, then M4, M1, M2 pushed out by statics (25-27) */
	assert_int_equal(t.stats.evicted, 8);
	assert_int_equal(t.stats.expired, 2);
	assert_int_equal(t.stats.refused, 1);
	assert_int_equal(t.pool.used, 4);
	mactable_free(&t);
}

struct walked {
	int n;
	struct mactable_info info[8];
	int stop_at;
};

static int collect(void *ctx, const struct mactable_info *info)
{
	struct walked *w = ctx;

	if (w->n == 8)
		return -ENOSPC;
	w->info[w->n++] = *info;
	return w->n == w->stop_at ? 7 : 0;
}

static void walk_and_counters(void **state)
{
	static const struct {
		const char *addr;
		bool is_static;
		char peer;
		uint64_t age, rx, tx;
	} want[] = {
	    /* 1 */ {M4, true, 'd', 0, 1, 3},
	    /* 2 */ {M2, true, 'a', 0, 0, 0},
	    /* 3 */ {M3, false, 'c', 40, 1, 0}, /* seen at 60 */
	    /* 4 */ {M1, false, 'b', 10, 1, 1}, /* moved at 90: counts restart */
	};
	struct mactable t;
	struct walked w = {0};
	uint8_t a[6];

	assert_int_equal(mactable_init(&t, 16, 4), 0);
	mac(M4, a);
	assert_int_equal(mactable_add_static(&t, a, P('d')), 0);
	assert_int_equal(mactable_learn(&t, a, P('d'), 10 * SEC), MACTABLE_STATIC);
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(mactable_lookup(&t, a, 10 * SEC), P('d'));
	mac(M2, a);
	assert_int_equal(mactable_add_static(&t, a, P('a')), 0);
	mac(M1, a);
	assert_int_equal(mactable_learn(&t, a, P('a'), 50 * SEC), MACTABLE_NEW);
	assert_int_equal(mactable_learn(&t, a, P('a'), 55 * SEC), MACTABLE_REFRESHED);
	assert_ptr_equal(mactable_lookup(&t, a, 56 * SEC), P('a'));
	mac(M3, a);
	assert_int_equal(mactable_learn(&t, a, P('c'), 60 * SEC), MACTABLE_NEW);
	mac(M1, a);
	assert_int_equal(mactable_learn(&t, a, P('b'), 90 * SEC), MACTABLE_MOVED);
	assert_ptr_equal(mactable_lookup(&t, a, 95 * SEC), P('b'));
	mac(M5, a);
	assert_int_equal(mactable_learn(&t, a, P('c'), 0), MACTABLE_NEW);
	assert_ptr_equal(mactable_lookup(&t, a, 300 * SEC), NULL); /* expired */

	/* 5: statics in the order added, then learned ones oldest first */
	assert_int_equal(mactable_walk(&t, 100 * SEC, collect, &w), 0);
	assert_int_equal(w.n, 4);
	for (int i = 0; i < 4; i++) {
		uint8_t m[6];

		mac(want[i].addr, m);
		if (memcmp(w.info[i].addr, m, 6) || w.info[i].is_static != want[i].is_static ||
		    name_of(w.info[i].peer) != want[i].peer || w.info[i].age != want[i].age * SEC ||
		    w.info[i].rx_frames != want[i].rx || w.info[i].tx_frames != want[i].tx)
			fail_msg("case %d: %02x:..:%02x static %d peer %c age %llu rx %llu tx %llu",
				 i + 1, w.info[i].addr[0], w.info[i].addr[5], w.info[i].is_static,
				 name_of(w.info[i].peer), (unsigned long long)w.info[i].age,
				 (unsigned long long)w.info[i].rx_frames,
				 (unsigned long long)w.info[i].tx_frames);
	}
	/* 6: the walk stops when the callback says so */
	memset(&w, 0, sizeof(w));
	w.stop_at = 3;
	assert_int_equal(mactable_walk(&t, 100 * SEC, collect, &w), 7);
	assert_int_equal(w.n, 3);
	/* 7: a walk drops what has expired: M3 at 360, M1 at 390 */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mactable_walk(&t, 360 * SEC, collect, &w), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(t.pool.used, 3);
	assert_int_equal(t.stats.expired, 2);

	mactable_free(&t);
	mactable_free(&t);
	mactable_free(NULL);
	/* 8: a freed (zeroed) table answers nothing and holds nothing */
	mac(M1, a);
	assert_null(mactable_lookup(&t, a, 0));
	assert_int_equal(mactable_learn(&t, a, P('a'), 0), MACTABLE_IGNORED);
	assert_int_equal(mactable_add_static(&t, a, P('a')), -ENOSPC);
	assert_int_equal(mactable_remove(&t, a), -ENOENT);
	assert_int_equal(mactable_walk(&t, 0, collect, &w), 0);
	assert_int_equal(mactable_init(&t, ((size_t)1 << 31) + 1, 0), -EINVAL);
}

/*
 * The model: an array of entries with last-seen times. The clock moves
 * strictly forward, so "oldest" is unambiguous.
 */
struct mentry {
	uint8_t addr; /* the last octet: 02:00:00:00:00:xx */
	int peer;
	bool is_static;
	uint64_t last, seq; /* seq: when made static */
};

#define CAP 16
#define AGE 50

static struct mentry model[CAP];
static size_t model_n;

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
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static struct mentry *mfind(uint8_t addr)
{
	for (size_t i = 0; i < model_n; i++)
		if (model[i].addr == addr)
			return &model[i];
	return NULL;
}

static void mdel(struct mentry *e)
{
	*e = model[--model_n];
}

static bool mexpired(const struct mentry *e, uint64_t now)
{
	return !e->is_static && now - e->last >= AGE;
}

/* Room for one more: expired first, then the oldest learned. */
static bool mroom(uint64_t now, bool can_expire)
{
	struct mentry *oldest = NULL;

	if (model_n < CAP)
		return true;
	if (can_expire) {
		for (size_t i = 0; i < model_n;) {
			if (mexpired(&model[i], now))
				mdel(&model[i]);
			else
				i++;
		}
	}
	if (model_n < CAP)
		return true;
	for (size_t i = 0; i < model_n; i++)
		if (!model[i].is_static && (!oldest || model[i].last < oldest->last))
			oldest = &model[i];
	if (!oldest)
		return false;
	mdel(oldest);
	return true;
}

struct mwalk {
	const struct mentry *sorted;
	size_t i, n;
	uint64_t now;
};

static int mcheck(void *ctx, const struct mactable_info *info)
{
	struct mwalk *w = ctx;
	const struct mentry *e = &w->sorted[w->i];

	if (w->i == w->n || info->addr[5] != e->addr || info->is_static != e->is_static ||
	    info->peer != &peers[e->peer] || info->age != (e->is_static ? 0 : w->now - e->last))
		return -1;
	w->i++;
	return 0;
}

static int by_walk_order(const void *x, const void *y)
{
	const struct mentry *a = x, *b = y;

	if (a->is_static != b->is_static)
		return a->is_static ? -1 : 1;
	if (a->is_static)
		return (a->seq > b->seq) - (a->seq < b->seq);
	return (a->last > b->last) - (a->last < b->last);
}

static void randomized(void **state)
{
	struct mactable t;
	uint64_t now = 1, seq = 0;
	long counts[4] = {0};

	rng_state = test_seed(UINT64_C(0x853c49e6748fea9b));
	model_n = 0;
	assert_int_equal(mactable_init(&t, CAP, 5), 0);
	assert_int_equal(mactable_set_ageing(&t, AGE), 0);
	for (long op = 0; op < 200000; op++) {
		uint64_t x = rnd();
		uint8_t addr = (uint8_t)(x % 40), a[6] = {2, 0, 0, 0, 0, addr};
		int peer = (int)((x >> 8) % NPEERS);
		unsigned int r = (unsigned int)((x >> 16) % 1000);
		struct mentry *e = mfind(addr);

		now += 1 + (x >> 32) % 3;
		if (r < 500) {
			enum mactable_learn_result want, got;

			if (e && mexpired(e, now)) {
				mdel(e);
				e = NULL;
			}
			if (e && e->is_static) {
				want = MACTABLE_STATIC;
			} else if (e) {
				want = e->peer == peer ? MACTABLE_REFRESHED : MACTABLE_MOVED;
				e->peer = peer;
				e->last = now;
			} else if (!mroom(now, true)) {
				want = MACTABLE_REFUSED;
			} else {
				model[model_n++] = (struct mentry){addr, peer, false, now, 0};
				want = MACTABLE_NEW;
			}
			got = mactable_learn(&t, a, &peers[peer], now);
			if (got != want)
				fail_msg("op %ld: learn %u: %d, want %d", op, addr, got, want);
			counts[0]++;
		} else if (r < 950) {
			struct peer *got;
			int want = -1;

			if (e && mexpired(e, now))
				mdel(e);
			else if (e)
				want = e->peer;
			got = mactable_lookup(&t, a, now);
			if (got != (want < 0 ? NULL : &peers[want]))
				fail_msg("op %ld: lookup %u: %c, want %d", op, addr, name_of(got),
					 want);
			counts[1]++;
		} else if (r < 965) {
			int want = 0;

			if (e) {
				e->is_static = true;
				e->peer = peer;
				e->seq = ++seq;
			} else if (mroom(now, false)) {
				model[model_n++] = (struct mentry){addr, peer, true, 0, ++seq};
			} else {
				want = -ENOSPC;
			}
			assert_int_equal(mactable_add_static(&t, a, &peers[peer]), want);
			counts[2]++;
		} else if (r < 990) {
			assert_int_equal(mactable_remove(&t, a), e ? 0 : -ENOENT);
			if (e)
				mdel(e);
			counts[3]++;
		} else if (r < 992) {
			mactable_remove_by_peer(&t, &peers[peer]);
			for (size_t i = 0; i < model_n;)
				if (model[i].peer == peer)
					mdel(&model[i]);
				else
					i++;
		} else {
			struct mentry sorted[CAP];
			struct mwalk w = {sorted, 0, 0, now};

			for (size_t i = 0; i < model_n;)
				if (mexpired(&model[i], now))
					mdel(&model[i]);
				else
					i++;
			memcpy(sorted, model, model_n * sizeof(model[0]));
			w.n = model_n;
			qsort(sorted, model_n, sizeof(sorted[0]), by_walk_order);
			if (mactable_walk(&t, now, mcheck, &w) || w.i != w.n)
				fail_msg("op %ld: walk differs at entry %zu of %zu", op, w.i, w.n);
			assert_int_equal(t.pool.used, model_n);
		}
	}
	print_message("randomized: %ld learns, %ld lookups, %ld statics, %ld removes; "
		      "%llu evicted, %llu expired\n",
		      counts[0], counts[1], counts[2], counts[3],
		      (unsigned long long)t.stats.evicted, (unsigned long long)t.stats.expired);
	assert_true(t.stats.evicted > 1000 && t.stats.expired > 1000);
	mactable_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(learning),		cmocka_unit_test(statics_and_removal),
	    cmocka_unit_test(cap_and_eviction), cmocka_unit_test(walk_and_counters),
	    cmocka_unit_test(randomized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
