// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every timer rule of WireGuard paper §6 and drivers/net/wireguard/timers.c,
 * with two engines and a fake clock. A always initiates; T0 is the end of its handshake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine_pair.h"

#define S(x) ((uint64_t)(x)*NSEC_PER_SEC)
#define MS(x) ((uint64_t)(x)*NSEC_PER_MSEC)

/* Moves the clock to T0 + @at (T0 = p->now when @t0 was taken). */
static void at(struct pair *p, uint64_t t0, uint64_t offset)
{
	assert_true(t0 + offset >= p->now.mono_ns);
	pair_advance(p, t0 + offset - p->now.mono_ns);
}

/* Sets up @p and runs one handshake; returns T0, the clock at its end. */
static uint64_t start(struct pair *p)
{
	pair_init(p);
	pair_handshake(p);
	return p->now.mono_ns;
}

static unsigned initiations(struct side *s)
{
	unsigned n = pair_count_tx(s, MESSAGE_HANDSHAKE_INITIATION);

	pair_discard(s);
	return n;
}

static bool has_event(const struct side *s, enum engine_event_type type)
{
	for (unsigned i = 0; i < s->out.n_events; i++)
		if (s->out.events[i].type == type)
			return true;
	return false;
}

/* The try number of the initiation this round sent, or 0. */
static unsigned sent_attempt(const struct side *s)
{
	for (unsigned i = 0; i < s->out.n_events; i++)
		if (s->out.events[i].type == ENGINE_EVENT_HANDSHAKE_SENT)
			return s->out.events[i].attempt;
	return 0;
}

static unsigned queued(struct side *s)
{
	return s->out.tx.len;
}

/*
 * Ticks @s at T0 + @before, where @count must find nothing, then at
 * T0 + @deadline, where it must find @expected.
 */
static void tick_across(struct pair *p, struct side *s, uint64_t t0, uint64_t before,
			uint64_t deadline, unsigned (*count)(struct side *), unsigned expected)
{
	at(p, t0, before);
	pair_tick(p, s);
	assert_int_equal(count(s), 0);
	at(p, t0, deadline);
	pair_tick(p, s);
	assert_int_equal(count(s), expected);
}

/* The initiator rekeys on send once its keypair is 120 s old; the responder does not. */
static void rekey_after_time_on_send(void **state)
{
	static const struct {
		uint64_t offset;
		unsigned a_initiations, b_initiations;
	} cases[] = {
	    /* 1 */ {S(119), 0, 0},
	    /* 2 */ {S(120) - 1, 0, 0},
	    /* 3 */ {S(120), 1, 0},
	};
	struct pair p;
	uint64_t t0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t0 = start(&p);
		at(&p, t0, cases[i].offset);
		pair_send(&p, &p.a, 84);
		assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 1);
		assert_int_equal(initiations(&p.a), cases[i].a_initiations);
		pair_send(&p, &p.b, 84);
		assert_int_equal(pair_count_tx(&p.b, MESSAGE_DATA), 1);
		assert_int_equal(initiations(&p.b), cases[i].b_initiations);
		pair_free(&p);
	}
}

/* After 180 s a keypair neither sends nor receives. */
static void reject_after_time(void **state)
{
	struct pair p;
	uint64_t t0;

	t0 = start(&p);

	/* Sealed at 179.9 s, arriving at 180 s: dropped. */
	at(&p, t0, S(180) - MS(100));
	pair_send(&p, &p.a, 84);
	at(&p, t0, S(180));
	assert_int_equal(pair_deliver_types(&p, &p.a, 1U << MESSAGE_DATA), 1);
	assert_int_equal(p.b.out.tun.len, 0);
	assert_int_equal(engine_drops(p.b.engine, ENGINE_DROP_KEYPAIR_EXPIRED), 1);

	/* Sending after 180 s: staged, and a handshake starts. */
	at(&p, t0, S(186));
	pair_send(&p, &p.a, 84);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 0);
	assert_int_equal(p.a.peer->staged.len, 1);
	assert_int_equal(initiations(&p.a), 1);
	pair_free(&p);
}

