// SPDX-License-Identifier: GPL-2.0-only
/*
 * handshake_bench: initiations consumed and answered per second by one
 * responder on one core, beside X25519 scalar multiplications per second
 * measured in the same run.
 *
 * A responder does four scalar multiplications per initiation when the
 * static-static DH is precomputed (DH(S_r, E_i); its ephemeral's public
 * key; DH(E_r, E_i); DH(E_r, S_i)), so x25519_per_sec / 4 bounds the
 * handshake rate. The goal is at least 80% of that bound.
 *
 * The responder's work timed per initiation: mac1 check, consuming the
 * initiation, creating the response, its mac1, and deriving the keys.
 * Initiations are made beforehand in batches, each with a fresh ephemeral
 * and a newer timestamp, by an initiator whose time is not counted.
 *
 * usage: handshake_bench [seconds]   (default 3 per measurement, in 10
 * interleaved rounds; times are CPU time of the thread)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "engine/cookie.h"
#include "engine/crypto.h"
#include "engine/noise.h"
#include "core/secret.h"

enum { BATCH = 64, ROUNDS = 10 };

static double now_s(void)
{
	struct timespec ts;

	/*
	 * CPU time of this thread: the rates are per second of one core even
	 * when other work shares the machine.
	 */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int ret)
{
	fprintf(stderr, "handshake_bench: %s: %s\n", what, strerror(-ret));
	exit(1);
}

struct tally {
	long n;
	double seconds;
};

/* OpenSSL's own rate: EVP_PKEY_derive on a context made once. */
static void x25519_openssl_rate(double seconds, struct tally *t)
{
	uint8_t a[32], ap[32], b[32], bp[32], out[32];
	EVP_PKEY *ka, *kb;
	EVP_PKEY_CTX *ctx;
	double start, elapsed;
	long n = 0;

	if (crypto_x25519_generate(a, ap) || crypto_x25519_generate(b, bp))
		die("x25519 keys", -EIO);
	ka = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, a, 32);
	kb = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, bp, 32);
	ctx = ka ? EVP_PKEY_CTX_new(ka, NULL) : NULL;
	if (!kb || !ctx || EVP_PKEY_derive_init(ctx) <= 0 || EVP_PKEY_derive_set_peer(ctx, kb) <= 0)
		die("openssl x25519 setup", -EIO);
	start = now_s();
	do {
		for (int i = 0; i < 64; i++) {
			size_t len = sizeof(out);

			if (EVP_PKEY_derive(ctx, out, &len) <= 0)
				die("EVP_PKEY_derive", -EIO);
		}
		n += 64;
		elapsed = now_s() - start;
	} while (elapsed < seconds);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	t->n += n;
	t->seconds += elapsed;
}

/* The same through warren's crypto glue (key import included). */
static void x25519_glue_rate(double seconds, struct tally *t)
{
	uint8_t a[32], ap[32], b[32], bp[32], out[32];
	double start, elapsed;
	long n = 0;

	if (crypto_x25519_generate(a, ap) || crypto_x25519_generate(b, bp))
		die("x25519 keys", -EIO);
	start = now_s();
	do {
		for (int i = 0; i < 64; i++) {
			int ret = crypto_x25519_shared_known(out, a, ap, bp);

			if (ret)
				die("crypto_x25519_shared_known", ret);
		}
		n += 64;
		elapsed = now_s() - start;
	} while (elapsed < seconds);
	t->n += n;
	t->seconds += elapsed;
}

struct lookup {
	struct noise_handshake *hs;
};

static struct noise_handshake *lookup_peer(void *ctx, const uint8_t key[NOISE_PUBLIC_KEY_LEN])
{
	struct lookup *l = ctx;

	return crypto_equal(key, l->hs->remote_static, NOISE_PUBLIC_KEY_LEN) ? l->hs : NULL;
}

