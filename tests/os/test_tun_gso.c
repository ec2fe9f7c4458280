// SPDX-License-Identifier: GPL-2.0-only
/*
 * IFF_VNET_HDR with TSO: a TCP sender in the namespace hands the TUN device
 * super-packets larger than the MTU, described by a virtio_net_hdr. This
 * program plays the TCP peer: it answers the kernel's SYN with a SYN-ACK
 * crafted here, then reads the data the kernel sends.
 *
 *   TCP socket --connect--> 10.0.7.2:5001 / [fd00:7::2]:5001
 *        |
 *   wg4/wg6 (TUN, vnet_hdr, CSUM|TSO4|TSO6, MTU 1500) <--> this program
 */
#include "os_test.h"

#include <warren/warren.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/virtio_net.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* Linux 5.18 headers */
#endif

#define PEER_PORT 5001
#define MSS 1460
#define MTU 1500
#define SEND_SIZE (256 * 1024)
#define PEER_ISN 0x10000000u
#define USO_SIZE 1000
#define USO_SEGMENTS 5
#define TSO (WARREN_TUN_OFFLOAD_CSUM | WARREN_TUN_OFFLOAD_TSO4 | WARREN_TUN_OFFLOAD_TSO6)
/*
 * Packets are read and built this far into 8-aligned buffers, so that the
 * IP header after the 10-byte virtio_net_hdr is 4-aligned.
 */
#define LEAD 2

struct gso_setup {
	const char *ifname;
	int family;
	const char *local; /* the kernel's address on the device */
	const char *peer;  /* ours, behind the device */
	unsigned int prefix;
	uint8_t gso_type; /* the type the data must come as */
};

/* Parsed view of one packet read from the device. */
struct segment {
	struct virtio_net_hdr vnet;
	const uint8_t *ip;
	size_t ip_len; /* the whole IP packet */
	size_t ip_hdr_len;
	const struct tcphdr *tcp;
	size_t tcp_len; /* header and payload */
};

/* Splits @pkt into vnet header, IP and TCP; 0 if it is TCP of @family. */
static int segment_parse(const uint8_t *pkt, size_t len, int family, struct segment *seg)
{
	const uint8_t *ip = pkt + sizeof(seg->vnet);

	if (len < sizeof(seg->vnet))
		return -1;
	memcpy(&seg->vnet, pkt, sizeof(seg->vnet));
	seg->ip = ip;
	seg->ip_len = len - sizeof(seg->vnet);
	if (family == AF_INET) {
		const struct iphdr *ip4 = (const struct iphdr *)ip;

		if (seg->ip_len < sizeof(*ip4) || ip4->version != 4 || ip4->ihl != 5 ||
		    ip4->protocol != IPPROTO_TCP)
			return -1;
		seg->ip_hdr_len = sizeof(*ip4);
	} else {
		const struct ip6_hdr *ip6 = (const struct ip6_hdr *)ip;

		if (seg->ip_len < sizeof(*ip6) || (ip[0] >> 4) != 6 || ip6->ip6_nxt != IPPROTO_TCP)
			return -1;
		seg->ip_hdr_len = sizeof(*ip6);
	}
	if (seg->ip_len < seg->ip_hdr_len + sizeof(struct tcphdr))
		return -1;
	seg->tcp = (const struct tcphdr *)(ip + seg->ip_hdr_len);
	seg->tcp_len = seg->ip_len - seg->ip_hdr_len;
	if (seg->tcp->doff * 4u < sizeof(struct tcphdr) || seg->tcp->doff * 4u > seg->tcp_len)
		return -1;
	return 0;
}

/* Reads packets until a TCP one of @family arrives; 0, or -1 on timeout. */
static int segment_read(int fd, uint8_t *buf, size_t size, int family, struct segment *seg)
{
	ssize_t len;

	while ((len = read_timeout(fd, buf, size, 2000)) > 0) {
		if (!segment_parse(buf, (size_t)len, family, seg))
			return 0;
	}
	fprintf(stderr, "# no TCP packet from the kernel\n");
	return -1;
}

/* The pseudo header sum of a TCP packet from @src to @dst. */
static uint32_t tcp_pseudo(int family, const void *src, const void *dst, size_t tcp_len)
{
	if (family == AF_INET)
		return csum_pseudo4(src, dst, IPPROTO_TCP, (uint32_t)tcp_len);
	return csum_pseudo6(src, dst, IPPROTO_TCP, (uint32_t)tcp_len);
}

