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
#include <sys/wait.h>
#include <arpa/inet.h>

/* wg-quick's cmd(): shows what is done, as the equivalent command. */
void quick_note(const char *fmt, ...)
{
	va_list ap;

	fputs("[#] ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void quick_die(const char *fmt, ...)
{
	va_list ap;

	fputs("warren: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *quick_ip_str(char *buf, int family, const void *addr)
{
	return inet_ntop(family, addr, buf, INET6_ADDRSTRLEN);
}

/*
 * Runs @argv with @input (may be NULL) on its stdin; stdout and stderr are
 * ours. Returns its exit status, or -errno if it could not be started.
 */
int quick_run(char *const argv[], const char *input, bool quiet)
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
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
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
