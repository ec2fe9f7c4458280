// SPDX-License-Identifier: GPL-2.0-only
/*
 * The handshake rate limiter with a fake clock: kernel WireGuard's timing
 * sequence (selftest/ratelimiter.c) as a table, the refill rate, IPv6 /64
 * buckets, independence of sources, the capacity bound and the garbage
 * collection of idle sources.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "engine/ratelimiter.h"

#define MS UINT64_C(1000000)
#define SEC (1000 * MS)
/* Any start: the clock is only ever compared with itself. */
#define T0 (1234 * SEC)

static void addr_of(const char *s, int *family, uint8_t *a)
{
	*family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, s, a) != 1)
		fail_msg("bad test address %s", s);
}

static bool allow(struct ratelimiter *rl, const char *s, uint64_t now)
{
	uint8_t a[16];
	int family;

	addr_of(s, &family, a);
	return ratelimiter_allow(rl, family, a, now);
}

static void kernel_timings(void **state)
{
	static const struct {
		unsigned int sleep_ms;
		bool allowed;
	} cases[] = {
	    /*  1 */ {0, true},	 /*  2 */ {0, true},  /*  3 */ {0, true},
	    /*  4 */ {0, true},	 /*  5 */ {0, true},  /*  6 */ {0, false},
	    /*  7 */ {50, true}, /*  8 */ {0, false}, /*  9 */ {100, true},
	    /* 10 */ {0, true},	 /* 11 */ {0, false},
	};
	struct ratelimiter rl;
	uint64_t now = T0;

	assert_int_equal(ratelimiter_init(&rl, 0, 42), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t v4[4] = {192, 168, 1, 1}, v6[16];
		bool got;

		now += cases[i].sleep_ms * MS;
		got = ratelimiter_allow(&rl, AF_INET, v4, now);
		if (got != cases[i].allowed)
			fail_msg("case %zu: IPv4: got %d", i + 1, got);
		/* another source, new each time, is never held back */
		v4[3] = (uint8_t)(v4[3] + i + 1);
		if (!ratelimiter_allow(&rl, AF_INET, v4, now))
			fail_msg("case %zu: other IPv4 source refused", i + 1);

		/* the same /64 with other interface bits each time */
		addr_of("2001:db8:1:2::", &(int){0}, v6);
		v6[15] = (uint8_t)i;
		v6[11] = (uint8_t)i;
		got = ratelimiter_allow(&rl, AF_INET6, v6, now);
		if (got != cases[i].allowed)
			fail_msg("case %zu: IPv6: got %d", i + 1, got);
		/* another /64 */
		v6[7] = (uint8_t)(v6[7] + i + 1);
		if (!ratelimiter_allow(&rl, AF_INET6, v6, now))
			fail_msg("case %zu: other IPv6 /64 refused", i + 1);
	}
	ratelimiter_free(&rl);
}

/* Hammered every millisecond, a source gets its burst, then 20 per second. */
static void refill_rate(void **state)
{
	struct ratelimiter rl;
	unsigned int allowed = 0, second = 0;
	uint64_t t;

	assert_int_equal(ratelimiter_init(&rl, 0, 1), 0);
	for (t = 0; t < 10 * SEC; t += MS)
		allowed += allow(&rl, "10.0.0.1", T0 + t);
	/* credit: the burst of 5 plus 9.999 s at 20/s = 204.98 packets */
	assert_int_equal(allowed, 204);
	for (; t < 11 * SEC; t += MS)
		second += allow(&rl, "10.0.0.1", T0 + t);
	assert_int_equal(second, 20);
	ratelimiter_free(&rl);
}

/* After idling, the bucket is full again, and never fuller than the burst. */
static void burst_cap(void **state)
{
	static const struct {
		uint64_t idle;
		unsigned int allowed; /* in a burst at one instant */
	} cases[] = {
	    /* 1 */ {0, 5},
	    /* 2 */ {50 * MS, 1},
	    /* 3 */ {149 * MS, 2},
	    /* 4 */ {250 * MS, 5},
	    /* 5 */ {3600 * SEC, 5},
	    /* 6 */ {999 * MS, 5},
	};
	struct ratelimiter rl;
	uint64_t now = T0;

	assert_int_equal(ratelimiter_init(&rl, 0, 2), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int n = 0;

		now += cases[i].idle;
		while (allow(&rl, "2001:db8::1", now))
			n++;
		if (n != cases[i].allowed)
			fail_msg("case %zu: %u allowed", i + 1, n);
	}
	ratelimiter_free(&rl);
}

