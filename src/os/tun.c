// SPDX-License-Identifier: GPL-2.0-only
/*
 * TUN/TAP devices through /dev/net/tun. Contracts in include/warren/tun.h.
 */
#include <warren/tun.h>

#include "os/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#ifndef IFF_TUN_EXCL
#define IFF_TUN_EXCL 0x8000
#endif

#define TUN_PATH "/dev/net/tun"

/* The flags TUNSETIFF takes to attach a device as it is. */
#define TUN_ATTACH_FLAGS                                                                           \
	(IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_ONE_QUEUE | IFF_VNET_HDR | IFF_MULTI_QUEUE)

_Static_assert(WARREN_TUN_OFFLOAD_CSUM == TUN_F_CSUM, "TUN_F_CSUM");
_Static_assert(WARREN_TUN_OFFLOAD_TSO4 == TUN_F_TSO4, "TUN_F_TSO4");
_Static_assert(WARREN_TUN_OFFLOAD_TSO6 == TUN_F_TSO6, "TUN_F_TSO6");
_Static_assert(WARREN_TUN_OFFLOAD_TSO_ECN == TUN_F_TSO_ECN, "TUN_F_TSO_ECN");

static bool name_is_valid(const char *name)
{
	size_t len = strlen(name);

	return len && len < IFNAMSIZ && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

static short iff_flags_of(const struct warren_tun_config *cfg)
{
	unsigned int iff = cfg->mode == WARREN_TUN_MODE_TAP ? IFF_TAP : IFF_TUN;

	if (!(cfg->flags & WARREN_TUN_PI))
		iff |= IFF_NO_PI;
	if (cfg->flags & WARREN_TUN_VNET_HDR)
		iff |= IFF_VNET_HDR;
	if (cfg->flags & WARREN_TUN_MULTI_QUEUE)
		iff |= IFF_MULTI_QUEUE;
	if (cfg->flags & WARREN_TUN_ONE_QUEUE)
		iff |= IFF_ONE_QUEUE;
	if (cfg->flags & WARREN_TUN_EXCL)
		iff |= IFF_TUN_EXCL;
	return (short)iff;
}

static int open_tun(bool nonblock)
{
	int fd = open(TUN_PATH, O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));

	if (fd < 0)
		return error_record("open(" TUN_PATH ")", errno);
	return fd;
}

/*
 * Opens one queue of device @name (a name or template, "" for the kernel's
 * choice) with @iff and stores the actual name in @actual. Returns the fd or
 * -errno.
 */
static int open_queue(const char *name, short iff, bool nonblock, char actual[IFNAMSIZ])
{
	struct ifreq ifr = {.ifr_flags = iff};
	int fd, ret;

	fd = open_tun(nonblock);
	if (fd < 0)
		return fd;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = error_record("ioctl(TUNSETIFF)", errno);
		close(fd);
		return ret;
	}
	memcpy(actual, ifr.ifr_name, IFNAMSIZ);
	actual[IFNAMSIZ - 1] = '\0';
	return fd;
}

/* The device-wide settings of @cfg except persist, on queue @fd. */
static int configure(int fd, const struct warren_tun_config *cfg)
{
	int ret;

	if ((cfg->flags & WARREN_TUN_VNET_HDR) && cfg->vnet_hdr_size) {
		ret = warren_tun_set_vnet_hdr_size(fd, cfg->vnet_hdr_size);
		if (ret)
			return ret;
	}
	if (cfg->has_owner) {
		ret = warren_tun_set_owner(fd, cfg->owner);
		if (ret)
			return ret;
	}
	if (cfg->has_group) {
		ret = warren_tun_set_group(fd, cfg->group);
		if (ret)
			return ret;
	}
	return 0;
}

int warren_tun_open_queues(const struct warren_tun_config *cfg, int *fds, unsigned int n,
			   char name[IFNAMSIZ])
{
	bool nonblock = cfg->flags & WARREN_TUN_NONBLOCK;
	const char *want = cfg->name ? cfg->name : "";
	char actual[IFNAMSIZ];
	unsigned int opened;
	short iff;
	int ret;

	if (!n || (n > 1 && !(cfg->flags & WARREN_TUN_MULTI_QUEUE)))
		return error_record("queues", EINVAL);
	if (*want && !name_is_valid(want))
		return error_record("ifname", EINVAL);
	if (cfg->flags & WARREN_TUN_VNET_HDR && cfg->vnet_hdr_size && cfg->vnet_hdr_size < 10)
		return error_record("ioctl(TUNSETVNETHDRSZ)", EINVAL);

	iff = iff_flags_of(cfg);
	ret = open_queue(want, iff, nonblock, actual);
	if (ret < 0)
		return ret;
	fds[0] = ret;
	opened = 1;

	ret = configure(fds[0], cfg);
	if (ret)
		goto err_close;

	/* The device exists now: the other queues attach it by its name. */
	iff &= (short)~IFF_TUN_EXCL;
	for (; opened < n; opened++) {
		ret = open_queue(actual, iff, nonblock, actual);
		if (ret < 0)
			goto err_close;
		fds[opened] = ret;
	}

	if (cfg->flags & WARREN_TUN_PERSIST) {
		ret = warren_tun_set_persist(fds[0], true);
		if (ret)
			goto err_close;
	}
	if (name)
		memcpy(name, actual, IFNAMSIZ);
	return 0;

err_close:
	while (opened)
		close(fds[--opened]);
	return ret;
}

int warren_tun_open(const struct warren_tun_config *cfg, char name[IFNAMSIZ])
{
	int fd, ret;

	ret = warren_tun_open_queues(cfg, &fd, 1, name);
	return ret ? ret : fd;
}

