/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Noise_IKpsk2 handshake of WireGuard (paper §5.4.2-§5.4.5;
 * drivers/net/wireguard/noise.c):
 * creating and consuming initiations and responses, and deriving the
 * transport keys. Sans-I/O: time comes in as arguments, indices are chosen
 * by the caller (the peer table), and nothing here locks.
 *
 * Concurrency: a struct noise_handshake is read and written by every call
 * that takes it; the caller serializes access to one handshake (a per-peer
 * lock). The identity is only read, except by noise_identity_set_private.
 *
 * Errors: 0 on success, else
 *   -EINVAL   no identity, a low-order/invalid public key (all-zero DH), or
 *             the handshake is in the wrong state for this call;
 *   -EBADMSG  authentication failed (AEAD tag), the message is dropped;
 *   -ENOKEY   the initiation's static key belongs to no known peer;
 *   -ESTALE   the initiation's timestamp is not newer than the last one;
 *   -EAGAIN   an initiation less than 20 ms after the last accepted one;
 *   -ESRCH    a response whose receiver index is not our pending initiation;
 *   -ENOMEM / -ENOSYS  the crypto library failed.
 * On every failure the handshake is left exactly as it was, and every
 * intermediate secret is wiped.
 */
#ifndef WARREN_ENGINE_NOISE_H
#define WARREN_ENGINE_NOISE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/messages.h"

/* The local static key pair of a device; one per interface. */
struct noise_static_identity {
	uint8_t static_private[NOISE_PRIVATE_KEY_LEN]; /* clamped */
	uint8_t static_public[NOISE_PUBLIC_KEY_LEN];
	/* HASH(HASH(HASH(CONSTRUCTION) || IDENTIFIER) || static_public), precomputed. */
	uint8_t responder_hash[NOISE_HASH_LEN];
	bool has_identity;
};

/*
 * Set (private_key non-NULL) or remove (NULL) the device's private key. The
 * key is clamped before it is stored. Afterwards the caller re-runs
 * noise_handshake_precompute for every peer and refreshes its cookie
 * checker. Returns 0 or -EINVAL (a key whose public key is invalid).
 */
int noise_identity_set_private(struct noise_static_identity *identity,
			       const uint8_t private_key[NOISE_PRIVATE_KEY_LEN]);
/* Wipe the identity's secrets (before it is freed). */
void noise_identity_clear(struct noise_static_identity *identity);

enum noise_handshake_state {
	HANDSHAKE_ZEROED = 0,
	HANDSHAKE_CREATED_INITIATION,
	HANDSHAKE_CONSUMED_INITIATION,
	HANDSHAKE_CREATED_RESPONSE,
	HANDSHAKE_CONSUMED_RESPONSE,
};

/* The handshake state kept per peer. */
struct noise_handshake {
	const struct noise_static_identity *identity; /* not owned; outlives this */
	enum noise_handshake_state state;

	uint8_t remote_static[NOISE_PUBLIC_KEY_LEN];
	/*
	 * DH(our static, remote static), computed at the first handshake
	 * (static_static_ready then true); all zeros when invalid (no
	 * handshake possible).
	 */
	uint8_t precomputed_static_static[NOISE_PUBLIC_KEY_LEN];
	bool static_static_ready;
	/* HASH(HASH(HASH(CONSTRUCTION) || IDENTIFIER) || remote_static), precomputed. */
	uint8_t initiator_hash[NOISE_HASH_LEN];
	uint8_t preshared_key[NOISE_SYMMETRIC_KEY_LEN]; /* zeros when none */

	uint8_t ephemeral_private[NOISE_PRIVATE_KEY_LEN];
	uint8_t ephemeral_public[NOISE_PUBLIC_KEY_LEN];
	uint8_t remote_ephemeral[NOISE_PUBLIC_KEY_LEN];
	uint8_t hash[NOISE_HASH_LEN];
	uint8_t chaining_key[NOISE_HASH_LEN];

	uint32_t local_index;  /* host order; ours, in the peer's receiver field */
	uint32_t remote_index; /* host order; the peer's sender index */

	/* Replay protection of consumed initiations (kept across resets). */
	uint8_t latest_timestamp[NOISE_TIMESTAMP_LEN];
	uint64_t last_initiation_consumption_ns;
	bool has_consumed_initiation;
};

/*
 * Set up a peer's handshake: remember the identity pointer, the remote
 * static key and the psk (NULL for none). The static-static DH is computed
 * at the first handshake, not here (adding a peer is cheap; 1M peers in one
 * `wg setconf`). Returns 0 even when the DH is invalid (a low-order remote key, or no
 * identity yet): then the peer exists but every handshake with it fails
 * with -EINVAL, as the kernel does.
 */
int noise_handshake_init(struct noise_handshake *hs, const struct noise_static_identity *identity,
			 const uint8_t remote_static[NOISE_PUBLIC_KEY_LEN],
			 const uint8_t preshared_key[NOISE_SYMMETRIC_KEY_LEN]);
/* Forget the static-static DH after the identity's private key changed; recomputed at next use. */
void noise_handshake_precompute(struct noise_handshake *hs);
/* Set (or with NULL clear) the preshared key. */
void noise_handshake_set_psk(struct noise_handshake *hs,
			     const uint8_t preshared_key[NOISE_SYMMETRIC_KEY_LEN]);