/* On receive, the initiator rekeys once when its keypair is 165 s old. */
static void rekey_on_receive_at_165s(void **state)
{
	static const struct {
		uint64_t offset;
		unsigned a_initiations;
	} steps[] = {
	    /* 1 */ {S(164), 0},
	    /* 2 */ {S(165), 1},
	    /* 3 */ {S(172), 0}, /* only once */
	};
	struct pair p;
	uint64_t t0;

	t0 = start(&p);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		at(&p, t0, steps[i].offset);
		pair_send(&p, &p.b, 84);
		assert_int_equal(pair_deliver(&p, &p.b), 1);
		assert_int_equal(p.a.out.tun.len, 1);
		assert_int_equal(initiations(&p.a), steps[i].a_initiations);
	}
	pair_free(&p);
}

/*
 * Nobody answers: the initiation is retransmitted every 5 s + jitter; after
 * the 18 retransmissions of MAX_TIMER_HANDSHAKES (and WireGuard's one more:
 * "did not complete after 20 attempts") it gives up, drops the staged
 * packets, and zeroes keys 540 s later.
 */
static void retransmit_then_give_up(void **state)
{
	struct pair p;
	uint64_t t0, gave_up = 0, last_initiation = 0, zeroed = 0;
	unsigned sent = 0;

	pair_init(&p);
	t0 = p.now.mono_ns;
	pair_send(&p, &p.a, 84);
	assert_int_equal(sent_attempt(&p.a), 1);
	pair_send(&p, &p.a, 84);
	sent += initiations(&p.a);
	for (uint64_t t = 0; t <= S(800); t += MS(50)) {
		unsigned n;

		at(&p, t0, t);
		pair_tick(&p, &p.a);
		if (has_event(&p.a, ENGINE_EVENT_HANDSHAKE_GAVE_UP)) {
			assert_int_equal(gave_up, 0);
			gave_up = t;
		}
		if (has_event(&p.a, ENGINE_EVENT_KEYS_ZEROED))
			zeroed = t;
		/* Each retransmission is logged as wireguard-go counts it: try 2, 3, ... */
		assert_int_equal(sent_attempt(&p.a),
				 pair_count_tx(&p.a, MESSAGE_HANDSHAKE_INITIATION) ? sent + 1 : 0);
		n = initiations(&p.a);
		if (n) {
			/* 5 s + up to 1/3 s after the previous one. */
			assert_true(t - last_initiation >= S(5));
			assert_true(t - last_initiation <= S(5) + NSEC_PER_SEC / 3 + MS(50));
			last_initiation = t;
		}
		sent += n;
	}
	assert_int_equal(sent, MAX_TIMER_HANDSHAKES + 2);
	assert_true(gave_up >= S(100) && gave_up <= S(107));
	assert_int_equal(p.a.peer->staged.len, 0);
	assert_int_equal(engine_drops(p.a.engine, ENGINE_DROP_STAGED_GIVEUP), 2);
	assert_true(zeroed >= gave_up + S(540) && zeroed <= gave_up + S(540) + MS(50));
	assert_int_equal(engine_next_deadline(p.a.engine), UINT64_MAX);
	pair_free(&p);
}

/* 540 s after the last handshake every key is zeroed on both sides. */
static void zero_keys_after_540s(void **state)
{
	struct pair p;
	uint64_t t0;

	t0 = start(&p);
	assert_int_equal(engine_next_deadline(p.a.engine), t0 + S(540));
	assert_int_equal(engine_next_deadline(p.b.engine), t0 + S(540));

	at(&p, t0, S(540) - 1);
	pair_tick(&p, &p.a);
	pair_tick(&p, &p.b);
	assert_non_null(p.a.peer->keypairs.current);
	assert_int_equal(p.a.out.n_events, 0);

	at(&p, t0, S(540));
	pair_tick(&p, &p.a);
	pair_tick(&p, &p.b);
	assert_true(has_event(&p.a, ENGINE_EVENT_KEYS_ZEROED));
	assert_true(has_event(&p.b, ENGINE_EVENT_KEYS_ZEROED));
	assert_null(p.a.peer->keypairs.current);
	assert_null(p.a.peer->keypairs.previous);
	assert_null(p.b.peer->keypairs.current);
	assert_int_equal(p.a.engine->indices.count, 0);
	assert_int_equal(p.b.engine->indices.count, 0);
	assert_int_equal(p.a.out.tx.len + p.b.out.tx.len, 0);

	/* And data starts a new handshake. */
	pair_send(&p, &p.a, 84);
	assert_int_equal(initiations(&p.a), 1);
	pair_free(&p);
}

/* Data received and nothing sent for 10 s: a keepalive; any packet we send cancels it. */
static void keepalive_after_10s(void **state)
{
	static const struct {
		bool b_sends_at_5s;
		unsigned keepalives_at_10s;
	} cases[] = {
	    /* 1 */ {false, 1},
	    /* 2 */ {true, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;
		uint64_t t0;

		t0 = start(&p);
		pair_send(&p, &p.a, 84);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
		pair_discard(&p.b);
		if (cases[i].b_sends_at_5s) {
			at(&p, t0, S(5));
			pair_send(&p, &p.b, 84);
			pair_discard(&p.b);
		}
		tick_across(&p, &p.b, t0, S(10) - 1, S(10), queued, cases[i].keepalives_at_10s);
		if (p.b.out.tx.len)
			assert_int_equal(p.b.out.tx.head->len, MESSAGE_MINIMUM_LENGTH);
		pair_free(&p);
	}
}

/* Data sent and nothing received for 15 s (+ jitter): a new handshake. */
static void new_handshake_after_15s(void **state)
{
	static const struct {
		bool b_answers_at_5s;
		unsigned initiations_at_16s;
	} cases[] = {
	    /* 1 */ {false, 1},
	    /* 2 */ {true, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;
		uint64_t t0;

		t0 = start(&p);
		pair_send(&p, &p.a, 84);
		pair_discard(&p.a);
		if (cases[i].b_answers_at_5s) {
			at(&p, t0, S(5));
			pair_send(&p, &p.b, 84);
			assert_int_equal(pair_deliver(&p, &p.b), 1);
		}
		tick_across(&p, &p.a, t0, S(15) - 1, S(15) + NSEC_PER_SEC / 3, initiations,
			    cases[i].initiations_at_16s);
		pair_free(&p);
	}
}

/* Persistent keepalive: one at once when turned on, then every interval of silence. */
static void persistent_keepalive(void **state)
{
	struct pair p;
	uint64_t t0;

	t0 = start(&p);
	engine_peer_set_keepalive(p.a.engine, p.a.peer, 25, p.now, &p.a.out);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 1);
	assert_int_equal(pair_deliver(&p, &p.a), 1);

	for (unsigned k = 1; k <= 3; k++) {
		at(&p, t0, S(25) * k - 1);
		pair_tick(&p, &p.a);
		assert_int_equal(p.a.out.tx.len, 0);
		at(&p, t0, S(25) * k);
		pair_tick(&p, &p.a);
		assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 1);
		assert_int_equal(p.a.out.tx.head->len, MESSAGE_MINIMUM_LENGTH);
		assert_int_equal(pair_deliver(&p, &p.a), 1);
	}

	/* Off: nothing more. */
	engine_peer_set_keepalive(p.a.engine, p.a.peer, 0, p.now, &p.a.out);
	at(&p, t0, S(200));
	pair_tick(&p, &p.a);
	assert_int_equal(pair_count_tx(&p.a, MESSAGE_DATA), 0);
	pair_free(&p);
}

/* At most one initiation per 5 s, however many packets wait. */
static void one_initiation_per_5s(void **state)
{
	static const struct {
		uint64_t offset;
		unsigned initiations;
	} steps[] = {
	    /* 1 */ {0, 1},
	    /* 2 */ {S(1), 0},
	    /* 3 */ {S(2), 0},
	    /* 4 */ {S(5) - 1, 0},
	    /* 5 */ {S(5), 1},
	    /* 6 */ {S(6), 0},
	};
	struct pair p;
	uint64_t t0;

	pair_init(&p);
	t0 = p.now.mono_ns;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		at(&p, t0, steps[i].offset);
		pair_send(&p, &p.a, 84);
		assert_int_equal(initiations(&p.a), steps[i].initiations);
	}
	assert_int_equal(p.a.peer->staged.len, 6);
	pair_free(&p);
}

/*
 * The limits by count: past REKEY_AFTER_MESSAGES the sender rekeys (either
 * role); at REJECT_AFTER_MESSAGES it stops using the keypair and stages.
 */
