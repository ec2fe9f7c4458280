// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batched UDP and the event loop against the kernel, on loopback in a
 * private network namespace.
 *
 *   socket A [::]:pa  --- 64 datagrams, one sendmmsg --->  socket B [::]:pb
 *     via 127.0.0.1 (B sees AF_INET), ::1 (AF_INET6), ::ffff:127.0.0.1
 *   A --- one 10500-byte UDP_SEGMENT send, segments of 1000 --->  B
 *     B without UDP_GRO: 11 datagrams; with UDP_GRO: one buffer, gso_size 1000
 *   A --- to 127.0.0.2 --->  B  --- reply from 127.0.0.2 (IPV6_PKTINFO) ---> A
 *   O (UDP_OPEN_OFFLOAD) --- runs to G (UDP_GRO) and to B, mixed --->  G, B
 *     in order; with SO_NO_CHECK the kernel refuses every run: one by one
 */
#include "os_test.h"

#include <warren/error.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/udpgso.h"
#include "os/loop.h"
#include "os/udp.h"

#define BATCH 64
#define BIG 65536

static struct udp_socket sa, sb;
static uint8_t bufs[BATCH][BIG];

static void addr_set(union sockaddr_inet *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (strchr(ip, ':')) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &a->in6.sin6_addr);
	} else {
		a->in4.sin_family = AF_INET;
		a->in4.sin_port = htons(port);
		inet_pton(AF_INET, ip, &a->in4.sin_addr);
	}
}

/* Receives into bufs until @want datagrams arrived or 2 s of silence. */
static int recv_all(struct udp_socket *s, struct udp_msg *msgs, int want)
{
	int got = 0;

	while (got < want) {
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		int n;

		if (poll(&pfd, 1, 2000) <= 0)
			break;
		for (int i = got; i < want; i++) {
			msgs[i].data = bufs[i];
			msgs[i].cap = BIG;
		}
		n = udp_recv(s, msgs + got, (unsigned int)(want - got));
		if (n == -EAGAIN)
			continue;
		if (n < 0) {
			fprintf(stderr, "# udp_recv: %s\n", warren_strerror(n));
			return -1;
		}
		got += n;
	}
	return got;
}

static int open_pair(void)
{
	CHECK_OK(udp_open(&sa, 0, 0));
	CHECK_OK(udp_open(&sb, 0, 0));
	CHECK(sa.port && sb.port && sa.port != sb.port);
	return 0;
}

static int fixed_port(void)
{
	struct udp_socket s, t;

	CHECK_OK(udp_open(&s, 45000, 0x42));
	CHECK(s.port == 45000);
	CHECK(udp_open(&t, 45000, 0) == -EADDRINUSE);
	CHECK(!strcmp(warren_error_call(), "bind(UDP)"));
	udp_close(&s);
	return 0;
}

/* Sends 64 datagrams of sizes 1..~9000 to @dst and checks what B got. */
static int batch_to(const char *dst, int family, const char *src)
{
	static uint8_t out[BATCH][9100];
	struct udp_msg tx[BATCH], rx[BATCH];
	int got;

	for (int i = 0; i < BATCH; i++) {
		uint32_t len = 1 + (uint32_t)(i * 7919) % 9000;

		memset(out[i], i, len);
		tx[i] = (struct udp_msg){.data = out[i], .len = len};
		addr_set(&tx[i].peer, dst, sb.port);
	}
	CHECK(udp_send(&sa, tx, BATCH) == BATCH);
	got = recv_all(&sb, rx, BATCH);
	CHECK(got == BATCH);
	for (int i = 0; i < BATCH; i++) {
		char ip[INET6_ADDRSTRLEN];
		const void *a = family == AF_INET ? (const void *)&rx[i].peer.in4.sin_addr
						  : (const void *)&rx[i].peer.in6.sin6_addr;
		uint16_t port =
		    family == AF_INET ? rx[i].peer.in4.sin_port : rx[i].peer.in6.sin6_port;

		CHECK(rx[i].len == tx[i].len);
		CHECK(!memcmp(rx[i].data, out[i], rx[i].len));
		CHECK(rx[i].gso_size == 0);
		CHECK(rx[i].peer.sa.sa_family == family);
		CHECK(ntohs(port) == sa.port);
		inet_ntop(family, a, ip, sizeof(ip));
		CHECK(!strcmp(ip, src));
		/* our address it was sent to, unmapped like the source */
		CHECK(rx[i].arrived_at.family == family);
		inet_ntop(family, &rx[i].arrived_at.addr, ip, sizeof(ip));
		CHECK(!strcmp(ip, src));
		CHECK(rx[i].arrived_at.ifindex == 1); /* lo */
	}
	return 0;
}

