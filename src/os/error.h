/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The os layer's side of warren/error.h: recording which call failed.
 */
#ifndef WARREN_OS_ERROR_H
#define WARREN_OS_ERROR_H

/*
 * Records @call (a static string such as "ioctl(TUNSETIFF)") as the last
 * failed call of this thread and returns -@err, so that failure paths read
 * `return error_record("ioctl(TUNSETIFF)", errno);`. A non-positive @err
 * (errno not set) is recorded as EIO.
 */
int error_record(const char *call, int err);

#endif
