// SPDX-License-Identifier: GPL-2.0-only
/*
 * BLAKE2s-256, keyed BLAKE2s (mac1, mac2, cookies), HMAC-BLAKE2s and the
 * HKDF-style KDF of the WireGuard paper §5.4, over OpenSSL's digest and
 * MAC. Contracts in crypto.h.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "core/secret.h"
#include "engine/crypto_lib.h"

/* BLAKE2s-256 */

int crypto_blake2s2(uint8_t out[BLAKE2S_HASH_LEN], const void *a, size_t alen, const void *b,
		    size_t blen)
{
	struct crypto_scratch *s = crypto_scratch_get();
	unsigned int out_len;

	if (!s)
		return -ENOMEM;
	if (!EVP_DigestInit_ex2(s->md, crypto_algs.blake2s, NULL) ||
	    !EVP_DigestUpdate(s->md, a, alen) || (blen && !EVP_DigestUpdate(s->md, b, blen)) ||
	    !EVP_DigestFinal_ex(s->md, out, &out_len))
		return -EIO;
	return 0;
}

int crypto_blake2s(uint8_t out[BLAKE2S_HASH_LEN], const void *in, size_t len)
{
	return crypto_blake2s2(out, in, len, NULL, 0);
}

int crypto_blake2s_init(struct crypto_blake2s_state *state)
{
	state->ctx = NULL;
	if (crypto_init())
		return -ENOSYS;
	state->ctx = EVP_MD_CTX_new();
	if (!state->ctx)
		return -ENOMEM;
	if (!EVP_DigestInit_ex2(state->ctx, crypto_algs.blake2s, NULL)) {
		crypto_blake2s_free(state);
		return -EIO;
	}
	return 0;
}

int crypto_blake2s_update(struct crypto_blake2s_state *state, const void *in, size_t len)
{
	if (!state->ctx)
		return -EINVAL;
	return EVP_DigestUpdate(state->ctx, in, len) ? 0 : -EIO;
}

int crypto_blake2s_final(struct crypto_blake2s_state *state, uint8_t out[BLAKE2S_HASH_LEN])
{
	unsigned int out_len;
	int ret;

	if (!state->ctx)
		return -EINVAL;
	ret = EVP_DigestFinal_ex(state->ctx, out, &out_len) ? 0 : -EIO;
	crypto_blake2s_free(state);
	return ret;
}

void crypto_blake2s_free(struct crypto_blake2s_state *state)
{
	EVP_MD_CTX_free(state->ctx);
	state->ctx = NULL;
}

/* MACs */

int crypto_blake2s_keyed(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
			 const void *in, size_t len)
{
	struct crypto_scratch *s = crypto_scratch_get();
	OSSL_PARAM params[2];
	size_t written;

	if (!s)
		return -ENOMEM;
	if (!out_len || out_len > BLAKE2S_HASH_LEN || !key_len || key_len > BLAKE2S_KEY_LEN)
		return -EINVAL;
	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &out_len);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(s->blake2smac, key, key_len, params) ||
	    !EVP_MAC_update(s->blake2smac, in, len) ||
	    !EVP_MAC_final(s->blake2smac, out, &written, out_len) || written != out_len)
		return -EIO;
	return 0;
}

/*
 * HMAC (RFC 2104) composed over OpenSSL's BLAKE2s-256 digest with its
 * 64-byte block, as WireGuard's noise.c composes it. OpenSSL's EVP_MAC
 * "HMAC" computes the same (test_crypto compares the two) but re-keys
 * three digest contexts per call, which made it 2.3 times as slow and the
 * largest cost of a handshake after X25519.
 */
int crypto_hmac_blake2s(uint8_t out[BLAKE2S_HASH_LEN], const uint8_t *key, size_t key_len,
			const void *in, size_t len)
{
	struct crypto_scratch *s = crypto_scratch_get();
	uint8_t pad[BLAKE2S_BLOCK_LEN] = {0};
	uint8_t inner[BLAKE2S_HASH_LEN];
	unsigned int out_len;
	int ret = -EIO;

	if (!s)
		return -ENOMEM;
	if (key_len > BLAKE2S_BLOCK_LEN) {
		ret = crypto_blake2s(pad, key, key_len);
		if (ret)
			goto out;
		ret = -EIO;
	} else if (key_len) {
		memcpy(pad, key, key_len);
	}

	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	if (!EVP_DigestInit_ex2(s->md, crypto_algs.blake2s, NULL) ||
	    !EVP_DigestUpdate(s->md, pad, sizeof(pad)) ||
	    (len && !EVP_DigestUpdate(s->md, in, len)) ||
	    !EVP_DigestFinal_ex(s->md, inner, &out_len))
		goto out;

	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	if (!EVP_DigestInit_ex2(s->md, crypto_algs.blake2s, NULL) ||
	    !EVP_DigestUpdate(s->md, pad, sizeof(pad)) ||
	    !EVP_DigestUpdate(s->md, inner, sizeof(inner)) ||
	    !EVP_DigestFinal_ex(s->md, out, &out_len))
		goto out;
	ret = 0;
out:
	secret_wipe(pad, sizeof(pad));
	secret_wipe(inner, sizeof(inner));
	return ret;
}

int crypto_kdf(uint8_t out1[32], uint8_t out2[32], uint8_t out3[32], const uint8_t *ck,
	       size_t ck_len, const void *x, size_t x_len)
{
	uint8_t prk[BLAKE2S_HASH_LEN];
	uint8_t t[BLAKE2S_HASH_LEN + 1];
	int ret;

	ret = crypto_hmac_blake2s(prk, ck, ck_len, x, x_len);
	if (ret)
		goto out;

	t[0] = 1;
	ret = crypto_hmac_blake2s(t, prk, sizeof(prk), t, 1);
	if (ret)
		goto out;
	memcpy(out1, t, BLAKE2S_HASH_LEN);
	if (!out2)
		goto out;

	t[BLAKE2S_HASH_LEN] = 2;
	ret = crypto_hmac_blake2s(t, prk, sizeof(prk), t, sizeof(t));
	if (ret)
		goto out;
	memcpy(out2, t, BLAKE2S_HASH_LEN);
	if (!out3)
		goto out;

	t[BLAKE2S_HASH_LEN] = 3;
	ret = crypto_hmac_blake2s(t, prk, sizeof(prk), t, sizeof(t));
	if (ret)
		goto out;
	memcpy(out3, t, BLAKE2S_HASH_LEN);
out:
	secret_wipe(prk, sizeof(prk));
	secret_wipe(t, sizeof(t));
	return ret;
}