static void limits_by_count(void **state)
{
	static const struct {
		bool a_sends; /* else B, the responder */
		uint64_t counter;
		unsigned data, initiations;
	} cases[] = {
	    /* 1 */ {true, REKEY_AFTER_MESSAGES - 1, 1, 0},
	    /* 2 */ {true, REKEY_AFTER_MESSAGES + 1, 1, 1},
	    /* 3 */ {false, REKEY_AFTER_MESSAGES + 1, 1, 1},
	    /* 4 */ {true, REJECT_AFTER_MESSAGES - 1, 1, 1},
	    /* 5 */ {true, REJECT_AFTER_MESSAGES, 0, 1},
	    /* 6 */ {false, REJECT_AFTER_MESSAGES, 0, 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct side *s;
		struct pair p;

		pair_init(&p);
		pair_handshake(&p);
		pair_advance(&p, REKEY_TIMEOUT_NS);
		s = cases[i].a_sends ? &p.a : &p.b;
		s->peer->keypairs.current->send_counter = cases[i].counter;
		pair_send(&p, s, 84);
		assert_int_equal(pair_count_tx(s, MESSAGE_DATA), cases[i].data);
		assert_int_equal(s->peer->staged.len, 1 - cases[i].data);
		if (cases[i].data) {
			/* The counter on the wire is the one the keypair was at. */
			uint64_t wire;

			memcpy(&wire, pktbuf_data(s->out.tx.head) + 8, 8);
			assert_true(le64toh(wire) == cases[i].counter);
		}
		assert_int_equal(initiations(s), cases[i].initiations);
		pair_free(&p);
	}
}

/* The deadline the caller sleeps until is the retransmission's. */
static void next_deadline(void **state)
{
	struct pair p;
	uint64_t t0, d;

	pair_init(&p);
	assert_int_equal(engine_next_deadline(p.a.engine), UINT64_MAX);
	t0 = p.now.mono_ns;
	pair_send(&p, &p.a, 84);
	d = engine_next_deadline(p.a.engine);
	assert_true(d >= t0 + REKEY_TIMEOUT_NS);
	assert_true(d < t0 + REKEY_TIMEOUT_NS + REKEY_TIMEOUT_JITTER_MAX_NS);
	pair_discard(&p.a);
	at(&p, t0, d - t0 - 1);
	pair_tick(&p, &p.a);
	assert_int_equal(initiations(&p.a), 0);
	at(&p, t0, d - t0);
	pair_tick(&p, &p.a);
	assert_int_equal(initiations(&p.a), 1);
	pair_free(&p);
}

/* The timer module alone: expiry order and disarming. */
static void timers_unit(void **state)
{
	struct timers t;

	timers_init(&t, 1);
	assert_int_equal(timers_next(&t), UINT64_MAX);
	timers_data_received(&t, S(1));
	timers_data_received(&t, S(2));
	assert_true(t.need_another_keepalive);
	assert_int_equal(timers_next(&t), S(11));
	assert_int_equal(timers_expired(&t, S(11) - 1), 0);
	assert_int_equal(timers_expired(&t, S(11)), TIMER_BIT(TIMER_SEND_KEEPALIVE));
	timers_keepalive_sent(&t, S(11));
	assert_int_equal(timers_next(&t), S(21));
	timers_any_authenticated_packet_sent(&t);
	assert_int_equal(timers_next(&t), UINT64_MAX);

	timers_data_sent(&t, S(30));
	assert_true(t.deadline[TIMER_NEW_HANDSHAKE] >= S(45));
	timers_data_sent(&t, S(40)); /* not pushed back */
	assert_true(t.deadline[TIMER_NEW_HANDSHAKE] < S(46));
	timers_any_authenticated_packet_received(&t);
	assert_false(timers_armed(&t, TIMER_NEW_HANDSHAKE));
	for (int i = 0; i < 1000; i++)
		assert_true(timers_jitter(&t) < REKEY_TIMEOUT_JITTER_MAX_NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rekey_after_time_on_send),
	    cmocka_unit_test(reject_after_time),
	    cmocka_unit_test(rekey_on_receive_at_165s),
	    cmocka_unit_test(retransmit_then_give_up),
	    cmocka_unit_test(zero_keys_after_540s),
	    cmocka_unit_test(keepalive_after_10s),
	    cmocka_unit_test(new_handshake_after_15s),
	    cmocka_unit_test(persistent_keepalive),
	    cmocka_unit_test(one_initiation_per_5s),
	    cmocka_unit_test(limits_by_count),
	    cmocka_unit_test(next_deadline),
	    cmocka_unit_test(timers_unit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
