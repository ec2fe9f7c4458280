// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp allow-list (seccomp.h). The program is the one the kernel's
 * seccomp_filter.rst and samples/seccomp/bpf-direct.c lay out: load
 * seccomp_data.arch, kill on a foreign one; load seccomp_data.nr; one
 * "jeq nr, allow" pair per listed call; trap on anything else.
 */
#include "os/seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "os/error.h"
#include "syscall_names.h"

#if defined(__x86_64__) && defined(__ILP32__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64 /* x32: its calls carry __X32_SYSCALL_BIT */
#elif defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#define SECCOMP_NR_LIMIT 0x40000000U /* __X32_SYSCALL_BIT: x32 calls are another ABI */
#elif defined(__i386__)
#define SECCOMP_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARMEL__)
#define SECCOMP_ARCH AUDIT_ARCH_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define SECCOMP_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SECCOMP_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define SECCOMP_ARCH AUDIT_ARCH_S390X
#endif

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC 1
#endif

#define LOG_DAEMON_ERR "<27>" /* syslog(3) LOG_DAEMON | LOG_ERR */

/* What the SIGSYS handler writes, prepared beforehand: it may only copy. */
static struct {
	char prefix[128];
	char syslog_head[64]; /* "<27>ident[pid]: ", empty when not logging to syslog */
} report;

const char *seccomp_syscall_name(long nr)
{
	for (size_t i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]); i++)
		if (syscall_names[i].nr == nr)
			return syscall_names[i].name;
	return NULL;
}

/* Appends @s to @buf (of @size, holding *@len bytes) as far as it fits. */
static void put(char *buf, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		buf[(*len)++] = *s++;
	buf[*len] = '\0';
}

static void put_number(char *buf, size_t size, size_t *len, unsigned long v)
{
	char digits[24];
	size_t i = sizeof(digits) - 1;

	digits[i] = '\0';
	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	put(buf, size, len, digits + i);
}

/* Sends @line as one datagram to /dev/log, as syslog(3) would; best effort. */
static void to_syslog(const char *line, size_t len)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (sendto(fd, line, len, MSG_NOSIGNAL, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		(void)0; /* no syslog daemon: stderr had the line */
	close(fd);
}

/*
 * The SIGSYS handler: async-signal-safe only (signal-safety(7)). Calls only
 * write, socket, sendto, close and exit_group, which an allow-list that
 * logs must hold anyway.
 */
static void on_sigsys(int sig, siginfo_t *info, void *ucontext)
{
	char line[384];
	size_t len = 0, head;
	const char *name = seccomp_syscall_name(info->si_syscall);
	ssize_t w;

	put(line, sizeof(line), &len, report.syslog_head);
	head = len;
	put(line, sizeof(line), &len, report.prefix);
	put(line, sizeof(line), &len, "seccomp: system call ");
	put(line, sizeof(line), &len, name ? name : "?");
	put(line, sizeof(line), &len, " (");
	put_number(line, sizeof(line), &len, (unsigned long)info->si_syscall);
	put(line, sizeof(line), &len, ") is not in the allow-list; exiting");
	if (head)
		to_syslog(line, len);
	put(line, sizeof(line), &len, "\n");
	w = write(STDERR_FILENO, line + head, len - head);
	(void)w;
	_exit(SECCOMP_EXIT_STATUS);
	(void)sig;
	(void)ucontext;
}

static void report_prepare(const char *prefix, const char *syslog_ident)
{
	size_t len = 0;

	report.prefix[0] = report.syslog_head[0] = '\0';
	put(report.prefix, sizeof(report.prefix), &len, prefix ? prefix : "");
	if (!syslog_ident)
		return;
	len = 0;
	put(report.syslog_head, sizeof(report.syslog_head), &len, LOG_DAEMON_ERR);
	put(report.syslog_head, sizeof(report.syslog_head), &len, syslog_ident);
	put(report.syslog_head, sizeof(report.syslog_head), &len, "[");
	put_number(report.syslog_head, sizeof(report.syslog_head), &len, (unsigned long)getpid());
	put(report.syslog_head, sizeof(report.syslog_head), &len, "]: ");
}

int seccomp_install(const long *allowed, size_t n, const char *prefix, const char *syslog_ident)
{
#ifdef SECCOMP_ARCH
	struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
	struct sock_fprog prog;
	struct sock_filter *f;
	sigset_t sys;
	size_t i = 0;
	int ret;

	f = calloc(2 * n + 8, sizeof(*f));
	if (!f)
		return error_record("calloc", ENOMEM);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
#ifdef SECCOMP_NR_LIMIT
	f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, SECCOMP_NR_LIMIT, 0, 1);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
	for (size_t k = 0; k < n; k++) {
		f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      (uint32_t)allowed[k], 0, 1);
		f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
	prog = (struct sock_fprog){.len = (unsigned short)i, .filter = f};

	report_prepare(prefix, syslog_ident);
	/* A blocked SIGSYS would kill without the line (force_sig_seccomp()). */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) || sigprocmask(SIG_UNBLOCK, &sys, NULL)) {
		ret = error_record("sigaction(SIGSYS)", errno);
		goto out;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L)) {
		ret = error_record("prctl(PR_SET_NO_NEW_PRIVS)", errno);
		goto out;
	}
	ret = 0;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog))
		ret = error_record("seccomp(SECCOMP_SET_MODE_FILTER)", errno);
out:
	free(f);
	return ret;
#else
	(void)allowed;
	(void)n;
	(void)prefix;
	(void)syslog_ident;
	return -ENOSYS;
#endif
}
