// SPDX-License-Identifier: GPL-2.0-only
/*
 * Two engines in memory: handshakes, data both ways, psk, replays, macs,
 * cookies under load, byte counters, roaming and configuration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine_pair.h"

static void expect_data_both_ways(struct pair *p)
{
	/* A to B: sealed into 128 bytes (84 padded to 96, + 32). */
	pair_send(p, &p->a, 84);
	assert_int_equal(p->a.out.tx.len, 1);
	assert_int_equal(p->a.out.tx.head->len, 128);
	assert_int_equal(pair_deliver(p, &p->a), 1);
	assert_int_equal(p->b.out.tun.len, 1);
	assert_int_equal(p->b.out.tun.head->len, 84);
	assert_memory_equal(pktbuf_data(p->b.out.tun.head) + 12, p->a.tunnel_ip, 4);
	pair_discard(&p->b);

	pair_send(p, &p->b, 100);
	assert_int_equal(pair_deliver(p, &p->b), 1);
	assert_int_equal(p->a.out.tun.len, 1);
	assert_int_equal(p->a.out.tun.head->len, 100);
	pair_discard(&p->a);
}

/* A's first packet is staged, starts the handshake and goes out after it. */
static void handshake_and_data(void **state)
{
	static const uint8_t psk[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	static const struct {
		const uint8_t *psk;
	} cases[] = {
	    /* 1 */ {NULL},
	    /* 2 */ {psk},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;

		pair_init_psk(&p, cases[i].psk, cases[i].psk);
		pair_send(&p, &p.a, 84);
		assert_int_equal(p.a.peer->staged.len, 1);
		assert_int_equal(pair_count_tx(&p.a, MESSAGE_HANDSHAKE_INITIATION), 1);
		assert_int_equal(p.a.out.tx.head->len, 148);
		assert_int_equal(pair_deliver(&p, &p.a), 1);

		assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 1);
		assert_int_equal(p.b.out.tx.head->len, 92);
		/* The responder waits for confirmation before sending. */
		assert_null(p.b.peer->keypairs.current);
		assert_non_null(p.b.peer->keypairs.next);
		assert_int_equal(pair_deliver(&p, &p.b), 1);

		/* The staged packet is the key confirmation. */
		assert_int_equal(p.a.peer->staged.len, 0);
		assert_non_null(p.a.peer->keypairs.current);
		/* The initiation, then its completion; the first try is try 1. */
		assert_int_equal(p.a.out.n_events, 2);
		assert_int_equal(p.a.out.events[0].type, ENGINE_EVENT_HANDSHAKE_SENT);
		assert_int_equal(p.a.out.events[0].attempt, 1);
		assert_int_equal(p.a.out.events[1].type, ENGINE_EVENT_HANDSHAKE_COMPLETE);
		assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 1);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		assert_int_equal(p.b.out.tun.len, 1);
		assert_non_null(p.b.peer->keypairs.current);
		assert_null(p.b.peer->keypairs.next);
		assert_int_equal(p.b.out.events[0].type, ENGINE_EVENT_HANDSHAKE_COMPLETE);
		pair_discard(&p.a);
		pair_discard(&p.b);

		expect_data_both_ways(&p);
		for (int d = 0; d < ENGINE_DROP_COUNT; d++) {
			assert_int_equal(engine_drops(p.a.engine, d), 0);
			assert_int_equal(engine_drops(p.b.engine, d), 0);
		}
		pair_free(&p);
	}
}

/* B may also start: its keepalive carries the handshake the other way. */
static void responder_initiates(void **state)
{
	struct pair p;

	pair_init(&p);
	engine_send_keepalive(p.b.engine, p.b.peer, p.now, &p.b.out);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	expect_data_both_ways(&p);
	pair_free(&p);
}

/* The psk only enters message 2: the initiator's AEAD fails there. */
static void wrong_psk_fails_at_initiator(void **state)
{
	static const uint8_t psk1[32] = {1}, psk2[32] = {2};
	static const struct {
		const uint8_t *a, *b;
	} cases[] = {
	    /* 1 */ {psk1, psk2},
	    /* 2 */ {psk1, NULL},
	    /* 3 */ {NULL, psk2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;

		pair_init_psk(&p, cases[i].a, cases[i].b);
		pair_send(&p, &p.a, 84);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 1);
		assert_int_equal(pair_deliver(&p, &p.b), 1);
		assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_HANDSHAKE_INVALID), 1);
		assert_int_equal(p.a.peer->drops[ENGINE_DROP_HANDSHAKE_INVALID], 1);
		assert_null(p.a.peer->keypairs.current);
		assert_int_equal(p.a.out.tx.len, 0);
		assert_int_equal(p.a.peer->staged.len, 1);
		/* The failed response is not counted. */
		assert_int_equal(p.a.peer->rx_bytes, 0);
		pair_free(&p);
	}
}