static int batch_ipv4(void)
{
	return batch_to("127.0.0.1", AF_INET, "127.0.0.1");
}

static int batch_ipv6(void)
{
	return batch_to("::1", AF_INET6, "::1");
}

static int batch_v4_mapped(void)
{
	return batch_to("::ffff:127.0.0.1", AF_INET, "127.0.0.1");
}

/* One send of 10 segments of 1000 bytes and a last one of 500. */
static int send_segmented(void)
{
	static uint8_t big[10500];
	struct udp_msg tx = {.data = big, .len = sizeof(big), .gso_size = 1000};

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i / 1000);
	addr_set(&tx.peer, "127.0.0.1", sb.port);
	CHECK(udp_send(&sa, &tx, 1) == 1);
	CHECK(sa.stats.tx_errors == 0);
	return 0;
}

static int segmentation(void)
{
	struct udp_msg rx[BATCH];

	if (!sa.gso) {
		printf("# kernel lacks UDP_SEGMENT: not tested\n");
		return 0;
	}
	if (send_segmented())
		return -1;
	CHECK(recv_all(&sb, rx, 11) == 11);
	for (int i = 0; i < 11; i++) {
		CHECK(rx[i].len == (i < 10 ? 1000u : 500u));
		CHECK(rx[i].gso_size == 0);
		CHECK(((uint8_t *)rx[i].data)[0] == i &&
		      ((uint8_t *)rx[i].data)[rx[i].len - 1] == i);
	}
	return 0;
}

static int coalesced_receive(void)
{
	struct udp_msg rx[BATCH];
	int ret, got;
	uint32_t total = 0;

	ret = udp_enable_gro(&sb);
	if (ret == -ENOPROTOOPT || !sa.gso) {
		printf("# kernel lacks UDP_GRO or UDP_SEGMENT: not tested\n");
		return 0;
	}
	CHECK_OK(ret);
	CHECK(sb.gro);
	if (send_segmented())
		return -1;
	got = recv_all(&sb, rx, 1);
	CHECK(got == 1);
	for (int i = 0; i < got; i++)
		total += rx[i].len;
	CHECK(total == 10500);
	CHECK(rx[0].gso_size == 1000);
	for (uint32_t i = 0; i < total; i++)
		CHECK(((uint8_t *)rx[0].data)[i] == i / 1000);
	return 0;
}

static int truncated_is_dropped(void)
{
	static uint8_t small[16], payload[100];
	struct udp_msg tx = {.data = payload, .len = sizeof(payload)};
	struct udp_msg rx = {.data = small, .cap = sizeof(small)};
	struct pollfd pfd = {.fd = sa.fd, .events = POLLIN};

	addr_set(&tx.peer, "::1", sa.port);
	CHECK(udp_send(&sb, &tx, 1) == 1);
	CHECK(poll(&pfd, 1, 2000) == 1);
	CHECK(udp_recv(&sa, &rx, 1) == 1);
	CHECK(rx.len == 0);
	CHECK(sa.stats.rx_truncated == 1);
	CHECK(udp_recv(&sa, &rx, 1) == -EAGAIN);
	return 0;
}

/* A refused message in the middle is counted and the rest still go out. */
static int refused_message_skipped(void)
{
	static uint8_t p[3][10];
	struct udp_msg tx[3], rx[3];

	for (int i = 0; i < 3; i++) {
		memset(p[i], 'a' + i, sizeof(p[i]));
		tx[i] = (struct udp_msg){.data = p[i], .len = sizeof(p[i])};
		addr_set(&tx[i].peer, "127.0.0.1", sb.port);
	}
	addr_set(&tx[1].peer, "203.0.113.9", 9); /* no route in this namespace */
	CHECK(udp_send(&sa, tx, 3) == 3);
	CHECK(sa.stats.tx_errors == 1);
	CHECK(recv_all(&sb, rx, 2) == 2);
	CHECK(((uint8_t *)rx[0].data)[0] == 'a' && ((uint8_t *)rx[1].data)[0] == 'c');
	return 0;
}

