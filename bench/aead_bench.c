// SPDX-License-Identifier: GPL-2.0-only
/*
 * What one packet's AEAD costs beside `openssl speed`'s loop, on one core:
 * the bound that OpenSSL 3.0's ChaCha20-Poly1305 puts on transport_bench.
 *
 *   aead_bench [--rounds N] [--size BYTES]
 *
 * Each line is CPU time per call, the median of N interleaved rounds of
 * 20000 calls:
 *   stream      EVP_EncryptUpdate of size bytes on one context keyed once
 *               (apps/speed.c EVP_Update_loop: no nonce, no tag)
 *   seal        crypto_aead_seal() of size bytes, a new nonce each
 *   empty seal  crypto_aead_seal() of 0 bytes: nonce, Poly1305 key, tag
 *   block       one 64-byte EVP_EncryptUpdate on a ChaCha20 context: the
 *               Poly1305 key block every AEAD operation computes and the
 *               stream does not (minus a 1-byte update's dispatch)
 * and what 85% of the stream rate leaves for the per-packet extra.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "engine/crypto.h"

enum { CALLS = 20000, MAX_ROUNDS = 101 };

enum case_id { STREAM, SEAL, EMPTY, BLOCK, DISPATCH, N_CASES };

static const char *const case_names[N_CASES] = {
    [STREAM] = "stream (openssl speed's loop)",
    [SEAL] = "crypto_aead_seal",
    [EMPTY] = "crypto_aead_seal, 0 bytes",
    [BLOCK] = "ChaCha20, one 64-byte update",
    [DISPATCH] = "ChaCha20, 1-byte update (dispatch)",
};

static struct {
	EVP_CIPHER_CTX *stream, *chacha;
	struct crypto_aead aead;
	uint8_t buf[2048];
	unsigned size;
	uint64_t counter;
} b;

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void run(enum case_id id)
{
	int out_len;

	for (int i = 0; i < CALLS; i++) {
		switch (id) {
		case STREAM:
			EVP_EncryptUpdate(b.stream, b.buf, &out_len, b.buf, (int)b.size);
			break;
		case SEAL:
			crypto_aead_seal(&b.aead, b.counter++, b.buf, b.size, NULL, 0);
			break;
		case EMPTY:
			crypto_aead_seal(&b.aead, b.counter++, b.buf, 0, NULL, 0);
			break;
		case BLOCK:
			EVP_EncryptUpdate(b.chacha, b.buf, &out_len, b.buf, 64);
			break;
		default:
			EVP_EncryptUpdate(b.chacha, b.buf, &out_len, b.buf, 1);
			break;
		}
	}
}

static int cmp_double(const void *pa, const void *pb)
{
	double x = *(const double *)pa, y = *(const double *)pb;

	return x < y ? -1 : x > y;
}

static EVP_CIPHER_CTX *keyed(const char *name)
{
	uint8_t key[32] = {3}, iv[16] = {0};
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (!cipher || !ctx || !EVP_EncryptInit_ex2(ctx, cipher, key, iv, NULL)) {
		fprintf(stderr, "aead_bench: no %s in libcrypto\n", name);
		exit(1);
	}
	EVP_CIPHER_free(cipher);
	return ctx;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"rounds", required_argument, NULL, 'r'},
	    {"size", required_argument, NULL, 'z'},
	    {0},
	};
	static double ns[N_CASES][MAX_ROUNDS];
	uint8_t key[32] = {4};
	double med[N_CASES], budget, block;
	int rounds = 21, c;

	b.size = 1420;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'r')
			rounds = atoi(optarg);
		else if (c == 'z')
			b.size = (unsigned)atoi(optarg);
		else
			goto usage;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || b.size < 1 || b.size > 1500)
		goto usage;

	b.stream = keyed("ChaCha20-Poly1305");
	b.chacha = keyed("ChaCha20");
	if (crypto_aead_init(&b.aead, key, true)) {
		fprintf(stderr, "aead_bench: crypto_aead_init failed\n");
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		for (int id = 0; id < N_CASES; id++) {
			uint64_t start = cpu_ns();

			run(id);
			ns[id][r] = (double)(cpu_ns() - start) / CALLS;
		}
	}
	for (int id = 0; id < N_CASES; id++) {
		qsort(ns[id], (size_t)rounds, sizeof(double), cmp_double);
		med[id] = ns[id][rounds / 2];
		printf("%-40s %8.1f ns\n", case_names[id], med[id]);
	}
	block = med[BLOCK] - med[DISPATCH];
	budget = med[STREAM] / 0.85 - med[STREAM];
	printf("\n%u-byte seal at %.1f%% of the stream rate (nonce set by %s)\n", b.size,
	       100.0 * med[STREAM] / med[SEAL],
	       crypto_aead_quick_nonce() ? "parameter" : "full cipher init");
	printf("85%% of the stream rate leaves %.0f ns per operation beyond the stream's work;\n"
	       "the Poly1305 key block alone takes %.0f ns, the empty seal %.0f ns:\n"
	       "with nothing else at all, at most %.1f%%\n",
	       budget, block, med[EMPTY], 100.0 * med[STREAM] / (med[STREAM] + block));

	crypto_aead_free(&b.aead);
	EVP_CIPHER_CTX_free(b.stream);
	EVP_CIPHER_CTX_free(b.chacha);
	return 0;

usage:
	fprintf(stderr, "usage: aead_bench [--rounds 1..%d] [--size 1..1500]\n", MAX_ROUNDS);
	return 2;
}
