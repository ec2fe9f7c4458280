// SPDX-License-Identifier: GPL-2.0-only
/*
 * Malformed input: every message type one byte short and one long, unknown
 * indices, flipped tags, counters at the reject limit, bad inner packets.
 * Each is fed to B of an established pair and must be dropped and counted
 * under exactly one reason, deliver nothing, and never crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine/cookie.h"
#include "engine/keypair.h"
#include "engine/noise.h"
#include "engine_pair.h"

static struct pktbuf *bytes(struct pair *p, const void *data, size_t len)
{
	struct pktbuf *buf = pktbuf_from(p->pool, data, len);

	assert_non_null(buf);
	buf->addr = p->a.addr;
	return buf;
}

/* A message of @type (valid header) and @len bytes, the rest random. */
static struct pktbuf *sized(struct pair *p, uint8_t type, size_t len)
{
	uint8_t msg[256] = {0};

	assert_true(len <= sizeof(msg));
	crypto_random(msg, len);
	if (len >= 4) {
		msg[0] = type;
		msg[1] = msg[2] = msg[3] = 0;
	}
	return bytes(p, msg, len);
}

/* What A's engine seals from the plaintext @plain (not routed: any bytes). */
static struct pktbuf *sealed(struct pair *p, const void *plain, size_t len)
{
	struct pktbuf *buf = pktbuf_from(p->pool, plain, len);

	assert_non_null(buf);
	engine_send_to_peer(p->a.engine, p->a.peer, &buf, 1, p->now, &p->a.out);
	buf = pktbuf_queue_pop(&p->a.out.tx);
	assert_non_null(buf);
	assert_int_equal(msg_type(buf), MESSAGE_DATA);
	buf->addr = p->a.addr;
	return buf;
}

/* An IPv4 packet from @src (to B) of @total bytes whose header claims @claimed. */
static struct pktbuf *sealed_ip4(struct pair *p, const uint8_t src[4], uint16_t total,
				 uint16_t claimed)
{
	struct pktbuf *ip = pair_ip4(p, src, p->b.tunnel_ip, total);
	struct pktbuf *buf;

	pktbuf_data(ip)[2] = claimed >> 8;
	pktbuf_data(ip)[3] = claimed & 0xff;
	buf = sealed(p, pktbuf_data(ip), ip->len);
	pktbuf_free(ip);
	return buf;
}

static struct pktbuf *short_initiation(struct pair *p)
{
	return sized(p, MESSAGE_HANDSHAKE_INITIATION, MESSAGE_HANDSHAKE_INITIATION_LEN - 1);
}

static struct pktbuf *long_initiation(struct pair *p)
{
	return sized(p, MESSAGE_HANDSHAKE_INITIATION, MESSAGE_HANDSHAKE_INITIATION_LEN + 1);
}

static struct pktbuf *short_response(struct pair *p)
{
	return sized(p, MESSAGE_HANDSHAKE_RESPONSE, MESSAGE_HANDSHAKE_RESPONSE_LEN - 1);
}

static struct pktbuf *long_response(struct pair *p)
{
	return sized(p, MESSAGE_HANDSHAKE_RESPONSE, MESSAGE_HANDSHAKE_RESPONSE_LEN + 1);
}

static struct pktbuf *short_cookie(struct pair *p)
{
	return sized(p, MESSAGE_HANDSHAKE_COOKIE, MESSAGE_HANDSHAKE_COOKIE_LEN - 1);
}

static struct pktbuf *long_cookie(struct pair *p)
{
	return sized(p, MESSAGE_HANDSHAKE_COOKIE, MESSAGE_HANDSHAKE_COOKIE_LEN + 1);
}

static struct pktbuf *short_data(struct pair *p)
{
	return sized(p, MESSAGE_DATA, MESSAGE_MINIMUM_LENGTH - 1);
}

static struct pktbuf *empty_datagram(struct pair *p)
{
	return bytes(p, "", 0);
}

static struct pktbuf *unknown_type(struct pair *p)
{
	return sized(p, 5, MESSAGE_HANDSHAKE_INITIATION_LEN);
}

static struct pktbuf *nonzero_type_padding(struct pair *p)
{
	struct pktbuf *buf = sized(p, MESSAGE_DATA, 64);

	pktbuf_data(buf)[2] = 1;
	return buf;
}

