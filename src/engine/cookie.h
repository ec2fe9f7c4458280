/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mac1, mac2 and cookie replies (WireGuard paper §5.3, §5.4.4 and §5.4.7;
 * drivers/net/wireguard/cookie.c).
 *
 * The checker lives on the receiving side (one per device): it validates
 * mac1/mac2 of incoming handshake messages and makes cookie replies. The
 * maker lives per peer on the sending side: it adds mac1/mac2 to outgoing
 * handshake messages and consumes the cookie replies that come back.
 *
 * The functions take a whole handshake message (initiation or response)
 * as bytes: msg/len, with the struct message_macs as its last 32 bytes.
 * len must be MESSAGE_HANDSHAKE_INITIATION_LEN or
 * MESSAGE_HANDSHAKE_RESPONSE_LEN (checked: other lengths are invalid).
 * Times are the engine's monotonic nanoseconds. Nothing here locks: the
 * caller serializes access to one checker (its secret rotates inside
 * cookie_validate) and to one maker.
 */
#ifndef WARREN_ENGINE_COOKIE_H
#define WARREN_ENGINE_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/messages.h"

/* Where a handshake message came from: the input of the cookie. */
struct cookie_source {
	uint8_t addr[16]; /* IPv4 (4 bytes) or IPv6 (16 bytes), network order */
	uint8_t addr_len; /* 4 or 16 */
	uint16_t port;	  /* host order; encoded big-endian as cookie.c's
			     make_cookie() hashes the UDP source port */
};

/* Cookie reply nonces drawn from the random source at once (cookie.c). */
enum { COOKIE_NONCE_BATCH = 32 };

struct cookie_checker {
	uint8_t secret[COOKIE_SECRET_LEN];
	uint64_t secret_birthdate_ns;
	bool has_secret;
	/* Keys derived from our static public key. */
	uint8_t message_mac1_key[COOKIE_KEY_LEN];      /* HASH("mac1----" || Spub) */
	uint8_t cookie_encryption_key[COOKIE_KEY_LEN]; /* HASH("cookie--" || Spub) */
	bool has_keys;
	/* Random nonces not yet used, the last nonces_left of them. */
	uint8_t nonces[COOKIE_NONCE_BATCH * COOKIE_NONCE_LEN];
	unsigned nonces_left;
};

/*
 * Zero the checker and derive its keys from our static public key (NULL:
 * no identity; then every message is INVALID_MAC). Call again whenever the
 * device's private key changes. Returns 0 or a crypto -errno.
 */
int cookie_checker_init(struct cookie_checker *checker,
			const uint8_t static_public[NOISE_PUBLIC_KEY_LEN]);
/* Wipe the secret and keys. */
void cookie_checker_clear(struct cookie_checker *checker);

enum cookie_mac_state {
	INVALID_MAC,		 /* drop (counted) */
	VALID_MAC_BUT_NO_COOKIE, /* mac1 good; under load: answer with a cookie reply */
	VALID_MAC_WITH_COOKIE,	 /* mac1 and mac2 good; under load: rate-limit by source */
};

/*
 * Check mac1 of msg, and when check_cookie (we are under load) also mac2
 * against the cookie for src. The secret is regenerated here when it is
 * older than 120 s. Without check_cookie the result is INVALID_MAC or
 * VALID_MAC_BUT_NO_COOKIE.
 */
enum cookie_mac_state cookie_validate(struct cookie_checker *checker, const void *msg, size_t len,
				      const struct cookie_source *src, bool check_cookie,
				      uint64_t now_ns);

/*
 * Write into dst the cookie reply to msg (a message whose mac1 was valid)
 * from src: receiver = sender_index (host order) of msg, a random nonce, the
 * cookie for src sealed with mac1 of msg as associated data. Returns 0 or
 * a crypto -errno (-EINVAL for a bad len or a checker without keys).
 */
int cookie_create_reply(struct cookie_checker *checker, struct message_handshake_cookie *dst,
			const void *msg, size_t len, uint32_t sender_index,
			const struct cookie_source *src, uint64_t now_ns);
/* The same with the nonce given (tests only). */
int cookie_create_reply_with(struct cookie_checker *checker, struct message_handshake_cookie *dst,
			     const void *msg, size_t len, uint32_t sender_index,
			     const struct cookie_source *src, uint64_t now_ns,
			     const uint8_t nonce[COOKIE_NONCE_LEN]);

struct cookie_maker {
	/* Keys derived from the remote peer's static public key. */
	uint8_t message_mac1_key[COOKIE_KEY_LEN];
	uint8_t cookie_decryption_key[COOKIE_KEY_LEN];
	uint8_t cookie[COOKIE_LEN];
	uint64_t cookie_birthdate_ns;
	bool has_cookie;
	uint8_t last_mac1_sent[COOKIE_MAC_LEN];
	bool has_sent_mac1;
};

/* Zero the maker and derive its keys from the peer's static public key. */
int cookie_maker_init(struct cookie_maker *maker,
		      const uint8_t remote_public[NOISE_PUBLIC_KEY_LEN]);
void cookie_maker_clear(struct cookie_maker *maker);

/*
 * Fill in mac1 of msg, and mac2 when the maker holds a cookie younger than
 * 115 s (else mac2 is zeros). Remembers mac1 for a cookie reply. Call it
 * last, after the message body is final. Returns 0 or a crypto -errno.
 */
int cookie_add_macs(struct cookie_maker *maker, void *msg, size_t len, uint64_t now_ns);

/*
 * Consume a cookie reply (exactly MESSAGE_HANDSHAKE_COOKIE_LEN bytes) that
 * the caller routed to this maker by its receiver index. Accepted only when
 * a mac1 is outstanding: decrypted with the last mac1 sent as associated
 * data (-EBADMSG when that fails, -EINVAL when no mac1 is outstanding). On
 * success the cookie is stored with now_ns as its birth and the outstanding
 * mac1 is spent.
 */
int cookie_consume_reply(struct cookie_maker *maker, const struct message_handshake_cookie *msg,
			 uint64_t now_ns);

#endif /* WARREN_ENGINE_COOKIE_H */
