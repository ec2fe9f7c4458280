// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's event loop (src/os/loop.c) on real descriptors (epoll, a
 * timerfd, pipes), no root needed: when the deadline's timerfd is set and
 * when it fires; busy polling after traffic, bounded, and never while idle.
 * Busy polling is judged by the loop's counters and by the kernel's view of
 * the thread (sleeping or not), never by how long anything took.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
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

/* ---- busy polling ---- */

/*
 * A pipe the loop watches: each byte is one event of "traffic"; byte 'q'
 * stops the loop. The loop's thread id is kept for /proc.
 */
struct traffic {
	struct loop loop;
	struct loop_watch watch;
	int fds[2];
	pid_t tid;
	volatile int seen; /* bytes read by the loop */
};

static void on_traffic(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct traffic *t = arg;
	char c;

	(void)events;
	while (read(fd, &c, 1) == 1) {
		__atomic_add_fetch(&t->seen, 1, __ATOMIC_SEQ_CST);
		if (c == 'q')
			loop_stop(loop);
	}
}

static void traffic_init(struct traffic *t, uint64_t busy_poll_ns)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(loop_init(&t->loop), 0);
	loop_set_busy_poll(&t->loop, busy_poll_ns);
	assert_int_equal(pipe2(t->fds, O_NONBLOCK | O_CLOEXEC), 0);
	t->watch = (struct loop_watch){t->fds[0], on_traffic, t};
	assert_int_equal(loop_add(&t->loop, &t->watch, EPOLLIN), 0);
	t->tid = (pid_t)syscall(SYS_gettid);
}

static void traffic_free(struct traffic *t)
{
	loop_del(&t->loop, &t->watch);
	close(t->fds[0]);
	close(t->fds[1]);
	loop_free(&t->loop);
}

static void traffic_send(struct traffic *t, char c)
{
	assert_int_equal(write(t->fds[1], &c, 1), 1);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Waits until the loop has read @n bytes in all. */
static void traffic_wait_seen(struct traffic *t, int n)
{
	while (__atomic_load_n(&t->seen, __ATOMIC_SEQ_CST) < n)
		sleep_ms(1);
}

/* The scheduler's state letter of thread @tid of this process ('R', 'S'...). */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')'); /* the name may hold spaces */
	assert_non_null(p);
	return p[2];
}

struct script {
	struct traffic *t;
	unsigned gap_ms;  /* between the two bytes */
	unsigned idle_ms; /* after the second, before looking at the loop */
	int sleeping;	  /* of 20 looks 5 ms apart, how often it slept */
};

/* Two bytes @gap_ms apart, a look at the idle loop, then 'q'. */
static void *script_run(void *arg)
{
	struct script *s = arg;

	traffic_send(s->t, 'a');
	traffic_wait_seen(s->t, 1);
	sleep_ms(s->gap_ms);
	traffic_send(s->t, 'b');
	traffic_wait_seen(s->t, 2);
	sleep_ms(s->idle_ms);
	for (int i = 0; i < 20; i++) {
		s->sleeping += thread_state(s->t->tid) == 'S';
		sleep_ms(5);
	}
	traffic_send(s->t, 'q');
	return NULL;
}

/*
 * The second of two bytes is taken by polling when it comes within the
 * window, after a wakeup when it comes later or there is no window; either
 * way the loop is asleep once the window has passed. (The windows are far
 * longer than the gaps, for a loaded machine.)
 */