/* A real data packet one byte short of its tag, or one byte longer. */
static struct pktbuf *data_one_short(struct pair *p)
{
	static const uint8_t plain[16];
	struct pktbuf *buf = sealed(p, plain, sizeof(plain));

	pktbuf_trim(buf, buf->len - 1);
	return buf;
}

static struct pktbuf *data_one_long(struct pair *p)
{
	struct pktbuf *buf = sealed(p, "", 0);

	*pktbuf_put(buf, 1) = 0;
	return buf;
}

static struct pktbuf *data_unknown_index(struct pair *p)
{
	struct pktbuf *buf = sealed(p, "", 0);
	uint32_t idx = p->b.peer->keypairs.current->entry.index ^ 0x5a5a5a5a;

	memcpy(pktbuf_data(buf) + 4, &idx, 4);
	return buf;
}

static struct pktbuf *cookie_unknown_index(struct pair *p)
{
	struct pktbuf *buf = sized(p, MESSAGE_HANDSHAKE_COOKIE, MESSAGE_HANDSHAKE_COOKIE_LEN);
	uint32_t idx = p->b.peer->keypairs.current->entry.index ^ 0x5a5a5a5a;

	memcpy(pktbuf_data(buf) + 4, &idx, 4);
	return buf;
}

/* Right index (B's keypair), random contents: it does not decrypt. */
static struct pktbuf *cookie_garbage(struct pair *p)
{
	struct pktbuf *buf = sized(p, MESSAGE_HANDSHAKE_COOKIE, MESSAGE_HANDSHAKE_COOKIE_LEN);
	uint32_t idx = htole32(p->b.peer->keypairs.current->entry.index);

	memcpy(pktbuf_data(buf) + 4, &idx, 4);
	return buf;
}

/* A response to B with a valid mac1 but a receiver index B never gave out. */
static struct pktbuf *response_unknown_index(struct pair *p)
{
	struct pktbuf *buf = sized(p, MESSAGE_HANDSHAKE_RESPONSE, MESSAGE_HANDSHAKE_RESPONSE_LEN);
	struct cookie_maker maker;

	assert_int_equal(cookie_maker_init(&maker, p->b.public_key), 0);
	assert_int_equal(cookie_add_macs(&maker, pktbuf_data(buf), buf->len, p->now.mono_ns), 0);
	return buf;
}

static struct pktbuf *initiation_bad_mac1(struct pair *p)
{
	struct pktbuf *buf =
	    sized(p, MESSAGE_HANDSHAKE_INITIATION, MESSAGE_HANDSHAKE_INITIATION_LEN);

	return buf;
}

/* A well-formed initiation with a valid mac1 from a key B does not know. */
static struct pktbuf *initiation_unknown_peer(struct pair *p)
{
	struct noise_static_identity id = {0};
	struct message_handshake_initiation msg;
	struct noise_handshake hs;
	struct cookie_maker maker;
	uint8_t priv[32], pub[32];

	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(noise_identity_set_private(&id, priv), 0);
	assert_int_equal(noise_handshake_init(&hs, &id, p->b.public_key, NULL), 0);
	assert_int_equal(noise_create_initiation(&hs, &msg, 77, p->now.wall_ns), 0);
	assert_int_equal(cookie_maker_init(&maker, p->b.public_key), 0);
	assert_int_equal(cookie_add_macs(&maker, &msg, sizeof(msg), p->now.mono_ns), 0);
	noise_handshake_destroy(&hs);
	noise_identity_clear(&id);
	return bytes(p, &msg, sizeof(msg));
}

static struct pktbuf *flipped_tag(struct pair *p)
{
	struct pktbuf *buf = sealed(p, "", 0);

	pktbuf_data(buf)[buf->len - 1] ^= 0x80;
	return buf;
}

static struct pktbuf *flipped_ciphertext(struct pair *p)
{
	struct pktbuf *ip = pair_ip4(p, p->a.tunnel_ip, p->b.tunnel_ip, 84);
	struct pktbuf *buf = sealed(p, pktbuf_data(ip), ip->len);

	pktbuf_free(ip);
	pktbuf_data(buf)[MESSAGE_DATA_HEADER_LEN + 3] ^= 0x01;
	return buf;
}

/* Properly sealed with the counter at REJECT_AFTER_MESSAGES. */
static struct pktbuf *counter_at_reject_limit(struct pair *p)
{
	struct pktbuf *buf = pktbuf_alloc(p->pool);

