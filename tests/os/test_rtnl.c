// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren/rtnl.h against the kernel. Every change is read back by another
 * path than the one that made it: SIOCGIFFLAGS, sysfs, getifaddrs(),
 * `ip route show`, or packets the kernel routes into a TUN device.
 *
 *   UDP sockets --routes--> wr0 (TUN, 10.9.0.1/24, fd00:9::1/64) --> this program
 *   wrt0 (TAP) --master--> wbr0 (bridge)
 */
#include "os_test.h"

#include <warren/warren.h>

#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_addr.h>

#define UDP_PORT 4789

static struct warren_rtnl *rtnl;
static int tun_fd = -1; /* wr0, held open by the cases that route into it */
static int tun_ifindex;

/* IFF_* flags of @name by SIOCGIFFLAGS, or -1. */
static int ioctl_flags(const char *name)
{
	struct ifreq ifr = {0};
	int s, ret;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ret = ioctl(s, SIOCGIFFLAGS, &ifr);
	close(s);
	return ret ? -1 : (unsigned short)ifr.ifr_flags;
}

/* Whether getifaddrs() lists @addr (text) on @name, with @prefix bits. */
static bool has_address(const char *name, int family, const char *addr, unsigned int prefix)
{
	struct ifaddrs *list, *ifa;
	unsigned char want[16];
	bool found = false;

	if (getifaddrs(&list))
		return false;
	inet_pton(family, addr, want);
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		const unsigned char *got, *mask;
		unsigned int bits = 0;
		size_t i, size;

		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family ||
		    strcmp(ifa->ifa_name, name))
			continue;
		if (family == AF_INET) {
			got =
			    (const unsigned char *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
			mask = (const unsigned char *)&((struct sockaddr_in *)ifa->ifa_netmask)
				   ->sin_addr;
			size = 4;
		} else {
			got = (const unsigned char *)&((struct sockaddr_in6 *)ifa->ifa_addr)
				  ->sin6_addr;
			mask = (const unsigned char *)&((struct sockaddr_in6 *)ifa->ifa_netmask)
				   ->sin6_addr;
			size = 16;
		}
		for (i = 0; i < size; i++)
			bits += (unsigned int)__builtin_popcount(mask[i]);
		if (!memcmp(got, want, size) && bits == prefix)
			found = true;
	}
	freeifaddrs(list);
	return found;
}

/* The output of a shell command (an `ip` readback), or "" on failure. */
static const char *command_output(const char *cmd)
{
	static char out[1024];
	size_t len = 0;
	FILE *f;

	out[0] = '\0';
	f = popen(cmd, "r");
	if (!f)
		return out;
	len = fread(out, 1, sizeof(out) - 1, f);
	out[len] = '\0';
	pclose(f);
	return out;
}

/*
 * Sends a UDP datagram to @addr and reports whether it came out of wr0:
 * 1 yes, 0 no (timed out), -errno if sendto() failed (-ENETUNREACH).
 */
static int routed_into_tun(int family, const char *addr)
{
	struct sockaddr_storage ss = {0};
	uint8_t pkt[2048] __attribute__((aligned(8)));
	socklen_t slen;
	ssize_t len;
	int s, ret;

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(UDP_PORT);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		slen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(UDP_PORT);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		slen = sizeof(*sin6);
	}
	s = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	ret = sendto(s, "route", 5, 0, (struct sockaddr *)&ss, slen) == 5 ? 0 : -errno;
	close(s);
	if (ret)
		return ret;
	while ((len = read_timeout(tun_fd, pkt, sizeof(pkt), 1000)) > 0) {
		unsigned char dst[16];
		size_t hdr;

		if (family == AF_INET) {
			const struct iphdr *ip = (const struct iphdr *)pkt;

			hdr = sizeof(*ip);
			if ((size_t)len < hdr + sizeof(struct udphdr) || ip->version != 4 ||
			    ip->protocol != IPPROTO_UDP)
				continue;
			memcpy(dst, &ip->daddr, 4);
		} else {
			const struct ip6_hdr *ip6 = (const struct ip6_hdr *)pkt;

			hdr = sizeof(*ip6);
			if ((size_t)len < hdr + sizeof(struct udphdr) || (pkt[0] >> 4) != 6 ||
			    ip6->ip6_nxt != IPPROTO_UDP)
				continue;
			memcpy(dst, &ip6->ip6_dst, 16);
		}
		if (((const struct udphdr *)(pkt + hdr))->dest != htons(UDP_PORT))
			continue;
		if (family == AF_INET)
			return !memcmp(dst, &((struct sockaddr_in *)&ss)->sin_addr, 4);
		return !memcmp(dst, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	}
	return 0;
}