/*
 * Builds our SYN-ACK to @syn (zero vnet header: checksums complete) at @pkt;
 * returns its length. Options: MSS, window scale 7, so that the kernel may
 * send 10 full segments at once.
 */
static size_t synack_build(uint8_t *pkt, const struct gso_setup *s, const struct segment *syn,
			   const uint8_t *peer, const uint8_t *local)
{
	static const uint8_t options[] = {TCPOPT_MAXSEG, TCPOLEN_MAXSEG, MSS >> 8,	 MSS & 0xff,
					  TCPOPT_NOP,	 TCPOPT_WINDOW,	 TCPOLEN_WINDOW, 7};
	size_t tcp_len = sizeof(struct tcphdr) + sizeof(options);
	size_t ip_hdr_len = s->family == AF_INET ? sizeof(struct iphdr) : sizeof(struct ip6_hdr);
	uint8_t *ip = pkt + sizeof(struct virtio_net_hdr);
	struct tcphdr *tcp = (struct tcphdr *)(ip + ip_hdr_len);

	memset(pkt, 0, sizeof(struct virtio_net_hdr));
	if (s->family == AF_INET)
		ip4_header(ip, (uint16_t)(ip_hdr_len + tcp_len), IPPROTO_TCP, peer, local);
	else
		ip6_header(ip, (uint16_t)tcp_len, IPPROTO_TCP, peer, local);
	memset(tcp, 0, sizeof(*tcp));
	tcp->source = htons(PEER_PORT);
	tcp->dest = syn->tcp->source;
	tcp->seq = htonl(PEER_ISN);
	tcp->ack_seq = htonl(ntohl(syn->tcp->seq) + 1);
	tcp->doff = (uint16_t)(tcp_len / 4);
	tcp->syn = 1;
	tcp->ack = 1;
	tcp->window = htons(65535);
	memcpy(tcp + 1, options, sizeof(options));
	tcp->check = csum_fold(csum_add(tcp_pseudo(s->family, peer, local, tcp_len), tcp, tcp_len));
	return sizeof(struct virtio_net_hdr) + ip_hdr_len + tcp_len;
}

/*
 * Opens the device with vnet_hdr, asks for offloads @want (storing what the
 * kernel took in @accepted), gives it its address and brings it up. Returns
 * the fd or -1.
 */
static int device_up(const struct gso_setup *s, const uint8_t *local, unsigned int want,
		     unsigned int *accepted)
{
	struct warren_tun_config cfg = {.name = s->ifname, .flags = WARREN_TUN_VNET_HDR};
	struct warren_rtnl *rtnl;
	int fd, ifindex = 0, ret;

	fd = warren_tun_open(&cfg, NULL);
	CHECK_OK(fd);
	ret = warren_tun_set_offload(fd, want, accepted);
	if (ret) {
		fprintf(stderr, "# offloads: %s\n", warren_strerror(ret));
		close(fd);
		return -1;
	}
	ret = warren_rtnl_open(&rtnl);
	if (!ret)
		ret = ifindex = warren_rtnl_ifindex(rtnl, s->ifname);
	if (ret >= 0)
		ret = warren_rtnl_link_set_mtu(rtnl, ifindex, MTU);
	if (!ret)
		ret = warren_rtnl_addr_add(rtnl, ifindex, s->family, local, s->prefix,
					   s->family == AF_INET6 ? IFA_F_NODAD : 0);
	if (!ret)
		ret = warren_rtnl_link_set_up(rtnl, ifindex, true);
	warren_rtnl_close(rtnl);
	if (ret) {
		fprintf(stderr, "# %s: %s\n", s->ifname, warren_strerror(ret));
		close(fd);
		return -1;
	}
	return fd;
}

/* Connects a nonblocking TCP socket to the peer; the socket or -1. */
static int tcp_connect(const struct gso_setup *s, const uint8_t *peer)
{
	struct sockaddr_storage ss = {0};
	socklen_t slen;
	int sock;

	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(PEER_PORT);
		memcpy(&sin->sin_addr, peer, 4);
		slen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(PEER_PORT);
		memcpy(&sin6->sin6_addr, peer, 16);
		slen = sizeof(*sin6);
	}
	sock = socket(s->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -1;
	if (connect(sock, (struct sockaddr *)&ss, slen) && errno != EINPROGRESS) {
		perror("# connect");
		close(sock);
		return -1;
	}
	return sock;
}