static void test_busy_poll_window(void **state)
{
	static const struct {
		uint64_t window_ms;
		unsigned gap_ms, idle_ms;
		uint64_t wakeups, hits; /* before the 'q' */
	} cases[] = {
	    /* 1 */ {0, 2, 0, 2, 0},
	    /* 2 */ {200, 2, 400, 1, 1},
	    /* 3 */ {20, 200, 200, 2, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct traffic t;
		struct script s = {.t = &t, .gap_ms = cases[i].gap_ms, .idle_ms = cases[i].idle_ms};
		pthread_t th;
		uint64_t wakeups, hits;

		traffic_init(&t, cases[i].window_ms * MS);
		assert_int_equal(pthread_create(&th, NULL, script_run, &s), 0);
		assert_int_equal(loop_run(&t.loop), 0);
		assert_int_equal(pthread_join(th, NULL), 0);
		/* The 'q' came after a sleep: one more wakeup. */
		wakeups = t.loop.stats.wakeups - 1;
		hits = t.loop.stats.poll_hits;
		if (wakeups != cases[i].wakeups || hits != cases[i].hits)
			fail_msg("case %zu: %llu wakeups, %llu found by polling; want %llu, %llu",
				 i + 1, (unsigned long long)wakeups, (unsigned long long)hits,
				 (unsigned long long)cases[i].wakeups,
				 (unsigned long long)cases[i].hits);
		/* Asleep in epoll_wait at every look once the window has passed;
		 * polling, it would be running or runnable at nearly every one. */
		if (s.sleeping < 18)
			fail_msg("case %zu: asleep at %d of 20 looks after the window", i + 1,
				 s.sleeping);
		if (cases[i].window_ms && !t.loop.stats.polls)
			fail_msg("case %zu: never polled", i + 1);
		traffic_free(&t);
	}
}

struct ticks {
	int left;
};

static void on_tick(struct loop *loop, uint64_t now, void *arg)
{
	struct ticks *k = arg;

	if (--k->left)
		loop_set_deadline(loop, now + 2 * MS);
	else
		loop_stop(loop);
}

/* Rounds of the loop's own timer are not traffic: an idle loop never polls. */
static void test_busy_poll_not_for_timers(void **state)
{
	struct ticks k = {.left = 10};
	struct loop loop;

	(void)state;
	assert_int_equal(loop_init(&loop), 0);
	loop_set_busy_poll(&loop, 5000 * MS);
	loop_set_timer(&loop, on_tick, &k);
	assert_int_equal(loop_set_deadline(&loop, loop_now() + 2 * MS), 0);
	assert_int_equal(loop_run(&loop), 0);
	assert_int_equal(k.left, 0);
	assert_int_equal(loop.stats.polls, 0);
	assert_int_equal(loop.stats.poll_hits, 0);
	loop_free(&loop);
}

/* WARREN_BUSY_POLL_US sets the window; a bad one fails loop_init. */
static void test_busy_poll_env(void **state)
{
	static const struct {
		const char *value; /* NULL: unset */
		int ret;
		uint64_t ns;
	} cases[] = {
	    /* 1 */ {NULL, 0, LOOP_BUSY_POLL_NS},
	    /* 2 */ {"", 0, LOOP_BUSY_POLL_NS},
	    /* 3 */ {"0", 0, 0},
	    /* 4 */ {"25", 0, 25000},
	    /* 5 */ {"10000", 0, 10000000},
	    /* 6 */ {"10001", -EINVAL, 0},
	    /* 7 */ {"-1", -EINVAL, 0},
	    /* 8 */ {" 5", -EINVAL, 0},
	    /* 9 */ {"5us", -EINVAL, 0},
	    /* 10 */ {"99999999999999999999999", -EINVAL, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loop loop;
		int ret;

		if (cases[i].value)
			setenv("WARREN_BUSY_POLL_US", cases[i].value, 1);
		else
			unsetenv("WARREN_BUSY_POLL_US");
		ret = loop_init(&loop);
		if (ret != cases[i].ret || (!ret && loop.busy_poll_ns != cases[i].ns))
			fail_msg("case %zu (`%s'): ret %d, %llu ns", i + 1,
				 cases[i].value ? cases[i].value : "unset", ret,
				 (unsigned long long)loop.busy_poll_ns);
		if (!ret)
			loop_free(&loop);
	}
	unsetenv("WARREN_BUSY_POLL_US");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadline_arming),
	    cmocka_unit_test(test_deadline_fires_when_due),
	    cmocka_unit_test(test_deadline_past),
	    cmocka_unit_test(test_busy_poll_window),
	    cmocka_unit_test(test_busy_poll_not_for_timers),
	    cmocka_unit_test(test_busy_poll_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
