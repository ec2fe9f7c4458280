/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one thin module over the cryptographic libraries: OpenSSL libcrypto 3
 * (EVP) for BLAKE2s, keyed BLAKE2s, X25519 and ChaCha20-Poly1305, and
 * libsodium for XChaCha20-Poly1305 (cookie replies only). No primitive is
 * written here; HMAC is the RFC 2104 construction over OpenSSL's BLAKE2s.
 *
 * Every function may be called from any thread without setup: the library
 * algorithms are fetched once, on first use. Functions that can fail return
 * 0 or -errno: -EBADMSG for an authentication failure, -EINVAL for a
 * rejected key (an all-zero X25519 result), -ENOMEM when the library
 * could not allocate. Output buffers may alias inputs only where said so.
 */
#ifndef WARREN_ENGINE_CRYPTO_H
#define WARREN_ENGINE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/secret.h"

enum crypto_lengths {
	BLAKE2S_HASH_LEN = 32,
	BLAKE2S_BLOCK_LEN = 64,
	BLAKE2S_KEY_LEN = 32, /* maximum key of keyed BLAKE2s */
	BLAKE2S_MAC_LEN = 16, /* WireGuard's MAC(): keyed BLAKE2s-128 */
	X25519_KEY_LEN = 32,
	CHACHA20POLY1305_KEY_LEN = 32,
	CHACHA20POLY1305_NONCE_LEN = 12,
	CHACHA20POLY1305_TAG_LEN = 16,
	XCHACHA20POLY1305_NONCE_LEN = 24,
};

/*
 * Make sure the library algorithms are fetched. Optional: every function
 * does it on first use. Returns 0, or -ENOSYS when OpenSSL lacks one of
 * them (then every other function fails too) or libsodium fails to start.
 */
int crypto_init(void);

/* Constant time (CRYPTO_memcmp): true when the len bytes are equal. */
bool crypto_equal(const void *a, const void *b, size_t len);
/* Constant time: true when all len bytes are zero. */
bool crypto_is_zero(const void *p, size_t len);
/* Cryptographically secure random bytes (RAND_bytes). 0 or -EIO. */
int crypto_random(void *out, size_t len);

/* BLAKE2s-256 of one buffer, and HASH(a || b) as the handshake mixes it. */
int crypto_blake2s(uint8_t out[BLAKE2S_HASH_LEN], const void *in, size_t len);
int crypto_blake2s2(uint8_t out[BLAKE2S_HASH_LEN], const void *a, size_t alen, const void *b,
		    size_t blen);

/*
 * Incremental BLAKE2s-256. init allocates the state's library context;
 * final writes the hash and frees it; free releases it without a result
 * (for error paths; accepts a state whose init failed or that was finalized).
 */
struct crypto_blake2s_state {
	void *ctx; /* EVP_MD_CTX, owned */
};
int crypto_blake2s_init(struct crypto_blake2s_state *state);
int crypto_blake2s_update(struct crypto_blake2s_state *state, const void *in, size_t len);
int crypto_blake2s_final(struct crypto_blake2s_state *state, uint8_t out[BLAKE2S_HASH_LEN]);
void crypto_blake2s_free(struct crypto_blake2s_state *state);

/*
 * Keyed BLAKE2s (OpenSSL BLAKE2SMAC) with an out_len of 1..32 bytes and a
 * key of 1..32 bytes. WireGuard's MAC(k, m) is out_len 16.
 */
int crypto_blake2s_keyed(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
			 const void *in, size_t len);

/* HMAC-BLAKE2s (64-byte block), 32-byte output. out may alias key or in. */
int crypto_hmac_blake2s(uint8_t out[BLAKE2S_HASH_LEN], const uint8_t *key, size_t key_len,
			const void *in, size_t len);

/*
 * WireGuard's KDF_n(ck, x): prk = HMAC(ck, x), T1 = HMAC(prk, 0x01),
 * Ti = HMAC(prk, T(i-1) || i). Writes T1 to out1 and, when not NULL, T2 to
 * out2 and T3 to out3. The outputs may alias ck (the chaining key is
 * usually replaced in place). ck is 32 bytes in the handshake; other
 * lengths serve the published vectors. Intermediate values are wiped.
 */
int crypto_kdf(uint8_t out1[32], uint8_t out2[32], uint8_t out3[32], const uint8_t *ck,
	       size_t ck_len, const void *x, size_t x_len);

/*
 * X25519. Private keys are clamped (RFC 7748) by crypto_x25519_clamp, by
 * crypto_x25519_generate, and before use by public/shared (the caller's
 * buffer is not modified by those two).
 * shared returns -EINVAL when the result is all zeros (a low-order or
 * otherwise invalid peer public key) and then leaves shared zeroed.
 */
void crypto_x25519_clamp(uint8_t key[X25519_KEY_LEN]);
int crypto_x25519_generate(uint8_t private_key[X25519_KEY_LEN], uint8_t public_key[X25519_KEY_LEN]);
int crypto_x25519_public(uint8_t public_key[X25519_KEY_LEN],
			 const uint8_t private_key[X25519_KEY_LEN]);
int crypto_x25519_shared(uint8_t shared[X25519_KEY_LEN], const uint8_t private_key[X25519_KEY_LEN],
			 const uint8_t peer_public[X25519_KEY_LEN]);
/*
 * The same when the caller already knows private_key's public key (which
 * must match it): OpenSSL then skips recomputing it, saving one scalar
 * multiplication per call. public_key NULL behaves as crypto_x25519_shared.
 */
