// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's socket (uapi_server.h): /var/run/wireguard/IFNAME.sock, its
 * connections read and answered on the loop by a small state machine
 * (operation line, set body, get's empty line, closing), and the inotify
 * watch that tells the daemon when the socket file is gone. The text of
 * each operation is left to uapi_set.c and uapi_get.c. Behaviour follows
 * wireguard-go's ipc/uapi_linux.go and device/uapi.go IpcHandle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"
#include "core/secret.h"
#include "daemon/uapi.h"
#include "daemon/uapi_server.h"
#include "os/error.h"
#include "os/loop.h"
#include "os/uapi_client.h" /* the socket's path, as the client finds it */

/*
 * Binds @fd to @sun, replacing a stale socket file (nobody accepts on it)
 * but not a live one (-EADDRINUSE). 0 or -errno, recorded.
 */
static int bind_path(int fd, const struct sockaddr_un *sun)
{
	int probe;

	if (!bind(fd, (const struct sockaddr *)sun, sizeof(*sun)))
		return 0;
	if (errno != EADDRINUSE)
		return error_record("bind", errno);
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return error_record("socket(AF_UNIX)", errno);
	if (!connect(probe, (const struct sockaddr *)sun, sizeof(*sun))) {
		close(probe);
		return error_record("bind", EADDRINUSE);
	}
	close(probe);
	if (unlink(sun->sun_path) && errno != ENOENT)
		return error_record("unlink", errno);
	if (bind(fd, (const struct sockaddr *)sun, sizeof(*sun)))
		return error_record("bind", errno);
	return 0;
}

int uapi_listen(const char *ifname)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	mode_t old_umask;
	int fd, err;

	err = uapi_socket_path(sun.sun_path, sizeof(sun.sun_path), ifname);
	if (err)
		return error_record("socket path", -err);
	if (mkdir("/var/run", 0755) && errno != EEXIST)
		return error_record("mkdir(/var/run)", errno);
	if (mkdir(UAPI_SOCKET_DIR, 0755) && errno != EEXIST)
		return error_record("mkdir(" UAPI_SOCKET_DIR ")", errno);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_record("socket(AF_UNIX)", errno);
	old_umask = umask(0077);
	err = bind_path(fd, &sun);
	umask(old_umask);
	if (err)
		goto err_close;
	if (listen(fd, 128)) {
		err = error_record("listen", errno);
		goto err_unlink;
	}
	return fd;

err_unlink:
	unlink(sun.sun_path);
err_close:
	close(fd);
	return err;
}

enum conn_state {
	CONN_OP,	/* waiting for an operation line */
	CONN_GET_BLANK, /* "get=1" read, the empty line must follow */
	CONN_SET,	/* inside a set */
	CONN_CLOSING,	/* write what is left, then close */
};

struct uapi_conn {
	struct uapi_server *server;
	struct loop_watch watch;
	enum conn_state state;
	bool eof;
	/* The lines of the set being received, each with its '\n'; applied
	 * whole at its end. May hold keys: grown and freed wiped. */
	char *set_text;
	size_t set_len, set_cap;
	bool set_too_big; /* beyond UAPI_SET_MAX: the rest is read and dropped */
	char *in;	  /* UAPI_LINE_MAX + 1 bytes */
	size_t in_len;
	char *outbuf; /* pending answer bytes */
	size_t out_len, out_off;
	uint32_t events; /* what the watch asks for */
	size_t drained;	 /* input discarded after the last answer (CONN_CLOSING) */
};

enum {
	/*
	 * After its last answer a connection is closed only once the client
	 * has stopped sending (or this much more arrived): closing a unix
	 * socket with input unread resets the peer, whose write then fails
	 * before it reads the answer (a client still writing a too-long line).
	 */
	CONN_DRAIN_MAX = 1 << 20,
};

struct uapi_server {
	struct loop *loop;
	struct engine *engine;
	struct engine_output *out;
	const struct uapi_hooks *hooks;
	struct loop_watch listen_watch;
	int inotify_fd;
	/*
	 * An fd held in reserve (/dev/null; -1 if none): at EMFILE/ENFILE it is
	 * given up to accept and close the waiting connection, which otherwise
	 * keeps the listening socket readable and the loop spinning.
	 */
	int spare_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
	bool have_ino;
	struct uapi_conn *conns[UAPI_CONN_MAX];
};

