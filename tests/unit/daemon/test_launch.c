// SPDX-License-Identifier: GPL-2.0-only
/*
 * warrend's launch policy without a device: the descriptors it adopts from
 * WG_TUN_FD and WG_UAPI_FD (as wireguard-go's main.go reads them) and the
 * MTU it gives a device. What a real TUN queue and socket do is checked in
 * tests/e2e/warrend_fds.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "daemon/launch.h"

/* A descriptor number that is surely closed. */
enum { CLOSED_FD = 1000 };

static void test_env_fd_table(void **state)
{
	static const struct {
		const char *value; /* NULL: unset */
		int ret;
		bool open; /* a descriptor comes back */
	} cases[] = {
	    /* 1 */ {NULL, 0, false},
	    /* 2 */ {"", 0, false},
	    /* 3 */ {"abc", -EINVAL, false},
	    /* 4 */ {"-3", -EINVAL, false},
	    /* 5 */ {"4x", -EINVAL, false},
	    /* 6 */ {" 4", -EINVAL, false},
	    /* 7 */ {"99999999999", -EINVAL, false},
	    /* 8 */ {"1000", -EBADF, false},
	};

	(void)state;
	close(CLOSED_FD);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = 7, ret;

		if (cases[i].value)
			setenv("WARREN_TEST_FD", cases[i].value, 1);
		else
			unsetenv("WARREN_TEST_FD");
		ret = launch_env_fd("WARREN_TEST_FD", "test", &fd);
		if (ret != cases[i].ret || (fd >= 0) != cases[i].open)
			fail_msg("case %zu (`%s'): ret %d fd %d", i + 1,
				 cases[i].value ? cases[i].value : "unset", ret, fd);
	}
	unsetenv("WARREN_TEST_FD");
}

/* An open descriptor is taken close-on-exec, and one of 0-2 is moved up. */
static void test_env_fd_open(void **state)
{
	char text[16];
	int null = open("/dev/null", O_RDONLY), fd;

	(void)state;
	assert_true(null > STDERR_FILENO);
	snprintf(text, sizeof(text), "%d", null);
	setenv("WARREN_TEST_FD", text, 1);
	assert_int_equal(launch_env_fd("WARREN_TEST_FD", "test", &fd), 0);
	assert_int_equal(fd, null);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	unsetenv("WARREN_TEST_FD");
}

/* WG_TUN_FD that is open but not a TUN queue: refused, and closed. */
static void test_take_tun_not_a_queue(void **state)
{
	char name[IFNAMSIZ] = "wg0", text[16];
	int null = open("/dev/null", O_RDWR), fd;
	bool tap = true;

	(void)state;
	snprintf(text, sizeof(text), "%d", null);
	setenv("WG_TUN_FD", text, 1);
	assert_int_equal(launch_take_tun(name, &fd, &tap), -ENOTTY);
	assert_int_equal(fd, -1);
	assert_true(fcntl(null, F_GETFD) < 0);
	assert_string_equal(name, "wg0");
	unsetenv("WG_TUN_FD");
}

static void test_default_mtu(void **state)
{
	(void)state;
	assert_int_equal(launch_default_mtu(false), 1420);
	assert_int_equal(launch_default_mtu(true), 1500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_fd_table),
	    cmocka_unit_test(test_env_fd_open),
	    cmocka_unit_test(test_take_tun_not_a_queue),
	    cmocka_unit_test(test_default_mtu),
	};

	/* The refusals are logged; the table says what they are. */
	log_set_level(LOG_LEVEL_SILENT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