/* B answers A from @from (NULL: the kernel's choice); returns A's view. */
static int reply_from(struct udp_msg *req, const char *from, char *seen, size_t seen_len)
{
	static uint8_t p[8] = "reply";
	struct udp_msg tx = {.data = p, .len = sizeof(p), .peer = req->peer};
	struct udp_msg rx[1];

	if (from) {
		tx.send_from.family = AF_INET;
		inet_pton(AF_INET, from, &tx.send_from.addr.v4);
	}
	CHECK(udp_send(&sb, &tx, 1) == 1);
	if (from && !strcmp(from, "192.0.2.1"))
		CHECK(tx.send_from.family == 0); /* refused, cleared, sent anyway */
	CHECK(recv_all(&sa, rx, 1) == 1);
	CHECK(rx[0].peer.sa.sa_family == AF_INET);
	CHECK(ntohs(rx[0].peer.in4.sin_port) == sb.port);
	inet_ntop(AF_INET, &rx[0].peer.in4.sin_addr, seen, (socklen_t)seen_len);
	return 0;
}

/*
 * A writes to B at 127.0.0.2; B sees that address and answers from it, so
 * A sees the reply come from where it wrote to.
 */
static int sticky_source(void)
{
	static uint8_t p[8] = "request";
	struct udp_msg tx = {.data = p, .len = sizeof(p)}, rx[1];
	char ip[INET_ADDRSTRLEN];

	addr_set(&tx.peer, "127.0.0.2", sb.port);
	CHECK(udp_send(&sa, &tx, 1) == 1);
	CHECK(recv_all(&sb, rx, 1) == 1);
	CHECK(rx[0].arrived_at.family == AF_INET);
	CHECK(ntohl(rx[0].arrived_at.addr.v4.s_addr) == 0x7f000002);

	CHECK(reply_from(&rx[0], "127.0.0.2", ip, sizeof(ip)) == 0);
	CHECK(!strcmp(ip, "127.0.0.2"));
	CHECK(reply_from(&rx[0], NULL, ip, sizeof(ip)) == 0);
	CHECK(!strcmp(ip, "127.0.0.1"));
	CHECK(reply_from(&rx[0], "192.0.2.1", ip, sizeof(ip)) == 0); /* not ours */
	CHECK(!strcmp(ip, "127.0.0.1"));
	CHECK(sb.stats.tx_source_cleared == 1);
	CHECK(sb.stats.tx_errors == 0);
	return 0;
}

/* Two sockets on one port share the flows of 16 senders between them. */
static int reuseport_spreads_flows(void)
{
	static struct udp_socket r1, r2, senders[16];
	static uint8_t p[4] = "flow";
	struct udp_msg rx[BATCH];
	int got1, got2;

	CHECK_OK(udp_open_flags(&r1, 0, 0, UDP_OPEN_REUSEPORT));
	CHECK_OK(udp_open_flags(&r2, r1.port, 0, UDP_OPEN_REUSEPORT));
	CHECK(r2.port == r1.port);
	for (int i = 0; i < 16; i++) {
		struct udp_msg tx = {.data = p, .len = sizeof(p)};

		CHECK_OK(udp_open(&senders[i], 0, 0));
		addr_set(&tx.peer, "127.0.0.1", r1.port);
		CHECK(udp_send(&senders[i], &tx, 1) == 1);
		udp_close(&senders[i]);
	}
	got1 = recv_all(&r1, rx, 16);
	got2 = recv_all(&r2, rx, 16 - got1);
	CHECK(got1 + got2 == 16);
	CHECK(got1 > 0 && got2 > 0); /* all on one: chance 2^-15 */
	udp_close(&r1);
	udp_close(&r2);
	return 0;
}