static int case_open_and_lookup(void)
{
	struct warren_tun_config cfg = {.name = "wr0"};
	struct warren_rtnl_link link;
	int ret;

	CHECK_OK(warren_rtnl_open(&rtnl));
	CHECK_OK(warren_rtnl_link_get(rtnl, "lo", &link));
	CHECK(link.ifindex == 1 && !strcmp(link.name, "lo"));
	CHECK(link.flags & IFF_LOOPBACK && link.flags & IFF_UP && link.master == 0);
	CHECK(link.mtu == 65536);

	tun_fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(tun_fd);
	tun_ifindex = warren_rtnl_ifindex(rtnl, "wr0");
	CHECK_OK(tun_ifindex);
	CHECK(tun_ifindex == (int)if_nametoindex("wr0"));

	ret = warren_rtnl_ifindex(rtnl, "nosuchlink");
	CHECK(ret == -ENODEV);
	CHECK(!strcmp(warren_strerror(ret), "RTM_GETLINK: No such device"));
	CHECK(warren_rtnl_ifindex(rtnl, "0123456789abcdef") == -EINVAL);
	return 0;
}

static int case_up_down(void)
{
	struct warren_rtnl_link link;

	CHECK(!(ioctl_flags("wr0") & IFF_UP));
	CHECK_OK(warren_rtnl_link_set_up(rtnl, tun_ifindex, true));
	CHECK(ioctl_flags("wr0") & IFF_UP);
	CHECK_OK(warren_rtnl_link_get(rtnl, "wr0", &link));
	CHECK(link.flags & IFF_UP);
	CHECK_OK(warren_rtnl_link_set_up(rtnl, tun_ifindex, false));
	CHECK(!(ioctl_flags("wr0") & IFF_UP));
	CHECK(warren_rtnl_link_set_up(rtnl, 99999, true) == -ENODEV);
	CHECK(!strcmp(warren_error_call(), "RTM_NEWLINK"));
	return 0;
}

static int case_mtu(void)
{
	unsigned int mtu = 0;
	char buf[32];

	CHECK_OK(warren_rtnl_link_set_mtu(rtnl, tun_ifindex, 1280));
	CHECK(sysfs_read("wr0", "mtu", buf, sizeof(buf)) == 0 && !strcmp(buf, "1280"));
	CHECK_OK(warren_rtnl_link_get_mtu(rtnl, tun_ifindex, &mtu));
	CHECK(mtu == 1280);
	CHECK_OK(warren_rtnl_link_set_mtu(rtnl, tun_ifindex, 9000));
	CHECK(sysfs_read("wr0", "mtu", buf, sizeof(buf)) == 0 && !strcmp(buf, "9000"));
	/* Above the TUN driver's maximum (65535). */
	CHECK(warren_rtnl_link_set_mtu(rtnl, tun_ifindex, 70000) == -EINVAL);
	CHECK(!strcmp(warren_error_call(), "RTM_NEWLINK"));
	CHECK_OK(warren_rtnl_link_set_mtu(rtnl, tun_ifindex, 1500));
	return 0;
}

