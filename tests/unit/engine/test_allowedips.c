// SPDX-License-Identifier: GPL-2.0-only
/*
 * The allowed-IPs trie: numbered table cases (after the ideas of kernel
 * WireGuard's selftest/allowedips.c), and a randomized comparison against
 * a naive model (a list of prefixes, longest match by scan) over IPv4 and
 * IPv6 with inserts, removes, removes by peer, lookups and walks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "engine/allowedips.h"

/* The module never looks inside a peer; the tests give it an identity. */
struct peer {
	int id;
};

#define NPEERS 8
static struct peer peers[NPEERS] = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}};

/* Peer names in the tables: 'a'..'h'; '-' is no peer. */
static struct peer *P(char c)
{
	return c == '-' ? NULL : &peers[c - 'a'];
}

/* "addr" or "addr/cidr" into family, bytes, cidr (the full length if none). */
static void parse(const char *s, int *family, uint8_t *addr, uint8_t *cidr)
{
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(addr, 0, 16);
	*family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, buf, addr) != 1)
		fail_msg("bad test address %s", s);
	*cidr = slash ? (uint8_t)atoi(slash + 1) : (*family == AF_INET ? 32 : 128);
}

enum op_kind { INSERT, REMOVE, REMOVE_PEER, LOOKUP, FREE };

struct op {
	enum op_kind kind;
	char peer;
	const char *prefix;
	int ret; /* INSERT/REMOVE: the return value */
};

/* Branch nodes exist only to join two subtrees: at most entries - 1 of them. */
static void check_size(const struct allowedips *t)
{
	if (t->nodes > (t->entries ? 2 * t->entries - 1 : 0))
		fail_msg("%zu nodes for %zu entries", t->nodes, t->entries);
}

static void run_ops(const char *name, const struct op *ops, size_t n)
{
	struct allowedips t;

	allowedips_init(&t);
	for (size_t i = 0; i < n; i++) {
		const struct op *op = &ops[i];
		uint8_t addr[16], cidr = 0;
		int family = AF_INET, ret;
		struct peer *got;

		if (op->prefix)
			parse(op->prefix, &family, addr, &cidr);
		switch (op->kind) {
		case INSERT:
			ret = allowedips_insert(&t, family, addr, cidr, P(op->peer));
			if (ret != op->ret)
				fail_msg("%s case %zu: insert %s: %d", name, i + 1, op->prefix,
					 ret);
			break;
		case REMOVE:
			ret = allowedips_remove(&t, family, addr, cidr, P(op->peer));
			if (ret != op->ret)
				fail_msg("%s case %zu: remove %s: %d", name, i + 1, op->prefix,
					 ret);
			break;
		case REMOVE_PEER:
			allowedips_remove_by_peer(&t, P(op->peer));
			break;
		case LOOKUP:
			got = allowedips_lookup(&t, family, addr);
			if (got != P(op->peer))
				fail_msg("%s case %zu: lookup %s: peer %c, want %c", name, i + 1,
					 op->prefix, got ? 'a' + got->id : '-', op->peer);
			break;
		case FREE:
			allowedips_free(&t);
			break;
		}
		check_size(&t);
	}
	allowedips_free(&t);
}

#define RUN(ops) run_ops(#ops, ops, sizeof(ops) / sizeof(ops[0]))
#define I(p, s)                                                                                    \
	{                                                                                          \
		INSERT, p, s, 0                                                                    \
	}
#define L(p, s)                                                                                    \
	{                                                                                          \
		LOOKUP, p, s, 0                                                                    \
	}

