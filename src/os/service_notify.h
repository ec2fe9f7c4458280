/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sd_notify(3) protocol without libsystemd: a service manager that
 * started us with $NOTIFY_SOCKET (an AF_UNIX datagram socket, a path or an
 * abstract name written with a leading '@') is told our state in
 * newline-separated VAR=VALUE assignments: READY=1, STATUS=..., RELOADING=1,
 * STOPPING=1.
 */
#ifndef WARREN_OS_SERVICE_NOTIFY_H
#define WARREN_OS_SERVICE_NOTIFY_H

/*
 * Sends @state, one datagram, to $NOTIFY_SOCKET. Returns 1 when sent, 0
 * when there is no $NOTIFY_SOCKET (not started by a service manager: nothing
 * to do), -EINVAL for a socket name that is neither a path nor '@name', or
 * -errno from socket(2) or sendmsg(2).
 */
int service_notify(const char *state);

/* service_notify() of "STATUS=" and the formatted text; same returns. */
int service_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
