// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crypto glue: OpenSSL libcrypto 3 and libsodium behind crypto.h.
 *
 * Algorithms are fetched once (pthread_once). Library contexts that the
 * handshake would otherwise allocate per operation (digest, MACs, one-shot
 * AEAD, X25519 key import) live in a per-thread scratch area, created on a
 * thread's first use and freed when the thread exits; this keeps the
 * responder's cost close to its four scalar multiplications.
 */
#include <endian.h>
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

#include "engine/crypto.h"

static struct {
	EVP_MD *blake2s;
	EVP_MAC *blake2smac;
	EVP_CIPHER *chacha20poly1305;
	EVP_KEYMGMT *x25519;
	bool aead_quick_nonce; /* aead_start may set the nonce by parameter */
	pthread_key_t scratch_key;
	int status;
} algs;

static pthread_once_t algs_once = PTHREAD_ONCE_INIT;

static bool aead_nonce_check(void);

/* Per-thread library contexts, reused by every one-shot operation. */
struct scratch {
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

static void scratch_free(void *p)
{
	struct scratch *s = p;

	if (!s)
		return;
	EVP_MD_CTX_free(s->md);
	EVP_MAC_CTX_free(s->blake2smac);
	EVP_CIPHER_CTX_free(s->aead);
	EVP_PKEY_CTX_free(s->x25519_import);
	EVP_PKEY_free(s->x25519_peer);
	crypto_x25519_key_free(&s->static_key);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

static void algs_fetch(void)
{
	algs.status = -ENOSYS;
	if (sodium_init() < 0)
		return;
	algs.blake2s = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);
	algs.blake2smac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
	algs.chacha20poly1305 = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	algs.x25519 = EVP_KEYMGMT_fetch(NULL, "X25519", NULL);
	if (!algs.blake2s || !algs.blake2smac || !algs.chacha20poly1305 || !algs.x25519)
		return;
	if (pthread_key_create(&algs.scratch_key, scratch_free))
		return;
	algs.aead_quick_nonce = aead_nonce_check();
	algs.status = 0;
}

int crypto_init(void)
{
	pthread_once(&algs_once, algs_fetch);
	return algs.status;
}

static struct scratch *scratch_get(void)
{
	struct scratch *s;

