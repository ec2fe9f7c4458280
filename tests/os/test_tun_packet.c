// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packets through TUN and TAP devices, answered by the kernel's own stack.
 *
 *   this program                         kernel (private netns)
 *   fd of wt4/wt6 (TUN)  --- echo request --->  10.0.4.1 / fd00:4::1
 *                        <--- echo reply  ----
 *   fd of wp0 (TAP)      --- ARP who-has ---->  10.0.5.1
 *   02:00:00:00:05:02    <--- ARP is-at  -----
 *                        --- echo request --->
 *                        <--- echo reply  ----
 */
#include "os_test.h"

#include <warren/warren.h>

#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <linux/if_addr.h>

#define ECHO_ID 0x4242
#define ECHO_SEQ 7
#define PAYLOAD_LEN 48
/*
 * Ethernet frames are read and built this far into 8-aligned buffers, so
 * that the IP header after the 14-byte Ethernet header is 4-aligned.
 */
#define ETH_LEAD 2

static const uint8_t our_mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x05, 0x02};

/*
 * Opens a device of @mode named @name, gives it @addr/@prefix (of @family,
 * IFA_F_NODAD for IPv6) and brings it up. Returns the queue's fd or -1.
 */
static int device_up(const char *name, enum warren_tun_mode mode, int family, const char *addr,
		     unsigned int prefix)
{
	struct warren_tun_config cfg = {.name = name, .mode = mode};
	struct warren_rtnl *rtnl = NULL;
	unsigned char bin[16];
	int fd, ifindex, ret;

	fd = warren_tun_open(&cfg, NULL);
	if (fd < 0) {
		fprintf(stderr, "# warren_tun_open: %s\n", warren_strerror(fd));
		return -1;
	}
	inet_pton(family, addr, bin);
	ret = warren_rtnl_open(&rtnl);
	if (ret)
		goto err;
	ret = ifindex = warren_rtnl_ifindex(rtnl, name);
	if (ret < 0)
		goto err;
	ret = warren_rtnl_addr_add(rtnl, ifindex, family, bin, prefix,
				   family == AF_INET6 ? IFA_F_NODAD : 0);
	if (ret)
		goto err;
	ret = warren_rtnl_link_set_up(rtnl, ifindex, true);
	if (ret)
		goto err;
	warren_rtnl_close(rtnl);
	return fd;
err:
	fprintf(stderr, "# setting up %s: %s\n", name, warren_strerror(ret));
	warren_rtnl_close(rtnl);
	close(fd);
	return -1;
}

/* Fills an ICMP(v6) echo header and payload at @p; the checksum is left 0. */
static void echo_fill(uint8_t *p, uint8_t type)
{
	struct icmphdr *icmp = (struct icmphdr *)p;
	int i;

	memset(icmp, 0, sizeof(*icmp));
	icmp->type = type;
	icmp->un.echo.id = htons(ECHO_ID);
	icmp->un.echo.sequence = htons(ECHO_SEQ);
	for (i = 0; i < PAYLOAD_LEN; i++)
		p[sizeof(*icmp) + i] = (uint8_t)(i * 7 + 1);
}

/* Checks an echo reply at @p (@len bytes from the ICMP header on). */
static int echo_check(const uint8_t *p, size_t len, uint8_t type)
{
	const struct icmphdr *icmp = (const struct icmphdr *)p;
	int i;

	CHECK(len == sizeof(*icmp) + PAYLOAD_LEN);
	CHECK(icmp->type == type);
	CHECK(icmp->code == 0);
	CHECK(ntohs(icmp->un.echo.id) == ECHO_ID);
	CHECK(ntohs(icmp->un.echo.sequence) == ECHO_SEQ);
	for (i = 0; i < PAYLOAD_LEN; i++)
		CHECK(p[sizeof(*icmp) + i] == (uint8_t)(i * 7 + 1));
	return 0;
}

