// SPDX-License-Identifier: GPL-2.0-only
/*
 * ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce (32 zero bits and
 * the 64-bit little-endian counter): long-lived contexts for transport
 * keypairs with the quick-nonce path, and one-shot operations for the
 * handshake; and XChaCha20-Poly1305 (libsodium) for cookie replies.
 * Contracts in crypto.h.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include "engine/crypto_lib.h"

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
	if (!EVP_CipherInit_ex2(ctx, key ? crypto_algs.chacha20poly1305 : NULL, key, nonce, enc,
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
 * with what a freshly keyed context makes of counter 2. Run once, before
 * the first context is made (quick_nonce_once).
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
	    !EVP_CipherInit_ex2(seal, crypto_algs.chacha20poly1305, key, NULL, 1, NULL) ||
	    !EVP_CipherInit_ex2(open, crypto_algs.chacha20poly1305, key, NULL, 0, NULL))
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

/* aead_start may set the nonce by parameter: set once, before any context exists. */
static bool quick_nonce;
static pthread_once_t quick_nonce_once = PTHREAD_ONCE_INIT;

static void quick_nonce_check(void)
{
	quick_nonce = aead_nonce_check();
}

bool crypto_aead_quick_nonce(void)
{
	if (crypto_init())
		return false;
	pthread_once(&quick_nonce_once, quick_nonce_check);
	return quick_nonce;
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
	crypto_aead_quick_nonce(); /* settles quick_nonce before the first context */
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (!EVP_CipherInit_ex2(ctx, crypto_algs.chacha20poly1305, key, nonce, encrypt ? 1 : 0,
				NULL)) {
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
	bool quick = aead->finished && quick_nonce;
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
	struct crypto_scratch *s = crypto_scratch_get();
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
