// SPDX-License-Identifier: GPL-2.0-only
/*
 * tun_echo: a userspace host behind a TUN device, written against
 * libwarren's public API only (<warren/warren.h>).
 *
 *	tun_echo [NAME] [ADDRESS/PREFIX] [COUNT]
 *
 * Creates TUN device NAME (default "echo%d"), gives it ADDRESS/PREFIX
 * (default 10.99.0.1/24) and brings it up. The kernel then routes the rest
 * of that subnet into the device, and tun_echo answers every ICMP echo
 * request it reads there: ping 10.99.0.2 and the replies come from this
 * program, not from the kernel. It exits after COUNT replies (default: never)
 * or on SIGINT/SIGTERM; the device is not persistent and goes with it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <warren/warren.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The Internet checksum (RFC 1071) of @len bytes. */
static uint16_t checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/*
 * Turns the IPv4 echo request in @pkt (@len bytes, from the device) into
 * its reply in place. Returns false for anything else, which is ignored.
 */
static bool make_reply(uint8_t *pkt, size_t len)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	struct icmphdr *icmp;
	size_t ihl;
	uint32_t addr;

	if (len < sizeof(*ip) || ip->version != 4)
		return false;
	ihl = ip->ihl * 4u;
	if (ihl < sizeof(*ip) || ntohs(ip->tot_len) != len || len < ihl + sizeof(*icmp) ||
	    ip->protocol != IPPROTO_ICMP)
		return false;
	icmp = (struct icmphdr *)(pkt + ihl);
	if (icmp->type != ICMP_ECHO || icmp->code != 0)
		return false;

	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	ip->ttl = 64;
	ip->check = 0;
	ip->check = checksum(ip, ihl);
	icmp->type = ICMP_ECHOREPLY;
	icmp->checksum = 0;
	icmp->checksum = checksum(icmp, len - ihl);
	return true;
}

static int parse_prefix(const char *s, struct in_addr *addr, unsigned int *len)
{
	char buf[INET_ADDRSTRLEN + 4], *slash, *end;
	unsigned long n;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	n = strtoul(slash + 1, &end, 10);
	if (*end || end == slash + 1 || n > 30 || inet_pton(AF_INET, buf, addr) != 1)
		return -EINVAL;
	*len = (unsigned int)n;
	return 0;
}

int main(int argc, char **argv)
{
	struct warren_tun_config cfg = {
	    .name = argc > 1 ? argv[1] : "echo%d",
	    .mode = WARREN_TUN_MODE_TUN,
	};
	const char *prefix = argc > 2 ? argv[2] : "10.99.0.1/24";
	long count = argc > 3 ? atol(argv[3]) : -1;
	char name[IFNAMSIZ];
	struct warren_rtnl *rtnl;
	struct in_addr addr;
	unsigned int prefix_len;
	uint8_t pkt[65536];
	int fd, ifindex, ret = 1;

	if (parse_prefix(prefix, &addr, &prefix_len)) {
		fprintf(stderr, "tun_echo: not an IPv4 ADDRESS/PREFIX (up to /30): `%s'\n", prefix);
		return 2;
	}
	fd = warren_tun_open(&cfg, name);
	if (fd < 0) {
		fprintf(stderr, "tun_echo: %s\n", warren_strerror(fd));
		return 1;
	}
	ret = warren_rtnl_open(&rtnl);
	if (ret < 0)
		goto err_tun;
	ifindex = warren_rtnl_ifindex(rtnl, name);
	ret = ifindex < 0 ? ifindex
			  : warren_rtnl_addr_add(rtnl, ifindex, AF_INET, &addr, prefix_len, 0);
	if (!ret)
		ret = warren_rtnl_link_set_up(rtnl, ifindex, true);
	warren_rtnl_close(rtnl);
	if (ret < 0)
		goto err_tun;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("tun_echo: %s is %s; answering pings to the rest of its subnet\n", name, prefix);
	fflush(stdout);

	while (!stop && count) {
		ssize_t n = read(fd, pkt, sizeof(pkt));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			fprintf(stderr, "tun_echo: read(%s): %s\n", name, strerror(errno));
			goto out;
		}
		if (!make_reply(pkt, (size_t)n))
			continue;
		if (write(fd, pkt, (size_t)n) != n) {
			ret = -errno;
			fprintf(stderr, "tun_echo: write(%s): %s\n", name, strerror(errno));
			goto out;
		}
		if (count > 0)
			count--;
	}
	ret = 0;
	goto out;

err_tun:
	fprintf(stderr, "tun_echo: %s\n", warren_strerror(ret));
out:
	close(fd);
	return ret ? 1 : 0;
}
