// SPDX-License-Identifier: GPL-2.0-only
/*
 * The handshake work budget (engine/budget.h) with a fake clock, and the
 * engine under handshake floods: a batch of initiations does no more work
 * than the budget's burst, the data in the same batch is delivered first,
 * cookie replies are limited per source, and a legitimate peer's handshake
 * still completes through the cookie mechanism while the flood goes on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine/budget.h"
#include "engine/cookie.h"
#include "engine_pair.h"

#define MS UINT64_C(1000000)

/* The clock time that refills @work nanoseconds of work. */
#define CLOCK_FOR(work) ((uint64_t)(work)*1000 / BUDGET_SHARE_PER_MILLE)

/* 1. The bucket: full at first, refilled at its share of the clock, capped. */
static void bucket_table(void **state)
{
	static const struct {
		uint64_t advance_ns;
		uint64_t cost;
		bool granted;
	} steps[] = {
	    /* 1 */ {0, BUDGET_BURST_NS, true},		/* starts full */
	    /* 2 */ {0, 1, false},			/* empty, same instant */
	    /* 3 */ {CLOCK_FOR(MS), MS + 1, false},	/* the clock for 1 ms of work */
	    /* 4 */ {0, MS, true},			/* exactly that */
	    /* 5 */ {0, 1, false},			/* nothing left */
	    /* 6 */ {1000 * MS, BUDGET_BURST_NS, true}, /* a second refills, capped at the burst */
	    /* 7 */ {0, 1, false},
	    /* 8 */ {2 * CLOCK_FOR(BUDGET_BURST_NS), BUDGET_BURST_NS + 1, false}, /* never more */
	    /* 9 */ {0, BUDGET_BURST_NS, true},
	};
	struct budget b;
	uint64_t now = 5000 * MS;
	uint64_t refused = 0;

	budget_init(&b);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		now += steps[i].advance_ns;
		if (budget_take(&b, steps[i].cost, now) != steps[i].granted)
			fail_msg("step %zu: expected %s", i + 1,
				 steps[i].granted ? "granted" : "refused");
		refused += !steps[i].granted;
	}
	assert_int_equal(b.refused, refused);
	/* A clock that steps back credits nothing. */
	assert_false(budget_take(&b, 1, now - 10 * MS));
}

/* Valid-mac1 initiations for @to, mac2 zero, from a sender who is nobody. */
struct flood {
	struct pktbuf *msgs[64];
	size_t n, next;
	uint32_t source; /* the next spoofed source, 198.18.0.0/15 */
};

static void flood_init(struct flood *f, struct pair *p, struct side *to)
{
	struct cookie_maker maker;

	memset(f, 0, sizeof(*f));
	assert_int_equal(cookie_maker_init(&maker, to->public_key), 0);
	for (f->n = 0; f->n < sizeof(f->msgs) / sizeof(f->msgs[0]); f->n++) {
		uint8_t msg[MESSAGE_HANDSHAKE_INITIATION_LEN];

		assert_int_equal(crypto_random(msg, sizeof(msg)), 0);
		msg[0] = MESSAGE_HANDSHAKE_INITIATION;
		msg[1] = msg[2] = msg[3] = 0;
		assert_int_equal(cookie_add_macs(&maker, msg, sizeof(msg), p->now.mono_ns), 0);
		f->msgs[f->n] = pktbuf_from(p->pool, msg, sizeof(msg));
		assert_non_null(f->msgs[f->n]);
	}
	cookie_maker_clear(&maker);
}

static void flood_free(struct flood *f)
{
	for (size_t i = 0; i < f->n; i++)
		pktbuf_free(f->msgs[i]);
}

/* One flood message, from one source (@spoofed false) or the next of many. */
static struct pktbuf *flood_msg(struct flood *f, struct pair *p, bool spoofed)
{
	struct pktbuf *c = pktbuf_from(p->pool, pktbuf_data(f->msgs[f->next]), f->msgs[0]->len);
	char ip[32];

	assert_non_null(c);
	f->next = (f->next + 1) % f->n;
	if (spoofed) {
		uint32_t s = f->source++ % 131072;

		snprintf(ip, sizeof(ip), "198.%u.%u.%u", 18 + (s >> 16), (s >> 8) & 255, s & 255);
		pair_addr(&c->addr, ip, 40000);
	} else {
		pair_addr(&c->addr, "198.51.100.7", 40000);
	}
	return c;
}