	if (crypto_init())
		return NULL;
	s = pthread_getspecific(algs.scratch_key);
	if (s)
		return s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->md = EVP_MD_CTX_new();
	s->blake2smac = EVP_MAC_CTX_new(algs.blake2smac);
	s->aead = EVP_CIPHER_CTX_new();
	s->x25519_import = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
	if (!s->md || !s->blake2smac || !s->aead || !s->x25519_import)
		goto err_free;
	if (EVP_PKEY_fromdata_init(s->x25519_import) <= 0)
		goto err_free;
	if (pthread_setspecific(algs.scratch_key, s))
		goto err_free;
	return s;

err_free:
	scratch_free(s);
	return NULL;
}

void crypto_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
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

/* BLAKE2s-256 */

int crypto_blake2s2(uint8_t out[BLAKE2S_HASH_LEN], const void *a, size_t alen, const void *b,
		    size_t blen)
{
	struct scratch *s = scratch_get();
	unsigned int out_len;

	if (!s)
		return -ENOMEM;
	if (!EVP_DigestInit_ex2(s->md, algs.blake2s, NULL) || !EVP_DigestUpdate(s->md, a, alen) ||
	    (blen && !EVP_DigestUpdate(s->md, b, blen)) ||
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
	if (!EVP_DigestInit_ex2(state->ctx, algs.blake2s, NULL)) {
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
	struct scratch *s = scratch_get();
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
	struct scratch *s = scratch_get();
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
	if (!EVP_DigestInit_ex2(s->md, algs.blake2s, NULL) ||
	    !EVP_DigestUpdate(s->md, pad, sizeof(pad)) ||
	    (len && !EVP_DigestUpdate(s->md, in, len)) ||
	    !EVP_DigestFinal_ex(s->md, inner, &out_len))
		goto out;

	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	if (!EVP_DigestInit_ex2(s->md, algs.blake2s, NULL) ||
	    !EVP_DigestUpdate(s->md, pad, sizeof(pad)) ||
	    !EVP_DigestUpdate(s->md, inner, sizeof(inner)) ||
	    !EVP_DigestFinal_ex(s->md, out, &out_len))
		goto out;
	ret = 0;
out:
	crypto_wipe(pad, sizeof(pad));
	crypto_wipe(inner, sizeof(inner));
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
	crypto_wipe(prk, sizeof(prk));
	crypto_wipe(t, sizeof(t));
	return ret;
}

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
static EVP_PKEY *x25519_import(struct scratch *s, const uint8_t *private_key,
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
static EVP_PKEY *peer_key(struct scratch *s, const uint8_t peer_public[X25519_KEY_LEN])
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
	struct scratch *s = scratch_get();
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
	crypto_wipe(clamped, sizeof(clamped));
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
	struct scratch *s = scratch_get();
	size_t len = X25519_KEY_LEN;
	EVP_PKEY *peer;

	memset(shared, 0, X25519_KEY_LEN);
	if (!s)
		return -ENOMEM;
	if (!key->derive)
		return -EINVAL;
	peer = peer_key(s, peer_public);
	if (!peer || EVP_PKEY_derive_set_peer_ex(key->derive, peer, 0) <= 0)
		return -EIO;
	/* OpenSSL fails the derivation itself when the result is all zeros. */
	if (EVP_PKEY_derive(key->derive, shared, &len) <= 0 || len != X25519_KEY_LEN ||
	    crypto_is_zero(shared, X25519_KEY_LEN)) {
		crypto_wipe(shared, X25519_KEY_LEN);
		return -EINVAL;
	}
	return 0;
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
	struct scratch *s = scratch_get();
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
	crypto_wipe(clamped, sizeof(clamped));
	return ret;
}

int crypto_x25519_generate(uint8_t private_key[X25519_KEY_LEN], uint8_t public_key[X25519_KEY_LEN])
{
	int ret;

	ret = crypto_random(private_key, X25519_KEY_LEN);
	if (ret)
		return ret;
	crypto_x25519_clamp(private_key);
	ret = crypto_x25519_public(public_key, private_key);
	if (ret)
		crypto_wipe(private_key, X25519_KEY_LEN);
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
	struct scratch *s = scratch_get();
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
	struct scratch *s;

	if (crypto_init())
		return;
	s = pthread_getspecific(algs.scratch_key);
	if (!s)
		return;
	crypto_x25519_key_free(&s->static_key);
	crypto_wipe(s->static_private, sizeof(s->static_private));
	crypto_wipe(s->static_public, sizeof(s->static_public));
}

/* ChaCha20-Poly1305 */

static void nonce_from_counter(uint8_t nonce[CHACHA20POLY1305_NONCE_LEN], uint64_t counter)
{
	uint64_t le = htole64(counter);

	memset(nonce, 0, 4);
	memcpy(nonce + 4, &le, sizeof(le));
}

/*
 * Start one operation on ctx: set the nonce for counter and, to open, the
 * expected tag (tag not NULL). With key, the context is keyed afresh.
 * Without, either the whole init runs again with the key kept, or, when
 * quick, one parameter call sets the nonce: OpenSSL's ChaCha20-Poly1305
 * takes the 12-byte "TLS fixed IV" as the whole nonce of the next
 * operation, once the previous one has finished (its final resets the
 * Poly1305 state). That skips the init's provider round trip (IV length
 * query, generic init, key-stream reset), about a tenth of a 1420-byte
 * packet's seal here. Only used when aead_nonce_check() found that this
 * library behaves so.
 */
static int aead_start(EVP_CIPHER_CTX *ctx, const uint8_t *key, bool quick, int enc,
		      uint64_t counter, uint8_t *tag)
{
	uint8_t nonce[CHACHA20POLY1305_NONCE_LEN];
	OSSL_PARAM params[3] = {
	    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, CHACHA20POLY1305_TAG_LEN),
	    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, nonce, sizeof(nonce)),
	    OSSL_PARAM_END,
	};
	/* Without a tag to set, the list starts at the nonce. */
	OSSL_PARAM *list = tag ? params : params + 1;

	nonce_from_counter(nonce, counter);
	if (quick)
		return EVP_CIPHER_CTX_set_params(ctx, list) ? 0 : -EIO;
	/* Here the nonce goes in as the init's IV: the list keeps the tag only. */
	params[1] = params[2];
	if (!EVP_CipherInit_ex2(ctx, key ? algs.chacha20poly1305 : NULL, key, nonce, enc,
				tag ? params : NULL))
		return -EIO;
	return 0;
}

static int aead_seal(EVP_CIPHER_CTX *ctx, const uint8_t *key, bool quick, uint64_t counter,
		     uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad, size_t ad_len)
{
	OSSL_PARAM params[2] = {
	    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, dst + len,
				    CHACHA20POLY1305_TAG_LEN),
	    OSSL_PARAM_END,
	};
	int out_len, ret;