static struct pktbuf *copy_of(struct pair *p, const struct pktbuf *buf)
{
	struct pktbuf *c = pktbuf_from(p->pool, pktbuf_data(buf), buf->len);

	assert_non_null(c);
	c->addr = buf->addr;
	return c;
}

/* The same initiation twice: the second is stale and gets nothing. */
static void replayed_initiation_ignored(void **state)
{
	struct pair p;
	struct pktbuf *init, *again;

	pair_init(&p);
	pair_send(&p, &p.a, 84);
	init = pktbuf_queue_pop(&p.a.out.tx);
	init->addr = p.a.addr;
	again = copy_of(&p, init);

	engine_recv_batch(p.b.engine, &init, 1, p.now, &p.b.out);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 1);
	pair_discard(&p.b);

	pair_advance(&p, NSEC_PER_SEC);
	engine_recv_batch(p.b.engine, &again, 1, p.now, &p.b.out);
	assert_int_equal(p.b.out.tx.len, 0);
	assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_REPLAY), 1);
	assert_int_equal(p.b.peer->rx_bytes, 148);
	pair_free(&p);
}

/* A flipped bit anywhere under mac1 (or in it) drops the initiation. */
static void bad_mac1_ignored(void **state)
{
	static const size_t flips[] = {
	    /* 1 */ 4,	 /* sender index */
	    /* 2 */ 40,	 /* ephemeral */
	    /* 3 */ 115, /* last byte covered by mac1 */
	    /* 4 */ 116, /* mac1 itself */
	    /* 5 */ 131,
	};

	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		struct pair p;

		pair_init(&p);
		pair_send(&p, &p.a, 84);
		pktbuf_data(p.a.out.tx.head)[flips[i]] ^= 0x01;
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		assert_int_equal(p.b.out.tx.len, 0);
		assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_MAC), 1);
		assert_int_equal(p.b.peer->rx_bytes, 0);
		pair_free(&p);
	}
}

/*
 * Under load the responder answers with a cookie reply; the initiator's
 * retransmission then carries mac2 and gets a response.
 */
static void cookie_under_load(void **state)
{
	struct pair p;

	pair_init(&p);
	engine_set_under_load(p.b.engine, true);
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(p.b.out.tx.len, 1);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_COOKIE), 1);
	assert_int_equal(p.b.out.tx.head->len, 64);
	assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_COOKIE), 1);
	assert_null(p.b.peer->keypairs.next);
	/* No peer is known for a cookie reply: nothing is counted. */
	assert_int_equal(p.b.peer->tx_bytes, 0);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	assert_true(p.a.peer->cookie.has_cookie);
	assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_COOKIE_INVALID), 0);

	/* The retransmission after 5 s + jitter carries mac2. */
	pair_advance(&p, 5 * NSEC_PER_SEC + NSEC_PER_SEC / 2);
	pair_tick(&p, &p.a);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_HANDSHAKE_INITIATION), 1);
	assert_false(crypto_is_zero(pktbuf_data(p.a.out.tx.head) + MESSAGE_INITIATION_MAC2_OFFSET,
				    COOKIE_MAC_LEN));
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 1);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(p.b.out.tun.len, 1);
	pair_free(&p);
}

/*
 * Load applies to responses too: an initiator under load answers a response
 * without mac2 with a cookie reply, which the responder routes by its new
 * keypair's index; the next response carries mac2 and is taken.
 */
static void cookie_for_response(void **state)
{
	struct pair p;

	pair_init(&p);
	engine_set_under_load(p.a.engine, true);
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1); /* response, no mac2 */
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_HANDSHAKE_COOKIE), 1);
	assert_null(p.a.peer->keypairs.current);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_true(p.b.peer->cookie.has_cookie);
	assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_COOKIE_INVALID), 0);

	pair_advance(&p, 6 * NSEC_PER_SEC);
	pair_tick(&p, &p.a);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 1);
	assert_false(crypto_is_zero(pktbuf_data(p.b.out.tx.head) + MESSAGE_RESPONSE_MAC2_OFFSET,
				    COOKIE_MAC_LEN));
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	assert_non_null(p.a.peer->keypairs.current);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(p.b.out.tun.len, 1);
	pair_free(&p);
}