/* The byte at stream offset @i of what the test sends. */
static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 31 + (i >> 8));
}

/*
 * Checks the data packet @seg: a GSO super-packet larger than the MTU whose
 * virtio_net_hdr asks for the TCP checksum to be completed, with the
 * pseudo-header sum in the checksum field, and the stream's bytes.
 */
static int check_super_packet(const struct gso_setup *s, const struct segment *seg,
			      uint32_t first_seq, const uint8_t *local, const uint8_t *peer)
{
	size_t hdr_len = seg->ip_hdr_len + seg->tcp->doff * 4u;
	size_t payload = seg->ip_len - hdr_len;
	uint16_t expect_check;
	size_t off, i;

	printf("# vnet: flags %u gso_type %u hdr_len %u gso_size %u csum_start %u "
	       "csum_offset %u, packet %zu bytes\n",
	       seg->vnet.flags, seg->vnet.gso_type, le16toh(seg->vnet.hdr_len),
	       le16toh(seg->vnet.gso_size), le16toh(seg->vnet.csum_start),
	       le16toh(seg->vnet.csum_offset), seg->ip_len);
	CHECK(seg->vnet.gso_type == s->gso_type);
	/* The MSS: ours (1460), or what the MTU leaves after IP and TCP. */
	CHECK(le16toh(seg->vnet.gso_size) == MTU - seg->ip_hdr_len - sizeof(struct tcphdr));
	CHECK(seg->ip_len > MTU);
	CHECK(payload > le16toh(seg->vnet.gso_size) && payload <= 65535);
	CHECK(seg->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CHECK(le16toh(seg->vnet.csum_start) == seg->ip_hdr_len);
	CHECK(le16toh(seg->vnet.csum_offset) == offsetof(struct tcphdr, check));
	CHECK(le16toh(seg->vnet.hdr_len) >= hdr_len && le16toh(seg->vnet.hdr_len) <= seg->ip_len);

	/* The IP header is complete: length and (v4) checksum. */
	if (s->family == AF_INET) {
		const struct iphdr *ip4 = (const struct iphdr *)seg->ip;

		CHECK(ntohs(ip4->tot_len) == seg->ip_len);
		CHECK(csum_fold(csum_add(0, ip4, sizeof(*ip4))) == 0);
		CHECK(!memcmp(&ip4->saddr, local, 4) && !memcmp(&ip4->daddr, peer, 4));
	} else {
		const struct ip6_hdr *ip6 = (const struct ip6_hdr *)seg->ip;

		CHECK(ntohs(ip6->ip6_plen) == seg->tcp_len);
		CHECK(!memcmp(&ip6->ip6_src, local, 16) && !memcmp(&ip6->ip6_dst, peer, 16));
	}
	/* Partial checksum: the field holds the (uncomplemented) pseudo sum. */
	expect_check = (uint16_t)~csum_fold(tcp_pseudo(s->family, local, peer, seg->tcp_len));
	if (seg->tcp->check != expect_check) {
		fprintf(stderr, "# check field %#x, pseudo-header sum %#x\n",
			ntohs(seg->tcp->check), ntohs(expect_check));
		return -1;
	}
	CHECK(ntohs(seg->tcp->source) != 0 && ntohs(seg->tcp->dest) == PEER_PORT);
	off = ntohl(seg->tcp->seq) - first_seq;
	for (i = 0; i < payload; i++)
		CHECK(seg->ip[hdr_len + i] == pattern(off + i));
	return 0;
}

static int run(const struct gso_setup *s)
{
	static uint8_t data[SEND_SIZE] __attribute__((aligned(8)));
	static uint8_t buf[LEAD + 70000] __attribute__((aligned(8)));
	uint8_t *pkt = buf + LEAD;
	uint8_t local[16], peer[16];
	struct pollfd pfd;
	struct segment seg, syn;
	int fd, sock = -1, err = 0, ret = -1, n;
	socklen_t elen = sizeof(err);
	unsigned int accepted;
	uint32_t first_seq;
	size_t len, i;

	inet_pton(s->family, s->local, local);
	inet_pton(s->family, s->peer, peer);
	fd = device_up(s, local, TSO, &accepted);
	CHECK(fd >= 0);
	if (accepted != TSO) {
		fprintf(stderr, "# offloads accepted: %#x\n", accepted);
		goto out;
	}
	sock = tcp_connect(s, peer);
	if (sock < 0)
		goto out;

	/* The SYN (skipping router solicitations and the like). */
	do {
		if (segment_read(fd, pkt, sizeof(buf) - LEAD, s->family, &syn))
			goto out;
	} while (!syn.tcp->syn || syn.tcp->ack);
	if (ntohs(syn.tcp->dest) != PEER_PORT) {
		fprintf(stderr, "# SYN to port %u\n", ntohs(syn.tcp->dest));
		goto out;
	}
	/*
	 * Repeated until the socket connects: a fresh IPv6 address may not
	 * take packets in yet (its local route is installed asynchronously).
	 */
	len = synack_build(data + LEAD, s, &syn, peer, local);
	pfd = (struct pollfd){.fd = sock, .events = POLLOUT};
	for (n = 0; n < 10; n++) {
		if (write(fd, data + LEAD, len) != (ssize_t)len) {
			perror("# write SYN-ACK");
			goto out;
		}
		if (poll(&pfd, 1, 250) == 1)
			break;
	}
	if (n == 10 || getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &elen) || err) {
		fprintf(stderr, "# connect did not complete: %s\n", strerror(err));
		goto out;
	}
	first_seq = ntohl(syn.tcp->seq) + 1;

	for (i = 0; i < sizeof(data); i++)
		data[i] = pattern(i);
	if (send(sock, data, sizeof(data), MSG_DONTWAIT) <= 0) {
		perror("# send");
		goto out;
	}
	/* The first packet carrying data must be a super-packet. */
	for (n = 0; n < 20; n++) {
		if (segment_read(fd, pkt, sizeof(buf) - LEAD, s->family, &seg))
			goto out;
		if (seg.ip_len > seg.ip_hdr_len + seg.tcp->doff * 4u)
			break;
	}
	if (n == 20) {
		fprintf(stderr, "# no data from the kernel\n");
		goto out;
	}
	ret = check_super_packet(s, &seg, first_seq, local, peer);
out:
	if (sock >= 0)
		close(sock);
	close(fd);
	return ret;
}