/* Builds an IPv4 echo request from @src to @dst at @pkt; returns its length. */
static size_t echo4_build(uint8_t *pkt, const struct in_addr *src, const struct in_addr *dst)
{
	size_t icmp_len = sizeof(struct icmphdr) + PAYLOAD_LEN;
	struct icmphdr *icmp = (struct icmphdr *)(pkt + sizeof(struct iphdr));

	ip4_header(pkt, (uint16_t)(sizeof(struct iphdr) + icmp_len), IPPROTO_ICMP, src, dst);
	echo_fill((uint8_t *)icmp, ICMP_ECHO);
	icmp->checksum = csum_fold(csum_add(0, icmp, icmp_len));
	return sizeof(struct iphdr) + icmp_len;
}

/* Decides whether a packet read back is the answer: 1 yes, 0 other, -1 broken. */
typedef int (*match_fn)(const uint8_t *pkt, size_t len, const void *ctx);

/*
 * Writes @req to @fd and reads, @lead bytes into an aligned buffer (0 for
 * TUN, ETH_LEAD for TAP), until @match accepts a packet, skipping the
 * ones it does not (router solicitations, MLD). The request is repeated
 * every 250 ms, up to 12 times, as ping does: an address just configured
 * may not be usable yet (IPv6 installs its local route asynchronously).
 * Returns 0 if the answer came and passed @match, -1 otherwise.
 */
static int exchange(int fd, const void *req, size_t req_len, size_t lead, match_fn match,
		    const void *ctx)
{
	uint8_t buf[ETH_LEAD + 2048] __attribute__((aligned(8)));
	uint8_t *pkt = buf + lead;
	int attempt, ret;
	ssize_t len;

	for (attempt = 0; attempt < 12; attempt++) {
		if (write(fd, req, req_len) != (ssize_t)req_len) {
			perror("# write");
			return -1;
		}
		while ((len = read_timeout(fd, pkt, sizeof(buf) - lead, 250)) > 0) {
			ret = match(pkt, (size_t)len, ctx);
			if (ret)
				return ret == 1 ? 0 : -1;
		}
		if (len < 0) {
			perror("# read");
			return -1;
		}
	}
	fprintf(stderr, "# no answer\n");
	return -1;
}

/* The two ends of an exchange: the kernel's address and ours. */
struct ends {
	uint8_t kernel[16];
	uint8_t peer[16];
};

/*
 * Matches an IPv4 echo reply from ends->kernel to ends->peer, with valid
 * header and ICMP checksums and our id, sequence and payload.
 */
static int echo4_match(const uint8_t *pkt, size_t len, const void *ctx)
{
	const struct iphdr *ip = (const struct iphdr *)pkt;
	const struct ends *ends = ctx;

	if (len < sizeof(*ip) + sizeof(struct icmphdr) || ip->version != 4 ||
	    ip->protocol != IPPROTO_ICMP || pkt[ip->ihl * 4] != ICMP_ECHOREPLY)
		return 0;
	CHECK(ip->ihl == 5);
	CHECK(ntohs(ip->tot_len) == len);
	CHECK(csum_fold(csum_add(0, ip, sizeof(*ip))) == 0);
	CHECK(!memcmp(&ip->saddr, ends->kernel, 4) && !memcmp(&ip->daddr, ends->peer, 4));
	CHECK(csum_fold(csum_add(0, pkt + sizeof(*ip), len - sizeof(*ip))) == 0);
	CHECK(echo_check(pkt + sizeof(*ip), len - sizeof(*ip), ICMP_ECHOREPLY) == 0);
	return 1;
}

/* The same for ICMPv6, whose checksum covers the pseudo header. */
static int echo6_match(const uint8_t *pkt, size_t len, const void *ctx)
{
	const struct ip6_hdr *ip6 = (const struct ip6_hdr *)pkt;
	const struct ends *ends = ctx;
	uint32_t plen;

	if (len < sizeof(*ip6) + sizeof(struct icmp6_hdr) || (pkt[0] >> 4) != 6 ||
	    ip6->ip6_nxt != IPPROTO_ICMPV6 || pkt[sizeof(*ip6)] != ICMP6_ECHO_REPLY)
		return 0;
	plen = (uint32_t)(len - sizeof(*ip6));
	CHECK(ntohs(ip6->ip6_plen) == plen);
	CHECK(!memcmp(&ip6->ip6_src, ends->kernel, 16) && !memcmp(&ip6->ip6_dst, ends->peer, 16));
	CHECK(csum_fold(csum_add(csum_pseudo6(ends->kernel, ends->peer, IPPROTO_ICMPV6, plen),
				 pkt + sizeof(*ip6), plen)) == 0);
	CHECK(echo_check(pkt + sizeof(*ip6), plen, ICMP6_ECHO_REPLY) == 0);
	return 1;
}

