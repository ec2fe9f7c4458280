// SPDX-License-Identifier: GPL-2.0-only
/*
 * TUN/TAP device management against the kernel: names and templates, every
 * flag read back from sysfs, persist and delete, owner and group, feature
 * and offload probing, vnet header size, and the errors, which must name
 * the failing call.
 */
#include "os_test.h"

#include <warren/warren.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_tun.h>

/* Whether a link of that name exists in this namespace. */
static bool link_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

static int case_template(void)
{
	struct warren_tun_config tun = {.name = "wtt%d"};
	struct warren_tun_config tap = {.mode = WARREN_TUN_MODE_TAP};
	char name[IFNAMSIZ], name2[IFNAMSIZ];
	int fd, fd2;

	fd = warren_tun_open(&tun, name);
	CHECK_OK(fd);
	CHECK(!strcmp(name, "wtt0"));
	fd2 = warren_tun_open(&tun, name2);
	CHECK_OK(fd2);
	CHECK(!strcmp(name2, "wtt1"));
	close(fd2);
	close(fd);
	/* Not persistent: gone with the descriptor. */
	CHECK(!link_exists("wtt0") && !link_exists("wtt1"));

	fd = warren_tun_open(&tap, name);
	CHECK_OK(fd);
	CHECK(!strncmp(name, "tap", 3) && link_exists(name));
	close(fd);
	return 0;
}

/* Every flag combination comes out in tun_flags as asked, and deletes. */
static int case_flags_persist_delete(void)
{
	static const unsigned int mask = IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_ONE_QUEUE |
					 IFF_VNET_HDR | IFF_MULTI_QUEUE | IFF_PERSIST;
	unsigned int combo, iff, want;

	for (combo = 0; combo < 32; combo++) {
		struct warren_tun_config cfg = {
		    .name = "wtf0",
		    .mode = combo & 1 ? WARREN_TUN_MODE_TAP : WARREN_TUN_MODE_TUN,
		    .flags = WARREN_TUN_PERSIST,
		};
		int fd;

		want = (combo & 1 ? IFF_TAP : IFF_TUN) | IFF_PERSIST;
		if (combo & 2)
			cfg.flags |= WARREN_TUN_PI;
		else
			want |= IFF_NO_PI;
		if (combo & 4) {
			cfg.flags |= WARREN_TUN_ONE_QUEUE;
			want |= IFF_ONE_QUEUE;
		}
		if (combo & 8) {
			cfg.flags |= WARREN_TUN_VNET_HDR;
			want |= IFF_VNET_HDR;
		}
		if (combo & 16) {
			cfg.flags |= WARREN_TUN_MULTI_QUEUE;
			want |= IFF_MULTI_QUEUE;
		}
		fd = warren_tun_open(&cfg, NULL);
		CHECK_OK(fd);
		close(fd);
		CHECK(link_exists("wtf0"));
		CHECK_OK(warren_tun_get_iff_flags("wtf0", &iff));
		if ((iff & mask) != want) {
			fprintf(stderr, "# combo %u: tun_flags %#x, want %#x\n", combo, iff, want);
			return -1;
		}
		/* By name alone, multi_queue or not. */
		CHECK_OK(warren_tun_delete("wtf0"));
		CHECK(!link_exists("wtf0"));
	}
	return 0;
}

static int case_owner_group(void)
{
	struct warren_tun_config cfg = {
	    .name = "wto0",
	    .flags = WARREN_TUN_PERSIST,
	    .has_owner = true,
	    .owner = 4242,
	    .has_group = true,
	    .group = 4343,
	};
	char buf[32];
	int fd;

	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	close(fd);
	CHECK(sysfs_read("wto0", "owner", buf, sizeof(buf)) == 0 && !strcmp(buf, "4242"));
	CHECK(sysfs_read("wto0", "group", buf, sizeof(buf)) == 0 && !strcmp(buf, "4343"));
	CHECK_OK(warren_tun_delete("wto0"));
	CHECK(!link_exists("wto0"));
	return 0;
}

/* A device that is open elsewhere: -EBUSY, and the message names TUNSETIFF. */
static int case_busy(void)
{
	struct warren_tun_config cfg = {.name = "wtb0"};
	int fd, ret;

	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	ret = warren_tun_open(&cfg, NULL);
	close(fd);
	CHECK(ret == -EBUSY);
	CHECK(!strcmp(warren_error_call(), "ioctl(TUNSETIFF)"));
	CHECK(!strcmp(warren_strerror(ret), "ioctl(TUNSETIFF): Device or resource busy"));
	return 0;
}

static int case_errors(void)
{
	struct warren_tun_config cfg = {.name = "wte0", .flags = WARREN_TUN_PERSIST};
	struct warren_tun_config tap = {.name = "wte0", .mode = WARREN_TUN_MODE_TAP};
	struct warren_tun_config excl = {.name = "wte0", .flags = WARREN_TUN_EXCL};
	struct warren_tun_config mq = {.name = "wte0", .flags = WARREN_TUN_MULTI_QUEUE};
	struct warren_tun_config lo = {.name = "lo"};
	struct warren_tun_config longname = {.name = "0123456789abcdef"};
	int fd, ret;

	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	close(fd);
	/* Persistent and closed: attachable, but not with another mode... */
	ret = warren_tun_open(&tap, NULL);
	CHECK(ret == -EINVAL && !strcmp(warren_error_call(), "ioctl(TUNSETIFF)"));
	/* ...nor another multi_queue setting, nor when it must be new. */
	CHECK(warren_tun_open(&mq, NULL) == -EINVAL);
	CHECK(warren_tun_open(&excl, NULL) == -EBUSY);
	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	close(fd);

	CHECK(warren_tun_open(&lo, NULL) == -EINVAL);
	CHECK(!strcmp(warren_strerror(-EINVAL), "ioctl(TUNSETIFF): Invalid argument"));
	CHECK(warren_tun_open(&longname, NULL) == -EINVAL);

	CHECK(warren_tun_delete("lo") == -EINVAL);
	CHECK_OK(warren_tun_delete("wte0"));
	ret = warren_tun_delete("wte0");
	CHECK(ret == -ENODEV);
	CHECK(!strcmp(warren_error_call(), "open(/sys/class/net/*/tun_flags)"));
	return 0;
}

