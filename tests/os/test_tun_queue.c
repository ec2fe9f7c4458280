// SPDX-License-Identifier: GPL-2.0-only
/*
 * A multi-queue TUN device with 4 queues: the kernel spreads flows over
 * them, skips a detached queue, and uses it again once it is attached.
 *
 *   UDP sockets (64 flows)  --> wq0 (10.0.6.1/24) --> queues 0..3 (this program)
 *                                                     queue 2 detached, attached
 */
#include "os_test.h"

#include <warren/warren.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#define QUEUES 4
#define FLOWS 64
#define PEER_PORT 9999

static int fds[QUEUES] = {-1, -1, -1, -1};

static int case_open(void)
{
	struct warren_tun_config cfg = {.name = "wq0", .flags = WARREN_TUN_MULTI_QUEUE};
	struct warren_rtnl *rtnl;
	struct in_addr addr;
	char name[IFNAMSIZ];
	int ifindex;

	CHECK_OK(warren_tun_open_queues(&cfg, fds, QUEUES, name));
	CHECK(!strcmp(name, "wq0"));
	inet_pton(AF_INET, "10.0.6.1", &addr);
	CHECK_OK(warren_rtnl_open(&rtnl));
	ifindex = warren_rtnl_ifindex(rtnl, "wq0");
	CHECK_OK(ifindex);
	CHECK_OK(warren_rtnl_addr_add(rtnl, ifindex, AF_INET, &addr, 24, 0));
	CHECK_OK(warren_rtnl_link_set_up(rtnl, ifindex, true));
	warren_rtnl_close(rtnl);
	return 0;
}

/*
 * Sends one datagram to 10.0.6.2 from each of FLOWS fresh sockets (distinct
 * source ports, so distinct flow hashes) and counts on which queue each
 * arrives in @per_queue. Returns the number that arrived, or -1.
 */
static int send_flows(unsigned int per_queue[QUEUES])
{
	struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(PEER_PORT)};
	struct pollfd pfds[QUEUES];
	uint8_t pkt[2048] __attribute__((aligned(8)));
	int i, got = 0;

	inet_pton(AF_INET, "10.0.6.2", &peer.sin_addr);
	memset(per_queue, 0, sizeof(unsigned int) * QUEUES);
	for (i = 0; i < FLOWS; i++) {
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		CHECK(s >= 0);
		CHECK(sendto(s, "warren", 6, 0, (struct sockaddr *)&peer, sizeof(peer)) == 6);
		close(s);
	}
	for (i = 0; i < QUEUES; i++)
		pfds[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	while (got < FLOWS && poll(pfds, QUEUES, 1000) > 0) {
		for (i = 0; i < QUEUES; i++) {
			const struct iphdr *ip = (const struct iphdr *)pkt;
			const struct udphdr *udp = (const struct udphdr *)(pkt + sizeof(*ip));
			ssize_t len;

			if (!(pfds[i].revents & POLLIN))
				continue;
			len = read(fds[i], pkt, sizeof(pkt));
			CHECK(len > 0);
			/* Only our datagrams: the kernel also solicits routers. */
			if ((size_t)len < sizeof(*ip) + sizeof(*udp) || ip->version != 4 ||
			    ip->protocol != IPPROTO_UDP || udp->dest != htons(PEER_PORT))
				continue;
			per_queue[i]++;
			got++;
		}
	}
	printf("# per queue: %u %u %u %u\n", per_queue[0], per_queue[1], per_queue[2],
	       per_queue[3]);
	return got;
}

static int case_spread(void)
{
	unsigned int per_queue[QUEUES];
	int i;

	CHECK(send_flows(per_queue) == FLOWS);
	/* 64 random flow hashes leave a queue empty with p = 4 * (3/4)^64. */
	for (i = 0; i < QUEUES; i++)
		CHECK(per_queue[i] > 0);
	return 0;
}

static int case_detach(void)
{
	unsigned int per_queue[QUEUES];

	CHECK_OK(warren_tun_queue_detach(fds[2]));
	/* Twice is an error. */
	CHECK(warren_tun_queue_detach(fds[2]) == -EINVAL);
	CHECK(!strcmp(warren_error_call(), "ioctl(TUNSETQUEUE)"));
	CHECK(send_flows(per_queue) == FLOWS);
	CHECK(per_queue[2] == 0);
	CHECK(per_queue[0] && per_queue[1] && per_queue[3]);
	return 0;
}

static int case_attach(void)
{
	unsigned int per_queue[QUEUES];

	CHECK_OK(warren_tun_queue_attach(fds[2]));
	CHECK(warren_tun_queue_attach(fds[2]) == -EINVAL);
	CHECK(send_flows(per_queue) == FLOWS);
	CHECK(per_queue[2] > 0);
	return 0;
}

/* A reattached queue also carries packets into the kernel. */
static int case_write_reattached(void)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(7777)};
	struct in_addr src, dst;
	uint8_t pkt[64] __attribute__((aligned(8))), buf[64];
	struct udphdr *udp;
	int s, i;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(s >= 0);
	inet_pton(AF_INET, "10.0.6.1", &addr.sin_addr);
	CHECK(bind(s, (struct sockaddr *)&addr, sizeof(addr)) == 0);

	inet_pton(AF_INET, "10.0.6.2", &src);
	dst = addr.sin_addr;
	ip4_header(pkt, sizeof(struct iphdr) + sizeof(*udp) + 4, IPPROTO_UDP, &src, &dst);
	udp = (struct udphdr *)(pkt + sizeof(struct iphdr));
	udp->source = htons(PEER_PORT);
	udp->dest = htons(7777);
	udp->len = htons(sizeof(*udp) + 4);
	udp->check = 0;
	memcpy(udp + 1, "pong", 4);
	udp->check = csum_fold(csum_add(csum_pseudo4(&src, &dst, IPPROTO_UDP, sizeof(*udp) + 4),
					udp, sizeof(*udp) + 4));
	CHECK(write(fds[2], pkt, sizeof(struct iphdr) + sizeof(*udp) + 4) > 0);
	CHECK(read_timeout(s, buf, sizeof(buf), 2000) == 4);
	CHECK(!memcmp(buf, "pong", 4));
	close(s);
	for (i = 0; i < QUEUES; i++)
		close(fds[i]);
	CHECK(if_nametoindex("wq0") == 0);
	return 0;
}

static const struct os_test_case cases[] = {
    {"open 4 queues, address, up", case_open},
    {"64 flows spread over all 4 queues", case_spread},
    {"detached queue 2 gets nothing, the others carry all", case_detach},
    {"attached again, queue 2 carries flows", case_attach},
    {"a packet written to the reattached queue is delivered", case_write_reattached},
};

int main(void)
{
	return OS_TEST_RUN(cases);
}
