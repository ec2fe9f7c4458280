/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The connections of the UAPI socket (uapi_server.h owns the socket): each
 * one's requests read, applied and answered by a small state machine, and
 * the rules that keep them bounded and fair to the datapath.
 *
 * - The lock: one connection at a time applies a set or writes a get (the
 *   holder), so each operation is atomic as seen from the UAPI (uapi.h).
 *   Others that have a request ready wait, unread, and are resumed in the
 *   order they began to wait.
 * - Slices: the holder works for at most UAPI_SLICE_NS per round of the
 *   loop; a get is written a slice per EPOLLOUT, a set applied a slice per
 *   round of the kick eventfd, so the datapath runs in between.
 * - Memory: a connection holds at most one line being read (UAPI_LINE_MAX),
 *   one slice of answer, and UAPI_CONN_TEXT_MAX of set text before it
 *   needs the lock (UAPI_TEXT_MAX for all); beyond, it stops reading.
 * - Idle connections: closed after UAPI_IDLE_NS without a byte either way
 *   (a wait for the lock does not count), and the oldest idle one makes
 *   room when all UAPI_CONN_MAX slots are taken, so that management
 *   always gets in.
 *
 * Threads: the loop's thread, which owns the engine.
 */
#ifndef WARREN_DAEMON_UAPI_CONN_H
#define WARREN_DAEMON_UAPI_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/uapi.h"
#include "os/loop.h"

/* Connections served at once; a new one beyond closes the oldest idle one. */
enum { UAPI_CONN_MAX = 64 };

/* A connection without a byte either way this long is closed. */
#define UAPI_IDLE_NS (10ULL * 1000000000ULL)

struct uapi_conn;

struct uapi_conns {
	struct loop *loop;
	struct engine *engine;
	struct engine_output *out;
	const struct uapi_hooks *hooks;
	struct uapi_conn *slot[UAPI_CONN_MAX];
	size_t count;
	struct uapi_conn *holder; /* the connection in an operation, or NULL */
	uint64_t wait_seq;	  /* the order in which connections began to wait */
	size_t text;		  /* set text held by all connections, bytes */
	/* An eventfd, readable while the holder has a slice to do or a
	 * waiter may go on: the loop calls back once per round. */
	struct loop_watch kick;
};

/* Sets up @c (an eventfd on @loop). 0 or -errno. */
int uapi_conns_init(struct uapi_conns *c, struct loop *loop, struct engine *engine,
		    struct engine_output *out, const struct uapi_hooks *hooks);
/* Closes every connection and the eventfd. */
void uapi_conns_free(struct uapi_conns *c);

/*
 * Serves the accepted socket @fd (consumed). When every slot is taken,
 * the connection idle longest (never the holder) is closed for it.
 * 0 or -errno (then @fd is closed).
 */
int uapi_conns_add(struct uapi_conns *c, int fd);

/* Closes the connections idle since before @now - UAPI_IDLE_NS. */
void uapi_conns_expire(struct uapi_conns *c, uint64_t now);

#endif
