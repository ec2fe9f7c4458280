// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transport seal and open of 1420-byte packets on one core through the
 * engine's batch API: engine A seals batches of IP packets
 * (engine_send_batch), engine B opens them (engine_recv_batch), and the
 * opened packets go round again, in place, from the same pool.
 *
 *   transport_bench [--seconds N] [--batch N] [--size BYTES] [--openssl-seals PPS]
 *
 * Prints packets per second and Gbit/s of payload for sealing, opening and
 * both, and with --openssl-seals (bench/run.sh passes `openssl speed`'s
 * figure) the ratio to it. The direct crypto_aead_seal() rate of this
 * process is printed too, to show what the engine adds.
 */
#include <getopt.h>
#include <time.h>

#include "../tests/unit/engine/engine_pair.h"

/*
 * The CPU time of this thread: `openssl speed` counts user time too, so
 * the two figures compare even when other processes share the core.
 */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: transport_bench [--seconds N] [--batch N] [--size BYTES] "
			"[--openssl-seals PPS]\n");
	exit(2);
}

static void print_line(const char *what, double pps, unsigned size, double ossl)
{
	printf("%-44s %12.0f  %6.2f Gbit/s", what, pps, pps * size * 8 / 1e9);
	if (ossl > 0)
		printf("  %5.1f%% of openssl", 100.0 * pps / ossl);
	printf("\n");
}

/* The AEAD alone, in place, as a reference for the engine's overhead. */
static double raw_seal_rate(unsigned size, double seconds)
{
	static uint8_t buf[2048];
	uint8_t key[32] = { 1 };
	struct crypto_aead aead;
	uint64_t start, n = 0, counter = 0;

	if (crypto_aead_init(&aead, key, true))
		return 0;
	start = now_ns();
	while (now_ns() - start < (uint64_t)(seconds * 1e9)) {
		for (int i = 0; i < 256; i++)
			crypto_aead_seal(&aead, counter++, buf, size, NULL, 0);
		n += 256;
	}
	crypto_aead_free(&aead);
	return n / ((now_ns() - start) / 1e9);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "size", required_argument, NULL, 'z' },
		{ "openssl-seals", required_argument, NULL, 'o' },
		{ 0 },
	};
	double seconds = 3, ossl = 0;
	unsigned batch = 64, size = 1420;
	uint64_t seal_ns = 0, open_ns = 0, packets = 0, start;
	struct pktbuf *bufs[256];
	struct pair p;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = atof(optarg);
			break;
		case 'b':
			batch = (unsigned)atoi(optarg);
			break;
		case 'z':
			size = (unsigned)atoi(optarg);
			break;
		case 'o':
			ossl = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (seconds <= 0 || !batch || batch > 256 || size < 28 || size > 1420)
		usage();

	pair_init(&p);
	pair_handshake(&p);
	for (unsigned i = 0; i < batch; i++)
		bufs[i] = pair_ip4(&p, p.a.tunnel_ip, p.b.tunnel_ip, (uint16_t)size);

	start = now_ns();
	while (now_ns() - start < (uint64_t)(seconds * 1e9)) {
		uint64_t t0, t1, t2;
		unsigned n = 0;
		struct pktbuf *buf;

		t0 = now_ns();
		engine_send_batch(p.a.engine, bufs, batch, p.now, &p.a.out);
		t1 = now_ns();
		while ((buf = pktbuf_queue_pop(&p.a.out.tx))) {
			buf->addr = p.a.addr;
			bufs[n++] = buf;
		}
		engine_recv_batch(p.b.engine, bufs, n, p.now, &p.b.out);
		t2 = now_ns();
		n = 0;
		while ((buf = pktbuf_queue_pop(&p.b.out.tun)))
			bufs[n++] = buf;
		if (n != batch) {
			fprintf(stderr, "transport_bench: %u of %u packets came through\n", n, batch);
			return 1;
		}
		seal_ns += t1 - t0;
		open_ns += t2 - t1;
		packets += batch;
	}

	printf("%-44s %12s  %s\n", "", "packets/s", "payload");
	print_line("crypto_aead_seal alone (seals/s)", raw_seal_rate(size, seconds / 3), size, ossl);
	print_line("engine_send_batch: seal (packets/s)", packets / (seal_ns / 1e9), size, ossl);
	print_line("engine_recv_batch: open (packets/s)", packets / (open_ns / 1e9), size, ossl);
	print_line("seal+open, one core (packets/s)", packets / ((seal_ns + open_ns) / 1e9), size,
		   ossl / 2);
	printf("(%u-byte IP packets, batches of %u; seal+open is compared with half of openssl's "
	       "seal rate: two AEAD operations per packet)\n",
	       size, batch);

	for (unsigned i = 0; i < batch; i++)
		pktbuf_free(bufs[i]);
	pair_free(&p);
	return 0;
}