int crypto_x25519_shared_known(uint8_t shared[X25519_KEY_LEN],
			       const uint8_t private_key[X25519_KEY_LEN],
			       const uint8_t public_key[X25519_KEY_LEN],
			       const uint8_t peer_public[X25519_KEY_LEN]);

/*
 * An X25519 private key imported once for several shared secrets (an
 * ephemeral used twice in a handshake). key_init takes the private key and
 * its public key; key_generate_public computes and writes the public key
 * (one scalar multiplication). key_shared returns -EINVAL and zeros for an
 * all-zero result. A key is not safe for concurrent use. key_free wipes
 * (OpenSSL cleanses the private key) and accepts a failed or freed key.
 */
struct crypto_x25519_key {
	void *pkey;   /* EVP_PKEY, owned */
	void *derive; /* EVP_PKEY_CTX ready to derive, owned */
};
int crypto_x25519_key_init(struct crypto_x25519_key *key, const uint8_t private_key[X25519_KEY_LEN],
			   const uint8_t public_key[X25519_KEY_LEN]);
int crypto_x25519_key_generate_public(struct crypto_x25519_key *key,
				      const uint8_t private_key[X25519_KEY_LEN],
				      uint8_t public_key[X25519_KEY_LEN]);
int crypto_x25519_key_shared(struct crypto_x25519_key *key, uint8_t shared[X25519_KEY_LEN],
			     const uint8_t peer_public[X25519_KEY_LEN]);
void crypto_x25519_key_free(struct crypto_x25519_key *key);

/*
 * crypto_x25519_shared_known for a long-lived key (a device's static key):
 * each thread keeps the last such key imported, so repeated calls skip the
 * import. Never pass an ephemeral key here. crypto_x25519_forget_static
 * drops the calling thread's copy (every thread's copy goes when its thread
 * exits, or when it next uses another static key).
 */
int crypto_x25519_shared_static(uint8_t shared[X25519_KEY_LEN],
				const uint8_t private_key[X25519_KEY_LEN],
				const uint8_t public_key[X25519_KEY_LEN],
				const uint8_t peer_public[X25519_KEY_LEN]);
void crypto_x25519_forget_static(void);

/*
 * ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce: 4 zero bytes then
 * the u64 LE counter.
 *
 * A struct crypto_aead holds one library context keyed once for one
 * direction (seal or open) of one keypair; it is reused for every packet.
 * It is not safe for concurrent use: a caller running several threads on
 * one keypair direction gives each thread its own crypto_aead.
 * crypto_aead_init keys it (0, -ENOMEM); crypto_aead_free wipes and
 * frees it and accepts a zeroed or already freed struct.
 */
struct crypto_aead {
	void *ctx; /* EVP_CIPHER_CTX, owned */
	bool encrypt;
	bool finished; /* the last operation went through: the next may start quickly */
};
int crypto_aead_init(struct crypto_aead *aead, const uint8_t key[CHACHA20POLY1305_KEY_LEN],
		     bool encrypt);
void crypto_aead_free(struct crypto_aead *aead);

/*
 * Encrypt len bytes at data in place and write the 16-byte tag at
 * data + len (the buffer must have room for it). ad may be NULL with
 * ad_len 0. The aead must have been initialized with encrypt = true.
 */
int crypto_aead_seal(struct crypto_aead *aead, uint64_t counter, uint8_t *data, size_t len,
		     const uint8_t *ad, size_t ad_len);
/*
 * Decrypt len bytes at data in place, len including the 16-byte tag at the
 * end; the plaintext is len - 16 bytes. Returns -EBADMSG when the tag does
 * not verify (the buffer then holds garbage the caller must drop).
 */
int crypto_aead_open(struct crypto_aead *aead, uint64_t counter, uint8_t *data, size_t len,
		     const uint8_t *ad, size_t ad_len);

/*
 * True when seal and open on a struct crypto_aead set each packet's nonce
 * with one parameter call instead of a whole cipher init (this OpenSSL
 * passed the check at crypto_init). Either way the results are the same;
 * this is for benchmarks and tests to report.
 */
bool crypto_aead_quick_nonce(void);

/*
 * One-shot ChaCha20-Poly1305 for the handshake's small messages.
 * seal writes len + 16 bytes to dst; open reads src_len >= 16 bytes and
 * writes src_len - 16 to dst. dst may equal src (not partially overlap).
 * open accepts dst NULL when src_len is 16 (only the tag is checked).
 */
int crypto_aead_seal_once(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad,
			  size_t ad_len, uint64_t counter,
			  const uint8_t key[CHACHA20POLY1305_KEY_LEN]);
int crypto_aead_open_once(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
			  size_t ad_len, uint64_t counter,
			  const uint8_t key[CHACHA20POLY1305_KEY_LEN]);

/*
 * XChaCha20-Poly1305 (libsodium), for cookie replies. Same buffer rules as
 * the one-shot functions above, with a 24-byte nonce.
 */
int crypto_xaead_seal(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t *ad,
		      size_t ad_len, const uint8_t nonce[XCHACHA20POLY1305_NONCE_LEN],
		      const uint8_t key[CHACHA20POLY1305_KEY_LEN]);
int crypto_xaead_open(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t *ad,
		      size_t ad_len, const uint8_t nonce[XCHACHA20POLY1305_NONCE_LEN],
		      const uint8_t key[CHACHA20POLY1305_KEY_LEN]);

#endif /* WARREN_ENGINE_CRYPTO_H */
