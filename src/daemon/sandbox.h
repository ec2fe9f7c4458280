/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What warrend keeps once its device is set up (docs/security.md): the
 * capabilities it still uses, optionally another user, and a seccomp
 * allow-list of the system calls a running device makes.
 *
 *   CAP_NET_ADMIN          kept: SO_MARK (fwmark), SO_RCVBUFFORCE and
 *                          SO_SNDBUFFORCE on every new UDP socket (a
 *                          rebind: `wg set listen-port', the link going
 *                          down and up)
 *   CAP_NET_BIND_SERVICE   kept only with @low_port: a listen port below
 *                          1024 (warren up asks for it when the config's
 *                          ListenPort is one)
 *   everything else        dropped from the effective, permitted,
 *                          inheritable, ambient and bounding sets
 */
#ifndef WARREN_DAEMON_SANDBOX_H
#define WARREN_DAEMON_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

struct sandbox {
	uid_t uid; /* (uid_t)-1: stay the user warrend was started as */
	gid_t gid;
	bool low_port; /* keep CAP_NET_BIND_SERVICE */
	bool seccomp;  /* install the allow-list (the default) */
};

/*
 * The defaults (no user change, no low port, the filter on), then the
 * environment: WARREN_LOW_PORT=1 keeps CAP_NET_BIND_SERVICE, and
 * WARREN_SECCOMP=0 leaves the filter off (for debugging: strace, gdb, a
 * sanitizer's runtime). Returns 0, or -EINVAL with the bad value logged.
 */
int sandbox_init(struct sandbox *sb);

/*
 * Sets the user (and group) to change to, by name or number; @group NULL
 * means @user's primary group. Looked up now, while the name service may
 * still open files. Returns 0, or -ENOENT / -EINVAL with the value logged.
 */
int sandbox_set_user(struct sandbox *sb, const char *user, const char *group);

/*
 * Enters the sandbox: after it, the process has only the rights above and
 * can make only the calls of the allow-list. Lines that report a violation
 * start with @log_prefix and go to syslog too when @syslog. Returns 0 or
 * -errno (logged); on an error the caller must exit.
 */
int sandbox_enter(const struct sandbox *sb, const char *log_prefix, bool syslog);

#endif
