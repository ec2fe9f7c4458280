// SPDX-License-Identifier: GPL-2.0-only
/*
 * epoll with the timerfd and signalfd as two more watched descriptors; each
 * epoll entry's data.ptr is its struct loop_watch.
 */
#include "os/loop.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "os/error.h"

#define LOOP_EVENTS 64

uint64_t loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Sets the timerfd to go off at @at (loop_now() scale; never 0). */
static int arm(struct loop *loop, uint64_t at)
{
	struct itimerspec its = {0};

	its.it_value.tv_sec = (time_t)(at / 1000000000ULL);
	its.it_value.tv_nsec = (long)(at % 1000000000ULL);
	if (timerfd_settime(loop->timerfd, TFD_TIMER_ABSTIME, &its, NULL))
		return error_record("timerfd_settime", errno);
	loop->armed = at;
	return 0;
}

static void on_timer(struct loop *loop, int fd, uint32_t events, void *arg)
{
	uint64_t expirations;
	uint64_t now;

	/* EAGAIN: re-armed since it fired; it stays armed, nothing to do. */
	if (read(fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return;
	loop->armed = 0; /* one-shot: it went off and is disarmed */
	if (!loop->deadline)
		return;
	now = loop_now();
	if (now < loop->deadline) {
		/* Armed for an earlier deadline that has since moved later. */
		arm(loop, loop->deadline);
		return;
	}
	loop->deadline = 0;
	if (loop->timer_fn)
		loop->timer_fn(loop, now, loop->timer_arg);
}

static void on_signal(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo info;

	while (read(fd, &info, sizeof(info)) == sizeof(info)) {
		loop->signal = (int)info.ssi_signo;
		loop->stop = true;
	}
}

/* WARREN_BUSY_POLL_US, when set: microseconds, 0 turns busy polling off. */
static int busy_poll_from_env(struct loop *loop)
{
	static __thread char what[64];
	const char *s = getenv("WARREN_BUSY_POLL_US");
	unsigned long long us;
	char *end;

	loop->busy_poll_ns = LOOP_BUSY_POLL_NS;
	if (!s || !*s)
		return 0;
	errno = 0;
	us = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || us > LOOP_BUSY_POLL_MAX_US) {
		snprintf(what, sizeof(what), "WARREN_BUSY_POLL_US=`%.24s' (0-%u)", s,
			 LOOP_BUSY_POLL_MAX_US);
		return error_record(what, EINVAL);
	}
	loop->busy_poll_ns = us * 1000;
	return 0;
}

int loop_init(struct loop *loop)
{
	sigset_t mask;
	int ret;

	memset(loop, 0, sizeof(*loop));
	loop->epfd = loop->timerfd = loop->signalfd = -1;
	ret = busy_poll_from_env(loop);
	if (ret)
		return ret;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);

	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		return error_record("epoll_create1", errno);
	loop->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->timerfd < 0) {
		ret = error_record("timerfd_create", errno);
		goto err_epoll;
	}
	ret = pthread_sigmask(SIG_BLOCK, &mask, &loop->old_mask);
	if (ret) {
		ret = error_record("pthread_sigmask", ret);
		goto err_timer;
	}
	loop->signalfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->signalfd < 0) {
		ret = error_record("signalfd", errno);
		goto err_mask;
	}
	loop->timer_watch = (struct loop_watch){loop->timerfd, on_timer, NULL};
	loop->signal_watch = (struct loop_watch){loop->signalfd, on_signal, NULL};
	ret = loop_add(loop, &loop->timer_watch, EPOLLIN);
	if (ret)
		goto err_signal;
	ret = loop_add(loop, &loop->signal_watch, EPOLLIN);
	if (ret)
		goto err_signal;
	return 0;

err_signal:
	close(loop->signalfd);
err_mask:
	pthread_sigmask(SIG_SETMASK, &loop->old_mask, NULL);
err_timer:
	close(loop->timerfd);
err_epoll:
	close(loop->epfd);
	loop->epfd = loop->timerfd = loop->signalfd = -1;
	return ret;
}

void loop_free(struct loop *loop)
{
	if (loop->epfd < 0)
		return;
	close(loop->signalfd);
	close(loop->timerfd);
	close(loop->epfd);
	pthread_sigmask(SIG_SETMASK, &loop->old_mask, NULL);
	loop->epfd = loop->timerfd = loop->signalfd = -1;
}

