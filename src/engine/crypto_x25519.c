// SPDX-License-Identifier: GPL-2.0-only
/*
 * X25519 (RFC 7748) over OpenSSL's key management: clamping, public keys,
 * shared secrets that reject the all-zero result, and a thread's cached
 * static key. Contracts in crypto.h.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "core/secret.h"
#include "engine/crypto_lib.h"

/* X25519 */

void crypto_x25519_clamp(uint8_t key[X25519_KEY_LEN])
{
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

/*
 * Import a key into OpenSSL. With a private key and its public key both
 * given, OpenSSL takes them as they are; with only a private key it
 * computes the public key (one scalar multiplication).
 */
static EVP_PKEY *x25519_import(struct crypto_scratch *s, const uint8_t *private_key,
			       const uint8_t *public_key)
{
	OSSL_PARAM params[3];
	EVP_PKEY *pkey = NULL;
	int n = 0;

	if (private_key)
		params[n++] = OSSL_PARAM_construct_octet_string(
		    OSSL_PKEY_PARAM_PRIV_KEY, (void *)private_key, X25519_KEY_LEN);
	if (public_key)
		params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
								(void *)public_key, X25519_KEY_LEN);
	params[n] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_fromdata(s->x25519_import, &pkey,
			      private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
		return NULL;
	return pkey;
}

/*
 * The thread's peer key object, set to peer_public. Changing the public key
 * of one object in place costs a fifth of importing a new one.
 */
static EVP_PKEY *peer_key(struct crypto_scratch *s, const uint8_t peer_public[X25519_KEY_LEN])
{
	if (!s->x25519_peer) {
		s->x25519_peer = x25519_import(s, NULL, peer_public);
		return s->x25519_peer;
	}
	if (!EVP_PKEY_set_octet_string_param(s->x25519_peer, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
					     peer_public, X25519_KEY_LEN))
		return NULL;
	return s->x25519_peer;
}

/* Import the clamped private key (and its public key, or compute it) and make the context. */
static int key_init(struct crypto_x25519_key *key, const uint8_t private_key[X25519_KEY_LEN],
		    const uint8_t *public_key, uint8_t *public_out)
{
	struct crypto_scratch *s = crypto_scratch_get();
	uint8_t clamped[X25519_KEY_LEN];
	size_t len = X25519_KEY_LEN;
	EVP_PKEY *pkey;
	int ret = -EIO;

	key->pkey = NULL;
	key->derive = NULL;
	if (!s)
		return -ENOMEM;
	memcpy(clamped, private_key, sizeof(clamped));
	crypto_x25519_clamp(clamped);
	pkey = x25519_import(s, clamped, public_key);
	if (!pkey)
		goto out;
	key->pkey = pkey;
	if (public_out &&
	    (EVP_PKEY_get_raw_public_key(pkey, public_out, &len) != 1 || len != X25519_KEY_LEN))
		goto out;
	key->derive = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (!key->derive || EVP_PKEY_derive_init(key->derive) <= 0)
		goto out;
	ret = 0;
out:
	if (ret)
		crypto_x25519_key_free(key);
	secret_wipe(clamped, sizeof(clamped));
	return ret;
}

int crypto_x25519_key_init(struct crypto_x25519_key *key, const uint8_t private_key[X25519_KEY_LEN],
			   const uint8_t public_key[X25519_KEY_LEN])
{
	return key_init(key, private_key, public_key, NULL);
}

int crypto_x25519_key_generate_public(struct crypto_x25519_key *key,
				      const uint8_t private_key[X25519_KEY_LEN],
				      uint8_t public_key[X25519_KEY_LEN])
{
	return key_init(key, private_key, NULL, public_key);
}

int crypto_x25519_key_shared(struct crypto_x25519_key *key, uint8_t shared[X25519_KEY_LEN],
			     const uint8_t peer_public[X25519_KEY_LEN])
{
	struct crypto_scratch *s = crypto_scratch_get();
	size_t len = X25519_KEY_LEN;
	EVP_PKEY *peer;
	int ret;

	memset(shared, 0, X25519_KEY_LEN);
	ret = -ENOMEM;
	if (!s)
		goto out;
	ret = -EINVAL;
	if (!key->derive)
		goto out;
	ret = -EIO;
	peer = peer_key(s, peer_public);
	if (!peer || EVP_PKEY_derive_set_peer_ex(key->derive, peer, 0) <= 0)
		goto out;
	/* OpenSSL fails the derivation itself when the result is all zeros. */
	ret = -EINVAL;
	if (EVP_PKEY_derive(key->derive, shared, &len) <= 0 || len != X25519_KEY_LEN ||
	    crypto_is_zero(shared, X25519_KEY_LEN))
		goto out;
	ret = 0;
out:
	if (ret)
		secret_wipe(shared, X25519_KEY_LEN);
	return ret;
}

void crypto_x25519_key_free(struct crypto_x25519_key *key)
{
	/* OpenSSL cleanses an X25519 private key when it frees it. */
	EVP_PKEY_CTX_free(key->derive);
	EVP_PKEY_free(key->pkey);
	key->derive = NULL;
	key->pkey = NULL;
}

int crypto_x25519_public(uint8_t public_key[X25519_KEY_LEN],
			 const uint8_t private_key[X25519_KEY_LEN])
{
	struct crypto_scratch *s = crypto_scratch_get();
	uint8_t clamped[X25519_KEY_LEN];
	size_t len = X25519_KEY_LEN;
	EVP_PKEY *pkey;
	int ret = -EIO;

	if (!s)
		return -ENOMEM;
	memcpy(clamped, private_key, sizeof(clamped));
	crypto_x25519_clamp(clamped);
	pkey = x25519_import(s, clamped, NULL);
	if (!pkey)
		goto out;
	if (EVP_PKEY_get_raw_public_key(pkey, public_key, &len) == 1 && len == X25519_KEY_LEN)
		ret = 0;
	EVP_PKEY_free(pkey);
out:
	secret_wipe(clamped, sizeof(clamped));
	return ret;
}

int crypto_x25519_generate(uint8_t private_key[X25519_KEY_LEN], uint8_t public_key[X25519_KEY_LEN])
{
	int ret;

	ret = crypto_random(private_key, X25519_KEY_LEN);
	if (ret)
		goto out;
	crypto_x25519_clamp(private_key);
	ret = crypto_x25519_public(public_key, private_key);
out:
	if (ret)
		secret_wipe(private_key, X25519_KEY_LEN);
	return ret;
}

int crypto_x25519_shared_known(uint8_t shared[X25519_KEY_LEN],
			       const uint8_t private_key[X25519_KEY_LEN],
			       const uint8_t public_key[X25519_KEY_LEN],
			       const uint8_t peer_public[X25519_KEY_LEN])
{
	struct crypto_x25519_key key;
	uint8_t unused[X25519_KEY_LEN];
	int ret;

	memset(shared, 0, X25519_KEY_LEN);
	ret = key_init(&key, private_key, public_key, public_key ? NULL : unused);
	if (ret)
		return ret;
	ret = crypto_x25519_key_shared(&key, shared, peer_public);
	crypto_x25519_key_free(&key);
	return ret;
}

int crypto_x25519_shared(uint8_t shared[X25519_KEY_LEN], const uint8_t private_key[X25519_KEY_LEN],
			 const uint8_t peer_public[X25519_KEY_LEN])
{
	return crypto_x25519_shared_known(shared, private_key, NULL, peer_public);
}

int crypto_x25519_shared_static(uint8_t shared[X25519_KEY_LEN],
				const uint8_t private_key[X25519_KEY_LEN],
				const uint8_t public_key[X25519_KEY_LEN],
				const uint8_t peer_public[X25519_KEY_LEN])
{
	struct crypto_scratch *s = crypto_scratch_get();
	int ret;

	memset(shared, 0, X25519_KEY_LEN);
	if (!s)
		return -ENOMEM;
	if (!s->static_key.derive ||
	    !crypto_equal(s->static_private, private_key, X25519_KEY_LEN) ||
	    !crypto_equal(s->static_public, public_key, X25519_KEY_LEN)) {
		crypto_x25519_forget_static();
		ret = crypto_x25519_key_init(&s->static_key, private_key, public_key);
		if (ret)
			return ret;
		memcpy(s->static_private, private_key, X25519_KEY_LEN);
		memcpy(s->static_public, public_key, X25519_KEY_LEN);
	}
	return crypto_x25519_key_shared(&s->static_key, shared, peer_public);
}

void crypto_x25519_forget_static(void)
{
	struct crypto_scratch *s = crypto_scratch_peek();

	if (!s)
		return;
	crypto_x25519_key_free(&s->static_key);
	secret_wipe(s->static_private, sizeof(s->static_private));
	secret_wipe(s->static_public, sizeof(s->static_public));
}