/* The cookie is bound to the source address and port: from another port, another cookie reply. */
static void cookie_bound_to_source(void **state)
{
	union sockaddr_inet other_port;
	struct pktbuf *init;
	struct pair p;

	pair_init(&p);
	engine_set_under_load(p.b.engine, true);
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	pair_advance(&p, 6 * NSEC_PER_SEC);
	pair_tick(&p, &p.a);
	init = pktbuf_queue_pop(&p.a.out.tx);
	assert_non_null(init);
	pair_addr(&other_port, "192.0.2.1", 40000);
	init->addr = other_port;
	engine_recv_batch(p.b.engine, &init, 1, p.now, &p.b.out);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_COOKIE), 1);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 0);
	assert_true(sockaddr_inet_equal(&p.b.out.tx.head->addr, &other_port));
	pair_discard(&p.b);
	pair_free(&p);
}

/* A second initiation less than 20 ms after an accepted one is dropped. */
static void reinitiation_within_20ms(void **state)
{
	static const struct {
		uint64_t after_ns;
		unsigned responses;
		uint64_t replay_drops;
	} cases[] = {
	    /* 1 */ {10 * NSEC_PER_MSEC, 0, 1},
	    /* 2 */ {25 * NSEC_PER_MSEC, 1, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;

		pair_init(&p);
		pair_send(&p, &p.a, 84);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		pair_discard(&p.b);
		pair_advance(&p, cases[i].after_ns);
		/* Lift A's own 5 s limit to make the second one at all. */
		p.a.peer->has_sent_handshake = false;
		engine_send_keepalive(p.a.engine, p.a.peer, p.now, &p.a.out);
		assert_int_equal(pair_count_tx(&p.a, MESSAGE_HANDSHAKE_INITIATION), 1);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE),
				 cases[i].responses);
		assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_REPLAY),
				 cases[i].replay_drops);
		pair_free(&p);
	}
}

/* Under load, a source with a valid mac2 gets a burst of 5 and then waits. */
static void ratelimit_under_load(void **state)
{
	struct pair p;
	struct pktbuf *init;
	unsigned answered = 0;

	pair_init(&p);
	engine_set_under_load(p.b.engine, true);
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1); /* the cookie */
	pair_advance(&p, 6 * NSEC_PER_SEC);
	pair_tick(&p, &p.a);
	init = pktbuf_queue_pop(&p.a.out.tx);
	assert_non_null(init);
	init->addr = p.a.addr;
	for (int i = 0; i < 10; i++) {
		struct pktbuf *c = copy_of(&p, init);

		engine_recv_batch(p.b.engine, &c, 1, p.now, &p.b.out);
	}
	pktbuf_free(init);
	answered = pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE);
	/* One consumed; the other copies past the bucket are rate-limited. */
	assert_int_equal(answered, 1);
	assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_RATELIMIT), 5);
	assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_REPLAY), 4);
	pair_free(&p);
}

/* Load detected from the rate of handshake messages, not forced. */
static void load_detected_from_rate(void **state)
{
	struct pair p;
	struct pktbuf *init;

	pair_init(&p);
	engine_set_handshake_load(p.b.engine, 3);
	pair_send(&p, &p.a, 84);
	init = pktbuf_queue_pop(&p.a.out.tx);
	init->addr = p.a.addr;
	for (int i = 0; i < 5; i++) {
		struct pktbuf *c = copy_of(&p, init);

		engine_recv_batch(p.b.engine, &c, 1, p.now, &p.b.out);
	}
	pktbuf_free(init);
	/* Messages 1-3 are processed (1 answered, 2 stale); 4 and 5 get cookies. */
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 1);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_COOKIE), 2);
	pair_free(&p);
}

/*
 * Counters count whole UDP payloads, handshakes included, like WireGuard
 * (wireguard-go device/receive.go and peer.go SendBuffers() add each whole
 * datagram: rx 692 = 148 + 32 + 4 x 128, tx 476 = 92 + 3 x 128).
 */