static void set_text_free(struct uapi_conn *conn)
{
	secret_free(conn->set_text, conn->set_len);
	conn->set_text = NULL;
	conn->set_len = conn->set_cap = 0;
	conn->set_too_big = false;
}

static void conn_free(struct uapi_conn *conn)
{
	struct uapi_server *server = conn->server;

	for (int i = 0; i < UAPI_CONN_MAX; i++)
		if (server->conns[i] == conn)
			server->conns[i] = NULL;
	loop_del(server->loop, &conn->watch);
	close(conn->watch.fd);
	if (conn->in)
		secret_wipe(conn->in, UAPI_LINE_MAX + 1);
	free(conn->in);
	set_text_free(conn);
	if (conn->outbuf)
		secret_wipe(conn->outbuf, conn->out_len);
	free(conn->outbuf);
	free(conn);
}

/* Appends @len bytes to the pending answer; false when out of memory. */
static bool conn_queue(struct uapi_conn *conn, const char *s, size_t len)
{
	char *n;

	if (!len)
		return true;
	/* A get answer holds private_key=: grow without leaving unwiped copies. */
	n = secret_realloc(conn->outbuf, conn->out_len, conn->out_len + len);
	if (!n)
		return false;
	memcpy(n + conn->out_len, s, len);
	conn->outbuf = n;
	conn->out_len += len;
	return true;
}

static bool conn_errno(struct uapi_conn *conn, int err)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "errno=%d\n\n", err);

	return conn_queue(conn, line, (size_t)n);
}

static void changed(struct uapi_server *server)
{
	if (server->hooks && server->hooks->changed)
		server->hooks->changed(server->hooks->ctx);
}

/* Adds one line of a set body (and its '\n'); false when out of memory. */
static bool set_text_add(struct uapi_conn *conn, const char *line, size_t len)
{
	char *n;

	if (conn->set_too_big || conn->set_len + len + 1 > UAPI_SET_MAX) {
		set_text_free(conn);
		conn->set_too_big = true;
		return true;
	}
	if (conn->set_len + len + 1 > conn->set_cap) {
		/* Doubling: a long setconf grows in linear time. */
		size_t cap = conn->set_cap ? conn->set_cap * 2 : 4096;

		while (cap < conn->set_len + len + 1)
			cap *= 2;
		n = secret_realloc(conn->set_text, conn->set_len, cap);
		if (!n)
			return false;
		conn->set_text = n;
		conn->set_cap = cap;
	}
	memcpy(conn->set_text + conn->set_len, line, len);
	conn->set_text[conn->set_len + len] = '\n';
	conn->set_len += len + 1;
	return true;
}

/*
 * Applies the set received so far in one go and answers it, with @err
 * (-EIO: a line too long came next) unless the set itself failed first;
 * @more: the connection may send another request.
 */
static bool set_apply(struct uapi_conn *conn, int err, bool more)
{
	struct uapi_server *server = conn->server;
	int ret = -EFBIG;

	if (!conn->set_too_big)
		ret = uapi_set_text(server->engine, server->out, server->hooks, conn->set_text,
				    conn->set_len);
	set_text_free(conn);
	changed(server);
	if (!ret)
		ret = err;
	if (ret)
		pr_error("UAPI: set failed: errno=%d", ret);
	conn->state = !ret && more ? CONN_OP : CONN_CLOSING;
	return conn_errno(conn, ret);
}

/* Handles one complete line (without '\n'); false closes the connection. */
static bool conn_line(struct uapi_conn *conn, const char *line, size_t len)
{
	switch (conn->state) {
	case CONN_OP:
		if (len == 5 && !memcmp(line, "set=1", 5)) {
			conn->state = CONN_SET;
			return true;
		}
		if (len == 5 && !memcmp(line, "get=1", 5)) {
			conn->state = CONN_GET_BLANK;
			return true;
		}
		/* Only the length: the line may be private_key=... sent without set=1. */
		pr_error("UAPI: invalid operation (a line of %zu bytes)", len);
		return false;
	case CONN_SET:
		/* The empty line ends it (bufio.ScanLines drops one '\r'). */
		if (!len || (len == 1 && line[0] == '\r'))
			return set_apply(conn, 0, true);
		return set_text_add(conn, line, len);
	default:
		return false;
	}
}