static int case_tun_echo4(void)
{
	struct ends ends;
	uint8_t pkt[256] __attribute__((aligned(8)));
	size_t len;
	int fd, ret;

	inet_pton(AF_INET, "10.0.4.1", ends.kernel);
	inet_pton(AF_INET, "10.0.4.2", ends.peer);
	fd = device_up("wt4", WARREN_TUN_MODE_TUN, AF_INET, "10.0.4.1", 24);
	CHECK(fd >= 0);
	len = echo4_build(pkt, (struct in_addr *)ends.peer, (struct in_addr *)ends.kernel);
	ret = exchange(fd, pkt, len, 0, echo4_match, &ends);
	close(fd);
	return ret;
}

static int case_tun_echo6(void)
{
	size_t icmp_len = sizeof(struct icmp6_hdr) + PAYLOAD_LEN;
	struct icmp6_hdr *icmp;
	struct ends ends;
	uint8_t pkt[256] __attribute__((aligned(8)));
	int fd, ret;

	inet_pton(AF_INET6, "fd00:4::1", ends.kernel);
	inet_pton(AF_INET6, "fd00:4::2", ends.peer);
	fd = device_up("wt6", WARREN_TUN_MODE_TUN, AF_INET6, "fd00:4::1", 64);
	CHECK(fd >= 0);
	ip6_header(pkt, (uint16_t)icmp_len, IPPROTO_ICMPV6, ends.peer, ends.kernel);
	icmp = (struct icmp6_hdr *)(pkt + sizeof(struct ip6_hdr));
	echo_fill((uint8_t *)icmp, ICMP6_ECHO_REQUEST);
	icmp->icmp6_cksum = csum_fold(
	    csum_add(csum_pseudo6(ends.peer, ends.kernel, IPPROTO_ICMPV6, (uint32_t)icmp_len), icmp,
		     icmp_len));
	ret = exchange(fd, pkt, sizeof(struct ip6_hdr) + icmp_len, 0, echo6_match, &ends);
	close(fd);
	return ret;
}

/* The TAP device of the two TAP cases, kept open between them. */
static int tap_fd = -1;
static uint8_t kernel_mac[ETH_ALEN];

struct arp_frame {
	struct ether_header eth;
	struct ether_arp arp;
} __attribute__((packed));

/* Matches the kernel's ARP reply to our request and learns its MAC. */
static int arp_match(const uint8_t *frame, size_t len, const void *ctx)
{
	const struct arp_frame *rep = (const struct arp_frame *)frame;
	const struct ends *ends = ctx;

	if (len < sizeof(*rep) || rep->eth.ether_type != htons(ETHERTYPE_ARP))
		return 0;
	CHECK(ntohs(rep->arp.arp_hrd) == ARPHRD_ETHER);
	CHECK(ntohs(rep->arp.arp_pro) == ETHERTYPE_IP);
	CHECK(ntohs(rep->arp.arp_op) == ARPOP_REPLY);
	CHECK(!memcmp(rep->eth.ether_dhost, our_mac, ETH_ALEN));
	CHECK(!memcmp(rep->arp.arp_tha, our_mac, ETH_ALEN));
	CHECK(!memcmp(rep->arp.arp_spa, ends->kernel, 4));
	CHECK(!memcmp(rep->arp.arp_tpa, ends->peer, 4));
	CHECK(!memcmp(rep->eth.ether_shost, rep->arp.arp_sha, ETH_ALEN));
	memcpy(kernel_mac, rep->arp.arp_sha, ETH_ALEN);
	return 1;
}

