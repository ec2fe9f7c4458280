/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's event loop: epoll over file descriptors, one deadline on a
 * timerfd (the engine says when it next needs to run), and SIGINT/SIGTERM
 * through a signalfd, which stop the loop.
 *
 * Time is CLOCK_MONOTONIC in nanoseconds (loop_now()), the clock the engine
 * is driven with.
 *
 * Busy polling: after a round that had traffic (an event on one of the
 * caller's watches; the loop's own timer and signal do not count) the loop
 * polls without sleeping for up to busy_poll_ns before it sleeps again, so
 * that the answer to a lone packet is taken without a wakeup; each empty
 * poll yields the CPU to whatever else is runnable. An idle loop never
 * polls. The window is LOOP_BUSY_POLL_NS (off) unless the environment's
 * WARREN_BUSY_POLL_US says otherwise; docs/benchmarks.md has what it
 * costs and gains.
 */
#ifndef WARREN_OS_LOOP_H
#define WARREN_OS_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct epoll_event;

enum {
	LOOP_BUSY_POLL_NS = 0, /* off: docs/benchmarks.md, "Latency" */
	LOOP_BUSY_POLL_MAX_US = 10000,
};

struct loop;

/* Called with the epoll events (EPOLLIN, ...) that are ready on @fd. */
typedef void (*loop_fd_fn)(struct loop *loop, int fd, uint32_t events, void *arg);
/* Called once when the deadline passes; it is then cleared. */
typedef void (*loop_timer_fn)(struct loop *loop, uint64_t now, void *arg);

/* A registration; the caller owns it and keeps it alive while added. */
struct loop_watch {
	int fd;
	loop_fd_fn fn;
	void *arg;
};

struct loop {
	int epfd;
	int timerfd;
	int signalfd;
	struct loop_watch timer_watch, signal_watch;
	loop_timer_fn timer_fn;
	void *timer_arg;
	uint64_t deadline;     /* 0 = none */
	uint64_t armed;	       /* when the timerfd goes off; 0 = disarmed */
	uint64_t busy_poll_ns; /* 0: never */
	struct {
		uint64_t wakeups;   /* rounds after a sleep in epoll_wait */
		uint64_t poll_hits; /* rounds found by busy polling, no sleep */
		uint64_t polls;	    /* busy polls that found nothing */
	} stats;
	bool stop;
	int signal; /* the signal that stopped the loop, or 0 */
	sigset_t old_mask;
	/* The round being dispatched: events [next, n_ready) are still to come;
	 * loop_del clears the ones of the watch it removes. */
	struct epoll_event *ready;
	int n_ready, next;
};

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t loop_now(void);

/*
 * Sets up @loop. Blocks SIGINT and SIGTERM in the calling thread (call it
 * before starting threads, which inherit the mask) and delivers them through
 * the loop; loop_free restores the previous mask. Returns 0 or -errno
 * (-EINVAL for a WARREN_BUSY_POLL_US that is not 0-LOOP_BUSY_POLL_MAX_US).
 */
int loop_init(struct loop *loop);
void loop_free(struct loop *loop);

/*
 * Watches @w->fd for @events (EPOLLIN, EPOLLOUT, ...). 0 or -errno.
 * loop_del stops the watch at once, also for events of the current round
 * that are not yet dispatched, so a callback may remove (and free) any
 * watch, its own or another's, and close its fd.
 */
int loop_add(struct loop *loop, struct loop_watch *w, uint32_t events);
int loop_modify(struct loop *loop, struct loop_watch *w, uint32_t events);
int loop_del(struct loop *loop, struct loop_watch *w);

/* The function called when the deadline passes. */
void loop_set_timer(struct loop *loop, loop_timer_fn fn, void *arg);

/*
 * Arms the deadline at @deadline (loop_now() scale; a time already past
 * fires at once), replacing any earlier one; 0 disarms it. 0 or -errno.
 * Only a deadline earlier than the timerfd's makes a system call.
 */
int loop_set_deadline(struct loop *loop, uint64_t deadline);

/* Sets the busy-polling window (ns; 0: never poll), replacing the default. */
void loop_set_busy_poll(struct loop *loop, uint64_t ns);

/* Makes loop_run return after the current callback. */
void loop_stop(struct loop *loop);

/*
 * Dispatches events until loop_stop or SIGINT/SIGTERM (then loop->signal
 * says which). Returns 0, or -errno when epoll_wait fails.
 */
int loop_run(struct loop *loop);

#endif