static int case_addresses(void)
{
	struct in6_addr a6;
	struct in_addr a4;
	char brd[64];
	int ret;

	inet_pton(AF_INET, "10.9.0.1", &a4);
	inet_pton(AF_INET6, "fd00:9::1", &a6);
	CHECK_OK(warren_rtnl_addr_add(rtnl, tun_ifindex, AF_INET, &a4, 24, 0));
	CHECK(has_address("wr0", AF_INET, "10.9.0.1", 24));
	snprintf(brd, sizeof(brd), "%s",
		 command_output("ip -4 -o addr show dev wr0 | grep -o 'brd [0-9.]*'"));
	CHECK(!strncmp(brd, "brd 10.9.0.255", 14));
	ret = warren_rtnl_addr_add(rtnl, tun_ifindex, AF_INET, &a4, 24, 0);
	CHECK(ret == -EEXIST);
	CHECK(!strcmp(warren_strerror(ret), "RTM_NEWADDR: File exists"));
	CHECK_OK(warren_rtnl_addr_del(rtnl, tun_ifindex, AF_INET, &a4, 24));
	CHECK(!has_address("wr0", AF_INET, "10.9.0.1", 24));
	CHECK(warren_rtnl_addr_del(rtnl, tun_ifindex, AF_INET, &a4, 24) == -EADDRNOTAVAIL);
	CHECK(!strcmp(warren_error_call(), "RTM_DELADDR"));
	/* As `ip address add` without brd: no broadcast, the flag never sent. */
	CHECK_OK(warren_rtnl_addr_add(rtnl, tun_ifindex, AF_INET, &a4, 24,
				      WARREN_RTNL_ADDR_NO_BROADCAST));
	CHECK(has_address("wr0", AF_INET, "10.9.0.1", 24));
	snprintf(brd, sizeof(brd), "%s",
		 command_output(
		     "ip -4 -o addr show dev wr0 | grep -c 'inet 10.9.0.1/24 scope global wr0'"));
	CHECK(!strncmp(brd, "1", 1));
	CHECK_OK(warren_rtnl_addr_del(rtnl, tun_ifindex, AF_INET, &a4, 24));

	CHECK_OK(warren_rtnl_addr_add(rtnl, tun_ifindex, AF_INET6, &a6, 64, IFA_F_NODAD));
	CHECK(has_address("wr0", AF_INET6, "fd00:9::1", 64));
	CHECK_OK(warren_rtnl_addr_del(rtnl, tun_ifindex, AF_INET6, &a6, 64));
	CHECK(!has_address("wr0", AF_INET6, "fd00:9::1", 64));

	CHECK(warren_rtnl_addr_add(rtnl, tun_ifindex, AF_INET, &a4, 33, 0) == -EINVAL);
	CHECK(warren_rtnl_addr_add(rtnl, tun_ifindex, AF_PACKET, &a4, 8, 0) == -EINVAL);

	/* For the route cases: addresses back, link up. */
	CHECK_OK(warren_rtnl_addr_add(rtnl, tun_ifindex, AF_INET, &a4, 24, 0));
	CHECK_OK(warren_rtnl_addr_add(rtnl, tun_ifindex, AF_INET6, &a6, 64, IFA_F_NODAD));
	CHECK_OK(warren_rtnl_link_set_up(rtnl, tun_ifindex, true));
	return 0;
}

static int case_routes_main(void)
{
	struct in_addr dst4, gw4;
	struct in6_addr dst6;
	struct warren_rtnl_route dev4 = {
	    .family = AF_INET, .dst = &dst4, .dst_len = 16, .ifindex = tun_ifindex};
	struct warren_rtnl_route via4 = {
	    .family = AF_INET, .dst = &dst4, .dst_len = 16, .gateway = &gw4};
	struct warren_rtnl_route dev6 = {
	    .family = AF_INET6, .dst = &dst6, .dst_len = 48, .ifindex = tun_ifindex};
	int ret;

	inet_pton(AF_INET, "10.10.0.0", &dst4);
	inet_pton(AF_INET, "10.9.0.2", &gw4);
	inet_pton(AF_INET6, "fd00:10::", &dst6);

	CHECK(routed_into_tun(AF_INET, "10.10.1.1") == -ENETUNREACH);
	CHECK_OK(warren_rtnl_route_add(rtnl, &dev4));
	CHECK(routed_into_tun(AF_INET, "10.10.1.1") == 1);
	ret = warren_rtnl_route_add(rtnl, &dev4);
	CHECK(ret == -EEXIST && !strcmp(warren_error_call(), "RTM_NEWROUTE"));
	CHECK_OK(warren_rtnl_route_del(rtnl, &dev4));
	CHECK(routed_into_tun(AF_INET, "10.10.1.1") == -ENETUNREACH);
	ret = warren_rtnl_route_del(rtnl, &dev4);
	CHECK(ret == -ESRCH && !strcmp(warren_error_call(), "RTM_DELROUTE"));

	/* Through a gateway on wr0's subnet. */
	CHECK_OK(warren_rtnl_route_add(rtnl, &via4));
	CHECK(!strcmp(command_output("ip -4 route show 10.10.0.0/16"),
		      "10.10.0.0/16 via 10.9.0.2 dev wr0 \n"));
	CHECK(routed_into_tun(AF_INET, "10.10.1.1") == 1);
	CHECK_OK(warren_rtnl_route_del(rtnl, &via4));
	CHECK(routed_into_tun(AF_INET, "10.10.1.1") == -ENETUNREACH);

	CHECK(routed_into_tun(AF_INET6, "fd00:10::5") == -ENETUNREACH);
	CHECK_OK(warren_rtnl_route_add(rtnl, &dev6));
	CHECK(routed_into_tun(AF_INET6, "fd00:10::5") == 1);
	CHECK_OK(warren_rtnl_route_del(rtnl, &dev6));
	CHECK(routed_into_tun(AF_INET6, "fd00:10::5") == -ENETUNREACH);

	/* Neither device nor gateway. */
	dev4.ifindex = 0;
	CHECK(warren_rtnl_route_add(rtnl, &dev4) == -EINVAL);
	return 0;
}