static void handshake_rate(double seconds, struct tally *t)
{
	static struct message_handshake_initiation inits[BATCH];
	struct noise_static_identity i_id, r_id;
	struct noise_handshake i_hs, r_hs;
	struct cookie_maker i_maker, r_maker;
	struct cookie_checker checker;
	struct cookie_source src = {.addr = {192, 0, 2, 1}, .addr_len = 4, .port = 51820};
	struct lookup l = {.hs = &r_hs};
	uint8_t priv[32], pub[32];
	uint64_t wall = 1700000000ULL * NSEC_PER_SEC, mono = NSEC_PER_SEC;
	double timed = 0;
	long n = 0;
	int ret;

	if ((ret = crypto_x25519_generate(priv, pub)) ||
	    (ret = noise_identity_set_private(&i_id, priv)) ||
	    (ret = crypto_x25519_generate(priv, pub)) ||
	    (ret = noise_identity_set_private(&r_id, priv)))
		die("identities", ret);
	if ((ret = noise_handshake_init(&i_hs, &i_id, r_id.static_public, NULL)) ||
	    (ret = noise_handshake_init(&r_hs, &r_id, i_id.static_public, NULL)) ||
	    (ret = cookie_maker_init(&i_maker, r_id.static_public)) ||
	    (ret = cookie_maker_init(&r_maker, i_id.static_public)) ||
	    (ret = cookie_checker_init(&checker, r_id.static_public)))
		die("handshake setup", ret);

	while (timed < seconds) {
		double start;

		for (int i = 0; i < BATCH; i++) {
			wall += 1ULL << 24; /* the next TAI64N slot */
			ret = noise_create_initiation(&i_hs, &inits[i], (uint32_t)i, wall);
			if (!ret)
				ret = cookie_add_macs(&i_maker, &inits[i], sizeof(inits[i]), 0);
			if (ret)
				die("initiation", ret);
		}

		start = now_s();
		for (int i = 0; i < BATCH; i++) {
			struct message_handshake_response resp;
			struct noise_handshake *found;
			struct noise_keys keys;

			mono += INITIATION_MIN_INTERVAL_NS;
			if (cookie_validate(&checker, &inits[i], sizeof(inits[i]), &src, false,
					    mono) != VALID_MAC_BUT_NO_COOKIE)
				die("mac1", -EBADMSG);
			ret = noise_consume_initiation(&r_id, &inits[i], mono, lookup_peer, &l,
						       &found);
			if (ret)
				die("noise_consume_initiation", ret);
			ret = noise_create_response(&r_hs, &resp, (uint32_t)i);
			if (!ret)
				ret = cookie_add_macs(&r_maker, &resp, sizeof(resp), mono);
			if (!ret)
				ret = noise_derive_keys(&r_hs, &keys, mono);
			if (ret)
				die("response", ret);
			noise_keys_wipe(&keys);
		}
		timed += now_s() - start;
		n += BATCH;
	}

	noise_handshake_destroy(&i_hs);
	noise_handshake_destroy(&r_hs);
	noise_identity_clear(&i_id);
	noise_identity_clear(&r_id);
	cookie_maker_clear(&i_maker);
	cookie_maker_clear(&r_maker);
	cookie_checker_clear(&checker);
	secret_wipe(priv, sizeof(priv));
	t->n += n;
	t->seconds += timed;
}

static double rate(const struct tally *t)
{
	return (double)t->n / t->seconds;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	struct tally x_ossl = {0}, x_glue = {0}, hs = {0};
	double bound;
	int ret;

	if (seconds <= 0) {
		fprintf(stderr, "usage: handshake_bench [seconds]\n");
		return 2;
	}
	ret = crypto_init();
	if (ret)
		die("crypto_init", ret);

	/* Interleaved rounds, so that other load on the machine weighs on all three alike. */
	for (int round = 0; round < ROUNDS; round++) {
		x25519_openssl_rate(seconds / ROUNDS, &x_ossl);
		handshake_rate(seconds / ROUNDS, &hs);
		x25519_glue_rate(seconds / ROUNDS / 4, &x_glue);
	}
	bound = rate(&x_ossl) / 4;

	printf("x25519 scalar multiplications/s (OpenSSL EVP_PKEY_derive): %.0f\n", rate(&x_ossl));
	printf("x25519 shared secrets/s through warren's crypto glue:      %.0f\n", rate(&x_glue));
	printf("responder initiations consumed and answered/s (one core):  %.0f\n", rate(&hs));
	printf("bound x25519/4: %.0f; handshakes/bound: %.1f%% (goal >= 80%%)\n", bound,
	       100.0 * rate(&hs) / bound);
	return 0;
}
