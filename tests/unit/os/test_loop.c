// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's event loop (src/os/loop.c) on real descriptors (epoll, a
 * timerfd, pipes), no root needed: when the deadline's timerfd is set and
 * when it fires.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "os/loop.h"

#define MS 1000000ULL

/* Nanoseconds until the loop's timerfd goes off; 0 when disarmed. */
static uint64_t timerfd_left(const struct loop *loop)
{
	struct itimerspec its;

	assert_int_equal(timerfd_gettime(loop->timerfd, &its), 0);
	return (uint64_t)its.it_value.tv_sec * 1000000000ULL + (uint64_t)its.it_value.tv_nsec;
}

struct fired {
	int count;
	uint64_t at;
};

static void on_deadline(struct loop *loop, uint64_t now, void *arg)
{
	struct fired *f = arg;

	f->count++;
	f->at = now;
	loop_stop(loop);
}

/* A guard: stops the loop if nothing else has by then. */
struct guard {
	struct loop_watch watch;
	int fired;
};

static void on_guard(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct guard *g = arg;
	uint64_t n;

	(void)events;
	assert_int_equal(read(fd, &n, sizeof(n)), sizeof(n));
	g->fired++;
	loop_stop(loop);
}

static void guard_start(struct loop *loop, struct guard *g, uint64_t after_ns)
{
	struct itimerspec its = {.it_value = {.tv_sec = (time_t)(after_ns / 1000000000ULL),
					      .tv_nsec = (long)(after_ns % 1000000000ULL)}};

	g->fired = 0;
	g->watch.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	assert_true(g->watch.fd >= 0);
	g->watch.fn = on_guard;
	g->watch.arg = g;
	assert_int_equal(timerfd_settime(g->watch.fd, 0, &its, NULL), 0);
	assert_int_equal(loop_add(loop, &g->watch, EPOLLIN), 0);
}

static void guard_end(struct loop *loop, struct guard *g)
{
	loop_del(loop, &g->watch);
	close(g->watch.fd);
}

/*
 * A deadline that moves later leaves the timerfd as it is (no system call
 * per packet); one that moves earlier sets it; 0 leaves it to go off for
 * nothing.
 */
static void test_deadline_arming(void **state)
{
	struct loop loop;
	uint64_t now;

	(void)state;
	assert_int_equal(loop_init(&loop), 0);
	now = loop_now();
	assert_int_equal(loop_set_deadline(&loop, now + 1000 * MS), 0);
	assert_in_range(timerfd_left(&loop), 1, 1000 * MS);
	/* Later: the timerfd still goes off at the first one. */
	assert_int_equal(loop_set_deadline(&loop, now + 3000 * MS), 0);
	assert_int_equal(loop.deadline, now + 3000 * MS);
	assert_in_range(timerfd_left(&loop), 1, 1000 * MS);
	/* Earlier than the timerfd: set. */
	assert_int_equal(loop_set_deadline(&loop, now + 500 * MS), 0);
	assert_in_range(timerfd_left(&loop), 1, 500 * MS);
	/* None: no call; the timerfd goes off and finds nothing due. */
	assert_int_equal(loop_set_deadline(&loop, 0), 0);
	assert_int_equal(loop.deadline, 0);
	assert_in_range(timerfd_left(&loop), 1, 500 * MS);
	loop_free(&loop);
}

/*
 * A deadline moved later fires once, at the later time, though the timerfd
 * went off first at the earlier one; a deadline cleared never fires.
 */
static void test_deadline_fires_when_due(void **state)
{
	static const struct {
		uint64_t first, second; /* ms from now; second 0: cleared */
		int count;
	} cases[] = {
	    /* 1 */ {30, 120, 1},
	    /* 2 */ {120, 30, 1},
	    /* 3 */ {30, 0, 0},
	    /* 4 */ {30, 30, 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fired f = {0};
		struct guard g;
		struct loop loop;
		uint64_t now, want;

		assert_int_equal(loop_init(&loop), 0);
		loop_set_timer(&loop, on_deadline, &f);
		/* Long enough for a loaded machine; the test never waits for it
		 * unless the deadline is lost. */
		guard_start(&loop, &g, cases[i].count ? 10000 * MS : 300 * MS);
		now = loop_now();
		want = cases[i].second ? now + cases[i].second * MS : 0;
		assert_int_equal(loop_set_deadline(&loop, now + cases[i].first * MS), 0);
		assert_int_equal(loop_set_deadline(&loop, want), 0);
		assert_int_equal(loop_run(&loop), 0);
		if (f.count != cases[i].count || (f.count && f.at < want))
			fail_msg("case %zu: fired %d times (want %d), %lld ms early", i + 1,
				 f.count, cases[i].count,
				 f.count ? (long long)((want - f.at) / MS) : 0LL);
		if (cases[i].count && g.fired)
			fail_msg("case %zu: the guard went off first", i + 1);
		guard_end(&loop, &g);
		loop_free(&loop);
	}
}

/* A deadline already past fires at once. */
static void test_deadline_past(void **state)
{
	struct fired f = {0};
	struct guard g;
	struct loop loop;

	(void)state;
	assert_int_equal(loop_init(&loop), 0);
	loop_set_timer(&loop, on_deadline, &f);
	guard_start(&loop, &g, 10000 * MS);
	assert_int_equal(loop_set_deadline(&loop, 1), 0);
	assert_int_equal(loop_run(&loop), 0);
	assert_int_equal(f.count, 1);
	assert_int_equal(g.fired, 0);
	guard_end(&loop, &g);
	loop_free(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadline_arming),
	    cmocka_unit_test(test_deadline_fires_when_due),
	    cmocka_unit_test(test_deadline_past),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
