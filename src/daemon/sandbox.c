// SPDX-License-Identifier: GPL-2.0-only
/*
 * warrend's sandbox (sandbox.h): the user, the capabilities and the
 * allow-list of system calls of a running device.
 *
 * The allow-list is every call warrend makes after device_new(), found by
 * reading the code and checked under `make check` (every e2e test runs
 * warrend with it) and with `strace -f` of a device through its whole
 * life. A call missing here is not made: the process reports it by name
 * and exits (os/seccomp.h), so a new call in the daemon needs its line
 * here, with what makes it. Calls that glibc may make in place of the
 * one written (a vDSO clock falling back, fstat as newfstatat) are listed
 * beside it.
 */
#include "daemon/sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include <warren/error.h>

#include "core/log.h"
#include "os/capability.h"
#include "os/seccomp.h"

/*
 * AddressSanitizer's leak check stops the world at exit from a cloned,
 * untraced tracer thread that blocks signals: a call of its outside the
 * list kills it silently and leaves the daemon waiting for ever. So an
 * ASan build (`make asan') runs without the filter unless WARREN_SECCOMP=1.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_BUILD 1
#endif
#endif
#ifndef ASAN_BUILD
#define ASAN_BUILD 0
#endif

static const long allowed[] = {
/* ---- the event loop (os/loop.c) ---- */
#ifdef __NR_epoll_wait
    __NR_epoll_wait, /* loop_run(); aarch64 and riscv have only epoll_pwait */
#endif
    __NR_epoll_pwait,	  /* glibc's epoll_wait() where there is no epoll_wait */
    __NR_epoll_ctl,	  /* watches added and removed: UDP rebinds, UAPI clients */
    __NR_timerfd_settime, /* the engine's next deadline */
    __NR_read,		  /* timerfd, signalfd, inotify, the TUN queue, UAPI clients */
    __NR_rt_sigprocmask,  /* loop_free() gives the signal mask back */
    __NR_rt_sigreturn,	  /* the return from a signal handler */
    __NR_restart_syscall, /* a call interrupted by a signal, restarted */
    __NR_sched_yield,	  /* busy polling (WARREN_BUSY_POLL_US) after an empty poll */

    /* ---- clocks: vDSO, or the system call where the vDSO is missing ---- */
    __NR_clock_gettime, /* worker_now(), loop's now, syslog(3)'s timestamp */
#ifdef __NR_clock_gettime64
    __NR_clock_gettime64, /* the same on 32-bit systems with 64-bit time */
#endif
#ifdef __NR_gettimeofday
    __NR_gettimeofday, /* glibc's fallback for time(2) */
#endif
#ifdef __NR_time
    __NR_time, /* time(): nlreq.c's netlink sequence numbers */
#endif

    /* ---- the datapath (daemon/worker.c, daemon/offload.c, os/udp.c) ---- */
    __NR_write,	   /* the TUN queue; UAPI replies; log lines on stderr */
    __NR_recvmmsg, /* datagrams in, in batches */
    __NR_sendmmsg, /* datagrams out, in batches */

    /* ---- a UDP socket bound again: `wg set listen-port', the link up again ---- */
    __NR_socket,      /* the new socket (and if_indextoname(3)'s, syslog's) */
    __NR_setsockopt,  /* V6ONLY, PKTINFO, MTU_DISCOVER, buffers, SO_MARK, UDP_GRO */
    __NR_getsockopt,  /* UDP_SEGMENT probed */
    __NR_bind,	      /* the listen port */
    __NR_getsockname, /* the port the kernel chose */
    __NR_close,	      /* the old socket; UAPI clients; everything at exit */

    /* ---- the UAPI socket (daemon/uapi_server.c) and its file ---- */
    __NR_accept4, /* a client */
#ifdef __NR_openat
    __NR_openat, /* /dev/null, the spare descriptor kept for EMFILE */
#endif
#ifdef __NR_newfstatat
    __NR_newfstatat, /* lstat() of the socket file after an inotify event */
#endif
#ifdef __NR_fstatat64
    __NR_fstatat64, /* the same on 32-bit systems */
#endif
#ifdef __NR_fstat
    __NR_fstat, /* fstat() where glibc does not make it newfstatat */
#endif
#ifdef __NR_unlinkat
    __NR_unlinkat, /* the socket file removed at exit */
#endif
#ifdef __NR_unlink
    __NR_unlink, /* the same where glibc calls unlink */
