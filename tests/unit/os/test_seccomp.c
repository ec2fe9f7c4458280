// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp allow-list (os/seccomp.c) in forked children, against the
 * real kernel (no root needed: no_new_privs allows a filter):
 *
 *   1. names: a number gives its call's name, an unknown one NULL;
 *   2. an allowed call goes through, and the child has no_new_privs and
 *      seccomp mode 2 (filter);
 *   3. a call outside the list is not made: the child writes one line
 *      naming it and exits SECCOMP_EXIT_STATUS;
 *   4. the report starts with the prefix given (the interface's);
 *   5. x86-64: a call of the x32 ABI kills the child outright (SIGSYS),
 *      with no line, as a foreign architecture would.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "os/seccomp.h"

/* What a child needs to report and end, under any runtime (a sanitizer's too). */
#define CHILD_CALLS                                                                                \
	__NR_write, __NR_exit_group, __NR_exit, __NR_rt_sigreturn, __NR_close, __NR_brk,           \
	    __NR_mmap, __NR_munmap, __NR_futex, __NR_rt_sigprocmask, __NR_sigaltstack,             \
	    __NR_madvise, __NR_socket, __NR_sendto

/*
 * Forks a child that installs a filter of CHILD_CALLS and @extra, then
 * makes call @nr (or, with @nr < 0, checks no_new_privs and the seccomp
 * mode and exits 0). Returns its wait status; its stderr goes to @out.
 */
static int run_child(long nr, long extra, char *out, size_t size)
{
	int p[2], status = 0;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const long allowed[] = {CHILD_CALLS, extra};

		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		if (seccomp_install(allowed, sizeof(allowed) / sizeof(allowed[0]), "(wgtest) ",
				    NULL))
			_exit(2);
		if (nr < 0)
			_exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 &&
				      prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2
				  ? 0
				  : 3);
		syscall(nr, 0, 0, 0, 0, 0);
		_exit(0);
	}
	close(p[1]);
	while (got + 1 < (ssize_t)size && (n = read(p[0], out + got, size - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(seccomp_syscall_name(__NR_read), "read");
	assert_string_equal(seccomp_syscall_name(__NR_getppid), "getppid");
	assert_string_equal(seccomp_syscall_name(__NR_recvmmsg), "recvmmsg");
	assert_null(seccomp_syscall_name(-1));
	assert_null(seccomp_syscall_name(100000));
}

static void test_allowed_call(void **state)
{
	char out[512];
	int status = run_child(-1, __NR_prctl, out, sizeof(out));

	(void)state;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(out, "");
}

static void test_forbidden_call_reported(void **state)
{
	char out[512], want[128];
	int status = run_child(__NR_getppid, __NR_getpid, out, sizeof(out));

	(void)state;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), SECCOMP_EXIT_STATUS);
	snprintf(want, sizeof(want),
		 "(wgtest) seccomp: system call getppid (%d) is not in the allow-list; exiting\n",
		 (int)__NR_getppid);
	assert_string_equal(out, want);
}

static void test_forbidden_openat(void **state)
{
	char out[512];
	int status = run_child(__NR_openat, __NR_getpid, out, sizeof(out));

	(void)state;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), SECCOMP_EXIT_STATUS);
	assert_non_null(strstr(out, "system call openat ("));
}

static void test_foreign_abi_killed(void **state)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	char out[512];
	/* __X32_SYSCALL_BIT | getpid: the x32 ABI, which the filter does not know. */
	int status = run_child(0x40000000L | __NR_getpid, __NR_getpid, out, sizeof(out));

	(void)state;
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
	assert_string_equal(out, "");
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_allowed_call),
	    cmocka_unit_test(test_forbidden_call_reported),
	    cmocka_unit_test(test_forbidden_openat),
	    cmocka_unit_test(test_foreign_abi_killed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