/* Datagrams in @s's output for @addr (those for anyone else are dropped). */
static unsigned take_for(struct side *s, const union sockaddr_inet *addr, struct pktbuf **bufs,
			 unsigned max)
{
	unsigned n = 0;
	struct pktbuf *buf;

	while ((buf = pktbuf_queue_pop(&s->out.tx))) {
		if (sockaddr_inet_equal(&buf->addr, addr) && n < max)
			bufs[n++] = buf;
		else
			pktbuf_free(buf);
	}
	return n;
}

/*
 * 2. 1000 valid-mac1 initiations from 1000 sources in one batch, at one
 * instant: the work that reaches crypto (mac checks, cookie replies,
 * handshakes) is at most the burst's worth; the rest is dropped before any
 * crypto. Before the budget, all 1000 went to X25519 (the load window
 * only counts 1024 a second).
 */
static void flood_batch_bounded(void **state)
{
	enum { N = 1000 };
	struct pktbuf *bufs[N];
	uint64_t macs, cookies, work, budget_drops;
	struct flood f;
	struct pair p;

	pair_init(&p);
	flood_init(&f, &p, &p.b);
	for (size_t i = 0; i < N; i++)
		bufs[i] = flood_msg(&f, &p, true);
	engine_recv_batch(p.b.engine, bufs, N, p.now, &p.b.out);

	cookies = pair_count_tx(&p.b, MESSAGE_HANDSHAKE_COOKIE);
	assert_int_equal(cookies, engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_COOKIE));
	/* Every message whose mac1 was checked, whatever came of it. */
	macs = cookies + engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_MAC) +
	       engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_INVALID) +
	       engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_REPLAY);
	work = macs * BUDGET_COST_MAC + cookies * BUDGET_COST_COOKIE +
	       engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_INVALID) * BUDGET_COST_HANDSHAKE;
	assert_true(work <= BUDGET_BURST_NS);
	assert_true(cookies > 0);
	budget_drops = engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_BUDGET);
	assert_int_equal(macs + budget_drops, N);
	/* Spread over the batch, the burst pays for nearly as many as it can. */
	assert_true(cookies >= BUDGET_BURST_NS / (BUDGET_COST_MAC + BUDGET_COST_COOKIE) / 2);
	/* No response was computed for anyone. */
	assert_int_equal(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_RESPONSE), 0);
	pair_discard(&p.b);
	flood_free(&f);
	pair_free(&p);
}

/*
 * 3. Data in a flooded batch is all delivered, in order, and before the
 * batch's handshakes are worked on: B has a packet staged for A behind a
 * keypair that A's first data packet confirms, so the staged packet leaves
 * (sealed, first in B's output) ahead of every cookie reply to the flood.
 */
static void data_first_in_flooded_batch(void **state)
{
	enum { FLOOD = 120, DATA = 8 };
	struct pktbuf *bufs[FLOOD + DATA], *data[DATA];
	struct flood f;
	struct pair p;
	size_t n = 0;
	unsigned m;

	pair_init(&p);
	pair_send(&p, &p.a, 84);		     /* A stages it, sends an initiation */
	assert_int_equal(pair_deliver(&p, &p.a), 1); /* B answers: its keypair is "next" */
	pair_send(&p, &p.b, 84);		     /* B cannot send on "next": staged */
	assert_int_equal(p.b.peer->staged.len, 1);
	/* A takes only the response (B may have sent an initiation too). */
	m = take_for(&p.b, &p.a.addr, bufs, 4);
	for (unsigned i = 0; i < m; i++) {
		if (msg_type(bufs[i]) != MESSAGE_HANDSHAKE_RESPONSE) {
			pktbuf_free(bufs[i]);
			continue;
		}
		bufs[i]->addr = p.b.addr;
		/* A's staged packet goes out under the new keypair. */
		engine_recv_batch(p.a.engine, &bufs[i], 1, p.now, &p.a.out);
	}
	assert_non_null(p.a.peer->keypairs.current);
	for (unsigned i = 0; i < DATA - 1; i++)
		pair_send(&p, &p.a, (uint16_t)(100 + i));
	assert_int_equal(take_for(&p.a, &p.b.addr, data, DATA), DATA);

	flood_init(&f, &p, &p.b);
	for (size_t i = 0; i < FLOOD + DATA; i++) {
		if (i % (FLOOD / DATA + 1) == FLOOD / DATA) {
			data[n]->addr = p.a.addr;
			bufs[i] = data[n++];
		} else {
			bufs[i] = flood_msg(&f, &p, true);
		}
	}
	assert_int_equal(n, DATA);
	engine_recv_batch(p.b.engine, bufs, FLOOD + DATA, p.now, &p.b.out);

	assert_int_equal(p.b.out.tun.len, DATA);
	n = 0;
	for (const struct pktbuf *b = p.b.out.tun.head; b; b = b->next, n++)
		assert_int_equal(b->len, n ? 100 + n - 1 : 84);
	assert_true(pair_count_tx(&p.b, MESSAGE_HANDSHAKE_COOKIE) > 0);
	assert_int_equal(msg_type(p.b.out.tx.head), MESSAGE_DATA);
	assert_true(sockaddr_inet_equal(&p.b.out.tx.head->addr, &p.a.addr));
	pair_discard(&p.b);
	flood_free(&f);
	pair_free(&p);
}