/*
 * Sends one batch from an offload socket: runs of 1000 to G broken by a
 * short one, by datagrams to B (another endpoint), by another size, and
 * runs longer than UDPGSO_MAX_SEGS. Datagram i carries i in its first two
 * bytes. G and B must see their datagrams whole and in order, whatever
 * the runs were.
 */
#define MIXED 128
static struct udp_socket so, sg;
static uint8_t mixed_out[MIXED][1000];
static uint32_t mixed_len[MIXED];
static bool mixed_to_b[MIXED];

static void mixed_batch(struct udp_msg *tx)
{
	for (int i = 0; i < MIXED; i++) {
		uint32_t len = 1000;

		mixed_to_b[i] = (i >= 20 && i < 23) || i == 40;
		if (i == 10 || i == 30)
			len = 500; /* closes a run */
		else if (i >= 45 && i < 50)
			len = 800; /* a run of another size */
		mixed_len[i] = len;
		memset(mixed_out[i], 0xee, len);
		mixed_out[i][0] = (uint8_t)i;
		mixed_out[i][1] = (uint8_t)(i >> 8);
		tx[i] = (struct udp_msg){.data = mixed_out[i], .len = len};
		addr_set(&tx[i].peer, "127.0.0.1", mixed_to_b[i] ? sb.port : sg.port);
	}
}

/* Receives @want datagrams at @s, cutting UDP_GRO buffers; checks order. */
static int mixed_check(struct udp_socket *s, bool to_b)
{
	static uint8_t rxbuf[16][BIG];
	int next = 0, seen = 0;

	while (next < MIXED) {
		struct udp_msg rx[16];
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		int n;

		if (next < MIXED && mixed_to_b[next] != to_b) {
			next++;
			continue;
		}
		CHECK(poll(&pfd, 1, 2000) == 1);
		for (int i = 0; i < 16; i++)
			rx[i] = (struct udp_msg){.data = rxbuf[i], .cap = BIG};
		n = udp_recv(s, rx, 16);
		CHECK(n > 0);
		for (int i = 0; i < n; i++) {
			uint32_t seg = rx[i].gso_size ? rx[i].gso_size : rx[i].len;
			uint32_t count = udpgso_split_count(rx[i].len, seg, 128);

			CHECK(count > 0);
			for (uint32_t k = 0; k < count; k++) {
				const uint8_t *d = (uint8_t *)rx[i].data + k * seg;
				uint32_t len = udpgso_split_len(rx[i].len, seg, k);

				while (next < MIXED && mixed_to_b[next] != to_b)
					next++;
				CHECK(next < MIXED);
				CHECK(len == mixed_len[next]);
				CHECK(d[0] == (uint8_t)next && d[1] == (uint8_t)(next >> 8));
				CHECK(!memcmp(d + 2, mixed_out[next] + 2, len - 2));
				next++;
				seen++;
			}
		}
		while (next < MIXED && mixed_to_b[next] != to_b)
			next++;
	}
	return seen;
}

static int offload_runs(void)
{
	struct udp_msg tx[MIXED];
	int to_g, to_b;

	CHECK_OK(udp_open_flags(&so, 0, 0, UDP_OPEN_OFFLOAD));
	CHECK_OK(udp_open_flags(&sg, 0, 0, UDP_OPEN_OFFLOAD));
	if (!so.gso || !sg.gro) {
		printf("# kernel lacks UDP_SEGMENT or UDP_GRO: not tested\n");
		return OS_TEST_SKIP;
	}
	CHECK(so.gso_runs);
	mixed_batch(tx);
	CHECK(udp_send(&so, tx, MIXED) == MIXED);
	/*
	 * Runs: 0-10 (11, closed by a 500), 11-19, 20-22 (to B), 23-30
	 * (closed), 31-39, 41-45 (the first 800 closes it), 46-49 (800),
	 * 50-113 (64, the most), 114-127: 9 runs of 127 datagrams; 40 (to B)
	 * alone.
	 */
	CHECK(so.stats.tx_gso_sends == 9);
	CHECK(so.stats.tx_gso_segments == 127);
	CHECK(so.stats.tx_gso_fallbacks == 0);
	to_g = mixed_check(&sg, false);
	CHECK(to_g == 124);
	CHECK(sg.stats.rx_gro_buffers > 0);
	to_b = mixed_check(&sb, true);
	CHECK(to_b == 4);
	return 0;
}

