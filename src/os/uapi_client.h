/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The client side of a userspace WireGuard daemon's control socket,
 * /var/run/wireguard/IFNAME.sock (wireguard-go, warrend): one connection per
 * request, as wg does. The text is core/uapi_text.h's.
 */
#ifndef WARREN_OS_UAPI_CLIENT_H
#define WARREN_OS_UAPI_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/uapi_text.h"

#define UAPI_SOCKET_DIR "/var/run/wireguard"

/* Writes "/var/run/wireguard/@ifname.sock" into @path. Returns 0 or -ENAMETOOLONG. */
int uapi_socket_path(char *path, size_t len, const char *ifname);

/*
 * Connects to @ifname's socket. Returns the connected fd (the caller closes
 * it) or -errno: -ENOENT without a socket, -ECONNREFUSED for a stale one.
 */
int uapi_connect(const char *ifname);

/*
 * From now on, a request of this process gives up within 100 ms once
 * *@flag is non-zero (set by a signal handler): uapi_set() and uapi_get()
 * return -EINTR, and the daemon sees the connection close. NULL: requests
 * run to their end (the default).
 */
void uapi_client_set_interrupt(volatile sig_atomic_t *flag);

/* True when @ifname's socket accepts a connection. */
bool uapi_alive(const char *ifname);

/*
 * A pidfd (pidfd_open(2)) for the daemon that serves @ifname's socket, so
 * that its exit can be awaited with poll(2) without racing a reused pid.
 * The daemon is the process holding the listening socket (its inode in
 * /proc/net/unix, found among /proc/PID/fd): the socket's peer credentials
 * name the process that called listen(), and both warrend and wireguard-go
 * listen before they fork. Returns the fd (the caller closes it) or -errno:
 * -ENOENT when no process could be found (not root: other users' fds are
 * not readable).
 */
int uapi_daemon_pidfd(const char *ifname);

/*
 * Sends the `set=1' request @req (@len bytes, ending with its empty line)
 * and returns the daemon's answer: 0, or -errno from its errno= line;
 * -EPROTO for a malformed answer; other -errno from the socket.
 */
int uapi_set(const char *ifname, const char *req, size_t len);

/* Reads the device's state with `get=1' into @dev (uapi_text_parse_get()). */
int uapi_get(const char *ifname, struct uapi_device *dev);

/*
 * Lists the interfaces with a socket in /var/run/wireguard in the
 * directory's order, as wg lists them: stale sockets (connection refused)
 * are removed, and those this user may not connect to are listed. *@names is an
 * array of *@n strings the caller frees with uapi_list_free(). Returns 0 or
 * -errno; a missing directory is an empty list.
 */
int uapi_list(char ***names, size_t *n);
void uapi_list_free(char **names, size_t n);

#endif