static void kernel_table(void **state)
{
	static const struct op ops[] = {
	    /*  1 */ I('a', "192.168.4.0/24"),
	    /*  2 */ I('b', "192.168.4.4/32"),
	    /*  3 */ I('c', "192.168.0.0/16"),
	    /*  4 */ I('d', "192.95.5.64/27"),
	    /*  5 */ I('c', "192.95.5.65/27"), /* moves d's, host bits masked */
	    /*  6 */ I('d', "2607:5300:6000:6b00::c05f:543/128"),
	    /*  7 */ I('c', "2607:5300:6000:6b00::/64"),
	    /*  8 */ I('e', "0.0.0.0/0"),
	    /*  9 */ I('e', "::/0"),
	    /* 10 */ I('f', "::/0"), /* moves e's */
	    /* 11 */ I('g', "2404:6800::/32"),
	    /* 12 */ I('h', "2404:6800:4004:800:dead:beef:dead:beef/64"),
	    /* 13 */ I('a', "2404:6800:4004:800:dead:beef:dead:beef/128"),
	    /* 14 */ I('c', "2444:6800:40e4:800:deae:beef:def:beef/128"),
	    /* 15 */ I('b', "2444:6800:f0e4:800:eeae:beef::/98"),
	    /* 16 */ I('g', "64.15.112.0/20"),
	    /* 17 */ I('h', "64.15.123.211/25"),
	    /* 18 */ I('a', "10.0.0.0/25"),
	    /* 19 */ I('b', "10.0.0.128/25"),
	    /* 20 */ I('a', "10.1.0.0/30"),
	    /* 21 */ I('b', "10.1.0.4/30"),
	    /* 22 */ I('c', "10.1.0.8/29"),
	    /* 23 */ I('d', "10.1.0.16/29"),
	    /* 24 */ L('a', "192.168.4.20"),
	    /* 25 */ L('a', "192.168.4.0"),
	    /* 26 */ L('b', "192.168.4.4"),
	    /* 27 */ L('c', "192.168.200.182"),
	    /* 28 */ L('c', "192.95.5.68"),
	    /* 29 */ L('e', "192.95.5.96"),
	    /* 30 */ L('d', "2607:5300:6000:6b00::c05f:543"),
	    /* 31 */ L('c', "2607:5300:6000:6b00::c02e:1ee"),
	    /* 32 */ L('f', "2607:5300:6000:6b01::"),
	    /* 33 */ L('g', "2404:6800:4004:806::1006"),
	    /* 34 */ L('g', "2404:6800:4004:806::1234:5678"),
	    /* 35 */ L('f', "2404:67ff:4004:806::1234:5678"),
	    /* 36 */ L('f', "2404:6801:4004:806::1234:5678"),
	    /* 37 */ L('h', "2404:6800:4004:800::1234:5678"),
	    /* 38 */ L('h', "2404:6800:4004:800::"),
	    /* 39 */ L('h', "2404:6800:4004:800:1010:1010:1010:1010"),
	    /* 40 */ L('a', "2404:6800:4004:800:dead:beef:dead:beef"),
	    /* 41 */ L('g', "64.15.116.26"),
	    /* 42 */ L('g', "64.15.127.3"),
	    /* 43 */ L('g', "64.15.123.1"),
	    /* 44 */ L('h', "64.15.123.128"),
	    /* 45 */ L('h', "64.15.123.129"),
	    /* 46 */ L('a', "10.0.0.52"),
	    /* 47 */ L('b', "10.0.0.220"),
	    /* 48 */ L('a', "10.1.0.2"),
	    /* 49 */ L('b', "10.1.0.6"),
	    /* 50 */ L('c', "10.1.0.10"),
	    /* 51 */ L('d', "10.1.0.20"),
	    /* 52: removal only by the owner */
	    {REMOVE, 'a', "10.1.0.16/29", -ENOENT},
	    /* 53 */ L('d', "10.1.0.20"),
	    /* 54: host bits masked on remove too */
	    {REMOVE, 'd', "10.1.0.17/29", 0},
	    /* 55 */ L('e', "10.1.0.20"),
	    /* 56 */ {REMOVE, 'd', "10.1.0.16/29", -ENOENT},
	    /* 57: a prefix that was never inserted */
	    {REMOVE, 'c', "10.1.0.8/30", -ENOENT},
	    /* 58 */ L('c', "10.1.0.10"),
	    /* 59: removing a branch-less middle entry keeps both sides */
	    {REMOVE, 'c', "192.168.0.0/16", 0},
	    /* 60 */ L('a', "192.168.4.20"),
	    /* 61 */ L('b', "192.168.4.4"),
	    /* 62 */ L('e', "192.168.200.182"),
	    /* 63: the default route goes, the rest stays */
	    {REMOVE, 'e', "0.0.0.0/0", 0},
	    /* 64 */ L('-', "192.168.200.182"),
	    /* 65 */ L('a', "10.0.0.52"),
	    /* 66 */ {REMOVE, 'f', "::/0", 0},
	    /* 67 */ L('-', "2607:5300:6000:6b01::"),
	    /* 68 */ L('c', "2607:5300:6000:6b00::c02e:1ee"),
	};

	RUN(ops);
}