static bool conn_get(struct uapi_conn *conn)
{
	char *text;
	size_t len;
	bool ok;

	if (uapi_get_text(conn->server->engine, conn->server->hooks, &text, &len))
		return conn_errno(conn, -ENOMEM);
	ok = conn_queue(conn, text, len) && conn_errno(conn, 0);
	secret_wipe(text, len);
	free(text);
	return ok;
}

/* Consumes what is in conn->in; false closes the connection. */
static bool conn_parse(struct uapi_conn *conn)
{
	size_t off = 0;
	bool ok = true;

	while (ok && off < conn->in_len && conn->state != CONN_CLOSING) {
		/* Stop reading while an answer is pending, to bound memory. */
		if (conn->out_len > conn->out_off)
			break;
		if (conn->state == CONN_GET_BLANK) {
			if (conn->in[off] != '\n') {
				/* The byte is consumed; the next operation may follow. */
				off++;
				conn->state = CONN_OP;
				ok = conn_errno(conn, -EINVAL);
				continue;
			}
			off++;
			conn->state = CONN_OP;
			ok = conn_get(conn);
			continue;
		}
		char *nl = memchr(conn->in + off, '\n', conn->in_len - off);

		if (!nl)
			break;
		ok = conn_line(conn, conn->in + off, (size_t)(nl - (conn->in + off)));
		off = (size_t)(nl - conn->in) + 1;
	}
	memmove(conn->in, conn->in + off, conn->in_len - off);
	conn->in_len -= off;
	if (ok && conn->in_len > UAPI_LINE_MAX && conn->state != CONN_CLOSING) {
		/* A line longer than the limit: bufio.Scanner's ErrTooLong. */
		if (conn->state != CONN_SET)
			return false;
		return set_apply(conn, -EIO, false);
	}
	if (ok && conn->eof && conn->state == CONN_SET) {
		/* The input ended inside a set: its last line may lack its '\n'. */
		if (conn->in_len && !set_text_add(conn, conn->in, conn->in_len))
			return false;
		conn->in_len = 0;
		return set_apply(conn, 0, false);
	}
	return ok;
}

/* Writes pending output; false on a write error. */
static bool conn_flush(struct uapi_conn *conn)
{
	while (conn->out_off < conn->out_len) {
		ssize_t n = send(conn->watch.fd, conn->outbuf + conn->out_off,
				 conn->out_len - conn->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			if (errno == EINTR)
				continue;
			return false;
		}
		conn->out_off += (size_t)n;
	}
	secret_wipe(conn->outbuf, conn->out_len);
	free(conn->outbuf);
	conn->outbuf = NULL;
	conn->out_len = conn->out_off = 0;
	return true;
}

static void conn_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct uapi_conn *conn = arg;
	uint32_t want;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		while (!conn->eof && conn->in_len <= UAPI_LINE_MAX &&
		       conn->out_len == conn->out_off) {
			ssize_t n = recv(fd, conn->in + conn->in_len,
					 UAPI_LINE_MAX + 1 - conn->in_len, MSG_DONTWAIT);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					conn->eof = true;
				break;
			}
			if (n == 0)
				conn->eof = true;
			conn->in_len += (size_t)n;
			if (!conn_parse(conn))
				goto close;
			if (conn->state == CONN_CLOSING)
				break;
		}
		if (conn->eof && conn->state != CONN_CLOSING && !conn_parse(conn))
			goto close;
	}
	if (!conn_flush(conn))
		goto close;
	/* An answer written: what is already buffered may hold the next request. */
	while (conn->out_len == 0 && conn->in_len && conn->state != CONN_CLOSING) {
		size_t before = conn->in_len;

		if (!conn_parse(conn))
			goto close;
		if (!conn_flush(conn))
			goto close;
		if (conn->in_len == before)
			break;
	}
	if (conn->out_len == 0 && conn->state == CONN_CLOSING && !conn->eof) {
		char sink[4096];
		ssize_t n;

		/* The answer is out: discard what the client still sends, to its EOF. */
		while ((n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0) {
			conn->drained += (size_t)n;
			if (conn->drained > CONN_DRAIN_MAX)
				goto close;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			goto close;
	} else if (conn->out_len == 0 && (conn->state == CONN_CLOSING || conn->eof)) {
		goto close;
	}
	want = conn->out_len ? EPOLLOUT : EPOLLIN;
	if (want != conn->events) {
		conn->events = want;
		loop_modify(loop, &conn->watch, want);
	}
	return;

close:
	conn_free(conn);
}

static void listen_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct uapi_server *server = arg;

	for (;;) {
		struct uapi_conn *conn;
		int slot = -1;
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (cfd < 0 && (errno == EMFILE || errno == ENFILE) && server->spare_fd >= 0) {
			pr_error("UAPI: out of file descriptors: connection refused");
			close(server->spare_fd);
			cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (cfd >= 0)
				close(cfd);
			server->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (cfd >= 0)
				continue;
		}
		if (cfd < 0)
			return;
		for (int i = 0; i < UAPI_CONN_MAX; i++) {
			if (!server->conns[i]) {
				slot = i;
				break;
			}
		}
		conn = slot >= 0 ? calloc(1, sizeof(*conn)) : NULL;
		if (conn)
			conn->in = malloc(UAPI_LINE_MAX + 1);
		if (!conn || !conn->in) {
			if (conn)
				free(conn);
			close(cfd);
			continue;
		}
		conn->server = server;
		conn->watch.fd = cfd;
		conn->watch.fn = conn_event;
		conn->watch.arg = conn;
		conn->events = EPOLLIN;
		if (loop_add(loop, &conn->watch, EPOLLIN)) {
			free(conn->in);
			free(conn);
			close(cfd);
			continue;
		}
		server->conns[slot] = conn;
	}
}