/* Which addresses share a bucket. */
static void keys(void **state)
{
	static const struct {
		const char *first, *second;
		bool shared;
	} cases[] = {
	    /* 1 */ {"2001:db8:0:1::1", "2001:db8:0:1:ffff:ffff:ffff:ffff", true},
	    /* 2 */ {"2001:db8:0:1::1", "2001:db8:0:0::1", false},
	    /* 3: the last bit of the /64 */
	    {"2001:db8:0:1::", "2001:db8:0:0:8000::", false},
	    /* 4 */ {"10.0.0.1", "10.0.0.2", false},
	    /* 5: IPv4-mapped IPv6 is that IPv4 source */
	    {"10.0.0.1", "::ffff:10.0.0.1", true},
	    /* 6: but not the rest of ::ffff:0:0/96's /64 */
	    {"::ffff:10.0.0.1", "::ffff:10.0.0.2", false},
	    /* 7: IPv4 and IPv6 keys never collide */
	    {"0.0.0.1", "::1", false},
	    /* 8 */ {"0.0.0.0", "::", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ratelimiter rl;
		bool got;

		assert_int_equal(ratelimiter_init(&rl, 0, i), 0);
		for (int n = 0; n < RATELIMITER_PACKETS_BURSTABLE; n++)
			assert_true(allow(&rl, cases[i].first, T0));
		got = !allow(&rl, cases[i].second, T0);
		if (got != cases[i].shared)
			fail_msg("case %zu: %s and %s: shared %d", i + 1, cases[i].first,
				 cases[i].second, got);
		ratelimiter_free(&rl);
	}

	/* 9: families never mix, even when their keys land in one chain:
	 * 0.0.0.n against 0:0:0:n::/64, in small tables (16 chains) */
	for (unsigned int n = 0; n < 256; n++) {
		uint8_t v4[4] = {0, 0, 0, (uint8_t)n}, v6[16] = {0};
		struct ratelimiter rl;

		v6[7] = (uint8_t)n;
		assert_int_equal(ratelimiter_init(&rl, 16, n), 0);
		for (int i = 0; i < RATELIMITER_PACKETS_BURSTABLE; i++)
			assert_true(ratelimiter_allow(&rl, AF_INET, v4, T0));
		if (!ratelimiter_allow(&rl, AF_INET6, v6, T0))
			fail_msg("case 9: n = %u: IPv6 refused", n);
		ratelimiter_free(&rl);
	}
}

static void capacity_and_gc(void **state)
{
	struct ratelimiter rl;
	uint8_t a[4] = {10, 0, 0, 0};

	assert_int_equal(ratelimiter_init(&rl, 16, 3), 0);
	/* 1: the table fills up; then new sources are refused and counted */
	for (int i = 0; i < 16; i++) {
		a[3] = (uint8_t)i;
		assert_true(ratelimiter_allow(&rl, AF_INET, a, T0));
	}
	a[3] = 16;
	assert_false(ratelimiter_allow(&rl, AF_INET, a, T0));
	assert_false(ratelimiter_allow(&rl, AF_INET, a, T0 + 500 * MS));
	assert_int_equal(rl.refused_full, 2);
	/* 2: known sources are still served */
	a[3] = 3;
	assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + 500 * MS));
	/* 3: a second on, the idle ones are forgotten; 10.0.0.3 was seen 1 s ago
	 * (not more) and stays */
	a[3] = 16;
	assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + 1500 * MS));
	assert_int_equal(rl.pool.used, 2);
	/* 4: 10.0.0.3 is still known: 4 tokens left at 0.5 s, full (5) now */
	a[3] = 3;
	for (int i = 0; i < RATELIMITER_PACKETS_BURSTABLE; i++)
		assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + 1500 * MS));
	assert_false(ratelimiter_allow(&rl, AF_INET, a, T0 + 1500 * MS));
	/* 5: refill the table with fresh sources, all allowed */
	for (int i = 100; i < 114; i++) {
		a[3] = (uint8_t)i;
		assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + 1600 * MS));
	}
	assert_int_equal(rl.pool.used, 16);
	a[3] = 200;
	assert_false(ratelimiter_allow(&rl, AF_INET, a, T0 + 1600 * MS));
	assert_int_equal(rl.refused_full, 3);
	ratelimiter_free(&rl);

	/* 6: a full table sweeps before its second is up, to make room */
	assert_int_equal(ratelimiter_init(&rl, 16, 3), 0);
	for (int i = 0; i < 16; i++) {
		a[3] = (uint8_t)i;
		assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + (i == 15 ? SEC : 0)));
	}
	a[3] = 16;
	assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + 1200 * MS));
	assert_int_equal(rl.pool.used, 2);
	assert_int_equal(rl.refused_full, 0);
	ratelimiter_free(&rl);
}