static void counters_like_wireguard(void **state)
{
	struct engine_peer_info a, b;
	struct pair p;

	pair_init(&p);
	pair_handshake(&p); /* 148 from A, 92 from B, keepalive 32 from A */
	for (int i = 0; i < 4; i++) {
		pair_send(&p, &p.a, 84);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		if (i < 3) {
			pair_send(&p, &p.b, 84);
			assert_int_equal(pair_deliver(&p, &p.b), 1);
		}
	}
	engine_peer_get_info(p.a.peer, &a);
	engine_peer_get_info(p.b.peer, &b);
	assert_int_equal(b.rx_bytes, 692);
	assert_int_equal(b.tx_bytes, 476);
	assert_int_equal(a.tx_bytes, 692);
	assert_int_equal(a.rx_bytes, 476);
	assert_int_equal(a.last_handshake_sec, PAIR_WALL_BASE / NSEC_PER_SEC);
	assert_int_equal(b.last_handshake_sec, PAIR_WALL_BASE / NSEC_PER_SEC);
	pair_free(&p);
}

/* An authenticated packet from a new address moves the endpoint; a forged one does not. */
static void roaming(void **state)
{
	union sockaddr_inet moved, forged;
	struct pktbuf *buf, *fake;
	struct pair p;

	pair_init(&p);
	pair_handshake(&p);
	pair_addr(&moved, "198.51.100.7", 4000);
	pair_addr(&forged, "203.0.113.9", 5000);

	pair_send(&p, &p.a, 84);
	buf = pktbuf_queue_pop(&p.a.out.tx);
	fake = copy_of(&p, buf);
	pktbuf_data(fake)[40] ^= 1;
	fake->addr = forged;
	buf->addr = moved;
	engine_recv_batch(p.b.engine, &fake, 1, p.now, &p.b.out);
	assert_true(sockaddr_inet_equal(&p.b.peer->endpoint, &p.a.addr));
	engine_recv_batch(p.b.engine, &buf, 1, p.now, &p.b.out);
	assert_true(sockaddr_inet_equal(&p.b.peer->endpoint, &moved));
	assert_int_equal(p.b.out.n_events, 1);
	assert_int_equal(p.b.out.events[0].type, ENGINE_EVENT_ENDPOINT_CHANGED);

	assert_int_equal(p.b.out.tun.len, 1);
	assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_DECRYPT), 1);
	pair_free(&p);
}

/* At most 128 staged packets; the oldest go first. */
static void staged_limit(void **state)
{
	struct pair p;

	pair_init(&p);
	for (int i = 0; i < 130; i++)
		pair_send(&p, &p.a, 40 + i);
	assert_int_equal(p.a.peer->staged.len, MAX_STAGED_PACKETS);
	assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_STAGED_OVERFLOW), 2);
	assert_int_equal(p.a.peer->staged.head->len, 42);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 128);
	assert_int_equal(pair_deliver(&p, &p.a), 128);
	assert_int_equal(p.b.out.tun.len, 128);
	/* In order. */
	assert_int_equal(p.b.out.tun.head->len, 42);
	assert_int_equal(p.b.out.tun.tail->len, 169);
	pair_free(&p);
}

static int count_prefix(void *ctx, int family, const uint8_t *addr, uint8_t cidr)
{
	(*(int *)ctx)++;
	return 0;
}

