// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's timer queue (timerq.h) against a plain model: after any mix
 * of timers armed earlier, later, disarmed, expired and detached, settling
 * the queue gives exactly the earliest armed deadline of all, and the heap
 * stays a heap whose keys are never later than their deadlines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/timerq.h"
#include "engine/timers.h"

enum { N = 64, STEPS = 200000 };

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t model_min(struct timers *t, const bool *attached)
{
	uint64_t min = UINT64_MAX;

	for (int i = 0; i < N; i++)
		if (attached[i] && timers_next(&t[i]) < min)
			min = timers_next(&t[i]);
	return min;
}

static void check_heap(const struct timerq *q)
{
	for (size_t i = 0; i < q->len; i++) {
		assert_int_equal(q->heap[i]->index, i);
		assert_true(q->heap[i]->key <= timers_next(timers_from_node(q->heap[i])));
		if (i)
			assert_true(q->heap[(i - 1) / 2]->key <= q->heap[i]->key);
	}
}

static void random_against_model(void **state)
{
	static struct timers t[N];
	bool attached[N] = {false};
	struct timerq q;
	uint64_t now = 1000000000ULL;

	timerq_init(&q);
	assert_int_equal(timerq_reserve(&q, N), 0);
	for (int i = 0; i < N; i++)
		timers_init(&t[i], (uint64_t)i);
	for (int step = 0; step < STEPS; step++) {
		struct timers *x = &t[next_random() % N];
		int i = (int)(x - t);

		switch (next_random() % 9) {
		case 0: /* a peer added, or removed */
			if (attached[i])
				timers_detach(x);
			else
				timers_attach(x, &q);
			attached[i] = !attached[i];
			break;
		case 1: /* armed some seconds out */
			timers_handshake_initiated(x, now);
			break;
		case 2: /* re-armed later or earlier: a keepalive interval */
			timers_set_persistent_keepalive(x, (uint16_t)(next_random() % 30), now);
			break;
		case 3: /* the persistent keepalive pushed out, as by every packet */
			timers_any_authenticated_packet_traversal(x, now);
			break;
		case 4:
			timers_session_derived(x, now);
			break;
		case 5: /* disarmed */
			timers_stop(x);
			break;
		case 6:
			timers_data_sent(x, now);
			break;
		case 7: /* time passes */
			now += next_random() % 3000000000ULL;
			break;
		case 8: /* the engine's tick: what is due runs and is queued again */
			while (timerq_next(&q) <= now) {
				struct timers *due = timers_pop(&q);

				timers_expired(due, now);
				timers_requeue(due);
			}
			break;
		}
		check_heap(&q);
		if (step % 7 == 0) /* settle at times, as the daemon does after a batch */
			assert_int_equal(timers_settle(&q), model_min(t, attached));
	}
	timerq_free(&q);
}

/* Numbered edge cases. */
static void edges(void **state)
{
	struct timers a, b;
	struct timerq q;

	timerq_init(&q);
	/* 1: an empty queue */
	assert_int_equal(timers_settle(&q), UINT64_MAX);
	assert_null(timers_pop(&q));
	assert_int_equal(timerq_reserve(&q, 2), 0);
	timers_init(&a, 1);
	timers_init(&b, 2);
	/* 2: attached with nothing armed: not queued until armed */
	timers_attach(&a, &q);
	assert_int_equal(q.len, 0);
	timers_set_persistent_keepalive(&a, 25, 0);
	assert_int_equal(q.len, 1);
	assert_int_equal(timers_settle(&q), 25000000000ULL);
	/* 3: pushed later: the key stays early, settling finds the truth */
	timers_any_authenticated_packet_traversal(&a, 10000000000ULL);
	assert_int_equal(timerq_next(&q), 25000000000ULL);
	assert_int_equal(timers_settle(&q), 35000000000ULL);
	/* 4: a second timers earlier than the first comes to the top */
	timers_attach(&b, &q);
	timers_set_persistent_keepalive(&b, 1, 0);
	assert_int_equal(timers_settle(&q), 1000000000ULL);
	/* 5: disarmed: it leaves the queue when it comes up */
	timers_stop(&b);
	assert_int_equal(timers_settle(&q), 35000000000ULL);
	assert_int_equal(q.len, 1);
	/* 6: detached */
	timers_detach(&a);
	assert_int_equal(timers_settle(&q), UINT64_MAX);
	timers_set_persistent_keepalive(&a, 5, 0); /* no queue: nothing happens */
	assert_int_equal(q.len, 0);
	timerq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(edges),
	    cmocka_unit_test(random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
