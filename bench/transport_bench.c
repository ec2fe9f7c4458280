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
 *
 * Timing: the rates are this thread's CPU time, as `openssl speed` counts
 * its own. Reading that clock is a system call (1.6 us of CPU time in this
 * VM; three reads per 64-packet batch were 3% of the batch, which `openssl
 * speed`, reading it twice per run, does not pay), so it is read only
 * every CPU_CLOCK_EVERY batches; the split of that CPU time between seal
 * and open is taken from the monotonic clock (vDSO, 30 ns), read around
 * each half of every batch.
 *
 * Load on a shared machine drifts between the `openssl speed` run and
 * this one, so the same reference loop also runs here, in slices between
 * the engine's batches, and seal+open is given as a share of it too.
 */
#include <getopt.h>
#include <time.h>

#include <openssl/evp.h>

#include "../tests/unit/engine/engine_pair.h"

enum {
	CPU_CLOCK_EVERY = 32,	   /* batches between two reads of the CPU-time clock */
	RAW_SEALS_PER_READ = 4096, /* seals between two reads, in raw_seal_rate */
};

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * The CPU time of this thread: `openssl speed` counts CPU time too (user
 * time), so the two figures compare even when other processes share the
 * core.
 */
static uint64_t cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
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

/*
 * `openssl speed -evp chacha20-poly1305`'s loop (OpenSSL 3.0 apps/speed.c,
 * EVP_Update_loop): EVP_EncryptUpdate of size bytes in place, over and
 * over, on one context keyed once: one endless message, no nonce, no tag.
 * (Here and not in the engine's crypto module, which it is not part of.)
 */
struct stream_ref {
	EVP_CIPHER_CTX *ctx;
	uint8_t buf[2048];
	uint64_t updates, ns;
};

static int stream_ref_init(struct stream_ref *ref)
{
	uint8_t key[32] = {2}, iv[12] = {0};
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	int ok;

	memset(ref, 0, sizeof(*ref));
	ref->ctx = EVP_CIPHER_CTX_new();
	ok = cipher && ref->ctx && EVP_EncryptInit_ex2(ref->ctx, cipher, key, iv, NULL);
	EVP_CIPHER_free(cipher);
	return ok ? 0 : -1;
}

static void stream_ref_run(struct stream_ref *ref, unsigned size, unsigned updates)
{
	uint64_t start = cpu_ns();
	int out_len;

	for (unsigned i = 0; i < updates; i++)
		EVP_EncryptUpdate(ref->ctx, ref->buf, &out_len, ref->buf, (int)size);
	ref->ns += cpu_ns() - start;
	ref->updates += updates;
}

/* The AEAD alone, in place, as a reference for the engine's overhead. */
static double raw_seal_rate(unsigned size, double seconds)
{
	static uint8_t buf[2048];
	uint8_t key[32] = {1};
	struct crypto_aead aead;
	uint64_t start, n = 0, counter = 0;

	if (crypto_aead_init(&aead, key, true))
		return 0;
	start = cpu_ns();
	while (cpu_ns() - start < (uint64_t)(seconds * 1e9)) {
		for (int i = 0; i < RAW_SEALS_PER_READ; i++)
			crypto_aead_seal(&aead, counter++, buf, size, NULL, 0);
		n += RAW_SEALS_PER_READ;
	}
	crypto_aead_free(&aead);
	return n / ((cpu_ns() - start) / 1e9);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"seconds", required_argument, NULL, 's'},
	    {"batch", required_argument, NULL, 'b'},
	    {"size", required_argument, NULL, 'z'},
	    {"openssl-seals", required_argument, NULL, 'o'},
	    {0},
	};
	double seconds = 3, ossl = 0;
	unsigned batch = 64, size = 1420;
	uint64_t seal_wall = 0, open_wall = 0, packets = 0, start, cpu = 0;
	double seal_share, ref_rate;
	struct stream_ref ref;
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

	if (stream_ref_init(&ref)) {
		fprintf(stderr, "transport_bench: no ChaCha20-Poly1305 in libcrypto\n");
		return 1;
	}
	pair_init(&p);
	pair_handshake(&p);
	for (unsigned i = 0; i < batch; i++)
		bufs[i] = pair_ip4(&p, p.a.tunnel_ip, p.b.tunnel_ip, (uint16_t)size);

	do {
		/* a quarter as many stream updates as the block below makes AEAD operations */
		stream_ref_run(&ref, size, CPU_CLOCK_EVERY * batch / 2);
		start = cpu_ns();
		for (int k = 0; k < CPU_CLOCK_EVERY; k++) {
			uint64_t t0, t1, t2;
			unsigned n = 0;
			struct pktbuf *buf;

			t0 = clock_ns(CLOCK_MONOTONIC);
			engine_send_batch(p.a.engine, bufs, batch, p.now, &p.a.out);
			while ((buf = pktbuf_queue_pop(&p.a.out.tx))) {
				buf->addr = p.a.addr;
				bufs[n++] = buf;
			}
			t1 = clock_ns(CLOCK_MONOTONIC);
			engine_recv_batch(p.b.engine, bufs, n, p.now, &p.b.out);
			n = 0;
			while ((buf = pktbuf_queue_pop(&p.b.out.tun)))
				bufs[n++] = buf;
			t2 = clock_ns(CLOCK_MONOTONIC);
			if (n != batch) {
				fprintf(stderr, "transport_bench: %u of %u packets came through\n",
					n, batch);
				return 1;
			}
			seal_wall += t1 - t0;
			open_wall += t2 - t1;
			packets += batch;
		}
		cpu += cpu_ns() - start;
	} while (cpu < (uint64_t)(seconds * 1e9));
	seal_share = (double)seal_wall / (double)(seal_wall + open_wall);
	ref_rate = ref.updates / (ref.ns / 1e9);
	EVP_CIPHER_CTX_free(ref.ctx);

	printf("%-44s %12s  %s\n", "", "packets/s", "payload");
	print_line("openssl speed's loop, in this process", ref_rate, size, ossl);
	print_line("crypto_aead_seal alone (seals/s)", raw_seal_rate(size, seconds / 3), size,
		   ossl);
	print_line("engine_send_batch: seal (packets/s)", packets / (cpu * seal_share / 1e9), size,
		   ossl);
	print_line("engine_recv_batch: open (packets/s)", packets / (cpu * (1 - seal_share) / 1e9),
		   size, ossl);
	print_line("seal+open, one core (packets/s)", packets / (cpu / 1e9), size, ossl / 2);
	printf("%-44s %12s  %5.1f%% of half the loop's rate\n", "seal+open against the loop here",
	       "", 100.0 * packets / (cpu / 1e9) / (ref_rate / 2));
	printf("(%u-byte IP packets, batches of %u; seal+open is compared with half of openssl's "
	       "seal rate: two AEAD operations per packet; nonce set by %s)\n",
	       size, batch, crypto_aead_quick_nonce() ? "parameter" : "full cipher init");

	for (unsigned i = 0; i < batch; i++)
		pktbuf_free(bufs[i]);
	pair_free(&p);
	return 0;
}