/*
 * UDP GSO (USO): one send() of USO_SEGMENTS * USO_SIZE bytes with
 * UDP_SEGMENT set reaches the device as one super-packet of gso_type
 * UDP_L4, if the kernel took USO4/USO6 (Linux 6.2); skipped otherwise.
 */
static int run_uso(const struct gso_setup *s)
{
	static uint8_t buf[LEAD + 70000] __attribute__((aligned(8)));
	const unsigned int want = TSO | WARREN_TUN_OFFLOAD_USO4 | WARREN_TUN_OFFLOAD_USO6;
	size_t ip_hdr_len = s->family == AF_INET ? sizeof(struct iphdr) : sizeof(struct ip6_hdr);
	uint8_t local[16], peer[16], data[USO_SEGMENTS * USO_SIZE];
	struct sockaddr_storage ss = {0};
	uint8_t *pkt = buf + LEAD, *ip;
	struct virtio_net_hdr vnet;
	int fd, sock = -1, ret = -1, gso = USO_SIZE;
	unsigned int accepted;
	uint16_t expect_check;
	struct udphdr udp;
	uint32_t sum;
	socklen_t slen;
	ssize_t len;
	size_t i;

	inet_pton(s->family, s->local, local);
	inet_pton(s->family, s->peer, peer);
	fd = device_up(s, local, want, &accepted);
	CHECK(fd >= 0);
	if (accepted != want) {
		printf("# no USO in this kernel (offloads %#x)\n", accepted);
		close(fd);
		return OS_TEST_SKIP;
	}
	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(PEER_PORT);
		memcpy(&sin->sin_addr, peer, 4);
		slen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(PEER_PORT);
		memcpy(&sin6->sin6_addr, peer, 16);
		slen = sizeof(*sin6);
	}
	sock = socket(s->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || setsockopt(sock, IPPROTO_UDP, UDP_SEGMENT, &gso, sizeof(gso))) {
		perror("# UDP_SEGMENT");
		goto out;
	}
	for (i = 0; i < sizeof(data); i++)
		data[i] = pattern(i);
	/* Repeated while a fresh IPv6 address cannot send yet. */
	for (i = 0; i < 10; i++) {
		if (sendto(sock, data, sizeof(data), 0, (struct sockaddr *)&ss, slen) ==
		    (ssize_t)sizeof(data))
			break;
		usleep(100000);
	}
	for (;;) {
		len = read_timeout(fd, pkt, sizeof(buf) - LEAD, 2000);
		if (len <= 0) {
			fprintf(stderr, "# no UDP super-packet\n");
			goto out;
		}
		ip = pkt + sizeof(vnet);
		if ((size_t)len < sizeof(vnet) + ip_hdr_len + sizeof(udp) ||
		    (ip[0] >> 4) != (s->family == AF_INET ? 4 : 6) ||
		    ip[s->family == AF_INET ? 9 : 6] != IPPROTO_UDP)
			continue;
		memcpy(&udp, ip + ip_hdr_len, sizeof(udp));
		if (udp.dest == htons(PEER_PORT))
			break;
	}
	memcpy(&vnet, pkt, sizeof(vnet));
	printf("# vnet: flags %u gso_type %u gso_size %u csum_start %u csum_offset %u, "
	       "packet %zd bytes\n",
	       vnet.flags, vnet.gso_type, le16toh(vnet.gso_size), le16toh(vnet.csum_start),
	       le16toh(vnet.csum_offset), len - (ssize_t)sizeof(vnet));
	CHECK(vnet.gso_type == VIRTIO_NET_HDR_GSO_UDP_L4);
	CHECK(le16toh(vnet.gso_size) == USO_SIZE);
	CHECK(vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CHECK(le16toh(vnet.csum_start) == ip_hdr_len);
	CHECK(le16toh(vnet.csum_offset) == offsetof(struct udphdr, check));
	CHECK((size_t)len == sizeof(vnet) + ip_hdr_len + sizeof(udp) + sizeof(data));
	CHECK(ntohs(udp.len) == sizeof(udp) + sizeof(data));
	/* Partial checksum: the field holds the (uncomplemented) pseudo sum. */
	if (s->family == AF_INET)
		sum = csum_pseudo4(local, peer, IPPROTO_UDP, sizeof(udp) + sizeof(data));
	else
		sum = csum_pseudo6(local, peer, IPPROTO_UDP, sizeof(udp) + sizeof(data));
	expect_check = (uint16_t)~csum_fold(sum);
	CHECK(udp.check == expect_check);
	CHECK(!memcmp(ip + ip_hdr_len + sizeof(udp), data, sizeof(data)));
	ret = 0;
out:
	if (sock >= 0)
		close(sock);
	close(fd);
	return ret;
}