	if (len > INT32_MAX || ad_len > INT32_MAX)
		return -EINVAL;
	ret = aead_start(ctx, key, quick, 1, counter, NULL);
	if (ret)
		return ret;
	if (ad_len && !EVP_EncryptUpdate(ctx, NULL, &out_len, ad, (int)ad_len))
		return -EIO;
	if (len && !EVP_EncryptUpdate(ctx, dst, &out_len, src, (int)len))
		return -EIO;
	if (!EVP_EncryptFinal_ex(ctx, dst + len, &out_len))
		return -EIO;
	if (!EVP_CIPHER_CTX_get_params(ctx, params))
		return -EIO;
	return 0;
}

static int aead_open(EVP_CIPHER_CTX *ctx, const uint8_t *key, bool quick, uint64_t counter,
		     uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
		     size_t ad_len)
{
	uint8_t tag[CHACHA20POLY1305_TAG_LEN];
	uint8_t *end;
	size_t len;
	int out_len, ret;

	if (src_len < CHACHA20POLY1305_TAG_LEN || src_len > INT32_MAX || ad_len > INT32_MAX)
		return -EBADMSG;
	len = src_len - CHACHA20POLY1305_TAG_LEN;
	/* dst may be NULL for an empty plaintext: NULL + 0 is undefined in C. */
	if (!dst && len)
		return -EINVAL;
	end = dst ? dst + len : tag;
	/* Copy the tag first: in place, decryption may overwrite nothing past len. */
	memcpy(tag, src + len, sizeof(tag));
	ret = aead_start(ctx, key, quick, 0, counter, tag);
	if (ret)
		return ret;
	if (ad_len && !EVP_DecryptUpdate(ctx, NULL, &out_len, ad, (int)ad_len))
		return -EIO;
	if (len && !EVP_DecryptUpdate(ctx, dst, &out_len, src, (int)len))
		return -EIO;
	/* A stream AEAD's final writes no bytes, only checks the tag. */
	if (EVP_DecryptFinal_ex(ctx, end, &out_len) <= 0)
		return -EBADMSG;
	return 0;
}

/*
 * Whether aead_start may set a nonce by parameter with this library: on a
 * context keyed once, seal (with ad) and open one message under counter 1
 * the usual way, then another under counter 2 the quick way, and compare
 * with what a freshly keyed context makes of counter 2. Run once, at fetch.
 */
static bool aead_nonce_check(void)
{
	static const uint8_t key[CHACHA20POLY1305_KEY_LEN] = {0x80, 0x81, 0x82, 0x83};
	static const uint8_t ad[12] = {0x50, 0x51, 0x52, 0x53};
	uint8_t want[80], first[80], buf[80], plain[64];
	EVP_CIPHER_CTX *fresh = EVP_CIPHER_CTX_new(), *seal = EVP_CIPHER_CTX_new();
	EVP_CIPHER_CTX *open = EVP_CIPHER_CTX_new();
	bool ok = false;

	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)i;
	if (!fresh || !seal || !open)
		goto out;
	if (aead_seal(fresh, key, false, 2, want, plain, sizeof(plain), NULL, 0) ||
	    !EVP_CipherInit_ex2(seal, algs.chacha20poly1305, key, NULL, 1, NULL) ||
	    !EVP_CipherInit_ex2(open, algs.chacha20poly1305, key, NULL, 0, NULL))
		goto out;
	if (aead_seal(seal, NULL, false, 1, first, plain, sizeof(plain), ad, sizeof(ad)) ||
	    aead_open(open, NULL, false, 1, buf, first, sizeof(first), ad, sizeof(ad)))
		goto out;
	if (aead_seal(seal, NULL, true, 2, buf, plain, sizeof(plain), NULL, 0) ||
	    CRYPTO_memcmp(buf, want, sizeof(want)))
		goto out;
	if (aead_open(open, NULL, true, 2, buf, want, sizeof(want), NULL, 0) ||
	    CRYPTO_memcmp(buf, plain, sizeof(plain)))
		goto out;
	ok = true;
out:
	EVP_CIPHER_CTX_free(fresh);
	EVP_CIPHER_CTX_free(seal);
	EVP_CIPHER_CTX_free(open);
	return ok;
}

bool crypto_aead_quick_nonce(void)
{
	return crypto_init() == 0 && algs.aead_quick_nonce;
}