bool uapi_server_socket_present(const struct uapi_server *server)
{
	struct stat st;

	if (lstat(server->path, &st))
		return false;
	if (!server->have_ino)
		return S_ISSOCK(st.st_mode);
	return st.st_dev == server->dev && st.st_ino == server->ino;
}

int uapi_server_watch_fd(const struct uapi_server *server)
{
	return server->inotify_fd;
}

bool uapi_server_watch_event(struct uapi_server *server)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(server->inotify_fd, buf, sizeof(buf)) > 0)
		;
	return uapi_server_socket_present(server);
}

int uapi_server_new(struct uapi_server **serverp, struct loop *loop, int fd, const char *ifname,
		    struct engine *engine, struct engine_output *out,
		    const struct uapi_hooks *hooks)
{
	struct uapi_server *server;
	struct stat st;
	int err;

	server = calloc(1, sizeof(*server));
	if (!server) {
		err = error_record("calloc", ENOMEM);
		goto err_close_listen;
	}
	server->loop = loop;
	server->engine = engine;
	server->out = out;
	server->hooks = hooks;
	server->inotify_fd = -1;
	err = uapi_socket_path(server->path, sizeof(server->path), ifname);
	if (err) {
		err = error_record("socket path", -err);
		goto err_free_server;
	}
	/* Only a reserve (listen_event): the server runs without one. */
	server->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!lstat(server->path, &st) && S_ISSOCK(st.st_mode)) {
		server->dev = st.st_dev;
		server->ino = st.st_ino;
		server->have_ino = true;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		err = error_record("fcntl(O_NONBLOCK)", errno);
		goto err_close_spare;
	}
	server->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (server->inotify_fd < 0) {
		err = error_record("inotify_init1", errno);
		goto err_close_spare;
	}
	if (inotify_add_watch(server->inotify_fd, server->path,
			      IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
		err = error_record("inotify_add_watch", errno);
		goto err_close_inotify;
	}
	server->listen_watch.fd = fd;
	server->listen_watch.fn = listen_event;
	server->listen_watch.arg = server;
	err = loop_add(loop, &server->listen_watch, EPOLLIN);
	if (err)
		goto err_close_inotify;
	*serverp = server;
	return 0;

err_close_inotify:
	close(server->inotify_fd);
err_close_spare:
	if (server->spare_fd >= 0)
		close(server->spare_fd);
err_free_server:
	free(server);
err_close_listen:
	close(fd);
	return err;
}

void uapi_server_free(struct uapi_server *server)
{
	if (!server)
		return;
	for (int i = 0; i < UAPI_CONN_MAX; i++)
		if (server->conns[i])
			conn_free(server->conns[i]);
	loop_del(server->loop, &server->listen_watch);
	close(server->listen_watch.fd);
	if (server->inotify_fd >= 0)
		close(server->inotify_fd);
	if (server->spare_fd >= 0)
		close(server->spare_fd);
	if (uapi_server_socket_present(server))
		unlink(server->path);
	free(server);
}
