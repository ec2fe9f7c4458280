/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared pieces of the os tests: a private network namespace per program,
 * a table runner for numbered cases, and the packet arithmetic the cases
 * need to talk to the kernel's stack.
 */
#ifndef WARREN_TESTS_OS_TEST_H
#define WARREN_TESTS_OS_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * A numbered case: returns 0 if it passed, -1 (after printing why) if not,
 * OS_TEST_SKIP if this kernel lacks what it tests (printed "ok ... # SKIP").
 */
#define OS_TEST_SKIP 77

struct os_test_case {
	const char *name;
	int (*fn)(void);
};

/*
 * Runs the cases in order, each numbered from 1, printing TAP lines.
 * Before the first case it moves the process into a fresh network and mount
 * namespace (with its own /sys, and lo up), so nothing touches the default
 * namespace; it exits 77 (skip) without root or /dev/net/tun. Returns the
 * exit status for main(): 0 if all passed, 1 otherwise.
 */
int os_test_run(const struct os_test_case *cases, size_t n);

#define OS_TEST_RUN(cases) os_test_run(cases, sizeof(cases) / sizeof((cases)[0]))

/* Fails the current case with file:line and the condition. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

/* Fails the current case if @ret (a libwarren return value) is negative. */
#define CHECK_OK(ret)                                                                              \
	do {                                                                                       \
		int ret_ = (ret);                                                                  \
		if (ret_ < 0) {                                                                    \
			fprintf(stderr, "# %s:%d: %s: %s\n", __FILE__, __LINE__, #ret,             \
				warren_strerror(ret_));                                            \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

/*
 * read() on @fd, waiting at most @timeout_ms for data. Returns the length,
 * 0 on timeout, -1 on error.
 */
ssize_t read_timeout(int fd, void *buf, size_t len, int timeout_ms);

/* Reads /sys/class/net/@ifname/@attr into @buf, newline removed. 0 or -1. */
int sysfs_read(const char *ifname, const char *attr, char *buf, size_t len);

/* Ones' complement sum of @len bytes added to @sum, not folded. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
/* Folds @sum to 16 bits and complements it: the Internet checksum. */
uint16_t csum_fold(uint32_t sum);
/* The sum of the IPv4 / IPv6 pseudo header (addresses in network order). */
uint32_t csum_pseudo4(const void *src, const void *dst, uint8_t proto, uint32_t len);
uint32_t csum_pseudo6(const void *src, const void *dst, uint8_t proto, uint32_t len);

/*
 * Builds an IPv4 header at @buf (20 bytes, any alignment) with checksum; @total is the
 * whole packet's length, @src/@dst in network order.
 */
void ip4_header(void *buf, uint16_t total, uint8_t proto, const void *src, const void *dst);
/* Builds an IPv6 header at @buf (40 bytes, any alignment); @payload excludes the header. */
void ip6_header(void *buf, uint16_t payload, uint8_t next, const void *src, const void *dst);

#endif