int crypto_aead_init(struct crypto_aead *aead, const uint8_t key[CHACHA20POLY1305_KEY_LEN],
		     bool encrypt)
{
	uint8_t nonce[CHACHA20POLY1305_NONCE_LEN] = {0};
	EVP_CIPHER_CTX *ctx;

	aead->ctx = NULL;
	aead->encrypt = encrypt;
	aead->finished = false;
	if (crypto_init())
		return -ENOSYS;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (!EVP_CipherInit_ex2(ctx, algs.chacha20poly1305, key, nonce, encrypt ? 1 : 0, NULL)) {
		EVP_CIPHER_CTX_free(ctx);
		return -EIO;
	}
	aead->ctx = ctx;
	return 0;
}

void crypto_aead_free(struct crypto_aead *aead)
{
	/* EVP_CIPHER_CTX_free cleanses the key schedule. */
	EVP_CIPHER_CTX_free(aead->ctx);
	aead->ctx = NULL;
	aead->finished = false;
}

/* aead_seal or aead_open: (ctx, key, quick, counter, dst, src, src_len, ad, ad_len). */
typedef int (*aead_fn)(EVP_CIPHER_CTX *ctx, const uint8_t *key, bool quick, uint64_t counter,
		       uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
		       size_t ad_len);

/*
 * fn in place on aead's context, which must have been set up for this
 * direction. The nonce goes in the quick way only after an operation that
 * went through to the end; any failure (a forged packet included) sends
 * the next one through the full init, which resets the context.
 */
static int aead_in_place(struct crypto_aead *aead, bool encrypt, aead_fn fn, uint64_t counter,
			 uint8_t *data, size_t len, const uint8_t *ad, size_t ad_len)
{
	bool quick = aead->finished && algs.aead_quick_nonce;
	int ret;

	if (!aead->ctx || aead->encrypt != encrypt)
		return -EINVAL;
	ret = fn(aead->ctx, NULL, quick, counter, data, data, len, ad, ad_len);
	aead->finished = ret == 0;
	return ret;
}

int crypto_aead_seal(struct crypto_aead *aead, uint64_t counter, uint8_t *data, size_t len,
		     const uint8_t *ad, size_t ad_len)
{
	return aead_in_place(aead, true, aead_seal, counter, data, len, ad, ad_len);
}

int crypto_aead_open(struct crypto_aead *aead, uint64_t counter, uint8_t *data, size_t len,
		     const uint8_t *ad, size_t ad_len)
{
	return aead_in_place(aead, false, aead_open, counter, data, len, ad, ad_len);
}

/* fn with key on this thread's scratch context; the key schedule is dropped after. */
static int aead_once(aead_fn fn, uint8_t *dst, const uint8_t *src, size_t src_len,
		     const uint8_t *ad, size_t ad_len, uint64_t counter, const uint8_t *key)
{
	struct scratch *s = scratch_get();
	int ret;

	if (!s)
		return -ENOMEM;
	ret = fn(s->aead, key, false, counter, dst, src, src_len, ad, ad_len);
	EVP_CIPHER_CTX_reset(s->aead);
	return ret;
}

int crypto_aead_seal_once(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad,
			  size_t ad_len, uint64_t counter,
			  const uint8_t key[CHACHA20POLY1305_KEY_LEN])
{
	return aead_once(aead_seal, dst, src, len, ad, ad_len, counter, key);
}

int crypto_aead_open_once(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
			  size_t ad_len, uint64_t counter,
			  const uint8_t key[CHACHA20POLY1305_KEY_LEN])
{
	return aead_once(aead_open, dst, src, src_len, ad, ad_len, counter, key);
}

/* XChaCha20-Poly1305 */

int crypto_xaead_seal(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad,
		      size_t ad_len, const uint8_t nonce[XCHACHA20POLY1305_NONCE_LEN],
		      const uint8_t key[CHACHA20POLY1305_KEY_LEN])
{
	unsigned long long out_len;

	if (crypto_init())
		return -ENOSYS;
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(dst, &out_len, src, len, ad, ad_len, NULL,
						       nonce, key))
		return -EIO;
	return 0;
}

int crypto_xaead_open(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
		      size_t ad_len, const uint8_t nonce[XCHACHA20POLY1305_NONCE_LEN],
		      const uint8_t key[CHACHA20POLY1305_KEY_LEN])
{
	unsigned long long out_len;

	if (crypto_init())
		return -ENOSYS;
	if (src_len < CHACHA20POLY1305_TAG_LEN)
		return -EBADMSG;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(dst, &out_len, NULL, src, src_len, ad,
						       ad_len, nonce, key))
		return -EBADMSG;
	return 0;
}
