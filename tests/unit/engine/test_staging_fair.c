// SPDX-License-Identifier: GPL-2.0-only
/*
 * No peer can starve another's handshake (issue 12, item 1): peers whose
 * endpoints never answer fill the engine-wide staging cap, and a reachable
 * peer's first packet must still start its handshake at once.
 *
 *     silent peers 1..N (10.1.x.y)       B (10.0.0.2, reachable)
 *               \   their datagrams         |
 *                \  are dropped here        |
 *                 A ----------------------- +
 *
 * The cap is warrend's: a quarter of its worker's 2048 buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine_pair.h"

enum {
	DAEMON_STAGED_LIMIT = 512,
	MAX_SILENT = 400,
	ROUND_NS = 100 * NSEC_PER_MSEC,
};

static void silent_ip(uint8_t ip[4], unsigned n)
{
	ip[0] = 10;
	ip[1] = 1;
	ip[2] = (uint8_t)(n >> 8);
	ip[3] = (uint8_t)n;
}

/* A peer of A's at 10.1.<n>, whose endpoint never answers. */
static struct peer *add_silent_peer(struct pair *p, unsigned n)
{
	uint8_t priv[32], pub[32], ip[4];
	union sockaddr_inet ep;
	struct peer *peer;

	silent_ip(ip, n);
	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(engine_peer_add(p->a.engine, pub, &peer), 0);
	assert_int_equal(engine_peer_allowedip_add(p->a.engine, peer, AF_INET, ip, 32), 0);
	pair_addr(&ep, "192.0.2.99", (uint16_t)(40000 + n));
	assert_int_equal(engine_peer_set_endpoint(p->a.engine, peer, &ep), 0);
	return peer;
}

/* Drops A's datagrams to anyone but B: the silent peers' are lost on the wire. */
static void blackhole(struct pair *p)
{
	struct pktbuf_queue keep;
	struct pktbuf *buf;

	pktbuf_queue_init(&keep);
	while ((buf = pktbuf_queue_pop(&p->a.out.tx))) {
		if (sockaddr_inet_equal(&buf->addr, &p->b.addr))
			pktbuf_queue_push(&keep, buf);
		else
			pktbuf_free(buf);
	}
	pktbuf_queue_splice(&p->a.out.tx, &keep);
}

/* @count packets from A to silent peer @n. */
static void send_silent(struct pair *p, unsigned n, unsigned count)
{
	uint8_t dst[4];

	silent_ip(dst, n);
	for (unsigned i = 0; i < count; i++) {
		struct pktbuf *buf = pair_ip4(p, p->a.tunnel_ip, dst, 60);

		engine_send_batch(p->a.engine, &buf, 1, p->now, &p->a.out);
	}
	blackhole(p);
}

/*
 * A's first packet to B: its initiation leaves at once, and the session
 * and the packet itself get through within this one instant's exchange.
 */
static void expect_reachable_now(struct pair *p)
{
	assert_int_equal(p->a.out.tx.len, 0);
	pair_send(p, &p->a, 84);
	blackhole(p);
	assert_int_equal(pair_count_tx(&p->a, MESSAGE_HANDSHAKE_INITIATION), 1);
	assert_int_equal(pair_deliver(p, &p->a), 1);
	assert_int_equal(pair_deliver(p, &p->b), 1); /* the response */
	assert_non_null(p->a.peer->keypairs.current);
	assert_int_equal(pair_count_tx(&p->a, MESSAGE_DATA), 1);
	assert_int_equal(pair_deliver(p, &p->a), 1);
	assert_int_equal(p->b.out.tun.len, 1);
	assert_int_equal(p->b.out.tun.head->len, 84);
	pair_discard(&p->a);
	pair_discard(&p->b);

	/* And from now on B's packets are sealed as they come. */
	pair_send(p, &p->a, 84);
	assert_int_equal(pair_count_tx(&p->a, MESSAGE_DATA), 1);
	pair_discard(&p->a);
}

/* One burst of 200 packets to each silent peer, then a packet to B. */
static void burst(void **state)
{
	static const struct {
		unsigned silent;
	} cases[] = {
	    /* 1: the reproduction: 4 x 200 fill the cap (4 x 128) */
	    {4},
	    /* 2: more silent peers than the cap has packets for two each */
	    {MAX_SILENT},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct peer *silent[MAX_SILENT + 1];
		unsigned n = cases[i].silent;
		size_t share;
		struct pair p;

		pair_init(&p);
		engine_set_staged_limit(p.a.engine, DAEMON_STAGED_LIMIT);
		for (unsigned k = 1; k <= n; k++)
			silent[k] = add_silent_peer(&p, k);
		for (unsigned k = 1; k <= n; k++)
			send_silent(&p, k, 200);
		assert_int_equal(engine_staged(p.a.engine), DAEMON_STAGED_LIMIT);

		expect_reachable_now(&p);

		/* Each silent peer keeps at least its fair share of the cap. */
		share = DAEMON_STAGED_LIMIT / (n + 1);
		if (share > MAX_STAGED_PACKETS)
			share = MAX_STAGED_PACKETS;
		for (unsigned k = 1; k <= n; k++)
			assert_true(silent[k]->staged.len >= share);
		assert_true(engine_staged(p.a.engine) <= DAEMON_STAGED_LIMIT);
		assert_true(pair_staging_consistent(p.a.engine));
		pair_free(&p);
	}
}

/*
 * Steady traffic to the silent peers, every 100 ms for many REKEY_TIMEOUTs
 * (their handshakes retry, give up after 90 s and start again), then a
 * packet to B.
 */
static void steady(void **state)
{
	static const struct {
		unsigned silent, per_round;
		unsigned seconds; /* before B's first packet */
	} cases[] = {
	    /* 1: 200 packets/s to each of 4, one second in */
	    {4, 20, 1},
	    /* 2: the same, 33 s in: six REKEY_TIMEOUTs of retries */
	    {4, 20, 33},
	    /* 3: 97 s in: past the first give-up and a new attempt */
	    {4, 20, 97},
	    /* 4: 10 packets/s to each of 400 silent peers, 21 s in */
	    {MAX_SILENT, 1, 21},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned rounds = cases[i].seconds * (unsigned)(NSEC_PER_SEC / ROUND_NS);
		struct pair p;

		pair_init(&p);
		engine_set_staged_limit(p.a.engine, DAEMON_STAGED_LIMIT);
		for (unsigned k = 1; k <= cases[i].silent; k++)
			add_silent_peer(&p, k);
		for (unsigned r = 0; r < rounds; r++) {
			for (unsigned k = 1; k <= cases[i].silent; k++)
				send_silent(&p, k, cases[i].per_round);
			pair_advance(&p, ROUND_NS);
			pair_tick(&p, &p.a);
			blackhole(&p);
			p.a.out.n_events = 0;
		}
		for (unsigned k = 1; k <= cases[i].silent; k++)
			send_silent(&p, k, cases[i].per_round);
		assert_true(engine_staged(p.a.engine) <= DAEMON_STAGED_LIMIT);
		assert_true(pair_staging_consistent(p.a.engine));

		expect_reachable_now(&p);
		assert_true(pair_staging_consistent(p.a.engine));
		pair_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(burst),
	    cmocka_unit_test(steady),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
