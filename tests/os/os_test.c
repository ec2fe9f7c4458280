// SPDX-License-Identifier: GPL-2.0-only
#include "os_test.h"

#include <warren/warren.h>

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <sys/mount.h>

#define SKIP 77

static void enter_namespace(void)
{
	struct warren_rtnl *rtnl;
	int ret;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		exit(SKIP);
	}
	if (access("/dev/net/tun", R_OK | W_OK)) {
		printf("1..0 # SKIP no /dev/net/tun\n");
		exit(SKIP);
	}
	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		printf("1..0 # SKIP unshare(CLONE_NEWNET): %s\n", strerror(errno));
		exit(SKIP);
	}
	/* A /sys of this namespace, invisible outside it, as `ip netns exec`. */
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) || umount2("/sys", MNT_DETACH) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL)) {
		fprintf(stderr, "mounting /sys: %s\n", strerror(errno));
		exit(1);
	}
	ret = warren_rtnl_open(&rtnl);
	if (!ret)
		ret = warren_rtnl_link_set_up(rtnl, 1, true);
	warren_rtnl_close(rtnl);
	if (ret) {
		fprintf(stderr, "lo up: %s\n", warren_strerror(ret));
		exit(1);
	}
}

int os_test_run(const struct os_test_case *cases, size_t n)
{
	int failed = 0;
	size_t i;

	enter_namespace();
	printf("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		int ret;

		fflush(stdout);
		ret = cases[i].fn();
		printf("%s %zu - %s%s\n", ret == 0 || ret == OS_TEST_SKIP ? "ok" : "not ok", i + 1,
		       cases[i].name, ret == OS_TEST_SKIP ? " # SKIP" : "");
		failed += ret != 0 && ret != OS_TEST_SKIP;
	}
	fflush(stdout);
	return failed ? 1 : 0;
}

ssize_t read_timeout(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret <= 0)
		return ret;
	return read(fd, buf, len);
}

int sysfs_read(const char *ifname, const char *attr, char *buf, size_t len)
{
	char path[128];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, buf, len - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	if (got && buf[got - 1] == '\n')
		buf[got - 1] = '\0';
	return 0;
}

uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

uint32_t csum_pseudo4(const void *src, const void *dst, uint8_t proto, uint32_t len)
{
	uint32_t sum = csum_add(0, src, 4);

	sum = csum_add(sum, dst, 4);
	return sum + proto + len;
}

uint32_t csum_pseudo6(const void *src, const void *dst, uint8_t proto, uint32_t len)
{
	uint32_t sum = csum_add(0, src, 16);

	sum = csum_add(sum, dst, 16);
	return sum + proto + (len >> 16) + (len & 0xffff);
}

void ip4_header(void *buf, uint16_t total, uint8_t proto, const void *src, const void *dst)
{
	struct iphdr hdr, *ip = &hdr;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(total);
	ip->id = htons(0x5757);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = proto;
	memcpy(&ip->saddr, src, 4);
	memcpy(&ip->daddr, dst, 4);
	ip->check = csum_fold(csum_add(0, ip, sizeof(*ip)));
	memcpy(buf, ip, sizeof(*ip));
}

void ip6_header(void *buf, uint16_t payload, uint8_t next, const void *src, const void *dst)
{
	struct ip6_hdr hdr, *ip6 = &hdr;

	memset(ip6, 0, sizeof(*ip6));
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = htons(payload);
	ip6->ip6_nxt = next;
	ip6->ip6_hlim = 64;
	memcpy(&ip6->ip6_src, src, 16);
	memcpy(&ip6->ip6_dst, dst, 16);
	memcpy(buf, ip6, sizeof(*ip6));
}