static void remove_by_peer(void **state)
{
	static const struct op ops[] = {
	    /*  1 */ I('a', "1.0.0.0/32"),
	    /*  2 */ I('a', "64.0.0.0/32"),
	    /*  3 */ I('a', "128.0.0.0/32"),
	    /*  4 */ I('a', "192.0.0.0/32"),
	    /*  5 */ I('a', "255.0.0.0/32"),
	    /*  6 */ I('b', "255.0.0.0/8"),
	    /*  7 */ I('a', "2001:db8::/32"),
	    /*  8 */ {REMOVE_PEER, 'a', NULL, 0},
	    /*  9 */ L('-', "1.0.0.0"),
	    /* 10 */ L('-', "64.0.0.0"),
	    /* 11 */ L('-', "128.0.0.0"),
	    /* 12 */ L('-', "192.0.0.0"),
	    /* 13 */ L('b', "255.0.0.0"),
	    /* 14 */ L('-', "2001:db8::1"),
	    /* 15 */ {FREE, '-', NULL, 0},
	    /* 16 */ I('a', "192.168.0.0/16"),
	    /* 17 */ I('a', "192.168.0.0/24"),
	    /* 18 */ {REMOVE_PEER, 'a', NULL, 0},
	    /* 19 */ L('-', "192.168.0.1"),
	    /* 20: a peer with nothing */
	    {REMOVE_PEER, 'h', NULL, 0},
	    /* 21: the table is usable after all that */
	    I('c', "192.168.0.1/32"),
	    /* 22 */ L('c', "192.168.0.1"),
	};

	RUN(ops);
}