#endif

    /* ---- the link (daemon/linkwatch.c) and the device's life ---- */
    __NR_recvfrom, /* rtnetlink link events */
    __NR_recvmsg,  /* libmnl's answers: the TUN link's counters (os/linkstats.c) on a get */
    __NR_ioctl,	   /* if_indextoname(3): SIOCGIFNAME, is the device still there */

    /* ---- logging (core/log.c): stderr, or syslog(3) once daemonized ---- */
    __NR_connect, /* syslog(3) to /dev/log */
    __NR_sendto,  /* syslog(3)'s datagram; netlink requests */
    __NR_getpid,  /* syslog(3)'s LOG_PID; OpenSSL's fork check */

    /* ---- memory (malloc: UAPI buffers, peers, keypairs) ---- */
    __NR_brk,
#ifdef __NR_mmap
    __NR_mmap,
#endif
#ifdef __NR_mmap2
    __NR_mmap2, /* 32-bit systems */
#endif
    __NR_munmap, __NR_mremap, /* realloc() of a large block */

    /* ---- keys and threads ---- */
    __NR_getrandom, /* ephemeral keys, cookie secrets (OpenSSL, libsodium) */
    __NR_futex,	    /* pthread_once() and locks in OpenSSL and glibc */

    /* ---- the end ---- */
    __NR_exit_group, /* exit(), _exit() */

};

int sandbox_init(struct sandbox *sb)
{
	const char *s;

	*sb = (struct sandbox){.uid = (uid_t)-1, .gid = (gid_t)-1, .seccomp = !ASAN_BUILD};
	s = getenv("WARREN_LOW_PORT");
	if (s && *s) {
		if (strcmp(s, "0") && strcmp(s, "1")) {
			pr_error("WARREN_LOW_PORT is `%s', not 0 or 1", s);
			return -EINVAL;
		}
		sb->low_port = !strcmp(s, "1");
	}
	s = getenv("WARREN_SECCOMP");
	if (s && *s) {
		if (strcmp(s, "0") && strcmp(s, "1")) {
			pr_error("WARREN_SECCOMP is `%s', not 0 or 1", s);
			return -EINVAL;
		}
		sb->seccomp = !strcmp(s, "1");
	}
	return 0;
}

/* A decimal id in @s, as a user or group may be given. */
static bool id_parse(const char *s, unsigned long *id)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return !errno && !*end && *id < (unsigned long)(uid_t)-1;
}

int sandbox_set_user(struct sandbox *sb, const char *user, const char *group)
{
	unsigned long id;
	struct passwd *pw;
	struct group *gr;

	errno = 0;
	pw = getpwnam(user);
	if (pw) {
		sb->uid = pw->pw_uid;
		sb->gid = pw->pw_gid;
	} else if (id_parse(user, &id)) {
		sb->uid = (uid_t)id;
		sb->gid = (gid_t)id; /* no entry to say otherwise */
	} else {
		pr_error("User `%s': %s", user, errno ? strerror(errno) : "no such user");
		return -ENOENT;
	}
	if (!group)
		return 0;
	errno = 0;
	gr = getgrnam(group);
	if (gr) {
		sb->gid = gr->gr_gid;
	} else if (id_parse(group, &id)) {
		sb->gid = (gid_t)id;
	} else {
		pr_error("Group `%s': %s", group, errno ? strerror(errno) : "no such group");
		return -ENOENT;
	}
	return 0;
}

int sandbox_enter(const struct sandbox *sb, const char *log_prefix, bool syslog)
{
	uint64_t keep = CAPABILITY_BIT(CAP_NET_ADMIN);
	bool bounding_kept;
	int err;

	if (sb->low_port)
		keep |= CAPABILITY_BIT(CAP_NET_BIND_SERVICE);
	err = capability_restrict(keep, sb->uid, sb->gid, &bounding_kept);
	if (err) {
		pr_error("Failed to drop privileges: %s", warren_strerror(err));
		return err;
	}
	if (bounding_kept)
		pr_debug("No CAP_SETPCAP: the capability bounding set stays as it was given");
	/*
	 * syslog(3) stamps each line with the local time: the first stamp
	 * would open and seek /etc/localtime. Read it now, while it may.
	 */
	tzset();
	if (sb->uid != (uid_t)-1)
		pr_debug("Running as user %u, group %u", (unsigned)sb->uid, (unsigned)sb->gid);
	if (!sb->seccomp) {
		pr_info("No system call filter (%s)",
			ASAN_BUILD ? "an AddressSanitizer build: WARREN_SECCOMP=1 for one"
				   : "WARREN_SECCOMP=0");
		return 0;
	}
	err = seccomp_install(allowed, sizeof(allowed) / sizeof(allowed[0]), log_prefix,
			      syslog ? "warrend" : NULL);
	if (err == -ENOSYS) {
		pr_info("No system call filter for this architecture");
		return 0;
	}
	if (err)
		pr_error("Failed to install the system call filter: %s", warren_strerror(err));
	return err;
}
