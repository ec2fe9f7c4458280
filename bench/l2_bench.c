// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2 mode against L3 on one core through the engine's batch API: engine A
 * seals batches (engine_send_batch), engine B opens them
 * (engine_recv_batch), and what comes out goes round again from the same
 * pool. L3 moves 1420-byte IP packets; L2 moves the 1434-byte Ethernet
 * frames a 1420-byte TAP MTU allows, unicast to a MAC learned behind B
 * (so each frame is also a MAC-table lookup on A and a learning step on B).
 *
 *   l2_bench [--seconds N] [--batch N]
 *
 * Prints packets (frames) per second and Gbit/s of the packets' bytes for
 * both, and L2's rate as a share of L3's.
 */
#include <getopt.h>
#include <time.h>

#include "../tests/unit/engine/engine_pair.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: l2_bench [--seconds N] [--batch N]\n");
	exit(2);
}

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};

static struct pktbuf *frame(struct pair *p, const uint8_t *dst, const uint8_t *src, unsigned len)
{
	struct pktbuf *buf = pktbuf_alloc(p->pool);
	uint8_t *d;

	PAIR_CHECK(buf);
	d = pktbuf_put(buf, len);
	PAIR_CHECK(d);
	memset(d, 0x5a, len);
	memcpy(d, dst, 6);
	memcpy(d + 6, src, 6);
	d[12] = 0x08; /* IPv4 ethertype; the payload is not looked at */
	d[13] = 0x00;
	return buf;
}

/* Packets per second through seal + open, one core; 0 when packets went missing. */
static double run(enum engine_mode mode, unsigned batch, double seconds, unsigned *size)
{
	uint64_t busy = 0, packets = 0, start;
	struct pktbuf *bufs[256], *buf;
	struct pair p;
	unsigned n;

	pair_init(&p);
	if (mode == ENGINE_MODE_L2) {
		PAIR_CHECK(engine_set_mode(p.a.engine, ENGINE_MODE_L2) == 0);
		PAIR_CHECK(engine_set_mode(p.b.engine, ENGINE_MODE_L2) == 0);
	}
	pair_handshake(&p);
	if (mode == ENGINE_MODE_L2) {
		/* B's VM speaks first: A learns it, and the bench is pure unicast. */
		buf = frame(&p, mac_a, mac_b, 60);
		engine_send_batch(p.b.engine, &buf, 1, p.now, &p.b.out);
		pair_deliver(&p, &p.b);
		pair_discard(&p.a);
		*size = 1420 + 14;
	} else {
		*size = 1420;
	}
	for (unsigned i = 0; i < batch; i++)
		bufs[i] = mode == ENGINE_MODE_L2
			      ? frame(&p, mac_b, mac_a, *size)
			      : pair_ip4(&p, p.a.tunnel_ip, p.b.tunnel_ip, (uint16_t)*size);

	start = now_ns();
	while (now_ns() - start < (uint64_t)(seconds * 1e9)) {
		uint64_t t0 = now_ns();

		engine_send_batch(p.a.engine, bufs, batch, p.now, &p.a.out);
		n = 0;
		while ((buf = pktbuf_queue_pop(&p.a.out.tx))) {
			buf->addr = p.a.addr;
			bufs[n++] = buf;
		}
		engine_recv_batch(p.b.engine, bufs, n, p.now, &p.b.out);
		n = 0;
		while ((buf = pktbuf_queue_pop(&p.b.out.tun)))
			bufs[n++] = buf;
		busy += now_ns() - t0;
		if (n != batch) {
			fprintf(stderr, "l2_bench: %u of %u packets came through\n", n, batch);
			return 0;
		}
		packets += batch;
	}
	for (unsigned i = 0; i < batch; i++)
		pktbuf_free(bufs[i]);
	pair_free(&p);
	return packets / (busy / 1e9);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"seconds", required_argument, NULL, 's'},
	    {"batch", required_argument, NULL, 'b'},
	    {0},
	};
	double seconds = 3, l3, l2;
	unsigned batch = 64, size3, size2;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = atof(optarg);
			break;
		case 'b':
			batch = (unsigned)atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (seconds <= 0 || !batch || batch > 256)
		usage();

	l3 = run(ENGINE_MODE_L3, batch, seconds / 2, &size3);
	l2 = run(ENGINE_MODE_L2, batch, seconds / 2, &size2);
	if (!l3 || !l2)
		return 1;
	printf("%-40s %12s  %s\n", "seal+open, one core", "packets/s", "bytes");
	printf("%-40s %12.0f  %6.2f Gbit/s\n", "L3: 1420-byte IP packets", l3,
	       l3 * size3 * 8 / 1e9);
	printf("%-40s %12.0f  %6.2f Gbit/s  %5.1f%% of L3\n",
	       "L2: 1434-byte frames, learned unicast", l2, l2 * size2 * 8 / 1e9, 100.0 * l2 / l3);
	printf("(batches of %u)\n", batch);
	return 0;
}
