// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/ip.h"
#include "core/pktbuf.h"

/* The pool hands out each buffer once, refuses when empty, takes them back. */
static void pool_exhaustion(void **state)
{
	struct pktbuf_pool *pool;
	struct pktbuf *bufs[8];

	assert_int_equal(pktbuf_pool_new(&pool, 0, 100), -EINVAL);
	assert_int_equal(pktbuf_pool_new(&pool, 8, 0), -EINVAL);
	assert_int_equal(pktbuf_pool_new(&pool, 8, 1500), 0);
	for (int i = 0; i < 8; i++) {
		bufs[i] = pktbuf_alloc(pool);
		assert_non_null(bufs[i]);
		assert_int_equal(pktbuf_headroom(bufs[i]), PKTBUF_HEADROOM);
		assert_true(pktbuf_tailroom(bufs[i]) >= 1500 + PKTBUF_TAILROOM);
		assert_int_equal((uintptr_t)bufs[i]->slot % 64, 0);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(bufs[i], bufs[j]);
	}
	assert_null(pktbuf_alloc(pool));
	assert_int_equal(pktbuf_pool_available(pool), 0);
	for (int i = 0; i < 8; i++)
		pktbuf_free(bufs[i]);
	pktbuf_free(NULL);
	assert_int_equal(pktbuf_pool_available(pool), 8);
	pktbuf_pool_free(pool);
	pktbuf_pool_free(NULL);
}

/* push/pull/put stay inside the slot and say so when they cannot. */
static void headroom_and_tailroom(void **state)
{
	static const struct {
		char op; /* 'h' push, 'l' pull, 't' put */
		uint32_t n;
		bool ok;
		uint32_t len_after;
	} steps[] = {
	    /* 1 */ {'t', 100, true, 100},
	    /* 2 */ {'h', 16, true, 116},
	    /* 3 */ {'h', PKTBUF_HEADROOM - 16 + 1, false, 116},
	    /* 4 */ {'l', 16, true, 100},
	    /* 5 */ {'l', 101, false, 100},
	    /* 6 */ {'t', 1000000, false, 100},
	    /* 7 */ {'l', 100, true, 0},
	};
	struct pktbuf_pool *pool;
	struct pktbuf *buf;

	assert_int_equal(pktbuf_pool_new(&pool, 1, 256), 0);
	buf = pktbuf_alloc(pool);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint8_t *r = NULL;

		switch (steps[i].op) {
		case 'h':
			r = pktbuf_push(buf, steps[i].n);
			break;
		case 'l':
			r = pktbuf_pull(buf, steps[i].n);
			break;
		case 't':
			r = pktbuf_put(buf, steps[i].n);
			break;
		}
		assert_int_equal(r != NULL, steps[i].ok);
		assert_int_equal(buf->len, steps[i].len_after);
		assert_true(buf->data_off + buf->len <= buf->cap);
	}
	pktbuf_free(buf);
	assert_null(pktbuf_from(pool, "x", 100000));
	assert_int_equal(pktbuf_pool_available(pool), 1);
	pktbuf_pool_free(pool);
}

/* Queues keep order; splice appends; purge frees. */
static void queues(void **state)
{
	static const uint8_t order[] = {0, 1, 2, 10, 11};
	struct pktbuf_queue q1, q2;
	struct pktbuf_pool *pool;

	assert_int_equal(pktbuf_pool_new(&pool, 6, 64), 0);
	pktbuf_queue_init(&q1);
	pktbuf_queue_init(&q2);
	for (uint8_t i = 0; i < 3; i++) {
		pktbuf_queue_push(&q1, pktbuf_from(pool, &i, 1));
		pktbuf_queue_push(&q2, pktbuf_from(pool, (uint8_t[]){(uint8_t)(10 + i)}, 1));
	}
	pktbuf_queue_splice(&q1, &q2);
	assert_int_equal(q1.len, 6);
	assert_int_equal(q2.len, 0);
	assert_null(q2.head);
	for (size_t i = 0; i < sizeof(order); i++) {
		struct pktbuf *b = pktbuf_queue_pop(&q1);

		assert_int_equal(pktbuf_data(b)[0], order[i]);
		pktbuf_free(b);
	}
	assert_int_equal(pktbuf_queue_purge(&q1), 1);
	assert_null(pktbuf_queue_pop(&q1));
	assert_int_equal(pktbuf_pool_available(pool), 6);
	pktbuf_pool_free(pool);
}

static void addr_equality(void **state)
{
	union sockaddr_inet a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.in4.sin_family = b.in4.sin_family = AF_INET;
	a.in4.sin_port = b.in4.sin_port = htons(1);
	inet_pton(AF_INET, "192.0.2.1", &a.in4.sin_addr);
	inet_pton(AF_INET, "192.0.2.1", &b.in4.sin_addr);
	assert_true(sockaddr_inet_equal(&a, &b));
	b.in4.sin_port = htons(2);
	assert_false(sockaddr_inet_equal(&a, &b));
	memset(&b, 0, sizeof(b));
	b.in6.sin6_family = AF_INET6;
	assert_false(sockaddr_inet_equal(&a, &b));
}

/* ip_parse: version, header and claimed length against the bytes present. */
static void ip_headers(void **state)
{
	static const struct {
		uint8_t first, len_hi, len_lo;
		size_t have;
		int ret;
		uint32_t len;
	} cases[] = {
	    /* 1 */ {0x45, 0, 84, 84, 0, 84},
	    /* 2 */ {0x45, 0, 84, 96, 0, 84},	    /* padding after */
	    /* 3 */ {0x45, 0, 85, 84, -EBADMSG, 0}, /* claims more */
	    /* 4 */ {0x45, 0, 19, 84, -EBADMSG, 0}, /* below its header */
	    /* 5 */ {0x44, 0, 84, 84, -EBADMSG, 0}, /* IHL 4 */
	    /* 6 */ {0x4f, 0, 40, 84, -EBADMSG, 0}, /* IHL 60 > 40 */
	    /* 7 */ {0x45, 0, 20, 19, -EBADMSG, 0}, /* header cut */
	    /* 8 */ {0x60, 0, 24, 64, 0, 64},	    /* v6: payload 24 */
	    /* 9 */ {0x60, 0, 25, 64, -EBADMSG, 0},
	    /* 10 */ {0x60, 0, 0, 39, -EBADMSG, 0},
	    /* 11 */ {0x50, 0, 84, 84, -EPROTONOSUPPORT, 0},
	    /* 12 */ {0x00, 0, 0, 84, -EPROTONOSUPPORT, 0},
	    /* 13 */ {0x45, 0, 0, 0, -EPROTONOSUPPORT, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t pkt[128] = {0};
		struct ip_info info;

		pkt[0] = cases[i].first;
		if ((cases[i].first >> 4) == 4) {
			pkt[2] = cases[i].len_hi;
			pkt[3] = cases[i].len_lo;
		} else {
			pkt[4] = cases[i].len_hi;
			pkt[5] = cases[i].len_lo;
		}
		assert_int_equal(ip_parse(pkt, cases[i].have, &info), cases[i].ret);
		if (!cases[i].ret) {
			assert_int_equal(info.len, cases[i].len);
			assert_ptr_equal(info.src, pkt + (info.family == AF_INET ? 12 : 8));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pool_exhaustion), cmocka_unit_test(headroom_and_tailroom),
	    cmocka_unit_test(queues),	       cmocka_unit_test(addr_equality),
	    cmocka_unit_test(ip_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