	assert_non_null(buf);
	assert_int_equal(
	    keypair_seal(p->a.peer->keypairs.current, buf, REJECT_AFTER_MESSAGES, 1420), 0);
	buf->addr = p->a.addr;
	return buf;
}

/* The same packet twice; the first copy is delivered beforehand. */
static struct pktbuf *replayed_data(struct pair *p)
{
	struct pktbuf *buf = sealed(p, "", 0);
	struct pktbuf *first = bytes(p, pktbuf_data(buf), buf->len);

	engine_recv_batch(p->b.engine, &first, 1, p->now, &p->b.out);
	return buf;
}

static struct pktbuf *inner_not_ip(struct pair *p)
{
	uint8_t plain[40] = {0x50};

	return sealed(p, plain, sizeof(plain));
}

static struct pktbuf *inner_ipv4_too_short(struct pair *p)
{
	return sealed(p, "\x45", 1);
}

static struct pktbuf *inner_ipv4_lying_length(struct pair *p)
{
	return sealed_ip4(p, p->a.tunnel_ip, 84, 200);
}

static struct pktbuf *inner_ipv4_length_below_header(struct pair *p)
{
	return sealed_ip4(p, p->a.tunnel_ip, 84, 12);
}

static struct pktbuf *inner_ipv4_bad_ihl(struct pair *p)
{
	struct pktbuf *ip = pair_ip4(p, p->a.tunnel_ip, p->b.tunnel_ip, 84);
	struct pktbuf *buf;

	pktbuf_data(ip)[0] = 0x44;
	buf = sealed(p, pktbuf_data(ip), ip->len);
	pktbuf_free(ip);
	return buf;
}

static struct pktbuf *inner_ipv6_lying_length(struct pair *p)
{
	uint8_t ip6[60] = {0x60};

	ip6[5] = 100; /* payload length 100 in 20 bytes */
	return sealed(p, ip6, sizeof(ip6));
}

static struct pktbuf *inner_source_outside(struct pair *p)
{
	static const uint8_t stranger[4] = {10, 0, 0, 99};

	return sealed_ip4(p, stranger, 84, 84);
}

static struct pktbuf *inner_source_is_b(struct pair *p)
{
	return sealed_ip4(p, p->b.tunnel_ip, 84, 84);
}

static struct pktbuf *initiation_no_source_address(struct pair *p)
{
	struct pktbuf *buf = initiation_unknown_peer(p);

	buf->addr.sa.sa_family = AF_UNSPEC;
	return buf;
}