/*
 * With SO_NO_CHECK the kernel refuses UDP_SEGMENT (EINVAL, net/ipv4/udp.c
 * udp_send_skb): every run goes again one datagram at a time, in order,
 * counted; after UDP_GSO_REFUSALS refusals the socket stops making runs.
 */
static int offload_refused(void)
{
	struct udp_msg tx[MIXED];
	int one = 1;

	if (!so.gso_runs)
		return OS_TEST_SKIP;
	CHECK(!setsockopt(so.fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)));
	mixed_batch(tx);
	CHECK(udp_send(&so, tx, MIXED) == MIXED);
	CHECK(so.stats.tx_gso_fallbacks == 9);
	CHECK(so.stats.tx_gso_sends == 9); /* the earlier case's, no more */
	CHECK(so.stats.tx_errors == 0);
	CHECK(mixed_check(&sg, false) == 124);
	CHECK(mixed_check(&sb, true) == 4);
	for (int round = 0; so.gso_runs && round < UDP_GSO_REFUSALS; round++) {
		mixed_batch(tx);
		CHECK(udp_send(&so, tx, MIXED) == MIXED);
		CHECK(mixed_check(&sg, false) == 124);
		CHECK(mixed_check(&sb, true) == 4);
	}
	CHECK(!so.gso_runs);
	CHECK(so.stats.tx_gso_fallbacks == UDP_GSO_REFUSALS);
	udp_close(&so);
	udp_close(&sg);
	return 0;
}

struct loop_state {
	uint64_t fired_at;
	int reads;
};

static void on_deadline(struct loop *loop, uint64_t now, void *arg)
{
	struct loop_state *st = arg;

	st->fired_at = now;
	loop_stop(loop);
}

static void on_readable(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct loop_state *st = arg;
	struct udp_msg rx = {.data = bufs[0], .cap = BIG};

	if ((events & EPOLLIN) && udp_recv(&sb, &rx, 1) == 1)
		st->reads++;
}

static int loop_deadline_and_fd(void)
{
	static uint8_t p[4] = "ping";
	struct loop_state st = {0};
	struct udp_msg tx = {.data = p, .len = sizeof(p)};
	struct loop_watch w = {.fd = sb.fd, .fn = on_readable, .arg = &st};
	struct loop loop;
	uint64_t deadline;

	CHECK_OK(loop_init(&loop));
	loop_set_timer(&loop, on_deadline, &st);
	CHECK_OK(loop_add(&loop, &w, EPOLLIN));
	addr_set(&tx.peer, "::1", sb.port);
	CHECK(udp_send(&sa, &tx, 1) == 1);
	/* A deadline replaced before it fires does not fire. */
	CHECK_OK(loop_set_deadline(&loop, loop_now() + 10000000));
	deadline = loop_now() + 80000000; /* 80 ms */
	CHECK_OK(loop_set_deadline(&loop, deadline));
	CHECK_OK(loop_run(&loop));
	CHECK(st.fired_at >= deadline);
	CHECK(st.fired_at < deadline + 1000000000); /* late only by scheduling */
	CHECK(st.reads == 1);
	CHECK(loop.signal == 0);
	CHECK(loop.deadline == 0);

	/* A deadline in the past fires at once. */
	st.fired_at = 0;
	CHECK_OK(loop_set_deadline(&loop, 1));
	CHECK_OK(loop_run(&loop));
	CHECK(st.fired_at != 0);
	CHECK_OK(loop_del(&loop, &w));
	loop_free(&loop);
	return 0;
}

/* Two pipes ready in one round; whichever callback runs first removes,
 * closes and frees the other's watch, as the daemon does when a link goes
 * down while datagrams wait. */
struct closer {
	struct loop_watch w;
	struct closer **other;
	int calls;
};

