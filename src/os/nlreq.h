/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One-shot rtnetlink exchanges over libmnl for the os layer's queries and
 * policy rules: a socket per exchange, opened in the caller's namespace.
 */
#ifndef WARREN_OS_NLREQ_H
#define WARREN_OS_NLREQ_H

#include <libmnl/libmnl.h>

/* Room for any request the os layer builds with mnl_nlmsg_put_header(). */
#define NLREQ_BUF_SIZE 1024

/*
 * Sends @nlh (type and flags set by the caller; NLM_F_REQUEST is added, and
 * NLM_F_ACK unless it is a dump) and passes each answer to @cb (may be
 * NULL) until the dump's end or the kernel's ACK. Returns 0 or -errno,
 * recording @call ("RTM_NEWRULE") for warren_strerror().
 */
int nlreq_run(struct nlmsghdr *nlh, const char *call, mnl_cb_t cb, void *data);

#endif
