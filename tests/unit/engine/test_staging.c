// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine-wide cap on staged packets (engine_set_staged_limit) and the
 * count behind it, kept through every way a staged packet leaves. Fairness
 * under the cap, with many silent peers, is test_staging_fair.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine_pair.h"

enum { EXTRA_PEERS = 3 };

/* A peer of A's at 10.0.1.<n>, reachable nowhere (no handshake completes). */
static struct peer *add_silent_peer(struct pair *p, uint8_t n)
{
	uint8_t priv[32], pub[32], ip[4] = {10, 0, 1, n};
	union sockaddr_inet ep;
	struct peer *peer;

	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(engine_peer_add(p->a.engine, pub, &peer), 0);
	assert_int_equal(engine_peer_allowedip_add(p->a.engine, peer, AF_INET, ip, 32), 0);
	pair_addr(&ep, "192.0.2.99", (uint16_t)(40000 + n));
	assert_int_equal(engine_peer_set_endpoint(p->a.engine, peer, &ep), 0);
	return peer;
}

static void send_to(struct pair *p, uint8_t n, uint16_t total)
{
	uint8_t dst[4] = {10, 0, 1, n};
	struct pktbuf *buf = pair_ip4(p, p->a.tunnel_ip, dst, total);

	engine_send_batch(p->a.engine, &buf, 1, p->now, &p->a.out);
}

/* Packets sent to silent peers 1..EXTRA_PEERS in turn, under a cap. */
static void cap(void **state)
{
	static const struct {
		size_t limit;
		unsigned peers, per_peer;
		size_t staged;
		uint64_t overflow, evicted;
		uint32_t first_len;   /* of peer 1's oldest staged packet */
		uint32_t last_staged; /* packets the last peer holds */
	} cases[] = {
	    /* 1: no cap: every packet waits */
	    {0, 3, 5, 15, 0, 0, 40, 5},
	    /*
	     * 2: cap 10: the third peer's packets push out the oldest of the
	     * peer holding the most, until it holds the most (5,5,0 -> 3,3,4)
	     */
	    {10, 3, 5, 10, 1, 4, 42, 4},
	    /* 3: cap 10, one peer: its oldest make room, the total stays */
	    {10, 1, 12, 10, 2, 0, 42, 10},
	    /* 4: the per-peer cap still applies under a larger engine cap */
	    {1000, 1, 130, MAX_STAGED_PACKETS, 2, 0, 42, MAX_STAGED_PACKETS},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct peer *peers[EXTRA_PEERS];
		struct pair p;

		pair_init(&p);
		engine_set_staged_limit(p.a.engine, cases[i].limit);
		for (unsigned k = 0; k < cases[i].peers; k++)
			peers[k] = add_silent_peer(&p, (uint8_t)(k + 1));
		/* Peer by peer, as silent peers fill up one after another. */
		for (unsigned k = 0; k < cases[i].peers; k++)
			for (unsigned j = 0; j < cases[i].per_peer; j++)
				send_to(&p, (uint8_t)(k + 1), (uint16_t)(40 + j));
		assert_int_equal(engine_staged(p.a.engine), cases[i].staged);
		assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_STAGED_OVERFLOW),
				 cases[i].overflow);
		assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_STAGED_EVICTED),
				 cases[i].evicted);
		assert_int_equal(peers[0]->staged.head->len, cases[i].first_len);
		assert_int_equal(peers[cases[i].peers - 1]->staged.len, cases[i].last_staged);
		assert_true(pair_staging_consistent(p.a.engine));
		pair_free(&p);
	}
}

/* Drops the datagrams of @q not addressed to @addr (the silent peers'). */
static void keep_only_to(struct pktbuf_queue *q, const union sockaddr_inet *addr)
{
	struct pktbuf_queue keep;
	struct pktbuf *buf;

	pktbuf_queue_init(&keep);
	while ((buf = pktbuf_queue_pop(q))) {
		if (sockaddr_inet_equal(&buf->addr, addr))
			pktbuf_queue_push(&keep, buf);
		else
			pktbuf_free(buf);
	}
	pktbuf_queue_splice(q, &keep);
}

