/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A seccomp allow-list (seccomp(2), the kernel's
 * Documentation/userspace-api/seccomp_filter.rst): classic BPF that checks
 * the architecture, then lets through only the listed system calls. Any
 * other call is not made: the kernel raises SIGSYS (SECCOMP_RET_TRAP), and
 * the handler installed here writes one line naming the call, to stderr
 * and, for a daemon that logs to syslog, to /dev/log, then exits with
 * SECCOMP_EXIT_STATUS. A call for another architecture (x32, i386 on
 * x86-64) kills the process outright.
 */
#ifndef WARREN_OS_SECCOMP_H
#define WARREN_OS_SECCOMP_H

#include <stddef.h>

/* 128 + SIGSYS (31 where warren runs): how a shell reports a death by it. */
#define SECCOMP_EXIT_STATUS 159

/*
 * Sets PR_SET_NO_NEW_PRIVS and installs a filter allowing the @n system
 * call numbers in @allowed (duplicates are fine), on every thread of the
 * process. The report starts with @prefix (copied, may be NULL); with
 * @syslog_ident it also goes to syslog as "@syslog_ident[PID]: ...".
 * Returns 0, -ENOSYS on an architecture this file does not know (nothing
 * installed), or -errno with the call recorded. Filters only ever stack:
 * the process cannot remove it.
 */
int seccomp_install(const long *allowed, size_t n, const char *prefix, const char *syslog_ident);

/* The name of system call @nr on this architecture, or NULL. */
const char *seccomp_syscall_name(long nr);

#endif