static int case_tso4(void)
{
	static const struct gso_setup s = {
	    .ifname = "wg4",
	    .family = AF_INET,
	    .local = "10.0.7.1",
	    .peer = "10.0.7.2",
	    .prefix = 24,
	    .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
	};

	return run(&s);
}

static int case_tso6(void)
{
	static const struct gso_setup s = {
	    .ifname = "wg6",
	    .family = AF_INET6,
	    .local = "fd00:7::1",
	    .peer = "fd00:7::2",
	    .prefix = 64,
	    .gso_type = VIRTIO_NET_HDR_GSO_TCPV6,
	};

	return run(&s);
}

static int case_uso4(void)
{
	static const struct gso_setup s = {
	    .ifname = "wu4",
	    .family = AF_INET,
	    .local = "10.0.8.1",
	    .peer = "10.0.8.2",
	    .prefix = 24,
	};

	return run_uso(&s);
}

static int case_uso6(void)
{
	static const struct gso_setup s = {
	    .ifname = "wu6",
	    .family = AF_INET6,
	    .local = "fd00:8::1",
	    .peer = "fd00:8::2",
	    .prefix = 64,
	};

	return run_uso(&s);
}

static const struct os_test_case cases[] = {
    {"TCP over IPv4 arrives as a TSO4 super-packet", case_tso4},
    {"TCP over IPv6 arrives as a TSO6 super-packet", case_tso6},
    {"UDP_SEGMENT over IPv4 arrives as a USO super-packet", case_uso4},
    {"UDP_SEGMENT over IPv6 arrives as a USO super-packet", case_uso6},
};

int main(void)
{
	return OS_TEST_RUN(cases);
}