static void edges(void **state)
{
	static const struct op ops[] = {
	    /*  1 */ {INSERT, 'a', "10.0.0.0/33", -EINVAL},
	    /*  2 */ {INSERT, 'a', "::/129", -EINVAL},
	    /*  3 */ {INSERT, '-', "10.0.0.0/8", -EINVAL},
	    /*  4 */ {REMOVE, 'a', "10.0.0.0/33", -EINVAL},
	    /*  5 */ L('-', "10.0.0.1"),
	    /*  6 */ I('a', "255.255.255.255/32"),
	    /*  7 */ I('b', "255.255.255.254/31"),
	    /*  8 */ L('a', "255.255.255.255"),
	    /*  9 */ L('b', "255.255.255.254"),
	    /* 10 */ I('c', "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
	    /* 11 */ I('d', "ffff:ffff:ffff:ffff::/64"),
	    /* 12 */ I('e', "ffff:ffff:ffff:fffe::/63"),
	    /* 13 */ L('c', "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	    /* 14 */ L('d', "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"),
	    /* 15 */ L('e', "ffff:ffff:ffff:fffe::1"),
	    /* 16: bit 64 exactly */
	    I('f', "ffff:ffff:ffff:ffff:8000::/65"),
	    /* 17 */ L('f', "ffff:ffff:ffff:ffff:8000::1"),
	    /* 18 */ L('d', "ffff:ffff:ffff:ffff:7fff::1"),
	    /* 19: families are separate: ::a00:1 is not 10.0.0.1 */
	    I('g', "10.0.0.0/8"),
	    /* 20 */ L('-', "::a00:1"),
	    /* 21 */ L('g', "10.0.0.1"),
	    /* 22: the same prefix again, same peer: nothing changes */
	    I('g', "10.0.0.0/8"),
	    /* 23 */ L('g', "10.255.255.255"),
	    /* 24 */ {REMOVE, 'g', "10.0.0.0/8", 0},
	    /* 25 */ L('-', "10.0.0.1"),
	};
	struct allowedips t;
	uint8_t a[16] = {0};

	RUN(ops);
	allowedips_init(&t);
	assert_int_equal(allowedips_insert(&t, AF_UNIX, a, 0, P('a')), -EAFNOSUPPORT);
	assert_int_equal(allowedips_remove(&t, AF_UNIX, a, 0, P('a')), -EAFNOSUPPORT);
	assert_null(allowedips_lookup(&t, AF_UNIX, a));
	allowedips_free(&t);
	allowedips_free(NULL);
}

/*
 * The kernel's "128 insertions of all-ones but one bit" case: every key
 * parts from the previous ones at a different bit, at both word halves.
 */
static void one_bit_apart(void **state)
{
	struct allowedips t;

	allowedips_init(&t);
	for (int i = 0; i < 128; i++) {
		uint8_t a[16];

		memset(a, 0xff, sizeof(a));
		a[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
		assert_int_equal(allowedips_insert(&t, AF_INET6, a, 128, P('a' + i % NPEERS)), 0);
	}
	for (int i = 0; i < 128; i++) {
		uint8_t a[16];

		memset(a, 0xff, sizeof(a));
		a[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
		assert_ptr_equal(allowedips_lookup(&t, AF_INET6, a), P('a' + i % NPEERS));
	}
	{
		uint8_t ones[16];

		memset(ones, 0xff, sizeof(ones));
		assert_null(allowedips_lookup(&t, AF_INET6, ones));
	}
	assert_int_equal(t.entries, 128);
	allowedips_free(&t);
}

struct walked {
	int n;
	int family[8];
	uint8_t addr[8][16];
	uint8_t cidr[8];
};

static int collect(void *ctx, int family, const uint8_t *addr, uint8_t cidr)
{
	struct walked *w = ctx;

	if (w->n == 8)
		return -ENOSPC;
	w->family[w->n] = family;
	memcpy(w->addr[w->n], addr, family == AF_INET ? 4 : 16);
	w->cidr[w->n] = cidr;
	w->n++;
	return 0;
}

static int stop_at_two(void *ctx, int family, const uint8_t *addr, uint8_t cidr)
{
	return ++*(int *)ctx == 2 ? 42 : 0;
}

/* Walks give masked prefixes in the order the peer got them. */
static void walk(void **state)
{
	static const char *const given[] = {
	    "192.95.5.93/27",
	    "2607:5300:6000:6b00::c05f:543/128",
	    "10.1.0.20/29",
	    "2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/83",
	    "2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/21",
	};
	static const char *const want[] = {
	    "192.95.5.64/27", "2607:5300:6000:6b00::c05f:543/128",
	    "10.1.0.16/29",   "2607:5300:6d8a:6bf8:dab1:e000::/83",
	    "2607:5000::/21", "10.1.0.16/29", /* after case 2 below: moved back to a, so last */
	};
	struct walked w = {0};
	struct allowedips t;
	int count = 0;

	allowedips_init(&t);
	for (size_t i = 0; i < 5; i++) {
		uint8_t a[16], cidr;
		int family;

		parse(given[i], &family, a, &cidr);
		assert_int_equal(allowedips_insert(&t, family, a, cidr, P('a')), 0);
	}
	/* 1: the order given, masked */
	assert_int_equal(allowedips_walk_by_peer(&t, P('a'), collect, &w), 0);
	assert_int_equal(w.n, 5);
	assert_int_equal(allowedips_count_by_peer(&t, P('a')), 5);
	for (int i = 0; i < 5; i++) {
		uint8_t a[16], cidr;
		int family;

		parse(want[i], &family, a, &cidr);
		assert_int_equal(w.family[i], family);
		assert_int_equal(w.cidr[i], cidr);
		assert_memory_equal(w.addr[i], a, family == AF_INET ? 4 : 16);
	}
	/* 2: a prefix moved to b and back goes to the end of a's list */
	{
		uint8_t a[16], cidr;
		int family;

		parse("10.1.0.16/29", &family, a, &cidr);
		assert_int_equal(allowedips_insert(&t, family, a, cidr, P('b')), 0);
		assert_int_equal(allowedips_count_by_peer(&t, P('a')), 4);
		assert_int_equal(allowedips_count_by_peer(&t, P('b')), 1);
		assert_int_equal(allowedips_insert(&t, family, a, cidr, P('a')), 0);
		assert_int_equal(allowedips_count_by_peer(&t, P('b')), 0);
		memset(&w, 0, sizeof(w));
		assert_int_equal(allowedips_walk_by_peer(&t, P('a'), collect, &w), 0);
		assert_int_equal(w.n, 5);
		parse(want[5], &family, a, &cidr);
		assert_memory_equal(w.addr[4], a, 4);
		assert_int_equal(w.cidr[4], 29);
	}
	/* 3: the walk stops at the callback's first nonzero return */
	assert_int_equal(allowedips_walk_by_peer(&t, P('a'), stop_at_two, &count), 42);
	assert_int_equal(count, 2);
	/* 4: a peer with nothing walks nothing */
	memset(&w, 0, sizeof(w));
	assert_int_equal(allowedips_walk_by_peer(&t, P('c'), collect, &w), 0);
	assert_int_equal(w.n, 0);
	allowedips_free(&t);
}

/* The naive model. */
struct entry {
	int family;
	uint8_t addr[16]; /* masked */
	uint8_t cidr;
	int peer;
	unsigned long seq; /* when this peer got it */
};

#define MODEL_MAX 8192

static struct entry model[MODEL_MAX];
static size_t model_n;
static unsigned long model_seq;
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

static void mask(uint8_t *a, unsigned int len, unsigned int cidr)
{
	for (unsigned int i = 0; i < len; i++) {
		unsigned int keep = cidr > i * 8 ? cidr - i * 8 : 0;

		if (keep < 8)
			a[i] &= (uint8_t)(0xff00 >> keep);
	}
}

static bool prefix_has(const struct entry *e, int family, const uint8_t *a)
{
	uint8_t m[16];
	unsigned int len = family == AF_INET ? 4 : 16;

	if (e->family != family)
		return false;
	memcpy(m, a, len);
	mask(m, len, e->cidr);
	return !memcmp(m, e->addr, len);
}

static struct entry *model_find(int family, const uint8_t *a, uint8_t cidr)
{
	for (size_t i = 0; i < model_n; i++)
		if (model[i].family == family && model[i].cidr == cidr &&
		    !memcmp(model[i].addr, a, family == AF_INET ? 4 : 16))
			return &model[i];
	return NULL;
}

static int model_lookup(int family, const uint8_t *a)
{
	const struct entry *best = NULL;

	for (size_t i = 0; i < model_n; i++)
		if (prefix_has(&model[i], family, a) && (!best || model[i].cidr > best->cidr))
			best = &model[i];
	return best ? best->peer : -1;
}

/*
 * Addresses near a few bases, so that prefixes nest and part at every
 * depth: a base, with a random run of its low bits replaced.
 */
static void random_addr(int family, uint8_t *a)
{
	static const uint8_t bases[4][16] = {
	    {10, 0, 0, 0},
	    {192, 168, 77, 1},
	    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	    {0xfd, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0, 0, 0, 0, 0, 0, 0},
	};
	unsigned int len = family == AF_INET ? 4 : 16, bits = len * 8;
	uint64_t x = rnd();
	unsigned int from = (unsigned int)(x % (bits + 1));

	memcpy(a, bases[(x >> 8) % 4], 16);
	/* keep the first `from` bits, randomize the rest */
	for (unsigned int i = 0; i < len; i++) {
		uint8_t r = (uint8_t)rnd();
		unsigned int keep = from > i * 8 ? from - i * 8 : 0;

		if (keep < 8)
			a[i] = (uint8_t)((a[i] & (0xff00 >> keep)) | (r & (0xff >> keep)));
	}
}

/* A random address inside @e's prefix (host bits random). */
static void fill_inside(const struct entry *e, uint8_t *a)
{
	unsigned int len = e->family == AF_INET ? 4 : 16;

	memset(a, 0, 16);
	for (unsigned int i = 0; i < len; i++) {
		unsigned int keep = e->cidr > i * 8 ? e->cidr - i * 8 : 0;
		uint8_t km = keep >= 8 ? 0xff : (uint8_t)(0xff00 >> keep);

		a[i] = (uint8_t)((e->addr[i] & km) | ((uint8_t)rnd() & ~km));
	}
}

static int walk_check(void *ctx, int family, const uint8_t *addr, uint8_t cidr)
{
	const struct entry **next = ctx;
	const struct entry *e = *next;

	if (!e || e->family != family || e->cidr != cidr ||
	    memcmp(e->addr, addr, family == AF_INET ? 4 : 16))
		return -1;
	*next = e + 1; /* a sorted copy is walked, see check_walks() */
	return 0;
}

static int by_seq(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	return (a->seq > b->seq) - (a->seq < b->seq);
}

static void check_walks(const struct allowedips *t)
{
	static struct entry sorted[MODEL_MAX + 1];

	for (int p = 0; p < NPEERS; p++) {
		size_t n = 0;
		const struct entry *cursor = sorted;

		for (size_t i = 0; i < model_n; i++)
			if (model[i].peer == p)
				sorted[n++] = model[i];
		qsort(sorted, n, sizeof(sorted[0]), by_seq);
		memset(&sorted[n], 0, sizeof(sorted[n]));
		assert_int_equal(allowedips_count_by_peer(t, &peers[p]), n);
		assert_int_equal(allowedips_walk_by_peer(t, &peers[p], walk_check, &cursor), 0);
		assert_ptr_equal(cursor, &sorted[n]);
	}
}

static void randomized(void **state)
{
	long counts[5] = {0};
	struct allowedips t;

	rng_state = test_seed(UINT64_C(0x2545f4914f6cdd1d));
	model_n = 0;
	allowedips_init(&t);
	for (long op = 0; op < 300000; op++) {
		uint64_t x = rnd();
		int family = x & 1 ? AF_INET6 : AF_INET;
		unsigned int len = family == AF_INET ? 4 : 16;
		uint8_t a[16] = {0};
		unsigned int r = (unsigned int)((x >> 1) % 1000);

		if (r < 300 && model_n < MODEL_MAX) {
			/* insert */
			uint8_t cidr = (uint8_t)((x >> 16) % (len * 8 + 1));
			int peer = (int)((x >> 24) % NPEERS);
			struct entry *e;

			random_addr(family, a);
			assert_int_equal(allowedips_insert(&t, family, a, cidr, &peers[peer]), 0);
			mask(a, len, cidr);
			e = model_find(family, a, cidr);
			if (!e) {
				e = &model[model_n++];
				e->family = family;
				memcpy(e->addr, a, 16);
				e->cidr = cidr;
				e->peer = -1;
			}
			if (e->peer != peer) {
				e->peer = peer;
				e->seq = ++model_seq;
			}
			counts[0]++;
		} else if (r < 400 && model_n) {
			/* remove an existing prefix, by its owner or not */
			struct entry *e = &model[(x >> 16) % model_n];
			bool owner = (x >> 40) % 4 != 0;
			int peer = owner ? e->peer : (e->peer + 1) % NPEERS;

			/* sometimes with host bits set: remove masks them too */
			if ((x >> 44) & 1)
				fill_inside(e, a);
			else
				memcpy(a, e->addr, 16);
			assert_int_equal(allowedips_remove(&t, e->family, a, e->cidr, &peers[peer]),
					 owner ? 0 : -ENOENT);
			if (owner)
				*e = model[--model_n];
			counts[1]++;
		} else if (r < 405) {
			int peer = (int)((x >> 16) % NPEERS);

			allowedips_remove_by_peer(&t, &peers[peer]);
			for (size_t i = 0; i < model_n;)
				if (model[i].peer == peer)
					model[i] = model[--model_n];
				else
					i++;
			counts[2]++;
		} else {
			int want, got;
			struct peer *p;

			if ((x >> 16) % 2 && model_n) {
				/* inside a known prefix */
				const struct entry *e = &model[(x >> 20) % model_n];

				family = e->family;
				fill_inside(e, a);
			} else {
				random_addr(family, a);
			}
			want = model_lookup(family, a);
			p = allowedips_lookup(&t, family, a);
			got = p ? p->id : -1;
			if (got != want)
				fail_msg("op %ld: lookup: peer %d, want %d", op, got, want);
			counts[3]++;
		}
		check_size(&t);
		if (op % 5000 == 0) {
			assert_int_equal(t.entries, model_n);
			check_walks(&t);
		}
	}
	assert_int_equal(t.entries, model_n);
	check_walks(&t);
	print_message("randomized: %ld inserts, %ld removes, %ld removes by peer, %ld lookups, "
		      "%zu entries at the end\n",
		      counts[0], counts[1], counts[2], counts[3], model_n);
	allowedips_free(&t);
	assert_int_equal(t.entries, 0);
	assert_null(allowedips_lookup(&t, AF_INET, (const uint8_t *)"\x0a\0\0\0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kernel_table), cmocka_unit_test(remove_by_peer),
	    cmocka_unit_test(edges),	    cmocka_unit_test(one_bit_apart),
	    cmocka_unit_test(walk),	    cmocka_unit_test(randomized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