static int case_routes_table(void)
{
	struct in_addr dst4;
	struct in6_addr dst6;
	struct warren_rtnl_route r4 = {.family = AF_INET,
				       .dst = &dst4,
				       .dst_len = 16,
				       .ifindex = tun_ifindex,
				       .table = 100,
				       .metric = 5};
	struct warren_rtnl_route r6 = {.family = AF_INET6,
				       .dst = &dst6,
				       .dst_len = 48,
				       .ifindex = tun_ifindex,
				       .table = 1000,
				       .metric = 7};
	struct warren_rtnl_route def = {.family = AF_INET, .ifindex = tun_ifindex, .table = 100};

	inet_pton(AF_INET, "10.30.0.0", &dst4);
	inet_pton(AF_INET6, "fd00:30::", &dst6);
	CHECK_OK(warren_rtnl_route_add(rtnl, &r4));
	CHECK_OK(warren_rtnl_route_add(rtnl, &r6));
	CHECK_OK(warren_rtnl_route_add(rtnl, &def));
	CHECK(!strcmp(command_output("ip -4 route show table 100"),
		      "default dev wr0 scope link \n"
		      "10.30.0.0/16 dev wr0 scope link metric 5 \n"));
	CHECK(!strcmp(command_output("ip -6 route show table 1000"),
		      "fd00:30::/48 dev wr0 metric 7 pref medium\n"));
	/* Protocol "boot", as `ip route add`. */
	CHECK(strstr(command_output("ip -d -4 route show table 100 10.30.0.0/16"),
		     "unicast 10.30.0.0/16 dev wr0 proto boot scope link metric 5"));
	/* Not in the main table. */
	CHECK(routed_into_tun(AF_INET, "10.30.1.1") == -ENETUNREACH);
	CHECK_OK(warren_rtnl_route_del(rtnl, &r4));
	CHECK_OK(warren_rtnl_route_del(rtnl, &r6));
	CHECK_OK(warren_rtnl_route_del(rtnl, &def));
	CHECK(!strcmp(command_output("ip -4 route show table 100"), ""));
	CHECK(!strcmp(command_output("ip -6 route show table 1000"), ""));
	return 0;
}

/* Whether /sys/class/net/@name/master points at @master (NULL: no master). */
static bool sysfs_master_is(const char *name, const char *master)
{
	char path[128], target[256];
	ssize_t len;

	snprintf(path, sizeof(path), "/sys/class/net/%s/master", name);
	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return !master && errno == ENOENT;
	target[len] = '\0';
	return master && strrchr(target, '/') && !strcmp(strrchr(target, '/') + 1, master);
}

static int case_bridge_master(void)
{
	struct warren_tun_config tap = {.name = "wrt0", .mode = WARREN_TUN_MODE_TAP};
	struct warren_rtnl_link link;
	int fd, br, port, ret;

	ret = warren_rtnl_link_add(rtnl, "wbr0", "bridge");
	if (ret == -EOPNOTSUPP) {
		printf("# no bridge in this kernel\n");
		return OS_TEST_SKIP;
	}
	CHECK_OK(ret);
	br = warren_rtnl_ifindex(rtnl, "wbr0");
	CHECK_OK(br);
	ret = warren_rtnl_link_add(rtnl, "wbr0", "bridge");
	CHECK(ret == -EEXIST && !strcmp(warren_error_call(), "RTM_NEWLINK"));
	CHECK(warren_rtnl_link_add(rtnl, "wbr1", "nosuchkind") == -EOPNOTSUPP);

	fd = warren_tun_open(&tap, NULL);
	CHECK_OK(fd);
	port = warren_rtnl_ifindex(rtnl, "wrt0");
	CHECK_OK(port);
	CHECK(sysfs_master_is("wrt0", NULL));
	CHECK_OK(warren_rtnl_link_set_master(rtnl, port, br));
	CHECK(sysfs_master_is("wrt0", "wbr0"));
	CHECK_OK(warren_rtnl_link_get(rtnl, "wrt0", &link));
	CHECK(link.master == br);
	CHECK_OK(warren_rtnl_link_set_master(rtnl, port, 0));
	CHECK(sysfs_master_is("wrt0", NULL));
	CHECK_OK(warren_rtnl_link_get(rtnl, "wrt0", &link));
	CHECK(link.master == 0);
	/* A TUN device (no Ethernet) cannot be a bridge port. */
	CHECK(warren_rtnl_link_set_master(rtnl, tun_ifindex, br) < 0);
	close(fd);
	return 0;
}

