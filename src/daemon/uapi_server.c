// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's socket (uapi_server.h): /var/run/wireguard/IFNAME.sock, made
 * (replacing a dead daemon's) and accepted on, the timer that closes idle
 * connections, and the inotify watch that tells the daemon when the socket
 * file is gone. The connections themselves are uapi_conn.c's. Behaviour
 * follows wireguard-go's ipc/uapi_linux.go.
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
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"
#include "daemon/uapi_conn.h"
#include "daemon/uapi_server.h"
#include "os/error.h"
#include "os/loop.h"
#include "os/uapi_client.h" /* the socket's path, as the client finds it */

/*
 * Binds @fd to @sun, replacing a stale socket file, one that nobody
 * accepts on (a daemon killed with -9: connect() is refused), as
 * wireguard-go's ipc/uapi_linux.go does; a live one is never taken over
 * (-EADDRINUSE): connect() succeeds, or would wait (EAGAIN, its backlog is
 * full), or fails otherwise. 0 or -errno, recorded.
 */
static int bind_path(int fd, const struct sockaddr_un *sun)
{
	int probe, err;

	if (!bind(fd, (const struct sockaddr *)sun, sizeof(*sun)))
		return 0;
	if (errno != EADDRINUSE)
		return error_record("bind", errno);
	/* Non-blocking: a live daemon with a full backlog must not hang us. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (probe < 0)
		return error_record("socket(AF_UNIX)", errno);
	err = connect(probe, (const struct sockaddr *)sun, sizeof(*sun)) ? errno : 0;
	close(probe);
	if (err != ECONNREFUSED && err != ENOENT)
		return error_record("bind (a live daemon answers on the socket)", EADDRINUSE);
	pr_info("UAPI: replacing the stale socket %s", sun->sun_path);
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

struct uapi_server {
	struct loop *loop;
	struct loop_watch listen_watch;
	struct uapi_conns conns;
	/* Every second while there are connections: the idle ones are closed. */
	struct loop_watch idle_watch;
	bool idle_armed;
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
};

static void idle_arm(struct uapi_server *server, bool on)
{
	struct itimerspec its = {0};

	if (server->idle_armed == on)
		return;
	if (on)
		its.it_value.tv_sec = its.it_interval.tv_sec = 1;
	if (!timerfd_settime(server->idle_watch.fd, 0, &its, NULL))
		server->idle_armed = on;
}

static void idle_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct uapi_server *server = arg;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		pr_error("UAPI: timerfd read: %s", strerror(errno));
	uapi_conns_expire(&server->conns, loop_now());
	if (!server->conns.count)
		idle_arm(server, false);
	(void)loop;
	(void)events;
}

static void listen_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct uapi_server *server = arg;

	for (;;) {
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
		if (!uapi_conns_add(&server->conns, cfd))
			idle_arm(server, true);
	}
	(void)loop;
	(void)events;
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
	server->inotify_fd = -1;
	server->idle_watch.fd = -1;
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
	err = uapi_conns_init(&server->conns, loop, engine, out, hooks);
	if (err)
		goto err_close_inotify;
	server->idle_watch.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (server->idle_watch.fd < 0) {
		err = error_record("timerfd_create", errno);
		goto err_free_conns;
	}
	server->idle_watch.fn = idle_event;
	server->idle_watch.arg = server;
	err = loop_add(loop, &server->idle_watch, EPOLLIN);
	if (err)
		goto err_close_timer;
	server->listen_watch.fd = fd;
	server->listen_watch.fn = listen_event;
	server->listen_watch.arg = server;
	err = loop_add(loop, &server->listen_watch, EPOLLIN);
	if (err)
		goto err_del_timer;
	*serverp = server;
	return 0;

err_del_timer:
	loop_del(loop, &server->idle_watch);
err_close_timer:
	close(server->idle_watch.fd);
err_free_conns:
	uapi_conns_free(&server->conns);
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
	uapi_conns_free(&server->conns);
	loop_del(server->loop, &server->idle_watch);
	close(server->idle_watch.fd);
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