/* Sweeps happen lazily, at most once a second when there is room. */
static void gc_is_lazy(void **state)
{
	struct ratelimiter rl;
	uint8_t a[4] = {172, 16, 0, 0};

	assert_int_equal(ratelimiter_init(&rl, 1024, 4), 0);
	for (int i = 0; i < 1000; i++) {
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + (uint64_t)i * MS));
	}
	assert_int_equal(rl.pool.used, 1000);
	/* 1.9 s after the first ones: they go, the later ones stay */
	a[2] = 0xff;
	assert_true(ratelimiter_allow(&rl, AF_INET, a, T0 + 1900 * MS));
	assert_int_equal(rl.pool.used, 1000 - 900 + 1);
	/* no sweep until another second has passed */
	assert_true(
	    ratelimiter_allow(&rl, AF_INET, (const uint8_t *)"\x01\x02\x03\x04", T0 + 2800 * MS));
	assert_int_equal(rl.pool.used, 102);
	assert_true(
	    ratelimiter_allow(&rl, AF_INET, (const uint8_t *)"\x01\x02\x03\x05", T0 + 2900 * MS));
	assert_int_equal(rl.pool.used, 3);
	ratelimiter_free(&rl);
}

static void misc(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(51820)};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	struct sockaddr sa = {.sa_family = AF_UNIX};
	struct ratelimiter rl, zero = {0};

	assert_int_equal(ratelimiter_init(&rl, 0, 5), 0);
	assert_int_equal(rl.pool.capacity, RATELIMITER_DEFAULT_ENTRIES);

	/* 1: sockaddr_in: the port does not matter */
	inet_pton(AF_INET, "198.51.100.7", &sin.sin_addr);
	for (int i = 0; i < RATELIMITER_PACKETS_BURSTABLE; i++) {
		sin.sin_port = htons((uint16_t)(1000 + i));
		assert_true(ratelimiter_allow_sockaddr(&rl, (struct sockaddr *)&sin, T0));
	}
	assert_false(ratelimiter_allow_sockaddr(&rl, (struct sockaddr *)&sin, T0));
	assert_false(allow(&rl, "198.51.100.7", T0));
	/* 2: sockaddr_in6 */
	inet_pton(AF_INET6, "2001:db8::7", &sin6.sin6_addr);
	assert_true(ratelimiter_allow_sockaddr(&rl, (struct sockaddr *)&sin6, T0));
	/* 3: other families are refused */
	assert_false(ratelimiter_allow_sockaddr(&rl, &sa, T0));
	assert_false(ratelimiter_allow(&rl, AF_UNIX, (const uint8_t *)"abcd", T0));
	/* 4: a clock that steps back grants nothing */
	assert_false(allow(&rl, "198.51.100.7", T0 - 10 * SEC));
	assert_false(allow(&rl, "198.51.100.7", T0));
	ratelimiter_free(&rl);

	/* 5: setup limits, and free of nothing */
	assert_int_equal(ratelimiter_init(&rl, ((size_t)1 << 31) + 1, 0), -EINVAL);
	ratelimiter_free(&rl);
	ratelimiter_free(&zero);
	ratelimiter_free(NULL);
	assert_false(ratelimiter_allow(&zero, AF_INET, (const uint8_t *)"abcd", T0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kernel_timings),
	    cmocka_unit_test(refill_rate),
	    cmocka_unit_test(burst_cap),
	    cmocka_unit_test(keys),
	    cmocka_unit_test(capacity_and_gc),
	    cmocka_unit_test(gc_is_lazy),
	    cmocka_unit_test(misc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