/*
 * Forget the handshake in progress (ephemeral, hash, chaining key, indices)
 * and return to HANDSHAKE_ZEROED. Keeps the remote static, psk,
 * precomputation and the initiation replay state.
 */
void noise_handshake_clear(struct noise_handshake *hs);
/* Wipe everything, before the peer is freed. */
void noise_handshake_destroy(struct noise_handshake *hs);

/* TAI64N of a wall-clock time in nanoseconds since the Unix epoch. */
void noise_tai64n(uint8_t out[NOISE_TIMESTAMP_LEN], uint64_t unix_ns);

/*
 * Write a handshake initiation into msg (mac1/mac2 left zero: the cookie
 * maker adds them). local_index is our sender index, chosen unique by the
 * caller. wall_ns is the Unix time in nanoseconds for the TAI64N stamp.
 * Generates a fresh ephemeral key. Moves hs to HANDSHAKE_CREATED_INITIATION
 * (any handshake in progress is replaced).
 */
int noise_create_initiation(struct noise_handshake *hs, struct message_handshake_initiation *msg,
			    uint32_t local_index, uint64_t wall_ns);
/*
 * The same with the ephemeral private key and the timestamp given: for the
 * known-answer tests and benchmarks only.
 */
int noise_create_initiation_with(struct noise_handshake *hs,
				 struct message_handshake_initiation *msg, uint32_t local_index,
				 const uint8_t ephemeral_private[NOISE_PRIVATE_KEY_LEN],
				 const uint8_t timestamp[NOISE_TIMESTAMP_LEN]);

/*
 * Find the peer's handshake for the static public key an initiation carried.
 * Returns NULL for an unknown key. The returned handshake is written by
 * noise_consume_initiation after the callback returns; the caller makes that
 * safe (for instance takes the peer's lock in the callback and releases it
 * after noise_consume_initiation returns, in both outcomes).
 */
typedef struct noise_handshake *(*noise_lookup_fn)(void *ctx,
						   const uint8_t public_key[NOISE_PUBLIC_KEY_LEN]);

/*
 * Consume an initiation of exactly MESSAGE_HANDSHAKE_INITIATION_LEN bytes,
 * whose mac1 (and under load mac2) the caller already checked with the
 * cookie checker. now_ns is the monotonic clock. On success *found is the
 * peer's handshake, now HANDSHAKE_CONSUMED_INITIATION with remote_index set
 * from the message; the timestamp and time are recorded for the replay rule
 * (strictly newer TAI64N and at least 20 ms since the last accepted one).
 * On failure *found is the looked-up handshake (unchanged) or NULL.
 */
int noise_consume_initiation(const struct noise_static_identity *identity,
			     const struct message_handshake_initiation *msg, uint64_t now_ns,
			     noise_lookup_fn lookup, void *lookup_ctx,
			     struct noise_handshake **found);

/*
 * Answer a consumed initiation: write a response into msg (macs left zero)
 * with our local_index. Generates a fresh ephemeral key. Moves hs from
 * HANDSHAKE_CONSUMED_INITIATION to HANDSHAKE_CREATED_RESPONSE; the caller
 * then derives the keys (the responder's keypair waits as "next").
 */
int noise_create_response(struct noise_handshake *hs, struct message_handshake_response *msg,
			  uint32_t local_index);
/* The same with the ephemeral private key given (tests and benchmarks). */
int noise_create_response_with(struct noise_handshake *hs, struct message_handshake_response *msg,
			       uint32_t local_index,
			       const uint8_t ephemeral_private[NOISE_PRIVATE_KEY_LEN]);

/*
 * Consume a response of exactly MESSAGE_HANDSHAKE_RESPONSE_LEN bytes (macs
 * checked by the caller). The caller found hs by the message's receiver
 * index; it must be in HANDSHAKE_CREATED_INITIATION with that local index
 * (else -ESRCH). A wrong psk fails here with -EBADMSG. On success hs is
 * HANDSHAKE_CONSUMED_RESPONSE with remote_index set.
 */
int noise_consume_response(struct noise_handshake *hs,
			   const struct message_handshake_response *msg);

/* Transport keys of one session, from noise_derive_keys. */
struct noise_keys {
	uint8_t send_key[NOISE_SYMMETRIC_KEY_LEN];
	uint8_t recv_key[NOISE_SYMMETRIC_KEY_LEN];
	uint64_t created_ns;   /* monotonic, for REKEY/REJECT_AFTER_TIME */
	uint32_t local_index;  /* receiver index of packets that come to us */
	uint32_t remote_index; /* receiver index we put in packets we send */
	bool initiator;
};

/*
 * Derive the transport keys from a finished handshake: hs must be
 * HANDSHAKE_CONSUMED_RESPONSE (we initiated) or HANDSHAKE_CREATED_RESPONSE
 * (we responded), else -EINVAL. Clears hs (noise_handshake_clear). The
 * caller keys its AEAD contexts from *keys and then wipes them
 * (noise_keys_wipe).
 */
int noise_derive_keys(struct noise_handshake *hs, struct noise_keys *keys, uint64_t now_ns);
void noise_keys_wipe(struct noise_keys *keys);

/* Test hooks: the chaining key and hash of the last message created or consumed. */
static inline const uint8_t *noise_handshake_chaining_key(const struct noise_handshake *hs)
{
	return hs->chaining_key;
}
static inline const uint8_t *noise_handshake_hash(const struct noise_handshake *hs)
{
	return hs->hash;
}

#endif /* WARREN_ENGINE_NOISE_H */