static void close_other(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct closer *me = arg, *victim = *me->other;

	char c;

	me->calls++;
	if (read(fd, &c, 1) != 1)
		me->calls += 100; /* shows as a failure below */
	if (victim) {
		loop_del(loop, &victim->w);
		close(victim->w.fd);
		memset(victim, 0xa5, sizeof(*victim)); /* as a free would leave it */
		*me->other = NULL;
	}
}

static void stop_loop(struct loop *loop, uint64_t now, void *arg)
{
	loop_stop(loop);
}

static int loop_del_in_callback(void)
{
	struct closer a = {0}, b = {0}, *pa = &a, *pb = &b;
	int pipe_a[2], pipe_b[2];
	struct loop loop;

	CHECK(pipe(pipe_a) == 0 && pipe(pipe_b) == 0);
	a = (struct closer){.w = {pipe_a[0], close_other, &a}, .other = &pb};
	b = (struct closer){.w = {pipe_b[0], close_other, &b}, .other = &pa};
	CHECK(write(pipe_a[1], "x", 1) == 1 && write(pipe_b[1], "x", 1) == 1);
	CHECK_OK(loop_init(&loop));
	CHECK_OK(loop_add(&loop, &a.w, EPOLLIN));
	CHECK_OK(loop_add(&loop, &b.w, EPOLLIN));
	loop_set_timer(&loop, stop_loop, NULL);
	CHECK_OK(loop_set_deadline(&loop, loop_now() + 50000000)); /* 50 ms */
	CHECK_OK(loop_run(&loop));
	/* Exactly one ran; the other was removed before its turn. */
	CHECK((pa == NULL) != (pb == NULL));
	CHECK((pa ? pa->calls : 0) + (pb ? pb->calls : 0) == 1);
	CHECK_OK(loop_del(&loop, pa ? &pa->w : &pb->w));
	close(pa ? pa->w.fd : pb->w.fd);
	close(pipe_a[1]);
	close(pipe_b[1]);
	loop_free(&loop);
	return 0;
}

static int loop_stops_on_sigterm(void)
{
	struct loop loop;
	sigset_t now;

	CHECK_OK(loop_init(&loop));
	CHECK(raise(SIGTERM) == 0); /* blocked: waits in the signalfd */
	CHECK_OK(loop_run(&loop));
	CHECK(loop.signal == SIGTERM);
	loop_free(&loop);
	CHECK(pthread_sigmask(SIG_BLOCK, NULL, &now) == 0);
	CHECK(!sigismember(&now, SIGTERM)); /* mask restored */
	return 0;
}

static int close_pair(void)
{
	udp_close(&sa);
	udp_close(&sb);
	CHECK(sa.fd == -1 && sb.fd == -1);
	return 0;
}

int main(void)
{
	static const struct os_test_case cases[] = {
	    {"two dual-stack sockets on ephemeral ports", open_pair},
	    {"a fixed port with fwmark; a taken port names bind(UDP)", fixed_port},
	    {"64 datagrams over 127.0.0.1 arrive with sizes and AF_INET source", batch_ipv4},
	    {"64 datagrams over ::1 arrive with sizes and AF_INET6 source", batch_ipv6},
	    {"to ::ffff:127.0.0.1: the source is unmapped to AF_INET", batch_v4_mapped},
	    {"a UDP_SEGMENT send arrives as 11 datagrams", segmentation},
	    {"with UDP_GRO the segments arrive as one buffer and gso_size", coalesced_receive},
	    {"a datagram larger than its buffer is dropped and counted", truncated_is_dropped},
	    {"a refused message is counted, the rest of the batch sent", refused_message_skipped},
	    {"replies leave from the address the request arrived at", sticky_source},
	    {"SO_REUSEPORT sockets on one port share the flows", reuseport_spreads_flows},
	    {"offload: runs of one size to one endpoint leave as UDP_SEGMENT, in order",
	     offload_runs},
	    {"offload: runs the kernel refuses go one by one, counted, then stop", offload_refused},
	    {"the loop's deadline fires on time, fd callbacks run", loop_deadline_and_fd},
	    {"a watch removed by a callback gets no event of the round", loop_del_in_callback},
	    {"SIGTERM stops the loop through its signalfd", loop_stops_on_sigterm},
	    {"close", close_pair},
	};

	return OS_TEST_RUN(cases);
}
