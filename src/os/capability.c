// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capabilities (capability.h) with the system calls themselves, as
 * capabilities(7) and prctl(2) describe them: no libcap. Version 3 of the
 * capget/capset header carries 64 bits in two 32-bit words.
 */
#include "os/capability.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os/error.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* The highest capability number asked about; the kernel's own is lower or equal. */
#define CAP_MAX 63

static int caps_read(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};

	if (syscall(SYS_capget, &hdr, data))
		return error_record("capget", errno);
	return 0;
}

static uint64_t join(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | lo;
}

int capability_get(uint64_t *effective, uint64_t *permitted)
{
	struct __user_cap_data_struct data[2] = {{0}};
	int err = caps_read(data);

	if (err)
		return err;
	*effective = join(data[0].effective, data[1].effective);
	*permitted = join(data[0].permitted, data[1].permitted);
	return 0;
}

bool capability_bounded(int cap)
{
	return prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0) == 1;
}

/* Drops every capability outside @keep from the bounding set. */
static int bounding_drop(uint64_t keep)
{
	for (int cap = 0; cap <= CAP_MAX; cap++) {
		int in = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);

		if (in < 0)
			break; /* EINVAL: past the kernel's last capability */
		if (!in || (keep & CAPABILITY_BIT(cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0))
			return error_record("prctl(PR_CAPBSET_DROP)", errno);
	}
	return 0;
}

/* Becomes @uid:@gid with no supplementary groups, the permitted set kept. */
static int user_switch(uid_t uid, gid_t gid)
{
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L))
		return error_record("prctl(PR_SET_KEEPCAPS)", errno);
	if (setgroups(0, NULL))
		return error_record("setgroups", errno);
	if (setresgid(gid, gid, gid))
		return error_record("setresgid", errno);
	if (setresuid(uid, uid, uid))
		return error_record("setresuid", errno);
	if (prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L))
		return error_record("prctl(PR_SET_KEEPCAPS)", errno);
	return 0;
}

int capability_restrict(uint64_t keep, uid_t uid, gid_t gid, bool *bounding_kept)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};
	uint64_t effective, permitted;
	int err;

	err = capability_get(&effective, &permitted);
	if (err)
		return err;
	keep &= permitted;
	*bounding_kept = !(effective & CAPABILITY_BIT(CAP_SETPCAP));
	if (!*bounding_kept) {
		err = bounding_drop(keep);
		if (err)
			return err;
	}
	/* EINVAL before Linux 4.3, which has no ambient set to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) && errno != EINVAL)
		return error_record("prctl(PR_CAP_AMBIENT_CLEAR_ALL)", errno);
	if (uid != (uid_t)-1) {
		err = user_switch(uid, gid);
		if (err)
			return err;
	}
	data[0].permitted = data[0].effective = (uint32_t)keep;
	data[1].permitted = data[1].effective = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data))
		return error_record("capset", errno);
	err = capability_get(&effective, &permitted);
	if (err)
		return err;
	if (effective != keep || permitted != keep)
		return error_record("capset", EPERM);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L))
		return error_record("prctl(PR_SET_NO_NEW_PRIVS)", errno);
	return 0;
}
