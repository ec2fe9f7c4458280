// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's connections (uapi_conn.h): each one read and answered on the
 * loop by a small state machine (operation line, set, get's empty line,
 * get being written, closing), one operation at a time under the lock,
 * in slices. The text of each operation is uapi_set.c's and uapi_get.c's.
 * Behaviour follows wireguard-go's ipc/uapi_linux.go and device/uapi.go
 * IpcHandle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/secret.h"
#include "daemon/uapi_conn.h"
#include "os/error.h"

enum conn_state {
	CONN_OP,	/* waiting for an operation line */
	CONN_GET_BLANK, /* "get=1" read, the empty line must follow */
	CONN_GET,	/* writing a get's reply, a slice at a time (holds the lock) */
	CONN_SET,	/* inside a set: its lines queued, applied by the holder */
	CONN_CLOSING,	/* write what is left, then close */
};

enum {
	/*
	 * After its last answer a connection is closed only once the client
	 * has stopped sending (or this much more arrived): closing a unix
	 * socket with input unread resets the peer, whose write then fails
	 * before it reads the answer (a client still writing a too-long line).
	 */
	CONN_DRAIN_MAX = 1 << 20,
	/* A get is written this much at a time (about 200 peers). */
	GET_SLICE = 64 << 10,
	/* An answer buffer bigger than this is freed once written, else kept. */
	OUT_KEEP = 256 << 10,
};

struct uapi_conn {
	struct uapi_conns *conns;
	struct loop_watch watch;
	bool watched;	 /* in the loop (not while waiting for the lock) */
	uint32_t events; /* what the watch asks for */
	enum conn_state state;
	bool eof;
	uint64_t wait_seq;    /* nonzero: waiting for the lock, in this order */
	uint64_t last_active; /* loop_now() of the last byte either way */
	char *in;	      /* UAPI_LINE_MAX + 1 bytes */
	size_t in_len;
	struct uapi_buf out; /* pending answer bytes, [out_off, out.len) unsent */
	size_t out_off;
	size_t drained; /* input discarded after the last answer (CONN_CLOSING) */

	/* CONN_SET: lines queued (each with its '\n'), [text_off, text.len) not yet applied. */
	struct uapi_set set;
	struct uapi_buf text;
	size_t text_off;
	uint64_t set_bytes; /* the set's length so far (UAPI_SET_MAX) */
	bool set_started;   /* uapi_set_begin done: applying */
	bool sliced;	    /* a slice was applied this round */
	bool set_ended;	    /* its empty line, its end of input or an error came */
	bool set_last;	    /* close after the answer (end of input, -EIO, -EFBIG) */
	int set_err;	    /* the error that ended it, answered once it is applied */

	/* CONN_GET */
	struct uapi_get get;
};

static bool out_pending(const struct uapi_conn *conn)
{
	return conn->out.len > conn->out_off;
}

