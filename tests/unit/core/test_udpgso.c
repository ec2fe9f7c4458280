// SPDX-License-Identifier: GPL-2.0-only
/*
 * UDP segmentation runs and UDP_GRO cuts (core/udpgso.h): numbered cases
 * of datagram lengths, cut into runs the way os/udp.c cuts a send batch
 * (greedily, in order), and buffers split the way the daemon splits them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/udpgso.h"

enum { MAX_LENS = 160 };

struct run_case {
	const char *name;
	uint32_t lens[MAX_LENS]; /* 0 ends the list, unless @n says more */
	uint32_t n;		 /* datagrams, when a pattern fills @lens */
	uint32_t runs[MAX_LENS]; /* the expected run lengths, 0-terminated */
};

/* Greedy runs, as udp_send makes them. Returns how many. */
static uint32_t cut(const uint32_t *lens, uint32_t n, uint32_t *runs)
{
	uint32_t nr = 0;

	for (uint32_t i = 0; i < n;) {
		struct udpgso_run r;

		udpgso_run_start(&r, lens[i]);
		while (i + r.count < n && udpgso_run_add(&r, lens[i + r.count]))
			;
		runs[nr++] = r.count;
		i += r.count;
	}
	return nr;
}

static uint32_t count_lens(const struct run_case *c)
{
	uint32_t n = 0;

	if (c->n)
		return c->n;
	while (n < MAX_LENS && c->lens[n])
		n++;
	return n;
}

static void fill(uint32_t *lens, uint32_t n, uint32_t len)
{
	for (uint32_t i = 0; i < n; i++)
		lens[i] = len;
}

static void run_table(void **state)
{
	static struct run_case cases[] = {
	    /* 1 */ {"one datagram", {1452}, 0, {1}},
	    /* 2 */ {"two equal", {1452, 1452}, 0, {2}},
	    /* 3 */ {"the last one short", {1452, 1452, 100}, 0, {3}},
	    /* 4 */ {"a short one ends the run", {1452, 100, 1452}, 0, {2, 1}},
	    /* 5 */ {"a longer one starts a new run", {100, 1452, 1452}, 0, {1, 2}},
	    /* 6 */ {"mixed sizes", {148, 92, 1452, 1452, 1452, 32, 32, 32}, 0, {2, 4, 2}},
	    /* 7 */ {"64 of 1000: one run", {0}, 64, {64}},
	    /* 8 */ {"65 of 1000: 64 and 1", {0}, 65, {64, 1}},
	    /* 9 */ {"128 of 32: two full runs", {0}, 128, {64, 64}},
	    /* 10 */ {"45 of 1452: 65507 bytes cut at 45 (65340)", {0}, 45, {45}},
	    /* 11 */ {"46 of 1452: over 65507 bytes", {0}, 46, {45, 1}},
	    /* 12 */ {"the byte bound exactly", {0}, 0, {0}},
	    /* 13 */ {"a run of one short after a closed run", {1452, 1000, 1000, 1000}, 0, {2, 2}},
	};
	uint32_t runs[MAX_LENS];

	(void)state;
	fill(cases[6].lens, 64, 1000);
	fill(cases[7].lens, 65, 1000);
	fill(cases[8].lens, 128, 32);
	fill(cases[9].lens, 45, 1452);
	fill(cases[10].lens, 46, 1452);
	/* 12: 63 x 1024 + 1 x 999 = 65511 > 65507, so the last cannot join. */
	fill(cases[11].lens, 64, 1024);
	cases[11].lens[63] = 999;
	cases[11].n = 64;
	cases[11].runs[0] = 63;
	cases[11].runs[1] = 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct run_case *c = &cases[i];
		uint32_t n = count_lens(c), nr = cut(c->lens, n, runs);
		uint32_t want = 0;

		while (c->runs[want])
			want++;
		print_message("case %zu: %s\n", i + 1, c->name);
		assert_int_equal(nr, want);
		for (uint32_t k = 0; k < nr; k++)
			assert_int_equal(runs[k], c->runs[k]);
	}
}

static void run_limits(void **state)
{
	struct udpgso_run r;

	(void)state;
	/* An empty datagram never joins (the kernel would not cut it). */
	udpgso_run_start(&r, 100);
	assert_false(udpgso_run_add(&r, 0));
	/* A closed run takes nothing, not even its own short size again. */
	assert_true(udpgso_run_add(&r, 50));
	assert_true(r.closed);
	assert_false(udpgso_run_add(&r, 50));
	assert_int_equal(r.count, 2);
	assert_int_equal(r.bytes, 150);
	/* A first datagram of the largest size leaves alone. */
	udpgso_run_start(&r, UDPGSO_MAX_BYTES);
	assert_false(udpgso_run_add(&r, 1));
	/* And one above it (the kernel refuses it) joins nothing either. */
	udpgso_run_start(&r, 70000);
	assert_false(udpgso_run_add(&r, 1));
}

struct split_case {
	uint32_t len, seg, max;
	uint32_t count;	   /* 0: refused */
	uint32_t last_len; /* of the last datagram */
};