/* Every way out of the staged queues brings the count down. */
static void count_follows(void **state)
{
	enum { SENT, REMOVED, GAVE_UP, MODE, CLEARED };
	static const struct {
		int how;
		size_t left;
	} cases[] = {
	    /* 1: sent after B's handshake: A->B packets leave, the silent peer's stay */
	    {SENT, 4},
	    /* 2: both silent peers removed */
	    {REMOVED, 4},
	    /* 3: the handshake gives up (retransmits exhausted) */
	    {GAVE_UP, 0},
	    /* 4: a mode switch drops what was staged */
	    {MODE, 0},
	    /* 5: replace_peers */
	    {CLEARED, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct peer *silent[2];
		struct pair p;

		pair_init(&p);
		engine_set_staged_limit(p.a.engine, 100);
		silent[0] = add_silent_peer(&p, 1);
		silent[1] = add_silent_peer(&p, 2);
		for (int j = 0; j < 4; j++) {
			send_to(&p, 1, 40);
			pair_send(&p, &p.a, 60);
		}
		send_to(&p, 2, 40);
		send_to(&p, 2, 40);
		send_to(&p, 2, 40);
		assert_int_equal(engine_staged(p.a.engine), 11);
		switch (cases[i].how) {
		case SENT:
			keep_only_to(&p.a.out.tx, &p.b.addr);
			assert_int_equal(pair_deliver(&p, &p.a), 1);
			assert_int_equal(pair_deliver(&p, &p.b), 1);
			assert_int_equal(engine_staged(p.a.engine), 7);
			engine_peer_remove(p.a.engine, silent[1]);
			break;
		case REMOVED:
			engine_peer_remove(p.a.engine, silent[0]);
			engine_peer_remove(p.a.engine, silent[1]);
			break;
		case GAVE_UP:
			for (int t = 0; t < 30; t++) {
				pair_advance(&p, 6 * NSEC_PER_SEC);
				pair_tick(&p, &p.a);
				pair_discard(&p.a);
			}
			break;
		case MODE:
			assert_int_equal(engine_set_mode(p.a.engine, ENGINE_MODE_L2), 0);
			break;
		case CLEARED:
			engine_peers_clear(p.a.engine);
			break;
		}
		assert_int_equal(engine_staged(p.a.engine), cases[i].left);
		assert_true(pair_staging_consistent(p.a.engine));
		pair_free(&p);
	}
}

/*
 * A peer without an endpoint stages its packets; engine_peer_send_staged
 * after the endpoint is set starts the handshake at once, and the staged
 * packets follow the response.
 */
static void send_staged_now(void **state)
{
	static const struct {
		unsigned packets;
		unsigned initiations; /* from engine_peer_send_staged */
	} cases[] = {
	    /* 1: staged packets: a handshake now */
	    {3, 1},
	    /* 2: nothing staged: nothing sent */
	    {0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		union sockaddr_inet none;
		struct pair p;

		pair_init(&p);
		memset(&none, 0, sizeof(none));
		p.a.peer->endpoint = none; /* as a peer configured without one */
		for (unsigned j = 0; j < cases[i].packets; j++)
			pair_send(&p, &p.a, 60);
		assert_int_equal(p.a.out.tx.len, 0);
		assert_int_equal(engine_staged(p.a.engine), cases[i].packets);

		/* Past REKEY_TIMEOUT of the initiation that had no endpoint. */
		pair_advance(&p, REKEY_TIMEOUT_NS);
		assert_int_equal(engine_peer_set_endpoint(p.a.engine, p.a.peer, &p.b.addr), 0);
		engine_peer_send_staged(p.a.engine, p.a.peer, p.now, &p.a.out);
		assert_int_equal(pair_count_tx(&p.a, MESSAGE_HANDSHAKE_INITIATION),
				 cases[i].initiations);
		if (cases[i].initiations) {
			assert_int_equal(pair_deliver(&p, &p.a), 1);
			assert_int_equal(pair_deliver(&p, &p.b), 1);
			assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), cases[i].packets);
			assert_int_equal(pair_deliver(&p, &p.a), cases[i].packets);
			assert_int_equal(p.b.out.tun.len, cases[i].packets);
		}
		assert_int_equal(engine_staged(p.a.engine), 0);
		pair_free(&p);
	}
}

/*
 * Persistent keepalives to peers that never answer start handshakes and
 * stage nothing: the reviewer's 1500 silent peers held 1500 pool buffers
 * past a cap of 512 and starved the tunnel.
 */
static void keepalive_stages_nothing(void **state)
{
	static const struct {
		unsigned peers;
		size_t limit;
	} cases[] = {
	    /* 1 */ {3, 0},
	    /* 2: more peers than the cap */
	    {40, 8},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;

		pair_init(&p);
		engine_set_staged_limit(p.a.engine, cases[i].limit);
		for (unsigned k = 0; k < cases[i].peers; k++)
			engine_peer_set_keepalive(p.a.engine, add_silent_peer(&p, (uint8_t)(k + 1)),
						  1, p.now, &p.a.out);
		for (int s = 0; s < 30; s++) { /* 30 s: keepalives, retries */
			pair_advance(&p, 1000000000ULL);
			pair_tick(&p, &p.a);
		}
		assert_int_equal(engine_staged(p.a.engine), 0);
		assert_true(pair_count_tx(&p.a, MESSAGE_HANDSHAKE_INITIATION) >= cases[i].peers);
		pair_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cap),
	    cmocka_unit_test(count_follows),
	    cmocka_unit_test(send_staged_now),
	    cmocka_unit_test(keepalive_stages_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
