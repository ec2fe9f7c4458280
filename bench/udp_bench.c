// SPDX-License-Identifier: GPL-2.0-only
/*
 * udp_bench: 1420-byte datagrams over loopback through src/os/udp.c, one
 * sending thread and one receiving thread, in a private network namespace:
 *
 *   single  one datagram per system call (sendmmsg/recvmmsg of 1)
 *   mmsg    batches of 64 datagrams per sendmmsg/recvmmsg
 *   gso     UDP_SEGMENT sends of 44 segments, received with UDP_GRO
 *   runs    batches of 64 datagrams, each in its own buffer, through
 *           UDP_OPEN_OFFLOAD as warrend sends them: udp_send joins them
 *           into UDP_SEGMENT runs (46 and 18); received with UDP_GRO
 *
 * Prints datagrams received per second and their payload in Gbit/s.
 * On loopback the sender's system call also runs the receive path, so the
 * figures are of the per-call cost of the socket layer, not of a NIC.
 *
 * usage: udp_bench [--seconds N]     (root: it makes its own netns)
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "os/udp.h"

enum { PAYLOAD = 1420, BATCH = 64, SEGMENTS = 44, BIG = 65536 };

struct run {
	struct udp_socket *rx;
	atomic_bool stop;
	uint64_t packets, bytes;
	bool gro;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *receiver(void *arg)
{
	struct run *r = arg;
	struct udp_msg *msgs = calloc(BATCH, sizeof(*msgs));
	uint8_t *bufs = malloc((size_t)BATCH * BIG);

	if (!msgs || !bufs)
		abort();
	while (!atomic_load(&r->stop)) {
		struct pollfd pfd = {.fd = r->rx->fd, .events = POLLIN};
		int n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		for (int i = 0; i < BATCH; i++)
			msgs[i] = (struct udp_msg){.data = bufs + (size_t)i * BIG, .cap = BIG};
		n = udp_recv(r->rx, msgs, BATCH);
		for (int i = 0; i < n; i++) {
			r->bytes += msgs[i].len;
			r->packets += msgs[i].gso_size
					  ? (msgs[i].len + msgs[i].gso_size - 1) / msgs[i].gso_size
					  : 1;
		}
	}
	free(msgs);
	free(bufs);
	return NULL;
}

/*
 * One measurement: @batch messages per call, each of @segments datagrams,
 * the sockets opened with @flags (udp.h).
 */
static int measure(const char *name, unsigned int batch, unsigned int segments, unsigned int flags,
		   double secs)
{
	struct udp_socket *tx = malloc(sizeof(*tx)), *rx = malloc(sizeof(*rx));
	static uint8_t data[PAYLOAD * SEGMENTS];
	struct udp_msg msgs[BATCH];
	struct run r = {0};
	pthread_t thread;
	double start, end;

	if (!tx || !rx || udp_open_flags(tx, 0, 0, flags) || udp_open_flags(rx, 0, 0, flags)) {
		fprintf(stderr, "udp_open failed\n");
		return 1;
	}
	if ((segments > 1 && (!tx->gso || udp_enable_gro(rx))) ||
	    ((flags & UDP_OPEN_OFFLOAD) && (!tx->gso_runs || !rx->gro))) {
		printf("%-8s (kernel lacks UDP_SEGMENT/UDP_GRO)\n", name);
		goto out;
	}
	r.rx = rx;
	for (unsigned int i = 0; i < batch; i++) {
		msgs[i] = (struct udp_msg){.data = data, .len = PAYLOAD * segments};
		msgs[i].gso_size = segments > 1 ? PAYLOAD : 0;
		msgs[i].peer.in4.sin_family = AF_INET;
		msgs[i].peer.in4.sin_port = htons(rx->port);
		msgs[i].peer.in4.sin_addr.s_addr = htonl(0x7f000001);
	}
	pthread_create(&thread, NULL, receiver, &r);
	start = now();
	end = start + secs;
	while (now() < end) {
		if (udp_send(tx, msgs, batch) < 0) {
			struct pollfd pfd = {.fd = tx->fd, .events = POLLOUT};

			poll(&pfd, 1, 10);
		}
	}
	usleep(100000); /* let the receiver drain */
	atomic_store(&r.stop, true);
	pthread_join(thread, NULL);
	printf("%-8s %10.3f Mpps %8.2f Gbit/s\n", name, (double)r.packets / secs / 1e6,
	       (double)r.bytes * 8 / secs / 1e9);
out:
	udp_close(tx);
	udp_close(rx);
	free(tx);
	free(rx);
	return 0;
}

static int lo_up(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	double secs = 3;

	if (argc == 3 && !strcmp(argv[1], "--seconds"))
		secs = atof(argv[2]);
	if (unshare(CLONE_NEWNET) || lo_up()) {
		fprintf(stderr, "udp_bench: needs root for a private network namespace: %s\n",
			strerror(errno));
		return 1;
	}
	printf("# %d-byte datagrams over loopback, %.0f s each\n", PAYLOAD, secs);
	measure("single", 1, 1, 0, secs);
	measure("mmsg", BATCH, 1, 0, secs);
	measure("gso", 1, SEGMENTS, 0, secs);
	measure("runs", BATCH, 1, UDP_OPEN_OFFLOAD, secs);
	return 0;
}