/*
 * A multi-queue open that fails halfway (the kernel allows 256 queues)
 * closes what it opened, and the device it created (persist asked) is gone.
 */
static int case_failed_open_leaves_nothing(void)
{
	struct warren_tun_config cfg = {
	    .name = "wtl0",
	    .flags = WARREN_TUN_MULTI_QUEUE | WARREN_TUN_PERSIST,
	};
	enum { N = 257 };
	int *fds, ret;

	fds = calloc(N, sizeof(*fds));
	CHECK(fds);
	ret = warren_tun_open_queues(&cfg, fds, N, NULL);
	free(fds);
	CHECK(ret < 0);
	CHECK(!strcmp(warren_error_call(), "ioctl(TUNSETIFF)"));
	CHECK(!link_exists("wtl0"));

	/* A single-queue open that asks for more than one queue. */
	cfg.flags = WARREN_TUN_PERSIST;
	fds = calloc(2, sizeof(*fds));
	CHECK(fds);
	ret = warren_tun_open_queues(&cfg, fds, 2, NULL);
	free(fds);
	CHECK(ret == -EINVAL && !link_exists("wtl0"));
	return 0;
}

static int case_features(void)
{
	unsigned int features = 0;

	CHECK_OK(warren_tun_get_features(&features));
	CHECK(features & IFF_TUN && features & IFF_TAP && features & IFF_NO_PI);
	CHECK(features & IFF_VNET_HDR && features & IFF_MULTI_QUEUE);
	return 0;
}

static int case_offload_vnet_hdr(void)
{
	struct warren_tun_config cfg = {
	    .name = "wtv0", .flags = WARREN_TUN_VNET_HDR, .vnet_hdr_size = 12};
	unsigned int accepted = ~0u;
	int fd, size = 0;

	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	CHECK_OK(warren_tun_get_vnet_hdr_size(fd, &size));
	CHECK(size == 12);
	CHECK_OK(warren_tun_set_vnet_hdr_size(fd, 10));
	CHECK_OK(warren_tun_get_vnet_hdr_size(fd, &size));
	CHECK(size == 10);
	CHECK(warren_tun_set_vnet_hdr_size(fd, 4) == -EINVAL);

	CHECK_OK(warren_tun_set_offload(fd, WARREN_TUN_OFFLOAD_ALL, &accepted));
	/* Every kernel with multi-queue has CSUM and TSO; USO needs 6.2. */
	CHECK((accepted & ~(unsigned int)WARREN_TUN_OFFLOAD_ALL) == 0);
	CHECK(accepted & WARREN_TUN_OFFLOAD_CSUM && accepted & WARREN_TUN_OFFLOAD_TSO4 &&
	      accepted & WARREN_TUN_OFFLOAD_TSO6);
	printf("# offloads accepted: %#x of %#x\n", accepted, WARREN_TUN_OFFLOAD_ALL);
	/* TSO without CSUM is refused by the kernel: backs off to nothing. */
	CHECK_OK(warren_tun_set_offload(fd, WARREN_TUN_OFFLOAD_TSO4, &accepted));
	CHECK(accepted == 0);
	CHECK(warren_tun_set_offload(fd, 0x10, &accepted) == -EINVAL);
	CHECK_OK(warren_tun_set_offload(fd, 0, &accepted));
	CHECK(accepted == 0);
	close(fd);
	return 0;
}

static int case_nonblock(void)
{
	struct warren_tun_config cfg = {.name = "wtn0", .flags = WARREN_TUN_NONBLOCK};
	char buf[64];
	int fd;

	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	CHECK(read(fd, buf, sizeof(buf)) == -1 && errno == EAGAIN);
	CHECK_OK(warren_tun_set_nonblock(fd, false));
	CHECK(read_timeout(fd, buf, sizeof(buf), 50) == 0);
	CHECK_OK(warren_tun_set_nonblock(fd, true));
	CHECK(read(fd, buf, sizeof(buf)) == -1 && errno == EAGAIN);
	close(fd);
	return 0;
}

/* TUNSETQUEUE only applies to queues of multi-queue devices. */
static int case_queue_single(void)
{
	struct warren_tun_config cfg = {.name = "wts0"};
	int fd, ret;

	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	ret = warren_tun_queue_detach(fd);
	close(fd);
	CHECK(ret == -EINVAL && !strcmp(warren_error_call(), "ioctl(TUNSETQUEUE)"));
	return 0;
}

static const struct os_test_case cases[] = {
    {"names from a template, gone on close", case_template},
    {"32 flag combinations read back, deleted by name", case_flags_persist_delete},
    {"owner and group", case_owner_group},
    {"busy device: -EBUSY from ioctl(TUNSETIFF)", case_busy},
    {"mode, multi_queue, excl, non-TUN and unknown names", case_errors},
    {"a failed open leaves no device behind", case_failed_open_leaves_nothing},
    {"TUNGETFEATURES", case_features},
    {"TUNSETOFFLOAD back-off and vnet header size", case_offload_vnet_hdr},
    {"nonblocking queues", case_nonblock},
    {"TUNSETQUEUE on a single-queue device: -EINVAL", case_queue_single},
};

int main(void)
{
	return OS_TEST_RUN(cases);
}