/* Configuration: our own key is refused as a peer, and removed when it becomes ours. */
static void configuration(void **state)
{
	static const uint8_t net[4] = {10, 1, 2, 3};
	uint8_t key[32], pub[32], own_pub[32];
	struct engine_peer_info info;
	struct peer *peer, *dup;
	struct pair p;
	int n = 0;

	pair_init(&p);
	assert_true(engine_get_public_key(p.a.engine, own_pub));
	assert_int_equal(engine_peer_add(p.a.engine, own_pub, &peer), -EINVAL);
	assert_int_equal(engine_peer_add(p.a.engine, p.b.public_key, &dup), -EEXIST);
	assert_ptr_equal(dup, p.a.peer);
	assert_int_equal(engine_peer_count(p.a.engine), 1);

	/* Clamping: the stored key is clamped. */
	memset(key, 0xff, sizeof(key));
	assert_int_equal(engine_set_private_key(p.a.engine, key), 0);
	assert_true(engine_get_private_key(p.a.engine, key));
	assert_int_equal(key[0] & 7, 0);
	assert_int_equal(key[31] & 0x80, 0);
	assert_int_equal(key[31] & 0x40, 0x40);

	/* Taking B's private key removes the peer B. */
	assert_int_equal(engine_set_private_key(p.a.engine, p.b.private_key), 0);
	assert_true(engine_get_public_key(p.a.engine, pub));
	assert_memory_equal(pub, p.b.public_key, 32);
	assert_int_equal(engine_peer_count(p.a.engine), 0);
	assert_null(engine_peer_lookup(p.a.engine, p.b.public_key));

	/* Allowed IPs: masked on insert, walked for `get`, cleared. */
	assert_int_equal(engine_peer_allowedip_add(p.b.engine, p.b.peer, AF_INET, net, 8), 0);
	engine_peer_allowedips_walk(p.b.engine, p.b.peer, count_prefix, &n);
	assert_int_equal(n, 2);
	engine_peer_allowedips_clear(p.b.engine, p.b.peer);
	n = 0;
	engine_peer_allowedips_walk(p.b.engine, p.b.peer, count_prefix, &n);
	assert_int_equal(n, 0);

	engine_set_listen_port(p.b.engine, 51821);
	engine_set_fwmark(p.b.engine, 0x42);
	assert_int_equal(engine_get_listen_port(p.b.engine), 51821);
	assert_int_equal(engine_get_fwmark(p.b.engine), 0x42);

	/* Persistent keepalive on: a keepalive (here: an initiation) goes at once. */
	engine_peer_set_keepalive(p.b.engine, p.b.peer, 25, p.now, &p.b.out);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_INITIATION), 1);
	engine_peer_get_info(p.b.peer, &info);
	assert_int_equal(info.persistent_keepalive_interval, 25);
	assert_true(crypto_is_zero(info.preshared_key, 32));

	engine_peers_clear(p.b.engine);
	assert_null(engine_peer_first(p.b.engine));
	pair_free(&p);
}

/* A private key change expires the current keypairs: the next packet rekeys. */
static void private_key_change_expires_keys(void **state)
{
	struct pair p;
	uint8_t priv[32], pub[32];

	pair_init(&p);
	pair_handshake(&p);
	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(engine_set_private_key(p.a.engine, priv), 0);
	pair_advance(&p, REKEY_TIMEOUT_NS);
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 0);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_HANDSHAKE_INITIATION), 1);
	pair_free(&p);
}

/* A packet to an address nobody owns is dropped as no_route. */
static void no_route(void **state)
{
	static const uint8_t elsewhere[4] = {10, 9, 9, 9};
	struct pktbuf *buf;
	struct pair p;

	pair_init(&p);
	buf = pair_ip4(&p, p.a.tunnel_ip, elsewhere, 60);
	engine_send_batch(p.a.engine, &buf, 1, p.now, &p.a.out);
	assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_NO_ROUTE), 1);
	assert_int_equal(p.a.out.tx.len, 0);
	pair_free(&p);
}

/* IPv6 outside (endpoints, cookies, roaming) and inside (allowed IPs). */
static void ipv6_outside_and_inside(void **state)
{
	uint8_t a6[16], b6[16];
	union sockaddr_inet moved;
	struct pktbuf *buf;
	struct pair p;

	pair_init(&p);
	pair_addr6(&p.a.addr, "2001:db8::1", 51820);
	pair_addr6(&p.b.addr, "2001:db8::2", 51821);
	assert_int_equal(engine_peer_set_endpoint(p.a.engine, p.a.peer, &p.b.addr), 0);
	assert_int_equal(engine_peer_set_endpoint(p.b.engine, p.b.peer, &p.a.addr), 0);
	inet_pton(AF_INET6, "fd00::1", a6);
	inet_pton(AF_INET6, "fd00::2", b6);
	assert_int_equal(engine_peer_allowedip_add(p.a.engine, p.a.peer, AF_INET6, b6, 128), 0);
	assert_int_equal(engine_peer_allowedip_add(p.b.engine, p.b.peer, AF_INET6, a6, 128), 0);

	/* Under load from the start: cookie, then mac2, over IPv6. */
	engine_set_under_load(p.b.engine, true);
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_COOKIE), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	pair_advance(&p, 6 * NSEC_PER_SEC);
	pair_tick(&p, &p.a);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(p.b.out.tun.len, 1);
	pair_discard(&p.b);

	/* An IPv6 packet inside: 40-byte header + 24 bytes of payload. */
	buf = pktbuf_alloc(p.pool);
	memset(pktbuf_put(buf, 64), 0, 64);
	pktbuf_data(buf)[0] = 0x60;
	pktbuf_data(buf)[5] = 24;
	pktbuf_data(buf)[6] = 17;
	memcpy(pktbuf_data(buf) + 8, a6, 16);
	memcpy(pktbuf_data(buf) + 24, b6, 16);
	engine_send_batch(p.a.engine, &buf, 1, p.now, &p.a.out);
	buf = pktbuf_queue_pop(&p.a.out.tx);
	assert_non_null(buf);
	assert_int_equal(buf->len, 64 + 32);
	pair_addr6(&moved, "2001:db8::99", 4444);
	buf->addr = moved;
	engine_recv_batch(p.b.engine, &buf, 1, p.now, &p.b.out);
	assert_int_equal(p.b.out.tun.len, 1);
	assert_int_equal(p.b.out.tun.head->len, 64);
	assert_true(sockaddr_inet_equal(&p.b.peer->endpoint, &moved));
	pair_free(&p);
}

