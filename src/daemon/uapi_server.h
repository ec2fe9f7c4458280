/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The socket of the cross-platform userspace API (uapi.h has the text):
 * /var/run/wireguard/IFNAME.sock, made and served as wireguard-go's
 * ipc/uapi_linux.go does. Its connections are uapi_conn.h's: each read on
 * the loop, one operation at a time applied in slices, idle ones closed
 * (uapi_conn.h has the rules). The file is watched with inotify:
 * when it is removed or replaced the daemon exits, as wireguard-go does.
 *
 * Threads: everything here runs on the loop's thread, which owns the engine.
 */
#ifndef WARREN_DAEMON_UAPI_SERVER_H
#define WARREN_DAEMON_UAPI_SERVER_H

#include <stdbool.h>

#include "daemon/uapi.h"

struct loop;

struct uapi_server;

/*
 * Creates the socket /var/run/wireguard/@ifname.sock under umask 077, as
 * wireguard-go does: the directory is made if missing; a stale socket file
 * (connect() refused: its daemon died) is replaced; a live one, even one
 * whose backlog is full, gives -EADDRINUSE.
 * Returns the listening descriptor or -errno.
 */
int uapi_listen(const char *ifname);

/*
 * Serves the listening socket @fd (consumed: closed by uapi_server_free)
 * on @loop for @engine. @ifname names the socket file that it watches and
 * removes on free. Returns 0 or -errno.
 */
int uapi_server_new(struct uapi_server **server, struct loop *loop, int fd, const char *ifname,
		    struct engine *engine, struct engine_output *out,
		    const struct uapi_hooks *hooks);

/*
 * True while the socket file still exists and is ours (same inode as when
 * the server started): when false the daemon exits, as wireguard-go does.
 */
bool uapi_server_socket_present(const struct uapi_server *server);

/* The inotify descriptor that fires when the socket file may be gone. */
int uapi_server_watch_fd(const struct uapi_server *server);
/* Drains the inotify descriptor; returns uapi_server_socket_present(). */
bool uapi_server_watch_event(struct uapi_server *server);

/* Closes the connections and the socket, and removes the socket file if it is ours. NULL ok. */
void uapi_server_free(struct uapi_server *server);

#endif
