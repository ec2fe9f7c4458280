/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The insides the crypto glue's files share (crypto.c, crypto_hash.c,
 * crypto_x25519.c, crypto_aead.c); nothing else includes this. crypto.c
 * fetches the algorithms once and keeps, per thread, the library contexts
 * that the handshake would otherwise allocate per operation.
 */
#ifndef WARREN_ENGINE_CRYPTO_LIB_H
#define WARREN_ENGINE_CRYPTO_LIB_H

#include <openssl/evp.h>

#include "engine/crypto.h"

/* The algorithms, fetched by crypto_init(); read-only afterwards. */
struct crypto_algs {
	EVP_MD *blake2s;
	EVP_MAC *blake2smac;
	EVP_CIPHER *chacha20poly1305;
	EVP_KEYMGMT *x25519;
};
extern struct crypto_algs crypto_algs;

/* Per-thread library contexts, reused by every one-shot operation. */
struct crypto_scratch {
	EVP_MD_CTX *md;
	EVP_MAC_CTX *blake2smac;
	EVP_CIPHER_CTX *aead;
	EVP_PKEY_CTX *x25519_import;
	EVP_PKEY *x25519_peer;
	/* The last static key used by this thread (crypto_x25519_shared_static). */
	struct crypto_x25519_key static_key;
	uint8_t static_private[X25519_KEY_LEN];
	uint8_t static_public[X25519_KEY_LEN];
};

/*
 * This thread's scratch contexts, made on its first call and freed when it
 * exits; NULL if crypto_init() failed or memory ran out.
 */
struct crypto_scratch *crypto_scratch_get(void);

/* This thread's scratch contexts if it has any yet, else NULL. */
struct crypto_scratch *crypto_scratch_peek(void);

#endif
