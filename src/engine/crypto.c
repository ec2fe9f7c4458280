// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crypto glue: OpenSSL libcrypto 3 and libsodium behind crypto.h. This
 * file fetches the algorithms and keeps the per-thread contexts
 * (crypto_lib.h), and holds the helpers every other part uses; by concept,
 * crypto_hash.c (BLAKE2s, its MAC, HMAC, the KDF), crypto_x25519.c and
 * crypto_aead.c (ChaCha20-Poly1305 for transport and handshake, and
 * XChaCha20-Poly1305 for cookies).
 *
 * Algorithms are fetched once (pthread_once). Library contexts that the
 * handshake would otherwise allocate per operation (digest, MACs, one-shot
 * AEAD, X25519 key import) live in a per-thread scratch area, created on a
 * thread's first use and freed when the thread exits; this keeps the
 * responder's cost close to its four scalar multiplications.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "core/secret.h"
#include "engine/crypto_lib.h"

struct crypto_algs crypto_algs;

static pthread_key_t scratch_key;
static int status;
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	struct crypto_scratch *s = p;

	if (!s)
		return;
	EVP_MD_CTX_free(s->md);
	EVP_MAC_CTX_free(s->blake2smac);
	EVP_CIPHER_CTX_free(s->aead);
	EVP_PKEY_CTX_free(s->x25519_import);
	EVP_PKEY_free(s->x25519_peer);
	/* crypto_x25519_key_free(), without calling up into crypto_x25519.c. */
	EVP_PKEY_CTX_free(s->static_key.derive);
	EVP_PKEY_free(s->static_key.pkey);
	secret_wipe(s, sizeof(*s));
	free(s);
}

static void algs_fetch(void)
{
	status = -ENOSYS;
	if (sodium_init() < 0)
		return;
	crypto_algs.blake2s = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);
	crypto_algs.blake2smac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
	crypto_algs.chacha20poly1305 = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	crypto_algs.x25519 = EVP_KEYMGMT_fetch(NULL, "X25519", NULL);
	if (!crypto_algs.blake2s || !crypto_algs.blake2smac || !crypto_algs.chacha20poly1305 ||
	    !crypto_algs.x25519)
		return;
	if (pthread_key_create(&scratch_key, scratch_free))
		return;
	status = 0;
}

int crypto_init(void)
{
	pthread_once(&algs_once, algs_fetch);
	return status;
}

struct crypto_scratch *crypto_scratch_peek(void)
{
	return crypto_init() ? NULL : pthread_getspecific(scratch_key);
}

struct crypto_scratch *crypto_scratch_get(void)
{
	struct crypto_scratch *s;

	if (crypto_init())
		return NULL;
	s = pthread_getspecific(scratch_key);
	if (s)
		return s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->md = EVP_MD_CTX_new();
	s->blake2smac = EVP_MAC_CTX_new(crypto_algs.blake2smac);
	s->aead = EVP_CIPHER_CTX_new();
	s->x25519_import = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
	if (!s->md || !s->blake2smac || !s->aead || !s->x25519_import)
		goto err_free;
	if (EVP_PKEY_fromdata_init(s->x25519_import) <= 0)
		goto err_free;
	if (pthread_setspecific(scratch_key, s))
		goto err_free;
	return s;

err_free:
	scratch_free(s);
	return NULL;
}

bool crypto_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

bool crypto_is_zero(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= b[i];
	return acc == 0;
}

int crypto_random(void *out, size_t len)
{
	if (len > INT32_MAX)
		return -EINVAL;
	return RAND_bytes(out, (int)len) == 1 ? 0 : -EIO;
}