/* Makes TUN link @name persistent and not held open. Its ifindex or -errno. */
static int persistent_tun(const char *name)
{
	struct warren_tun_config cfg = {.name = name, .flags = WARREN_TUN_PERSIST};
	int fd = warren_tun_open(&cfg, NULL);

	if (fd < 0)
		return fd;
	close(fd);
	return warren_rtnl_ifindex(rtnl, name);
}

/*
 * An answer larger than the handle's 32 KiB buffer (a link with 300
 * altnames of 110 characters, ~38 KiB) fails with ENOSPC, and the ACK
 * queued behind it must not become the next request's answer (EPROTO).
 */
static int case_truncated_answer(void)
{
	struct warren_rtnl_link link;
	unsigned int mtu;
	int ifindex;

	ifindex = persistent_tun("wrt0");
	CHECK_OK(ifindex);
	CHECK(!strcmp(command_output("for i in $(seq 100 399); do ip link property add dev wrt0 "
				     "altname a$i$(printf %0107d 0) || exit 1; done && echo ok"),
		      "ok\n"));
	CHECK(warren_rtnl_link_get(rtnl, "wrt0", &link) == -ENOSPC);
	/* 1: a request without an answer of its own, 2: one with. */
	CHECK_OK(warren_rtnl_link_set_mtu(rtnl, ifindex, 1400));
	CHECK_OK(warren_rtnl_link_get_mtu(rtnl, tun_ifindex, &mtu));
	/* 3: and the big answer again, then a request after it. */
	CHECK(warren_rtnl_link_get(rtnl, "wrt0", &link) == -ENOSPC);
	CHECK_OK(warren_rtnl_link_delete(rtnl, ifindex));
	CHECK(if_nametoindex("wrt0") == 0);
	return 0;
}

static int case_link_delete(void)
{
	int ifindex;

	ifindex = persistent_tun("wrd0");
	CHECK_OK(ifindex);
	CHECK_OK(warren_rtnl_link_delete(rtnl, ifindex));
	CHECK(if_nametoindex("wrd0") == 0);
	CHECK(warren_rtnl_link_delete(rtnl, ifindex) == -ENODEV);
	CHECK(!strcmp(warren_error_call(), "RTM_DELLINK"));

	ifindex = warren_rtnl_ifindex(rtnl, "wbr0");
	if (ifindex > 0) {
		CHECK_OK(warren_rtnl_link_delete(rtnl, ifindex));
		CHECK(if_nametoindex("wbr0") == 0);
	}

	/* A TUN device that is held open goes too. */
	CHECK_OK(warren_rtnl_link_delete(rtnl, tun_ifindex));
	CHECK(if_nametoindex("wr0") == 0);
	close(tun_fd);
	warren_rtnl_close(rtnl);
	warren_rtnl_close(NULL);
	return 0;
}

static const struct os_test_case cases[] = {
    {"open, link lookup by name, unknown names", case_open_and_lookup},
    {"link up and down", case_up_down},
    {"MTU set and read back", case_mtu},
    {"IPv4 and IPv6 addresses added and removed", case_addresses},
    {"routes in the main table: on-link, via gateway, IPv6", case_routes_main},
    {"routes in other tables, with metric and default", case_routes_table},
    {"bridge master set and cleared", case_bridge_master},
    {"an answer too large for the buffer leaves the handle usable", case_truncated_answer},
    {"link delete", case_link_delete},
};

int main(void)
{
	return OS_TEST_RUN(cases);
}
