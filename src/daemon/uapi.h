/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cross-platform userspace API (wireguard.com/xplatform): the unix
 * socket /var/run/wireguard/IFNAME.sock that `wg` and `wg-quick` talk to,
 * and the text protocol on it, `get=1` and `set=1`, answered as
 * wireguard-go answers (device/uapi.go):
 *
 * - a request is one operation line, "get=1\n" followed by an empty line,
 *   or "set=1\n" followed by key=value lines and an empty line;
 * - every answer ends with "errno=N\n\n", N = 0 or a negative errno:
 *   -EINVAL for a bad key or value, -EPROTO for a line without '=',
 *   -EADDRINUSE when the port cannot be bound or the mark set, -EIO for a
 *   line longer than UAPI_LINE_MAX;
 * - get adds, beyond wireguard-go's keys, the engine's nonzero drop
 *   counters as drop_<reason>=N (engine_drop_name), device-wide before the
 *   first peer and per peer after its allowed_ip lines, and device-wide the
 *   daemon's own (TUN, offload and socket drops: uapi_hooks.counters); wg
 *   ignores keys it does not know, `warren show` prints them;
 * - a set stops at its first error (what came before it stays applied) and
 *   the connection is closed after the answer; an unknown operation closes
 *   the connection without an answer;
 * - each operation is atomic as seen from the UAPI, as wireguard-go's under
 *   its ipcMutex: no other connection's set or get runs while a set is
 *   applied or a get written, so none sees half of a set or removes a peer
 *   it is configuring. The server applies a set, and writes a get, in
 *   slices of about UAPI_SLICE_NS between the datapath's rounds, so that
 *   a set of 100k peers or a get of them never stops the traffic (docs/
 *   uapi.md). A set is held until its empty line while it is short (up to
 *   UAPI_CONN_TEXT_MAX bytes, UAPI_TEXT_MAX for all connections), so that
 *   a set arriving in pieces holds nobody back; a longer one is applied as
 *   it arrives, holding the others back until it ends. A set of more than
 *   UAPI_SET_MAX bytes is cut off there with -EFBIG (what came before it
 *   stays applied, as with any error).
 *
 * This header is the text protocol, apart from the socket that carries it
 * (uapi_server.h), as wireguard-tools keeps ipc-uapi.h apart from
 * ipc-uapi-unix.h: the fuzzer and the unit tests drive set and get on a
 * bare engine. uapi_set.c applies a set, uapi_get.c writes a get.
 *
 * Threads: everything here runs on the thread that owns the engine (the
 * daemon's loop thread).
 */
#ifndef WARREN_DAEMON_UAPI_H
#define WARREN_DAEMON_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

enum {
	/* Longest line, as wireguard-go's bufio.Scanner (64 KiB with its newline). */
	UAPI_LINE_MAX = 65535,
	/* A set's text held by one connection before it is applied (~8k peers of setconf). */
	UAPI_CONN_TEXT_MAX = 1 << 20,
	/* The same for all connections together. */
	UAPI_TEXT_MAX = 16 << 20,
};

/* Longest set (~4M peers of `wg setconf`); wireguard-go has no limit. */
#define UAPI_SET_MAX (512ULL << 20)
/* How long one slice of a set or get may run before the datapath's turn. */
#define UAPI_SLICE_NS 1000000ULL
/* uapi_set_line(): call again with the same line (a slice of it is done). */
#define UAPI_SET_AGAIN 2

/*
 * What the engine only stores and the device must apply, and what it must
 * do after a change. Any hook may be NULL (a bare engine: the fuzzer).
 */
struct uapi_hooks {
	/* Rebinds the UDP socket to @port (0: any); 0 or -errno. */
	int (*set_listen_port)(void *ctx, uint16_t port);
	/* Sets SO_MARK (0 clears); 0 or -errno. */
	int (*set_fwmark)(void *ctx, uint32_t fwmark);
	/* The current time for the engine. */
	struct engine_time (*now)(void *ctx);
	/* Called after each request: send what the engine queued, re-arm timers. */
	void (*changed)(void *ctx);
	/*
	 * The device's own counters, beside the engine's, for get: calls
	 * @emit once per nonzero counter with its key (drop_<reason> for a
	 * drop) and value. May be NULL.
	 */
	void (*counters)(void *ctx, void (*emit)(void *arg, const char *key, uint64_t n),
			 void *arg);
	void *ctx;
};

/* The state of one set operation, fed one line at a time. */
struct uapi_set {
	struct engine *engine;
	struct engine_output *out;
	const struct uapi_hooks *hooks;
	struct peer *peer;  /* the peer being configured; NULL when none or dummy */
	bool in_peers;	    /* a public_key line was seen */
	bool dummy;	    /* lines are checked but not applied */
	bool created;	    /* the peer was created by this operation */
	bool keepalive_on;  /* persistent keepalive turned on: send one at the end */
	uint16_t keepalive; /* the interval to apply at the end */
};

/*
 * Starts a set operation on @engine. Keepalives and handshakes that the
 * changes cause are appended to @out.
 */
void uapi_set_begin(struct uapi_set *set, struct engine *engine, struct engine_output *out,
		    const struct uapi_hooks *hooks);

/*
 * Applies one line (@len bytes, without its '\n'; it need not be
 * NUL-terminated and may hold any byte). Returns 1 when @line is the empty
 * line that ends the operation (the operation is then finished), 0 when it
 * was applied, UAPI_SET_AGAIN when part of it was (replace_peers removes
 * peers a slice at a time: call again with the same line), or a negative
 * errno as wireguard-go's (the operation is then finished too, with what
 * came before applied).
 */
int uapi_set_line(struct uapi_set *set, const char *line, size_t len);

/* Finishes an operation that ended without its empty line (end of input). */
void uapi_set_end(struct uapi_set *set);

/*
 * Applies a whole set request body (lines after "set=1\n") and returns what
 * its errno= line says: 0 or a negative errno. For tests and the fuzzer.
 */
int uapi_set_text(struct engine *engine, struct engine_output *out, const struct uapi_hooks *hooks,
		  const char *text, size_t len);

/*
 * A text that may hold keys: grown by secret_realloc (no unwiped copy),
 * NUL-terminated, freed wiped by uapi_buf_free. Zeroed is empty.
 */
struct uapi_buf {
	char *s;
	size_t len, cap;
	bool failed; /* out of memory: the text is incomplete */
};

/* Appends @len bytes; false (and failed) when out of memory. */
bool uapi_buf_add(struct uapi_buf *buf, const char *s, size_t len);
/* Wipes and frees; the buffer is empty again. */
void uapi_buf_free(struct uapi_buf *buf);

/*
 * A get operation written a part at a time: the device's lines, then its
 * peers in order. The caller keeps every set out until the reply is
 * complete (the server's lock), so the peer it stopped at stays valid.
 */
struct uapi_get {
	const struct engine *engine;
	const struct uapi_hooks *hooks;
	const struct peer *next; /* the next peer to write */
	bool started;		 /* the device's lines are written */
};

void uapi_get_begin(struct uapi_get *get, const struct engine *engine,
		    const struct uapi_hooks *hooks);

/*
 * Appends the next part of the reply (without the final "errno=0\n\n") to
 * @buf: the device's lines first, then whole peers until @buf holds @max
 * bytes or more. Returns 1 when the reply is complete, 0 when more is to
 * come, -ENOMEM.
 */
int uapi_get_next(struct uapi_get *get, struct uapi_buf *buf, size_t max);

/*
 * Writes the get reply of @engine (without the final "errno=0\n\n") into a
 * new NUL-terminated string in *@text (the caller frees it), its length in
 * *@len, with the device's counters from @hooks (may be NULL) after the
 * engine's. 0 or -ENOMEM.
 */
int uapi_get_text(const struct engine *engine, const struct uapi_hooks *hooks, char **text,
		  size_t *len);

#endif