static void malformed_input_dropped(void **state)
{
	static const struct {
		struct pktbuf *(*make)(struct pair *p);
		enum engine_drop reason;
	} cases[] = {
	    /* 1 */ {short_initiation, ENGINE_DROP_INVALID_MESSAGE},
	    /* 2 */ {long_initiation, ENGINE_DROP_INVALID_MESSAGE},
	    /* 3 */ {short_response, ENGINE_DROP_INVALID_MESSAGE},
	    /* 4 */ {long_response, ENGINE_DROP_INVALID_MESSAGE},
	    /* 5 */ {short_cookie, ENGINE_DROP_INVALID_MESSAGE},
	    /* 6 */ {long_cookie, ENGINE_DROP_INVALID_MESSAGE},
	    /* 7 */ {short_data, ENGINE_DROP_INVALID_MESSAGE},
	    /* 8 */ {empty_datagram, ENGINE_DROP_INVALID_MESSAGE},
	    /* 9 */ {unknown_type, ENGINE_DROP_INVALID_MESSAGE},
	    /* 10 */ {nonzero_type_padding, ENGINE_DROP_INVALID_MESSAGE},
	    /* 11 */ {data_one_short, ENGINE_DROP_DECRYPT},
	    /* 12 */ {data_one_long, ENGINE_DROP_DECRYPT},
	    /* 13 */ {data_unknown_index, ENGINE_DROP_UNKNOWN_INDEX},
	    /* 14 */ {cookie_unknown_index, ENGINE_DROP_UNKNOWN_INDEX},
	    /* 15 */ {cookie_garbage, ENGINE_DROP_COOKIE_INVALID},
	    /* 16 */ {response_unknown_index, ENGINE_DROP_UNKNOWN_INDEX},
	    /* 17 */ {initiation_bad_mac1, ENGINE_DROP_HANDSHAKE_MAC},
	    /* 18 */ {initiation_unknown_peer, ENGINE_DROP_HANDSHAKE_INVALID},
	    /* 19 */ {flipped_tag, ENGINE_DROP_DECRYPT},
	    /* 20 */ {flipped_ciphertext, ENGINE_DROP_DECRYPT},
	    /* 21 */ {counter_at_reject_limit, ENGINE_DROP_COUNTER_LIMIT},
	    /* 22 */ {replayed_data, ENGINE_DROP_REPLAY},
	    /* 23 */ {inner_not_ip, ENGINE_DROP_INNER_NOT_IP},
	    /* 24 */ {inner_ipv4_too_short, ENGINE_DROP_INNER_LENGTH},
	    /* 25 */ {inner_ipv4_lying_length, ENGINE_DROP_INNER_LENGTH},
	    /* 26 */ {inner_ipv4_length_below_header, ENGINE_DROP_INNER_LENGTH},
	    /* 27 */ {inner_ipv4_bad_ihl, ENGINE_DROP_INNER_LENGTH},
	    /* 28 */ {inner_ipv6_lying_length, ENGINE_DROP_INNER_LENGTH},
	    /* 29 */ {inner_source_outside, ENGINE_DROP_INNER_SOURCE},
	    /* 30 */ {inner_source_is_b, ENGINE_DROP_INNER_SOURCE},
	    /* 31 */ {initiation_no_source_address, ENGINE_DROP_INVALID_MESSAGE},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t before[ENGINE_DROP_COUNT];
		uint64_t peer_rx;
		struct pktbuf *buf;
		struct pair p;

		pair_init(&p);
		pair_handshake(&p);
		buf = cases[i].make(&p);
		pair_discard(&p.a);
		pair_discard(&p.b);
		for (int d = 0; d < ENGINE_DROP_COUNT; d++)
			before[d] = engine_drops(p.b.engine, d);
		peer_rx = p.b.peer->rx_bytes;

		engine_recv_batch(p.b.engine, &buf, 1, p.now, &p.b.out);

		for (int d = 0; d < ENGINE_DROP_COUNT; d++) {
			uint64_t want = before[d] + (d == (int)cases[i].reason);

			if (engine_drops(p.b.engine, d) != want)
				fail_msg("case %zu: drop %s is %llu, expected %llu", i + 1,
					 engine_drop_name(d),
					 (unsigned long long)engine_drops(p.b.engine, d),
					 (unsigned long long)want);
		}
		assert_int_equal(p.b.out.tun.len, 0);
		assert_int_equal(p.b.out.tx.len, 0);
		assert_int_equal(p.b.peer->rx_bytes, peer_rx);
		/* The session still works afterwards. */
		pair_send(&p, &p.a, 84);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		assert_int_equal(p.b.out.tun.len, 1);
		pair_free(&p);
	}
}

/* A peer with a low-order public key never gets a packet. */
static void low_order_peer_key(void **state)
{
	/*
	 * The all-zero point and the point of order 8 from the low-order
	 * points of the Linux module's tests/netns.sh.
	 */
	static const uint8_t keys[][32] = {
	    /* 1 */ {0},
	    /* 2 */ {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
		     0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
		     0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
	    /* 3 */ {1},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		static const uint8_t net[4] = {10, 7, 0, 0};
		struct peer *peer;
		struct pktbuf *buf;
		struct pair p;

		pair_init(&p);
		assert_int_equal(engine_peer_add(p.a.engine, keys[i], &peer), 0);
		assert_int_equal(engine_peer_allowedip_add(p.a.engine, peer, AF_INET, net, 16), 0);
		assert_int_equal(engine_peer_set_endpoint(p.a.engine, peer, &p.b.addr), 0);
		buf = pair_ip4(&p, p.a.tunnel_ip, net, 84);
		engine_send_batch(p.a.engine, &buf, 1, p.now, &p.a.out);
		engine_send_keepalive(p.a.engine, peer, p.now, &p.a.out);
		pair_advance(&p, 10 * NSEC_PER_SEC);
		pair_tick(&p, &p.a);
		assert_int_equal(p.a.out.tx.len, 0);
		pair_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(malformed_input_dropped),
	    cmocka_unit_test(low_order_peer_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
