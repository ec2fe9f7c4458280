// SPDX-License-Identifier: GPL-2.0-only
/*
 * mac1/mac2 and cookie replies. mac1 proves the sender knows our public
 * key; mac2 proves it can receive at its source address (it holds a cookie
 * we sealed to that address). MACs are compared in constant time; cookies
 * and secrets are wiped on every path.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "core/secret.h"
#include "engine/cookie.h"
#include "engine/crypto.h"

/* Offsets of the macs inside a handshake message of length len, or -1 for a bad len. */
static long mac1_offset(size_t len)
{
	if (len == MESSAGE_HANDSHAKE_INITIATION_LEN)
		return MESSAGE_INITIATION_MAC1_OFFSET;
	if (len == MESSAGE_HANDSHAKE_RESPONSE_LEN)
		return MESSAGE_RESPONSE_MAC1_OFFSET;
	return -1;
}

/* key = HASH(label || public_key) */
static int derive_key(uint8_t key[COOKIE_KEY_LEN], const char *label,
		      const uint8_t public_key[NOISE_PUBLIC_KEY_LEN])
{
	return crypto_blake2s2(key, label, strlen(label), public_key, NOISE_PUBLIC_KEY_LEN);
}

/* mac1 = MAC(mac1 key, msg[..mac1]) */
static int compute_mac1(uint8_t mac1[COOKIE_MAC_LEN], const uint8_t *msg, long offset,
			const uint8_t key[COOKIE_KEY_LEN])
{
	return crypto_blake2s_keyed(mac1, COOKIE_MAC_LEN, key, COOKIE_KEY_LEN, msg, (size_t)offset);
}

/* mac2 = MAC(cookie, msg[..mac2]) */
static int compute_mac2(uint8_t mac2[COOKIE_MAC_LEN], const uint8_t *msg, long offset,
			const uint8_t cookie[COOKIE_LEN])
{
	return crypto_blake2s_keyed(mac2, COOKIE_MAC_LEN, cookie, COOKIE_LEN, msg,
				    (size_t)offset + COOKIE_MAC_LEN);
}

/* cookie = MAC(secret, address || port as big-endian), rotating the secret after 120 s. */
static int make_cookie(uint8_t cookie[COOKIE_LEN], struct cookie_checker *checker,
		       const struct cookie_source *src, uint64_t now_ns)
{
	uint8_t input[16 + 2];
	int ret;

	if (src->addr_len != 4 && src->addr_len != 16)
		return -EINVAL;
	if (!checker->has_secret ||
	    now_ns > checker->secret_birthdate_ns + COOKIE_SECRET_MAX_AGE_NS) {
		ret = crypto_random(checker->secret, sizeof(checker->secret));
		if (ret)
			return ret;
		checker->secret_birthdate_ns = now_ns;
		checker->has_secret = true;
	}
	memcpy(input, src->addr, src->addr_len);
	input[src->addr_len] = (uint8_t)(src->port >> 8);
	input[src->addr_len + 1] = (uint8_t)src->port;
	ret = crypto_blake2s_keyed(cookie, COOKIE_LEN, checker->secret, sizeof(checker->secret),
				   input, src->addr_len + 2u);
	secret_wipe(input, sizeof(input));
	return ret;
}

int cookie_checker_init(struct cookie_checker *checker,
			const uint8_t static_public[NOISE_PUBLIC_KEY_LEN])
{
	int ret;

	cookie_checker_clear(checker);
	if (!static_public)
		return 0;
	ret = derive_key(checker->message_mac1_key, COOKIE_LABEL_MAC1, static_public);
	if (ret)
		goto out;
	ret = derive_key(checker->cookie_encryption_key, COOKIE_LABEL_COOKIE, static_public);
	if (ret)
		goto out;
	checker->has_keys = true;
out:
	if (ret)
		cookie_checker_clear(checker);
	return ret;
}

void cookie_checker_clear(struct cookie_checker *checker)
{
	secret_wipe(checker, sizeof(*checker));
}

enum cookie_mac_state cookie_validate(struct cookie_checker *checker, const void *msg, size_t len,
				      const struct cookie_source *src, bool check_cookie,
				      uint64_t now_ns)
{
	const struct message_macs *macs;
	uint8_t computed[COOKIE_MAC_LEN];
	uint8_t cookie[COOKIE_LEN];
	enum cookie_mac_state state = INVALID_MAC;
	long offset = mac1_offset(len);

	if (offset < 0 || !checker->has_keys)
		return INVALID_MAC;
	macs = (const struct message_macs *)((const uint8_t *)msg + offset);

	if (compute_mac1(computed, msg, offset, checker->message_mac1_key) ||
	    !crypto_equal(computed, macs->mac1, COOKIE_MAC_LEN))
		goto out;
	state = VALID_MAC_BUT_NO_COOKIE;
	if (!check_cookie)
		goto out;

	if (make_cookie(cookie, checker, src, now_ns) ||
	    compute_mac2(computed, msg, offset, cookie))
		goto out;
	if (crypto_equal(computed, macs->mac2, COOKIE_MAC_LEN))
		state = VALID_MAC_WITH_COOKIE;
out:
	secret_wipe(computed, sizeof(computed));
	secret_wipe(cookie, sizeof(cookie));
	return state;
}