static void kick(struct uapi_conns *c)
{
	uint64_t one = 1;

	if (write(c->kick.fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_error("UAPI: eventfd write: %s", strerror(errno));
}

static void changed(struct uapi_conns *c)
{
	if (c->hooks && c->hooks->changed)
		c->hooks->changed(c->hooks->ctx);
}

/* True when @conn holds the lock, or takes it; else it waits in line. */
static bool lock_take(struct uapi_conn *conn)
{
	struct uapi_conns *c = conn->conns;

	if (c->holder == conn)
		return true;
	if (!c->holder) {
		c->holder = conn;
		conn->wait_seq = 0;
		return true;
	}
	if (!conn->wait_seq)
		conn->wait_seq = ++c->wait_seq;
	return false;
}

/* Frees the lock; the next waiter goes on at the kick. */
static void lock_release(struct uapi_conn *conn)
{
	if (conn->conns->holder != conn)
		return;
	conn->conns->holder = NULL;
	kick(conn->conns);
}

static void watch(struct uapi_conn *conn, uint32_t want)
{
	struct loop *loop = conn->conns->loop;

	if (!conn->watched) {
		if (!loop_add(loop, &conn->watch, want))
			conn->watched = true;
	} else if (want != conn->events) {
		loop_modify(loop, &conn->watch, want);
	}
	conn->events = want;
}

static void unwatch(struct uapi_conn *conn)
{
	if (conn->watched)
		loop_del(conn->conns->loop, &conn->watch);
	conn->watched = false;
}

static void text_free(struct uapi_conn *conn)
{
	conn->conns->text -= conn->text.len;
	uapi_buf_free(&conn->text);
	conn->text_off = 0;
}

static void conn_free(struct uapi_conn *conn)
{
	struct uapi_conns *c = conn->conns;

	for (int i = 0; i < UAPI_CONN_MAX; i++) {
		if (c->slot[i] == conn) {
			c->slot[i] = NULL;
			c->count--;
		}
	}
	if (c->holder == conn && conn->state == CONN_SET && conn->set_started) {
		/* Cut off inside a set: what was applied stays, as in wireguard-go. */
		uapi_set_end(&conn->set);
		changed(c);
	}
	lock_release(conn);
	unwatch(conn);
	close(conn->watch.fd);
	if (conn->in)
		secret_wipe(conn->in, UAPI_LINE_MAX + 1);
	free(conn->in);
	text_free(conn);
	uapi_buf_free(&conn->out);
	free(conn);
}

static void conn_errno(struct uapi_conn *conn, int err)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "errno=%d\n\n", err);

	uapi_buf_add(&conn->out, line, (size_t)n);
}

/* ---- set ---- */

/* Answers the set, whose lines are all applied, and ends it. */
static void set_finish(struct uapi_conn *conn, int err, bool by_line)
{
	/* uapi_set_line finishes the operation itself when a line fails. */
	if (!by_line)
		uapi_set_end(&conn->set);
	changed(conn->conns);
	text_free(conn);
	if (err)
		pr_error("UAPI: set failed: errno=%d", err);
	conn_errno(conn, err);
	conn->state = !err && !conn->set_last ? CONN_OP : CONN_CLOSING;
	conn->set_started = false;
	lock_release(conn);
}

/*
 * Applies the queued lines of the holder's set for at most UAPI_SLICE_NS.
 * Returns 1 when some are left for the next round, else 0.
 */
static int set_slice(struct uapi_conn *conn)
{
	struct uapi_conns *c = conn->conns;
	uint64_t deadline = loop_now() + UAPI_SLICE_NS;
	unsigned int n = 0;
	int ret = 0;

	if (!conn->set_started) {
		uapi_set_begin(&conn->set, c->engine, c->out, c->hooks);
		conn->set_started = true;
	}
	while (conn->text_off < conn->text.len) {
		char *line = conn->text.s + conn->text_off;
		char *nl = memchr(line, '\n', conn->text.len - conn->text_off);
		size_t len = (size_t)(nl - line);

		ret = uapi_set_line(&conn->set, line, len);
		if (ret != UAPI_SET_AGAIN)
			conn->text_off += len + 1;
		if (ret < 0 || ret == 1)
			break;
		if ((ret == UAPI_SET_AGAIN || !(++n % 16)) && loop_now() >= deadline)
			break;
	}
	if (ret < 0 || ret == 1) {
		set_finish(conn, ret < 0 ? ret : 0, true);
		return 0;
	}
	changed(c);
	if (conn->text_off < conn->text.len)
		return 1;
	/* All applied: the buffer is kept for the next lines. */
	c->text -= conn->text.len;
	secret_wipe(conn->text.s, conn->text.len);
	conn->text.len = conn->text_off = 0;
	if (conn->set_ended)
		set_finish(conn, conn->set_err, false);
	return 0;
}

/* Queues one line of a set; false when there is no room for it now. */
static bool set_queue(struct uapi_conn *conn, const char *line, size_t len)
{
	struct uapi_conns *c = conn->conns;
	size_t n = len + 1;

	/* The holder's own cap only: the others wait for it, not it for them. */
	if (conn->text.len + n > UAPI_CONN_TEXT_MAX ||
	    (c->holder != conn && c->text + n > UAPI_TEXT_MAX))
		return false;
	if (!uapi_buf_add(&conn->text, line, len) || !uapi_buf_add(&conn->text, "\n", 1))
		return false;
	c->text += n;
	return true;
}