/* Padding to a multiple of 16, never past the MTU; longer than the MTU is dropped. */
static void padding_and_mtu(void **state)
{
	static const struct {
		uint32_t mtu;
		uint16_t len;
		uint32_t wire; /* 0: dropped as too big */
	} cases[] = {
	    /* 1 */ {1420, 28, 32 + 32},
	    /* 2 */ {1420, 84, 96 + 32},
	    /* 3 */ {1420, 96, 96 + 32},
	    /* 4 */ {1420, 1410, 1420 + 32}, /* align16 is 1424 > MTU */
	    /* 5 */ {1420, 1420, 1420 + 32},
	    /* 6 */ {1420, 1421, 0},
	    /* 7 */ {1300, 1299, 1300 + 32},
	    /* 8 */ {0, 1299, 1312 + 32}, /* no MTU set: plain align16 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;

		pair_init(&p);
		pair_handshake(&p);
		engine_set_mtu(p.a.engine, cases[i].mtu);
		pair_send(&p, &p.a, cases[i].len);
		if (!cases[i].wire) {
			assert_int_equal(p.a.out.tx.len, 0);
			assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_TOO_BIG), 1);
		} else {
			assert_int_equal(p.a.out.tx.len, 1);
			assert_int_equal(p.a.out.tx.head->len, cases[i].wire);
			assert_int_equal(pair_deliver(&p, &p.a), 1);
			assert_int_equal(p.b.out.tun.len, 1);
			assert_int_equal(p.b.out.tun.head->len, cases[i].len);
		}
		pair_free(&p);
	}
}

/*
 * While the device is down nothing is queued or counted, as wireguard-go
 * sends nothing then; the same send goes out once it is up again.
 */
static void down_sends_nothing(void **state)
{
	struct pair p;
	uint64_t tx;

	pair_init(&p);
	pair_handshake(&p);
	tx = p.a.peer->tx_bytes;
	engine_set_down(p.a.engine, true);
	pair_send(&p, &p.a, 60);
	engine_send_keepalive(p.a.engine, p.a.peer, p.now, &p.a.out);
	assert_int_equal(p.a.out.tx.len, 0);
	assert_int_equal(p.a.peer->tx_bytes, tx);
	assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_DOWN), 2);
	engine_set_down(p.a.engine, false);
	pair_send(&p, &p.a, 60);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_true(p.a.peer->tx_bytes > tx);
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(handshake_and_data),
	    cmocka_unit_test(responder_initiates),
	    cmocka_unit_test(wrong_psk_fails_at_initiator),
	    cmocka_unit_test(replayed_initiation_ignored),
	    cmocka_unit_test(bad_mac1_ignored),
	    cmocka_unit_test(cookie_under_load),
	    cmocka_unit_test(cookie_for_response),
	    cmocka_unit_test(cookie_bound_to_source),
	    cmocka_unit_test(reinitiation_within_20ms),
	    cmocka_unit_test(ratelimit_under_load),
	    cmocka_unit_test(load_detected_from_rate),
	    cmocka_unit_test(counters_like_wireguard),
	    cmocka_unit_test(roaming),
	    cmocka_unit_test(staged_limit),
	    cmocka_unit_test(configuration),
	    cmocka_unit_test(private_key_change_expires_keys),
	    cmocka_unit_test(no_route),
	    cmocka_unit_test(ipv6_outside_and_inside),
	    cmocka_unit_test(padding_and_mtu),
	    cmocka_unit_test(down_sends_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
