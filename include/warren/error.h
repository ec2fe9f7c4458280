/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libwarren error reporting.
 *
 * Every libwarren function that can fail returns a negative errno value
 * (-EBUSY, -EINVAL, ...) and, in the calling thread, records the name of the
 * system call or request that failed ("ioctl(TUNSETIFF)",
 * "open(/dev/net/tun)", "RTM_NEWADDR"). A caller prints a message that names
 * the call with
 *
 *	int fd = warren_tun_open(&cfg, name);
 *	if (fd < 0)
 *		fprintf(stderr, "%s\n", warren_strerror(fd));
 *
 * which prints e.g. "ioctl(TUNSETIFF): Device or resource busy".
 *
 * The record is per thread and only meaningful right after a libwarren call
 * returned an error: successful calls do not clear it.
 */
#ifndef WARREN_ERROR_H
#define WARREN_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Returns the name of the call that failed last in this thread, or "" if no
 * libwarren call has failed in this thread. The string is static.
 */
const char *warren_error_call(void);

/*
 * Returns "CALL: strerror(-err)" for the call recorded last in this thread,
 * or just strerror(-err) if none was recorded. @err is a negative errno value
 * as returned by libwarren (a positive value is accepted too). The string
 * lives in a thread-local buffer overwritten by the next call.
 */
const char *warren_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif
