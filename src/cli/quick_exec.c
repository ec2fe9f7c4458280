// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running programs (hooks, resolvconf, nft, the daemon) and reporting the
 * steps of warren up/down. Contracts in quick.h.
 */
#include "cli/quick.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>

volatile sig_atomic_t quick_interrupted;

/*
 * @prefix, the message and a newline in one write(2) when it fits, so that
 * 100k lines cost 100k writes, not 300k, and lines of two processes never
 * mix on one stderr.
 */
static void __attribute__((format(printf, 2, 0)))
say(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024], *big = NULL;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	/* An unbuffered stream: glibc writes one fprintf() in one go. */
	if (n >= 0 && (size_t)n < sizeof(buf))
		fprintf(stderr, "%s%s\n", prefix, buf);
	else if (vasprintf(&big, fmt, again) >= 0)
		fprintf(stderr, "%s%s\n", prefix, big);
	va_end(again);
	free(big);
}

/* wg-quick's cmd(): shows what is done, as the equivalent command. */
void quick_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("[#] ", fmt, ap);
	va_end(ap);
}

void quick_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warren: ", fmt, ap);
	va_end(ap);
}

const char *quick_ip_str(char *buf, int family, const void *addr)
{
	return inet_ntop(family, addr, buf, INET6_ADDRSTRLEN);
}

/* The signals that stop `up': blocked but for the waits that heed them. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/*
 * Waits for the hook @pid, the leader of its own process group, and passes
 * a stop signal on to that group: the signal that set quick_interrupted,
 * then SIGKILL if the group is still there HOOK_GRACE_MS later. ppoll() on
 * a pidfd with the stop signals blocked everywhere else, so that a signal
 * that comes at any moment ends the wait at once. Then reaps @pid.
 */
#define HOOK_GRACE_MS 1000

static void wait_hook(pid_t pid)
{
	struct timespec grace = {HOOK_GRACE_MS / 1000, (HOOK_GRACE_MS % 1000) * 1000000L};
	sigset_t stop, old;
	int pidfd, sent = 0;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return; /* waitpid() alone, deaf to signals: better than no hook */
	stop_signals(&stop);
	sigprocmask(SIG_BLOCK, &stop, &old);
	for (;;) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int n;

		if (quick_interrupted && sent < 2) {
			kill(-pid, sent ? SIGKILL : quick_interrupted);
			sent++;
		}
		n = ppoll(&p, 1, sent == 1 ? &grace : NULL, &old);
		if (n > 0 || (n < 0 && errno != EINTR))
			break;
		/* A signal, or the grace is over: look again. */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pidfd);
}

/*
 * Runs @argv with @input (may be NULL) on its stdin; stdout and stderr are
 * ours. A @hook runs in a process group of its own, which a stop signal
 * ends (wait_hook()). Returns its exit status, or -errno if it could not
 * be started.
 */
static int run(char *const argv[], const char *input, bool quiet, bool hook)
{
	int pipefd[2] = {-1, -1}, status;
	pid_t pid;

	if (input && pipe2(pipefd, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		if (input) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return err;
	}
	if (!pid) {
		if (hook)
			setpgid(0, 0);
		if (input)
			dup2(pipefd[0], STDIN_FILENO);
		if (quiet) {
			int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "warren: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (hook)
		setpgid(pid, pid); /* as the child does: whichever runs first */
	if (input) {
		struct sigaction ign = {.sa_handler = SIG_IGN}, old;
		size_t len = strlen(input);

		close(pipefd[0]);
		sigaction(SIGPIPE, &ign, &old);
		while (len) {
			ssize_t n = write(pipefd[1], input, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			input += n;
			len -= (size_t)n;
		}
		close(pipefd[1]);
		sigaction(SIGPIPE, &old, NULL);
	}
	if (hook)
		wait_hook(pid);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int quick_run(char *const argv[], const char *input, bool quiet)
{
	return run(argv, input, quiet, false);
}

int quick_run_hook(char *const argv[])
{
	return run(argv, NULL, false, true);
}

/* True when @prog is an executable on PATH (or a path to one). */
bool quick_have_program(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(prog, '/'))
		return !access(prog, X_OK);
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, len ? path : ".", prog) <
			(int)sizeof(buf) &&
		    !access(buf, X_OK))
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}