/* ---- reading requests ---- */

/*
 * Handles one complete line (without '\n'). Returns 0 when it was taken,
 * 1 when it must wait (no room for a set's line), -1 to close.
 */
static int conn_line(struct uapi_conn *conn, const char *line, size_t len)
{
	switch (conn->state) {
	case CONN_OP:
		if (len == 5 && !memcmp(line, "set=1", 5)) {
			conn->state = CONN_SET;
			conn->set_bytes = 0;
			conn->set_ended = conn->set_last = false;
			conn->set_err = 0;
			return 0;
		}
		if (len == 5 && !memcmp(line, "get=1", 5)) {
			conn->state = CONN_GET_BLANK;
			return 0;
		}
		/* Only the length: the line may be private_key=... sent without set=1. */
		pr_error("UAPI: invalid operation (a line of %zu bytes)", len);
		return -1;
	case CONN_SET:
		/* The empty line ends it (bufio.ScanLines drops one '\r'). */
		if (!len || (len == 1 && line[0] == '\r')) {
			conn->set_ended = true;
			return 0;
		}
		if (conn->set_bytes + len + 1 > UAPI_SET_MAX) {
			conn->set_ended = conn->set_last = true;
			conn->set_err = -EFBIG;
			return 0;
		}
		if (!set_queue(conn, line, len))
			return conn->text.failed ? -1 : 1; /* out of memory: closed */
		conn->set_bytes += len + 1;
		return 0;
	default:
		return -1;
	}
}

/*
 * Consumes what is in conn->in and, for the holder of a set, applies a
 * slice. Returns -1 to close, 1 when a slice is left for the next round,
 * 0 otherwise (conn->wait_seq set when it waits for the lock).
 */
static int conn_parse(struct uapi_conn *conn)
{
	struct uapi_conns *c = conn->conns;
	bool full = false;
	size_t off = 0;
	int r;

	while (off < conn->in_len && !out_pending(conn) && !conn->wait_seq) {
		if (conn->state == CONN_GET_BLANK) {
			if (conn->in[off] != '\n') {
				/* The byte is consumed; the next operation may follow. */
				off++;
				conn->state = CONN_OP;
				conn_errno(conn, -EINVAL);
				continue;
			}
			if (!lock_take(conn))
				break;
			off++;
			conn->state = CONN_GET;
			uapi_get_begin(&conn->get, c->engine, c->hooks);
			break;
		}
		if (conn->state != CONN_OP && (conn->state != CONN_SET || conn->set_ended))
			break;
		char *nl = memchr(conn->in + off, '\n', conn->in_len - off);

		if (!nl)
			break;
		r = conn_line(conn, conn->in + off, (size_t)(nl - (conn->in + off)));
		if (r < 0)
			return -1;
		if (r > 0) {
			full = true;
			break;
		}
		off = (size_t)(nl - conn->in) + 1;
	}
	memmove(conn->in, conn->in + off, conn->in_len - off);
	conn->in_len -= off;
	if (conn->in_len > UAPI_LINE_MAX && !memchr(conn->in, '\n', conn->in_len)) {
		/* A line longer than the limit: bufio.Scanner's ErrTooLong. */
		if (conn->state != CONN_SET)
			return -1;
		if (!conn->set_ended) {
			conn->set_ended = conn->set_last = true;
			conn->set_err = -EIO;
			conn->in_len = 0;
		}
	}
	if (conn->eof && conn->state == CONN_SET && !conn->set_ended && !full &&
	    !memchr(conn->in, '\n', conn->in_len)) {
		/* The input ended inside a set: its last line may lack its '\n'. */
		r = conn->in_len ? conn_line(conn, conn->in, conn->in_len) : 0;
		if (r > 0) {
			full = true;
		} else {
			conn->in_len = 0;
			conn->set_ended = conn->set_last = true;
		}
	}
	if (conn->state != CONN_SET || conn->wait_seq)
		return 0;
	if (!conn->set_ended && !full && c->holder != conn)
		return 0; /* still arriving, held by this connection alone */
	if (!lock_take(conn))
		return 0;
	if (conn->text_off == conn->text.len && !conn->set_ended)
		return 0; /* all applied: read on */
	if (conn->sliced)
		return 1; /* one slice a round */
	conn->sliced = true;
	return set_slice(conn);
}