static int case_tap_arp(void)
{
	char sysfs_mac[32], mac[32];
	struct arp_frame req;
	struct ends ends;

	inet_pton(AF_INET, "10.0.5.1", ends.kernel);
	inet_pton(AF_INET, "10.0.5.2", ends.peer);
	tap_fd = device_up("wp0", WARREN_TUN_MODE_TAP, AF_INET, "10.0.5.1", 24);
	CHECK(tap_fd >= 0);

	memset(&req, 0, sizeof(req));
	memset(req.eth.ether_dhost, 0xff, ETH_ALEN);
	memcpy(req.eth.ether_shost, our_mac, ETH_ALEN);
	req.eth.ether_type = htons(ETHERTYPE_ARP);
	req.arp.arp_hrd = htons(ARPHRD_ETHER);
	req.arp.arp_pro = htons(ETHERTYPE_IP);
	req.arp.arp_hln = ETH_ALEN;
	req.arp.arp_pln = 4;
	req.arp.arp_op = htons(ARPOP_REQUEST);
	memcpy(req.arp.arp_sha, our_mac, ETH_ALEN);
	memcpy(req.arp.arp_spa, ends.peer, 4);
	memcpy(req.arp.arp_tpa, ends.kernel, 4);
	CHECK(exchange(tap_fd, &req, sizeof(req), ETH_LEAD, arp_match, &ends) == 0);

	/* The answer names the TAP device's own address. */
	CHECK(sysfs_read("wp0", "address", sysfs_mac, sizeof(sysfs_mac)) == 0);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", kernel_mac[0], kernel_mac[1],
		 kernel_mac[2], kernel_mac[3], kernel_mac[4], kernel_mac[5]);
	CHECK(!strcmp(mac, sysfs_mac));
	return 0;
}

/* Matches an echo reply in an Ethernet frame from the kernel's MAC to ours. */
static int eth_echo4_match(const uint8_t *frame, size_t len, const void *ctx)
{
	const struct ether_header *eth = (const struct ether_header *)frame;
	int ret;

	if (len < sizeof(*eth) || eth->ether_type != htons(ETHERTYPE_IP))
		return 0;
	ret = echo4_match(frame + sizeof(*eth), len - sizeof(*eth), ctx);
	if (ret != 1)
		return ret;
	CHECK(!memcmp(eth->ether_dhost, our_mac, ETH_ALEN));
	CHECK(!memcmp(eth->ether_shost, kernel_mac, ETH_ALEN));
	return 1;
}

/* After the ARP exchange the kernel knows our MAC and answers a ping. */
static int case_tap_echo4(void)
{
	struct ether_header *eth;
	uint8_t buf[ETH_LEAD + 256] __attribute__((aligned(8)));
	uint8_t *frame = buf + ETH_LEAD;
	struct ends ends;
	size_t len;
	int ret;

	CHECK(tap_fd >= 0);
	inet_pton(AF_INET, "10.0.5.1", ends.kernel);
	inet_pton(AF_INET, "10.0.5.2", ends.peer);
	eth = (struct ether_header *)frame;
	memcpy(eth->ether_dhost, kernel_mac, ETH_ALEN);
	memcpy(eth->ether_shost, our_mac, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IP);
	len = sizeof(*eth) + echo4_build(frame + sizeof(*eth), (struct in_addr *)ends.peer,
					 (struct in_addr *)ends.kernel);
	ret = exchange(tap_fd, frame, len, ETH_LEAD, eth_echo4_match, &ends);
	close(tap_fd);
	tap_fd = -1;
	return ret;
}

static const struct os_test_case cases[] = {
    {"TUN: IPv4 echo request answered by the kernel", case_tun_echo4},
    {"TUN: IPv6 echo request answered by the kernel", case_tun_echo6},
    {"TAP: ARP request for the kernel's address answered", case_tap_arp},
    {"TAP: IPv4 echo in an Ethernet frame answered", case_tap_echo4},
};

int main(void)
{
	return OS_TEST_RUN(cases);
}
