// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-thread record of the last failed call, for messages such as
 * "ioctl(TUNSETIFF): Device or resource busy".
 */
#include "os/error.h"

#include <warren/error.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

static __thread const char *last_call;
static __thread char message[160];

int error_record(const char *call, int err)
{
	if (err <= 0)
		err = EIO;
	last_call = call;
	return -err;
}

const char *warren_error_call(void)
{
	return last_call ? last_call : "";
}

const char *warren_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (last_call)
		snprintf(message, sizeof(message), "%s: %s", last_call, strerror(err));
	else
		snprintf(message, sizeof(message), "%s", strerror(err));
	return message;
}