/* Writes pending output; false on a write error. */
static bool conn_flush(struct uapi_conn *conn)
{
	if (conn->out.failed)
		return false;
	while (out_pending(conn)) {
		ssize_t n = send(conn->watch.fd, conn->out.s + conn->out_off,
				 conn->out.len - conn->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			if (errno == EINTR)
				continue;
			return false;
		}
		conn->out_off += (size_t)n;
		conn->last_active = loop_now();
	}
	if (conn->out.cap > OUT_KEEP) {
		uapi_buf_free(&conn->out);
	} else if (conn->out.len) {
		secret_wipe(conn->out.s, conn->out.len);
		conn->out.len = 0;
	}
	conn->out_off = 0;
	return true;
}

/* The next slice of a get's reply; false to close. */
static bool get_slice(struct uapi_conn *conn)
{
	int r = uapi_get_next(&conn->get, &conn->out, GET_SLICE);

	if (r < 0)
		return false;
	if (r == 1) {
		conn_errno(conn, 0);
		conn->state = CONN_OP;
		lock_release(conn);
	}
	return true;
}

/* After the last answer: discard what the client still sends; false to close. */
static bool conn_drain(struct uapi_conn *conn)
{
	char sink[4096];
	ssize_t n;

	if (conn->eof)
		return false;
	while ((n = recv(conn->watch.fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0) {
		conn->drained += (size_t)n;
		if (conn->drained > CONN_DRAIN_MAX)
			return false;
	}
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
}

/* Reads, answers and applies what it can this round. */
static void conn_run(struct uapi_conn *conn)
{
	bool more = false, got_get = false;
	uint32_t want;

	conn->sliced = false;
	for (;;) {
		if (!conn_flush(conn))
			goto close;
		if (out_pending(conn))
			break;
		if (conn->state == CONN_GET) {
			/* One slice a round: the next when the socket takes more. */
			if (got_get)
				break;
			got_get = true;
			if (!get_slice(conn))
				goto close;
			continue;
		}
		if (conn->state == CONN_CLOSING)
			break;
		int r = conn_parse(conn);

		if (r < 0)
			goto close;
		if (r > 0) {
			more = true;
			break;
		}
		if (conn->wait_seq)
			break;
		if (out_pending(conn) || conn->state == CONN_GET)
			continue;
		if (conn->eof || conn->in_len > UAPI_LINE_MAX)
			break;
		ssize_t n = recv(conn->watch.fd, conn->in + conn->in_len,
				 UAPI_LINE_MAX + 1 - conn->in_len, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			n = 0;
		}
		if (n == 0)
			conn->eof = true;
		conn->in_len += (size_t)n;
		conn->last_active = loop_now();
	}
	if (more)
		kick(conn->conns);
	if (conn->wait_seq) {
		/* Unread until its turn (uapi_conns kick): no events meanwhile. */
		unwatch(conn);
		return;
	}
	if (!out_pending(conn) && conn->state == CONN_CLOSING && !conn_drain(conn))
		goto close;
	if (!out_pending(conn) && conn->eof &&
	    (conn->state == CONN_OP || conn->state == CONN_GET_BLANK))
		goto close;
	if (out_pending(conn) || conn->state == CONN_GET)
		want = EPOLLOUT;
	else
		want = conn->eof ? 0 : EPOLLIN;
	watch(conn, want);
	return;

close:
	conn_free(conn);
}

static void conn_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	conn_run(arg);
	(void)loop;
	(void)fd;
	(void)events;
}

static struct uapi_conn *first_waiter(const struct uapi_conns *c)
{
	struct uapi_conn *best = NULL;

	for (int i = 0; i < UAPI_CONN_MAX; i++) {
		struct uapi_conn *conn = c->slot[i];

		if (conn && conn->wait_seq && (!best || conn->wait_seq < best->wait_seq))
			best = conn;
	}
	return best;
}

/* Once a round while there is work: the holder's next slice, or the next in line. */
static void kick_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct uapi_conns *c = arg;
	struct uapi_conn *next;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		pr_error("UAPI: eventfd read: %s", strerror(errno));
	if (c->holder)
		conn_run(c->holder);
	while (!c->holder && (next = first_waiter(c))) {
		next->wait_seq = 0;
		next->last_active = loop_now();
		conn_run(next);
	}
	(void)loop;
	(void)events;
}