int warren_tun_get_iff_flags(const char *name, unsigned int *iff_flags)
{
	char path[64 + IFNAMSIZ], buf[32];
	unsigned long flags;
	ssize_t len;
	char *end;
	int fd, ret;

	if (!name_is_valid(name))
		return error_record("ifname", EINVAL);
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = errno;
		if (ret == ENOENT) {
			/* No device at all, or one that is not TUN/TAP? */
			snprintf(path, sizeof(path), "/sys/class/net/%s", name);
			ret = access(path, F_OK) ? ENODEV : EINVAL;
		}
		return error_record("open(/sys/class/net/*/tun_flags)", ret);
	}
	len = read(fd, buf, sizeof(buf) - 1);
	ret = errno;
	close(fd);
	if (len < 0)
		return error_record("read(/sys/class/net/*/tun_flags)", ret);
	buf[len] = '\0';
	errno = 0;
	flags = strtoul(buf, &end, 16);
	if (errno || end == buf || flags > 0xffff)
		return error_record("read(/sys/class/net/*/tun_flags)", EINVAL);
	*iff_flags = (unsigned int)flags;
	return 0;
}

int warren_tun_delete(const char *name)
{
	char actual[IFNAMSIZ];
	unsigned int iff;
	int fd, ret;

	ret = warren_tun_get_iff_flags(name, &iff);
	if (ret)
		return ret;
	fd = open_queue(name, (short)(iff & TUN_ATTACH_FLAGS), false, actual);
	if (fd < 0)
		return fd;
	ret = warren_tun_set_persist(fd, false);
	close(fd);
	return ret;
}

int warren_tun_queue_get_iff(int fd, char name[IFNAMSIZ], unsigned int *iff_flags)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return error_record("ioctl(TUNGETIFF)", errno);
	if (name)
		snprintf(name, IFNAMSIZ, "%.*s", IFNAMSIZ - 1, ifr.ifr_name);
	*iff_flags = (unsigned short)ifr.ifr_flags;
	return 0;
}

int warren_tun_get_features(unsigned int *iff_features)
{
	unsigned int features;
	int fd, ret = 0;

	fd = open_tun(false);
	if (fd < 0)
		return fd;
	if (ioctl(fd, TUNGETFEATURES, &features) < 0)
		ret = error_record("ioctl(TUNGETFEATURES)", errno);
	else
		*iff_features = features;
	close(fd);
	return ret;
}

int warren_tun_set_offload(int fd, unsigned int want, unsigned int *accepted)
{
	/* What to give up, newest kernel feature first. */
	static const unsigned int back_off[] = {
	    WARREN_TUN_OFFLOAD_USO4 | WARREN_TUN_OFFLOAD_USO6,
	    WARREN_TUN_OFFLOAD_TSO_ECN,
	    WARREN_TUN_OFFLOAD_TSO4 | WARREN_TUN_OFFLOAD_TSO6,
	    WARREN_TUN_OFFLOAD_CSUM,
	};
	unsigned int try = want;
	size_t i = 0;

	if (want & ~(unsigned int)WARREN_TUN_OFFLOAD_ALL)
		return error_record("ioctl(TUNSETOFFLOAD)", EINVAL);
	for (;;) {
		if (!ioctl(fd, TUNSETOFFLOAD, (unsigned long)try))
			break;
		if (errno != EINVAL || !try)
			return error_record("ioctl(TUNSETOFFLOAD)", errno);
		while (i < sizeof(back_off) / sizeof(back_off[0]) && !(try & back_off[i]))
			i++;
		if (i == sizeof(back_off) / sizeof(back_off[0]))
			try = 0;
		else
			try &= ~back_off[i++];
	}
	if (accepted)
		*accepted = try;
	return 0;
}

int warren_tun_set_vnet_hdr_size(int fd, int size)
{
	if (ioctl(fd, TUNSETVNETHDRSZ, &size) < 0)
		return error_record("ioctl(TUNSETVNETHDRSZ)", errno);
	return 0;
}

int warren_tun_get_vnet_hdr_size(int fd, int *size)
{
	if (ioctl(fd, TUNGETVNETHDRSZ, size) < 0)
		return error_record("ioctl(TUNGETVNETHDRSZ)", errno);
	return 0;
}

static int set_queue(int fd, short flag)
{
	struct ifreq ifr = {.ifr_flags = flag};

	if (ioctl(fd, TUNSETQUEUE, &ifr) < 0)
		return error_record("ioctl(TUNSETQUEUE)", errno);
	return 0;
}

int warren_tun_queue_detach(int fd)
{
	return set_queue(fd, IFF_DETACH_QUEUE);
}

int warren_tun_queue_attach(int fd)
{
	return set_queue(fd, IFF_ATTACH_QUEUE);
}

int warren_tun_set_persist(int fd, bool persist)
{
	if (ioctl(fd, TUNSETPERSIST, (unsigned long)persist) < 0)
		return error_record("ioctl(TUNSETPERSIST)", errno);
	return 0;
}

int warren_tun_set_owner(int fd, uid_t owner)
{
	if (ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0)
		return error_record("ioctl(TUNSETOWNER)", errno);
	return 0;
}

int warren_tun_set_group(int fd, gid_t group)
{
	if (ioctl(fd, TUNSETGROUP, (unsigned long)group) < 0)
		return error_record("ioctl(TUNSETGROUP)", errno);
	return 0;
}

int warren_tun_set_nonblock(int fd, bool nonblock)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return error_record("fcntl(F_GETFL)", errno);
	flags = nonblock ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (fcntl(fd, F_SETFL, flags) < 0)
		return error_record("fcntl(F_SETFL)", errno);
	return 0;
}
