/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The os layer's rtnetlink sockets over libmnl: the one request/response
 * loop (nlreq_exchange) that warren_rtnl handles, one-shot queries and
 * policy rules use, and the subscription to the kernel's notifications
 * that the daemon's link watcher reads.
 */
#ifndef WARREN_OS_NLREQ_H
#define WARREN_OS_NLREQ_H

#include <stddef.h>

#include <libmnl/libmnl.h>

/* Room for any request the os layer builds with mnl_nlmsg_put_header(). */
#define NLREQ_BUF_SIZE 1024
/* Room for one datagram of answers: a dump's come in batches of up to 32 KiB. */
#define NLREQ_RECV_SIZE 32768

/*
 * Sends @nlh on @nl as request @seq (type and flags set by the caller;
 * NLM_F_REQUEST is added, and NLM_F_ACK unless it is a dump) and passes
 * each answer to @cb (may be NULL) until the dump's end or the kernel's
 * ACK, reading into @buf of @size bytes. Returns 0 or -errno, recording
 * @call ("RTM_NEWRULE") for warren_strerror(). On failure the rest of the
 * answer is read and dropped, so @nl stays usable for the next request.
 */
int nlreq_exchange(struct mnl_socket *nl, unsigned int seq, void *buf, size_t size,
		   struct nlmsghdr *nlh, const char *call, mnl_cb_t cb, void *data);

/*
 * Opens an rtnetlink socket in *@nl, bound to the notification @groups (0:
 * none), with @flags (SOCK_NONBLOCK or 0; SOCK_CLOEXEC always). Returns 0
 * or -errno, recorded. Close it with mnl_socket_close().
 */
int nlreq_open(struct mnl_socket **nl, unsigned int groups, int flags);

/* nlreq_exchange() on a socket of its own, opened in the caller's namespace. */
int nlreq_run(struct nlmsghdr *nlh, const char *call, mnl_cb_t cb, void *data);

/*
 * Opens a nonblocking socket in *@nl that receives the kernel's rtnetlink
 * notifications of @groups (RTMGRP_LINK, ...). Returns 0 or -errno,
 * recorded. Close it with mnl_socket_close().
 */
int nlreq_subscribe(struct mnl_socket **nl, unsigned int groups);

/*
 * Reads one datagram of notifications from @nl into @buf without waiting
 * and passes its messages to @cb, if the kernel sent it (never a forgery
 * from another process). Returns 1 when a datagram was read (call again),
 * 0 when none is queued, the read failed or @cb returned MNL_CB_STOP, and
 * -ENOBUFS when notifications were lost (the caller must look up the
 * state it follows, then call again).
 */
int nlreq_notification(struct mnl_socket *nl, void *buf, size_t size, mnl_cb_t cb, void *data);

#endif