int cookie_create_reply_with(struct cookie_checker *checker, struct message_handshake_cookie *dst,
			     const void *msg, size_t len, uint32_t sender_index,
			     const struct cookie_source *src, uint64_t now_ns,
			     const uint8_t nonce[COOKIE_NONCE_LEN])
{
	const struct message_macs *macs;
	uint8_t cookie[COOKIE_LEN];
	long offset = mac1_offset(len);
	int ret;

	if (offset < 0 || !checker->has_keys)
		return -EINVAL;
	macs = (const struct message_macs *)((const uint8_t *)msg + offset);

	memset(dst, 0, sizeof(*dst));
	dst->header.type = htole32(MESSAGE_HANDSHAKE_COOKIE);
	dst->receiver_index = htole32(sender_index);
	memcpy(dst->nonce, nonce, COOKIE_NONCE_LEN);
	ret = make_cookie(cookie, checker, src, now_ns);
	if (ret)
		goto out;
	ret = crypto_xaead_seal(dst->encrypted_cookie, cookie, COOKIE_LEN, macs->mac1,
				COOKIE_MAC_LEN, dst->nonce, checker->cookie_encryption_key);
out:
	if (ret)
		memset(dst, 0, sizeof(*dst));
	secret_wipe(cookie, sizeof(cookie));
	return ret;
}

/*
 * Random nonces are drawn COOKIE_NONCE_BATCH at a time: one RAND_bytes call
 * costs as much as the seal itself (its fork check and lock), and under a
 * flood of spoofed sources cookie replies are most of the handshake work.
 */
static int next_nonce(struct cookie_checker *checker, uint8_t nonce[COOKIE_NONCE_LEN])
{
	int ret;

	if (!checker->nonces_left) {
		ret = crypto_random(checker->nonces, sizeof(checker->nonces));
		if (ret)
			return ret;
		checker->nonces_left = COOKIE_NONCE_BATCH;
	}
	checker->nonces_left--;
	memcpy(nonce, checker->nonces + checker->nonces_left * COOKIE_NONCE_LEN, COOKIE_NONCE_LEN);
	/* Each nonce is used once: gone from the stock as it is taken. */
	secret_wipe(checker->nonces + checker->nonces_left * COOKIE_NONCE_LEN, COOKIE_NONCE_LEN);
	return 0;
}

int cookie_create_reply(struct cookie_checker *checker, struct message_handshake_cookie *dst,
			const void *msg, size_t len, uint32_t sender_index,
			const struct cookie_source *src, uint64_t now_ns)
{
	uint8_t nonce[COOKIE_NONCE_LEN];
	int ret;

	ret = next_nonce(checker, nonce);
	if (ret)
		return ret;
	return cookie_create_reply_with(checker, dst, msg, len, sender_index, src, now_ns, nonce);
}

int cookie_maker_init(struct cookie_maker *maker, const uint8_t remote_public[NOISE_PUBLIC_KEY_LEN])
{
	int ret;

	cookie_maker_clear(maker);
	ret = derive_key(maker->message_mac1_key, COOKIE_LABEL_MAC1, remote_public);
	if (!ret)
		ret = derive_key(maker->cookie_decryption_key, COOKIE_LABEL_COOKIE, remote_public);
	if (ret)
		cookie_maker_clear(maker);
	return ret;
}

void cookie_maker_clear(struct cookie_maker *maker)
{
	secret_wipe(maker, sizeof(*maker));
}

int cookie_add_macs(struct cookie_maker *maker, void *msg, size_t len, uint64_t now_ns)
{
	struct message_macs *macs;
	long offset = mac1_offset(len);
	int ret;

	if (offset < 0)
		return -EINVAL;
	macs = (struct message_macs *)((uint8_t *)msg + offset);

	ret = compute_mac1(macs->mac1, msg, offset, maker->message_mac1_key);
	if (ret)
		return ret;
	memcpy(maker->last_mac1_sent, macs->mac1, COOKIE_MAC_LEN);
	maker->has_sent_mac1 = true;

	if (maker->has_cookie && now_ns <= maker->cookie_birthdate_ns + COOKIE_VALIDITY_NS)
		return compute_mac2(macs->mac2, msg, offset, maker->cookie);
	memset(macs->mac2, 0, COOKIE_MAC_LEN);
	return 0;
}

int cookie_consume_reply(struct cookie_maker *maker, const struct message_handshake_cookie *msg,
			 uint64_t now_ns)
{
	uint8_t cookie[COOKIE_LEN];
	int ret;

	if (!maker->has_sent_mac1)
		return -EINVAL;
	ret = crypto_xaead_open(cookie, msg->encrypted_cookie, sizeof(msg->encrypted_cookie),
				maker->last_mac1_sent, COOKIE_MAC_LEN, msg->nonce,
				maker->cookie_decryption_key);
	if (ret)
		goto out;
	memcpy(maker->cookie, cookie, COOKIE_LEN);
	maker->cookie_birthdate_ns = now_ns;
	maker->has_cookie = true;
	maker->has_sent_mac1 = false;
out:
	secret_wipe(cookie, sizeof(cookie));
	return ret;
}