int uapi_conns_init(struct uapi_conns *c, struct loop *loop, struct engine *engine,
		    struct engine_output *out, const struct uapi_hooks *hooks)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->engine = engine;
	c->out = out;
	c->hooks = hooks;
	c->kick.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->kick.fd < 0)
		return error_record("eventfd", errno);
	c->kick.fn = kick_event;
	c->kick.arg = c;
	err = loop_add(loop, &c->kick, EPOLLIN);
	if (err) {
		close(c->kick.fd);
		c->kick.fd = -1;
	}
	return err;
}

void uapi_conns_free(struct uapi_conns *c)
{
	for (int i = 0; i < UAPI_CONN_MAX; i++)
		if (c->slot[i])
			conn_free(c->slot[i]);
	if (c->kick.fd >= 0) {
		loop_del(c->loop, &c->kick);
		close(c->kick.fd);
		c->kick.fd = -1;
	}
}

/* The slot of the connection to close for a new one: idle longest, never the holder. */
static int victim(const struct uapi_conns *c)
{
	int best = -1;
	bool best_idle = false;

	for (int i = 0; i < UAPI_CONN_MAX; i++) {
		const struct uapi_conn *conn = c->slot[i];
		bool idle;

		if (!conn || conn == c->holder)
			continue;
		/* Between requests, nothing half read or unsent: idle. */
		idle = conn->state == CONN_OP && !conn->in_len && !out_pending(conn) &&
		       !conn->wait_seq;
		if (best < 0 || (idle && !best_idle) ||
		    (idle == best_idle && conn->last_active < c->slot[best]->last_active)) {
			best = i;
			best_idle = idle;
		}
	}
	return best;
}

int uapi_conns_add(struct uapi_conns *c, int fd)
{
	struct uapi_conn *conn;
	int slot = -1;

	if (c->count == UAPI_CONN_MAX) {
		int v = victim(c);

		if (v < 0) {
			close(fd);
			return -EBUSY;
		}
		pr_debug("UAPI: %d connections: the one idle longest is closed for a new one",
			 UAPI_CONN_MAX);
		conn_free(c->slot[v]);
	}
	for (int i = 0; i < UAPI_CONN_MAX && slot < 0; i++)
		if (!c->slot[i])
			slot = i;
	conn = calloc(1, sizeof(*conn));
	if (conn)
		conn->in = malloc(UAPI_LINE_MAX + 1);
	if (slot < 0 || !conn || !conn->in) {
		if (conn)
			free(conn->in);
		free(conn);
		close(fd);
		return -ENOMEM;
	}
	conn->conns = c;
	conn->watch.fd = fd;
	conn->watch.fn = conn_event;
	conn->watch.arg = conn;
	conn->last_active = loop_now();
	watch(conn, EPOLLIN);
	if (!conn->watched) {
		free(conn->in);
		free(conn);
		close(fd);
		return -ENOMEM;
	}
	c->slot[slot] = conn;
	c->count++;
	return 0;
}

void uapi_conns_expire(struct uapi_conns *c, uint64_t now)
{
	for (int i = 0; i < UAPI_CONN_MAX; i++) {
		struct uapi_conn *conn = c->slot[i];

		/* Waiting for the lock is not the client's idleness. */
		if (conn && !conn->wait_seq && now - conn->last_active > UAPI_IDLE_NS) {
			pr_debug("UAPI: a connection idle for %llu s is closed",
				 (unsigned long long)(UAPI_IDLE_NS / 1000000000ULL));
			conn_free(conn);
		}
	}
}
