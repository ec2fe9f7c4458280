// SPDX-License-Identifier: GPL-2.0-only
/*
 * Entering a named network namespace. Contracts in netns.h.
 */
#include "os/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int fail(const char *step, const char **failed)
{
	int err = -errno;

	if (failed)
		*failed = step;
	return err;
}

int netns_enter(const char *name, const char **failed)
{
	char path[PATH_MAX];
	unsigned long sys_flags = 0;
	struct statvfs st;
	int fd, ret;

	/* A name is one path component, as `ip netns add` makes it. */
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		errno = EINVAL;
		return fail("open", failed);
	}
	if (snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return fail("open", failed);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open", failed);
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	if (ret < 0)
		return fail("setns", failed);

	/* /sys shows the namespace of whoever mounted it: mount our own. */
	if (unshare(CLONE_NEWNS) < 0)
		return fail("unshare", failed);
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return fail("mount", failed);
	if (umount2("/sys", MNT_DETACH) < 0 && statvfs("/sys", &st) == 0 && (st.f_flag & ST_RDONLY))
		sys_flags = MS_RDONLY; /* cannot shadow a read-only /sys with a writable one */
	if (mount(name, "/sys", "sysfs", sys_flags, NULL) < 0)
		return fail("mount", failed);
	return 0;
}