static int ctl(struct loop *loop, int op, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	if (epoll_ctl(loop->epfd, op, w->fd, &ev))
		return error_record(op == EPOLL_CTL_ADD	  ? "epoll_ctl(ADD)"
				    : op == EPOLL_CTL_MOD ? "epoll_ctl(MOD)"
							  : "epoll_ctl(DEL)",
				    errno);
	return 0;
}

int loop_add(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	return ctl(loop, EPOLL_CTL_ADD, w, events);
}

int loop_modify(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	return ctl(loop, EPOLL_CTL_MOD, w, events);
}

int loop_del(struct loop *loop, struct loop_watch *w)
{
	/* Its events already collected in this round must not reach it. */
	for (int i = loop->next; i < loop->n_ready; i++)
		if (loop->ready[i].data.ptr == w)
			loop->ready[i].data.ptr = NULL;
	return ctl(loop, EPOLL_CTL_DEL, w, 0);
}

void loop_set_timer(struct loop *loop, loop_timer_fn fn, void *arg)
{
	loop->timer_fn = fn;
	loop->timer_arg = arg;
}

/*
 * The timerfd is set only when the deadline comes earlier than it is armed
 * for. A deadline that moves later, or goes, costs no system call: the
 * timerfd goes off at the old time and on_timer re-arms it for the new one
 * or does nothing. The engine's deadlines move later with nearly every
 * packet (a keepalive is due a fixed time after the last one sent), and a
 * timerfd_settime per loop round is a system call per packet.
 */
int loop_set_deadline(struct loop *loop, uint64_t deadline)
{
	if (deadline && (!loop->armed || deadline < loop->armed)) {
		int ret = arm(loop, deadline);

		if (ret)
			return ret;
	}
	loop->deadline = deadline;
	return 0;
}

void loop_stop(struct loop *loop)
{
	loop->stop = true;
}

/*
 * Runs the callbacks of one round's @n events. True when one of them was
 * a watch of the caller's (traffic), not the loop's own timer or signal.
 */
static bool dispatch(struct loop *loop, struct epoll_event *events, int n)
{
	bool traffic = false;

	loop->ready = events;
	loop->n_ready = n;
	for (loop->next = 0; loop->next < n && !loop->stop;) {
		struct epoll_event *ev = &events[loop->next++];
		struct loop_watch *w = ev->data.ptr;

		if (!w) /* removed by an earlier callback of this round */
			continue;
		if (w != &loop->timer_watch && w != &loop->signal_watch)
			traffic = true;
		w->fn(loop, w->fd, ev->events, w->arg);
	}
	loop->n_ready = loop->next = 0;
	return traffic;
}

void loop_set_busy_poll(struct loop *loop, uint64_t ns)
{
	loop->busy_poll_ns = ns;
}

/*
 * Busy polling (loop.h): after a round of traffic, epoll_wait(0) again and
 * again until something is ready or busy_poll_ns have passed without; only
 * then epoll_wait(-1). A lone packet's answer usually comes back within
 * tens of microseconds, and taking it so spares the sleep and the wakeup
 * (the scheduler, and on a VM the halted vCPU's IPI) that can cost more
 * than the polling does. sched_yield() after each empty poll lets any task
 * that is runnable on this CPU go first: polling may only use time nobody
 * else wants. Rounds of the loop's own timer or signal start no polling,
 * so an idle device sleeps as before.
 */
int loop_run(struct loop *loop)
{
	struct epoll_event events[LOOP_EVENTS];
	uint64_t poll_until = 0; /* polling until then; 0: sleep */

	loop->stop = false;
	loop->signal = 0;
	while (!loop->stop) {
		int n = epoll_wait(loop->epfd, events, LOOP_EVENTS, poll_until ? 0 : -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return error_record("epoll_wait", errno);
		}
		if (!n) {
			if (poll_until) {
				loop->stats.polls++;
				if (loop_now() >= poll_until)
					poll_until = 0;
				else
					sched_yield();
			}
			continue;
		}
		if (poll_until)
			loop->stats.poll_hits++;
		else
			loop->stats.wakeups++;
		poll_until = 0;
		if (dispatch(loop, events, n) && loop->busy_poll_ns)
			poll_until = loop_now() + loop->busy_poll_ns;
	}
	return 0;
}