static void split_table(void **state)
{
	static const struct split_case cases[] = {
	    /* 1 */ {1452, 1452, 64, 1, 1452},
	    /* 2 */ {2904, 1452, 64, 2, 1452},
	    /* 3 */ {3000, 1452, 64, 3, 96},
	    /* 4 */ {64 * 1452, 1452, 64, 64, 1452},
	    /* 5 */ {64 * 1452 + 1, 1452, 64, 0, 0},
	    /* 6 */ {0, 1452, 64, 0, 0},
	    /* 7 */ {1452, 0, 64, 0, 0},
	    /* 8 */ {100, 1452, 64, 1, 100},
	    /* 9 */ {65507, 1, 65507, 65507, 1},
	    /* 10 */ {65507, 1, 64, 0, 0},
	    /* 11 */ {32 * 33, 32, 64, 33, 32},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct split_case *c = &cases[i];
		uint32_t n = udpgso_split_count(c->len, c->seg, c->max), total = 0;

		print_message("case %zu: %u bytes at %u\n", i + 1, c->len, c->seg);
		assert_int_equal(n, c->count);
		if (!n)
			continue;
		for (uint32_t k = 0; k < n; k++) {
			uint32_t l = udpgso_split_len(c->len, c->seg, k);

			assert_true(l >= 1 && l <= c->seg);
			if (k + 1 < n)
				assert_int_equal(l, c->seg);
			total += l;
		}
		assert_int_equal(udpgso_split_len(c->len, c->seg, n - 1), c->last_len);
		assert_int_equal(total, c->len);
	}
}

/* What a run makes, split again, is the run: the two sides agree. */
static void run_then_split(void **state)
{
	static const uint32_t lens[] = {1452, 1452, 1452, 700};
	struct udpgso_run r;
	uint32_t n;

	(void)state;
	udpgso_run_start(&r, lens[0]);
	for (size_t i = 1; i < 4; i++)
		assert_true(udpgso_run_add(&r, lens[i]));
	n = udpgso_split_count(r.bytes, r.size, UDPGSO_MAX_SEGS);
	assert_int_equal(n, 4);
	for (uint32_t k = 0; k < n; k++)
		assert_int_equal(udpgso_split_len(r.bytes, r.size, k), lens[k]);
}

/* A buffer of @count datagrams of @seg bytes and a last of @last, byte k = datagram k's number. */
static struct pktbuf *gro_buffer(struct pktbuf_pool *pool, uint32_t count, uint32_t seg,
				 uint32_t last)
{
	struct pktbuf *buf = pktbuf_alloc(pool);
	uint32_t len = (count - 1) * seg + last;
	uint8_t *p = pktbuf_put(buf, len);

	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i / seg);
	buf->addr.in4.sin_family = AF_INET;
	buf->addr.in4.sin_port = 51820;
	return buf;
}

struct cut_case {
	uint32_t count, seg, last, pool_free; /* pool_free: buffers left for the copies */
	int ret;			      /* buffers out, or -EBADMSG */
	uint32_t lost;
};

static void split_buffers(void **state)
{
	static const struct cut_case cases[] = {
	    /* 1: one datagram: the buffer alone */ {1, 1452, 1452, 200, 1, 0},
	    /* 2: the last one short */ {3, 1452, 96, 200, 3, 0},
	    /* 3: 64 of 1000 */ {64, 1000, 1000, 200, 64, 0},
	    /* 4: more than max (128) */ {129, 32, 32, 200, -EBADMSG, 0},
	    /* 5: the pool runs dry after 2 copies */ {10, 1000, 1000, 2, 3, 7},
	    /* 6: no buffer for any copy */ {4, 1000, 1000, 0, 1, 3},
	};
	struct pktbuf *out[128], *hold[256];
	struct pktbuf_pool *pool;

	(void)state;
	assert_int_equal(pktbuf_pool_new(&pool, 256, 65536), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cut_case *c = &cases[i];
		struct pktbuf *buf = gro_buffer(pool, c->count, c->seg, c->last);
		uint32_t len = buf->len, lost = 99, held = 0;
		int ret;

		print_message("case %zu\n", i + 1);
		while (pktbuf_pool_available(pool) > c->pool_free)
			hold[held++] = pktbuf_alloc(pool);
		ret = udpgso_split(buf, c->seg, pool, out, 128, &lost);
		assert_int_equal(ret, c->ret);
		if (ret < 0) {
			assert_int_equal(buf->len, len); /* untouched */
			pktbuf_free(buf);
		} else {
			assert_int_equal(lost, c->lost);
			assert_ptr_equal(out[0], buf);
			for (int k = 0; k < ret; k++) {
				uint32_t want = (uint32_t)k + 1 == c->count ? c->last : c->seg;

				assert_int_equal(out[k]->len, want);
				assert_int_equal(out[k]->addr.in4.sin_port, 51820);
				assert_int_equal(pktbuf_data(out[k])[0], k);
				assert_int_equal(pktbuf_data(out[k])[want - 1], k);
				pktbuf_free(out[k]);
			}
		}
		while (held)
			pktbuf_free(hold[--held]);
		assert_int_equal(pktbuf_pool_available(pool), 256);
	}
	pktbuf_pool_free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(run_table),     cmocka_unit_test(run_limits),
	    cmocka_unit_test(split_table),   cmocka_unit_test(run_then_split),
	    cmocka_unit_test(split_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