/*
 * Runs @batches flood batches of 127 messages, one every @step_ns, into
 * B; A's datagrams for B ride last in each batch (the worst place), B's
 * datagrams for A are delivered, those for the flood's sources dropped.
 */
static void flood_run(struct pair *p, struct flood *f, bool spoofed, unsigned batches,
		      uint64_t step_ns)
{
	for (unsigned b = 0; b < batches; b++) {
		struct pktbuf *bufs[160], *back[16];
		unsigned n = 0, m;

		while (n < 127)
			bufs[n++] = flood_msg(f, p, spoofed);
		m = take_for(&p->a, &p->b.addr, bufs + n, 16);
		for (unsigned i = 0; i < m; i++)
			bufs[n + i]->addr = p->a.addr;
		engine_recv_batch(p->b.engine, bufs, n + m, p->now, &p->b.out);
		m = take_for(&p->b, &p->a.addr, back, 16);
		for (unsigned i = 0; i < m; i++)
			back[i]->addr = p->b.addr;
		if (m)
			engine_recv_batch(p->a.engine, back, m, p->now, &p->a.out);
		pair_advance(p, step_ns);
		pair_tick(p, &p->a);
		pair_tick(p, &p->b);
	}
}

/*
 * 4. A flood of 127k valid-mac1 initiations a second from one source, the
 * stress suite's: A's first initiation gets a cookie reply (the flooding
 * source is held to its cookie rate, for free), its retransmission 5 s
 * later carries mac2 and gets a response: the session is up, and data
 * flows, while the flood goes on.
 */
static void legit_peer_under_flood_one_source(void **state)
{
	struct flood f;
	struct pair p;

	pair_init(&p);
	flood_init(&f, &p, &p.b);
	flood_run(&p, &f, false, 50, MS);
	pair_send(&p, &p.a, 84);
	flood_run(&p, &f, false, 50, MS);
	assert_true(p.a.peer->cookie.has_cookie);
	assert_null(p.a.peer->keypairs.current);
	assert_true(engine_drops(p.b.engine, ENGINE_DROP_COOKIE_RATELIMIT) > 90 * 127);
	flood_run(&p, &f, false, 5600, MS);
	assert_non_null(p.a.peer->keypairs.current);
	assert_non_null(p.b.peer->keypairs.current);
	/* A's packet, staged through it all, arrived. */
	assert_int_equal(p.b.out.tun.len, 1);
	assert_int_equal(p.a.peer->staged.len, 0);
	pair_discard(&p.a);
	pair_discard(&p.b);
	flood_free(&f);
	pair_free(&p);
}

/*
 * 5. A flood from ever new (spoofed) sources, past what the budget pays
 * for and more than fills the cookie limiter's table: A, holding a cookie,
 * sends its initiation last in a batch; as it carries mac2 it is worked
 * on first, with the handshake's worth that cookie replies never spend,
 * and gets its response.
 */
static void legit_peer_under_flood_spoofed(void **state)
{
	struct flood f;
	struct pair p;

	pair_init(&p);
	engine_set_under_load(p.b.engine, true);
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_deliver(&p, &p.a), 1);
	assert_int_equal(pair_deliver(&p, &p.b), 1); /* the cookie reply */
	assert_true(p.a.peer->cookie.has_cookie);
	engine_set_under_load(p.b.engine, false);

	flood_init(&f, &p, &p.b);
	/* 254k/s: each batch refills less than a handshake's cost. */
	flood_run(&p, &f, true, 11400, MS / 2); /* A retransmits after 5 s + jitter */
	assert_true(engine_drops(p.b.engine, ENGINE_DROP_HANDSHAKE_BUDGET) > 10000 * 64);
	assert_non_null(p.a.peer->keypairs.current);
	assert_non_null(p.b.peer->keypairs.current);
	pair_discard(&p.a);
	pair_discard(&p.b);
	flood_free(&f);
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bucket_table),
	    cmocka_unit_test(flood_batch_bounded),
	    cmocka_unit_test(data_first_in_flooded_batch),
	    cmocka_unit_test(legit_peer_under_flood_one_source),
	    cmocka_unit_test(legit_peer_under_flood_spoofed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
