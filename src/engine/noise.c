// SPDX-License-Identifier: GPL-2.0-only
/*
 * Noise_IKpsk2 as WireGuard uses it. Every message is built or checked on
 * local copies of the chaining key and hash; the handshake is written only
 * once the whole message succeeded, and the copies are wiped on every path
 * at the shared label `out`.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "core/secret.h"
#include "engine/crypto.h"
#include "engine/noise.h"

static uint8_t initial_chaining_key[NOISE_HASH_LEN];
static uint8_t initial_hash[NOISE_HASH_LEN];
static int initial_status;
static pthread_once_t initial_once = PTHREAD_ONCE_INIT;

/* Ci = HASH(CONSTRUCTION), Hi = HASH(Ci || IDENTIFIER). */
static void initial_compute(void)
{
	initial_status =
	    crypto_blake2s(initial_chaining_key, NOISE_CONSTRUCTION, strlen(NOISE_CONSTRUCTION));
	if (!initial_status)
		initial_status = crypto_blake2s2(initial_hash, initial_chaining_key,
						 sizeof(initial_chaining_key), NOISE_IDENTIFIER,
						 strlen(NOISE_IDENTIFIER));
}

static int initial_values(void)
{
	pthread_once(&initial_once, initial_compute);
	return initial_status;
}

/* h = HASH(h || data) */
static int mix_hash(uint8_t hash[NOISE_HASH_LEN], const void *data, size_t len)
{
	return crypto_blake2s2(hash, hash, NOISE_HASH_LEN, data, len);
}

enum dh_kind {
	DH_EPHEMERAL, /* a key used once or twice: imported for this call */
	DH_STATIC,    /* the identity's key: the thread keeps it imported */
};

/* (ck, key) = KDF2(ck, DH(private, peer)); key may be NULL for KDF1. */
static int mix_dh(uint8_t ck[NOISE_HASH_LEN], uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
		  const uint8_t private_key[NOISE_PRIVATE_KEY_LEN],
		  const uint8_t public_key[NOISE_PUBLIC_KEY_LEN],
		  const uint8_t peer[NOISE_PUBLIC_KEY_LEN], enum dh_kind kind)
{
	uint8_t dh[NOISE_PUBLIC_KEY_LEN];
	int ret;

	if (kind == DH_STATIC)
		ret = crypto_x25519_shared_static(dh, private_key, public_key, peer);
	else
		ret = crypto_x25519_shared_known(dh, private_key, public_key, peer);
	if (!ret)
		ret = crypto_kdf(ck, key, NULL, ck, NOISE_HASH_LEN, dh, sizeof(dh));
	secret_wipe(dh, sizeof(dh));
	return ret;
}

/* The same with an imported ephemeral key object. */
static int mix_dh_key(uint8_t ck[NOISE_HASH_LEN], uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
		      struct crypto_x25519_key *private_key,
		      const uint8_t peer[NOISE_PUBLIC_KEY_LEN])
{
	uint8_t dh[NOISE_PUBLIC_KEY_LEN];
	int ret;

	ret = crypto_x25519_key_shared(private_key, dh, peer);
	if (!ret)
		ret = crypto_kdf(ck, key, NULL, ck, NOISE_HASH_LEN, dh, sizeof(dh));
	secret_wipe(dh, sizeof(dh));
	return ret;
}

/* (ck, key) = KDF2(ck, precomputed static-static DH); -EINVAL when it is invalid. */
static int mix_precomputed_dh(uint8_t ck[NOISE_HASH_LEN], uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
			      const uint8_t dh[NOISE_PUBLIC_KEY_LEN])
{
	if (crypto_is_zero(dh, NOISE_PUBLIC_KEY_LEN))
		return -EINVAL;
	return crypto_kdf(ck, key, NULL, ck, NOISE_HASH_LEN, dh, NOISE_PUBLIC_KEY_LEN);
}

/* (ck, tau, key) = KDF3(ck, psk); h = HASH(h || tau) */
static int mix_psk(uint8_t ck[NOISE_HASH_LEN], uint8_t hash[NOISE_HASH_LEN],
		   uint8_t key[NOISE_SYMMETRIC_KEY_LEN], const uint8_t psk[NOISE_SYMMETRIC_KEY_LEN])
{
	uint8_t tau[NOISE_HASH_LEN];
	int ret;

	ret = crypto_kdf(ck, tau, key, ck, NOISE_HASH_LEN, psk, NOISE_SYMMETRIC_KEY_LEN);
	if (!ret)
		ret = mix_hash(hash, tau, sizeof(tau));
	secret_wipe(tau, sizeof(tau));
	return ret;
}

/* Copy the ephemeral into place and mix it: h = HASH(h || e), ck = KDF1(ck, e). */
static int mix_ephemeral(uint8_t dst[NOISE_PUBLIC_KEY_LEN], const uint8_t src[NOISE_PUBLIC_KEY_LEN],
			 uint8_t ck[NOISE_HASH_LEN], uint8_t hash[NOISE_HASH_LEN])
{
	int ret;

	if (dst != src)
		memcpy(dst, src, NOISE_PUBLIC_KEY_LEN);
	ret = mix_hash(hash, src, NOISE_PUBLIC_KEY_LEN);
	if (!ret)
		ret = crypto_kdf(ck, NULL, NULL, ck, NOISE_HASH_LEN, src, NOISE_PUBLIC_KEY_LEN);
	return ret;
}

/* dst = AEAD(key, 0, src, h); h = HASH(h || dst) */
static int message_encrypt(uint8_t *dst, const uint8_t *src, size_t len,
			   const uint8_t key[NOISE_SYMMETRIC_KEY_LEN], uint8_t hash[NOISE_HASH_LEN])
{
	int ret;

	ret = crypto_aead_seal_once(dst, src, len, hash, NOISE_HASH_LEN, 0, key);
	if (!ret)
		ret = mix_hash(hash, dst, noise_encrypted_len(len));
	return ret;
}

/* dst = AEAD-open(key, 0, src, h); h = HASH(h || src) */
static int message_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len,
			   const uint8_t key[NOISE_SYMMETRIC_KEY_LEN], uint8_t hash[NOISE_HASH_LEN])
{
	int ret;

	ret = crypto_aead_open_once(dst, src, src_len, hash, NOISE_HASH_LEN, 0, key);
	if (!ret)
		ret = mix_hash(hash, src, src_len);
	return ret;
}

/*
 * The symmetric state of one message in flight: copies of the chaining key
 * and hash, and the message key. Written to the handshake only by
 * symmetric_commit() once the whole message succeeded; the caller wipes it
 * with symmetric_wipe() on every path.
 */
struct symmetric {
	uint8_t ck[NOISE_HASH_LEN];
	uint8_t hash[NOISE_HASH_LEN];
	uint8_t key[NOISE_SYMMETRIC_KEY_LEN];
};

static void symmetric_start(struct symmetric *st, const uint8_t ck[NOISE_HASH_LEN],
			    const uint8_t hash[NOISE_HASH_LEN])
{
	memcpy(st->ck, ck, NOISE_HASH_LEN);
	memcpy(st->hash, hash, NOISE_HASH_LEN);
}

/* Stores ck and hash in hs and moves it to state; the caller set the rest first. */
static void symmetric_commit(struct noise_handshake *hs, const struct symmetric *st,
			     enum noise_handshake_state state)
{
	memcpy(hs->chaining_key, st->ck, NOISE_HASH_LEN);
	memcpy(hs->hash, st->hash, NOISE_HASH_LEN);
	hs->state = state;
}

static void symmetric_wipe(struct symmetric *st)
{
	secret_wipe(st, sizeof(*st));
}

/*
 * The ephemeral key pair of a message being created: the clamped private
 * key, its public half and the imported key object (owned). Start with
 * ephemeral_start(); the caller wipes it with ephemeral_wipe() on every path.
 */
struct ephemeral {
	uint8_t private_key[NOISE_PRIVATE_KEY_LEN];
	uint8_t public_key[NOISE_PUBLIC_KEY_LEN];
	struct crypto_x25519_key key;
};

static void ephemeral_start(struct ephemeral *eph, const uint8_t private_key[NOISE_PRIVATE_KEY_LEN])
{
	memset(eph, 0, sizeof(*eph));
	memcpy(eph->private_key, private_key, NOISE_PRIVATE_KEY_LEN);
	crypto_x25519_clamp(eph->private_key);
}

/* e: imports the key, writes its public half to dst and mixes it into st. */
static int ephemeral_mix(struct ephemeral *eph, uint8_t dst[NOISE_PUBLIC_KEY_LEN],
			 struct symmetric *st)
{
	int ret;

	ret = crypto_x25519_key_generate_public(&eph->key, eph->private_key, eph->public_key);
	if (!ret)
		ret = mix_ephemeral(dst, eph->public_key, st->ck, st->hash);
	return ret;
}

static void ephemeral_wipe(struct ephemeral *eph)
{
	crypto_x25519_key_free(&eph->key);
	secret_wipe(eph, sizeof(*eph));
}

void noise_tai64n(uint8_t out[NOISE_TIMESTAMP_LEN], uint64_t unix_ns)
{
	uint64_t seconds = (1ULL << 62) + 10 + unix_ns / NSEC_PER_SEC;
	/* Whiten: round down to 2^24 ns, below the 20 ms initiation interval. */
	uint32_t nanos = (uint32_t)(unix_ns % NSEC_PER_SEC) & ~((1U << 24) - 1);
	uint64_t be_seconds = htobe64(seconds);
	uint32_t be_nanos = htobe32(nanos);

	memcpy(out, &be_seconds, 8);
	memcpy(out + 8, &be_nanos, 4);
}

int noise_identity_set_private(struct noise_static_identity *identity,
			       const uint8_t private_key[NOISE_PRIVATE_KEY_LEN])
{
	int ret;

	noise_identity_clear(identity);
	if (!private_key)
		return 0;
	ret = initial_values();
	if (ret)
		return ret;
	memcpy(identity->static_private, private_key, NOISE_PRIVATE_KEY_LEN);
	crypto_x25519_clamp(identity->static_private);
	ret = crypto_x25519_public(identity->static_public, identity->static_private);
	if (ret)
		goto err;
	ret = crypto_blake2s2(identity->responder_hash, initial_hash, sizeof(initial_hash),
			      identity->static_public, NOISE_PUBLIC_KEY_LEN);
	if (ret)
		goto err;
	identity->has_identity = true;
	return 0;
err:
	noise_identity_clear(identity);
	return ret;
}

void noise_identity_clear(struct noise_static_identity *identity)
{
	/* Other threads drop their imported copy when they next use another key or exit. */
	crypto_x25519_forget_static();
	secret_wipe(identity, sizeof(*identity));
}

void noise_handshake_precompute(struct noise_handshake *hs)
{
	secret_wipe(hs->precomputed_static_static, sizeof(hs->precomputed_static_static));
	hs->static_static_ready = false;
}

/*
 * The static-static DH, computed on first use and kept until the identity
 * changes (noise_handshake_precompute). The kernel's and wireguard-go's
 * peer creation compute it at once; computing it here instead makes adding
 * a peer cheap (the scalar multiplication was most of the cost of a large
 * `wg addconf`) and costs the same one multiplication per peer, at its
 * first handshake. On failure (no identity, a low-order remote key) it is
 * zero and the handshake fails with -EINVAL, as the kernel's.
 */
static const uint8_t *static_static(struct noise_handshake *hs)
{
	const struct noise_static_identity *identity = hs->identity;

	if (hs->static_static_ready)
		return hs->precomputed_static_static;
	memset(hs->precomputed_static_static, 0, sizeof(hs->precomputed_static_static));
	if (!identity || !identity->has_identity)
		return hs->precomputed_static_static;
	crypto_x25519_shared_static(hs->precomputed_static_static, identity->static_private,
				    identity->static_public, hs->remote_static);
	hs->static_static_ready = true;
	return hs->precomputed_static_static;
}

void noise_handshake_set_psk(struct noise_handshake *hs,
			     const uint8_t preshared_key[NOISE_SYMMETRIC_KEY_LEN])
{
	if (preshared_key)
		memcpy(hs->preshared_key, preshared_key, NOISE_SYMMETRIC_KEY_LEN);
	else
		secret_wipe(hs->preshared_key, NOISE_SYMMETRIC_KEY_LEN);
}

int noise_handshake_init(struct noise_handshake *hs, const struct noise_static_identity *identity,
			 const uint8_t remote_static[NOISE_PUBLIC_KEY_LEN],
			 const uint8_t preshared_key[NOISE_SYMMETRIC_KEY_LEN])
{
	int ret;

	memset(hs, 0, sizeof(*hs));
	ret = initial_values();
	if (ret)
		return ret;
	hs->identity = identity;
	memcpy(hs->remote_static, remote_static, NOISE_PUBLIC_KEY_LEN);
	ret = crypto_blake2s2(hs->initiator_hash, initial_hash, sizeof(initial_hash), remote_static,
			      NOISE_PUBLIC_KEY_LEN);
	if (ret)
		return ret;
	noise_handshake_set_psk(hs, preshared_key);
	noise_handshake_precompute(hs);
	return 0;
}

void noise_handshake_clear(struct noise_handshake *hs)
{
	secret_wipe(hs->ephemeral_private, sizeof(hs->ephemeral_private));
	secret_wipe(hs->ephemeral_public, sizeof(hs->ephemeral_public));
	secret_wipe(hs->remote_ephemeral, sizeof(hs->remote_ephemeral));
	secret_wipe(hs->hash, sizeof(hs->hash));
	secret_wipe(hs->chaining_key, sizeof(hs->chaining_key));
	hs->local_index = 0;
	hs->remote_index = 0;
	hs->state = HANDSHAKE_ZEROED;
}

void noise_handshake_destroy(struct noise_handshake *hs)
{
	secret_wipe(hs, sizeof(*hs));
}

int noise_create_initiation_with(struct noise_handshake *hs,
				 struct message_handshake_initiation *msg, uint32_t local_index,
				 const uint8_t ephemeral_private[NOISE_PRIVATE_KEY_LEN],
				 const uint8_t timestamp[NOISE_TIMESTAMP_LEN])
{
	const struct noise_static_identity *identity = hs->identity;
	struct symmetric st;
	struct ephemeral eph;
	int ret = -EINVAL;

	symmetric_start(&st, initial_chaining_key, hs->initiator_hash);
	ephemeral_start(&eph, ephemeral_private);

	if (!identity || !identity->has_identity ||
	    crypto_is_zero(static_static(hs), NOISE_PUBLIC_KEY_LEN))
		goto out;

	memset(msg, 0, sizeof(*msg));
	msg->header.type = htole32(MESSAGE_HANDSHAKE_INITIATION);
	msg->sender_index = htole32(local_index);

	/* e */
	ret = ephemeral_mix(&eph, msg->unencrypted_ephemeral, &st);
	if (ret)
		goto out;
	/* es */
	ret = mix_dh_key(st.ck, st.key, &eph.key, hs->remote_static);
	if (ret)
		goto out;
	/* s */
	ret = message_encrypt(msg->encrypted_static, identity->static_public, NOISE_PUBLIC_KEY_LEN,
			      st.key, st.hash);
	if (ret)
		goto out;
	/* ss */
	ret = mix_precomputed_dh(st.ck, st.key, static_static(hs));
	if (ret)
		goto out;
	/* {t} */
	ret = message_encrypt(msg->encrypted_timestamp, timestamp, NOISE_TIMESTAMP_LEN, st.key,
			      st.hash);
	if (ret)
		goto out;

	noise_handshake_clear(hs);
	memcpy(hs->ephemeral_private, eph.private_key, NOISE_PRIVATE_KEY_LEN);
	memcpy(hs->ephemeral_public, eph.public_key, NOISE_PUBLIC_KEY_LEN);
	hs->local_index = local_index;
	symmetric_commit(hs, &st, HANDSHAKE_CREATED_INITIATION);
out:
	if (ret)
		memset(msg, 0, sizeof(*msg));
	symmetric_wipe(&st);
	ephemeral_wipe(&eph);
	return ret;
}

int noise_create_initiation(struct noise_handshake *hs, struct message_handshake_initiation *msg,
			    uint32_t local_index, uint64_t wall_ns)
{
	uint8_t e_priv[NOISE_PRIVATE_KEY_LEN];
	uint8_t timestamp[NOISE_TIMESTAMP_LEN];
	int ret;

	ret = crypto_random(e_priv, sizeof(e_priv));
	if (ret)
		goto out;
	noise_tai64n(timestamp, wall_ns);
	ret = noise_create_initiation_with(hs, msg, local_index, e_priv, timestamp);
out:
	secret_wipe(e_priv, sizeof(e_priv));
	return ret;
}

int noise_consume_initiation(const struct noise_static_identity *identity,
			     const struct message_handshake_initiation *msg, uint64_t now_ns,
			     noise_lookup_fn lookup, void *lookup_ctx,
			     struct noise_handshake **found)
{
	struct symmetric st;
	uint8_t e[NOISE_PUBLIC_KEY_LEN], s[NOISE_PUBLIC_KEY_LEN];
	uint8_t t[NOISE_TIMESTAMP_LEN];
	struct noise_handshake *hs;
	int ret = -EINVAL;

	*found = NULL;
	symmetric_start(&st, initial_chaining_key, identity->responder_hash);
	if (!identity->has_identity)
		goto out;

	/* e */
	ret = mix_ephemeral(e, msg->unencrypted_ephemeral, st.ck, st.hash);
	if (ret)
		goto out;
	/* es */
	ret =
	    mix_dh(st.ck, st.key, identity->static_private, identity->static_public, e, DH_STATIC);
	if (ret)
		goto out;
	/* s */
	ret = message_decrypt(s, msg->encrypted_static, sizeof(msg->encrypted_static), st.key,
			      st.hash);
	if (ret)
		goto out;

	hs = lookup(lookup_ctx, s);
	if (!hs) {
		ret = -ENOKEY;
		goto out;
	}
	*found = hs;

	/* ss */
	ret = mix_precomputed_dh(st.ck, st.key, static_static(hs));
	if (ret)
		goto out;
	/* {t} */
	ret = message_decrypt(t, msg->encrypted_timestamp, sizeof(msg->encrypted_timestamp), st.key,
			      st.hash);
	if (ret)
		goto out;

	if (hs->has_consumed_initiation) {
		/* Big-endian TAI64N: memcmp orders it; an equal stamp is a replay. */
		if (memcmp(t, hs->latest_timestamp, NOISE_TIMESTAMP_LEN) <= 0) {
			ret = -ESTALE;
			goto out;
		}
		if (now_ns < hs->last_initiation_consumption_ns + INITIATION_MIN_INTERVAL_NS) {
			ret = -EAGAIN;
			goto out;
		}
	}

	noise_handshake_clear(hs);
	memcpy(hs->remote_ephemeral, e, sizeof(e));
	memcpy(hs->latest_timestamp, t, sizeof(t));
	hs->remote_index = le32toh(msg->sender_index);
	hs->last_initiation_consumption_ns = now_ns;
	hs->has_consumed_initiation = true;
	symmetric_commit(hs, &st, HANDSHAKE_CONSUMED_INITIATION);
out:
	symmetric_wipe(&st);
	secret_wipe(e, sizeof(e));
	secret_wipe(s, sizeof(s));
	secret_wipe(t, sizeof(t));
	return ret;
}

int noise_create_response_with(struct noise_handshake *hs, struct message_handshake_response *msg,
			       uint32_t local_index,
			       const uint8_t ephemeral_private[NOISE_PRIVATE_KEY_LEN])
{
	struct symmetric st;
	struct ephemeral eph;
	int ret = -EINVAL;

	symmetric_start(&st, hs->chaining_key, hs->hash);
	ephemeral_start(&eph, ephemeral_private);
	if (hs->state != HANDSHAKE_CONSUMED_INITIATION)
		goto out;

	memset(msg, 0, sizeof(*msg));
	msg->header.type = htole32(MESSAGE_HANDSHAKE_RESPONSE);
	msg->sender_index = htole32(local_index);
	msg->receiver_index = htole32(hs->remote_index);

	/* e */
	ret = ephemeral_mix(&eph, msg->unencrypted_ephemeral, &st);
	if (ret)
		goto out;
	/* ee */
	ret = mix_dh_key(st.ck, NULL, &eph.key, hs->remote_ephemeral);
	if (ret)
		goto out;
	/* se */
	ret = mix_dh_key(st.ck, NULL, &eph.key, hs->remote_static);
	if (ret)
		goto out;
	/* psk */
	ret = mix_psk(st.ck, st.hash, st.key, hs->preshared_key);
	if (ret)
		goto out;
	/* {} */
	ret = message_encrypt(msg->encrypted_nothing, NULL, 0, st.key, st.hash);
	if (ret)
		goto out;

	hs->local_index = local_index;
	symmetric_commit(hs, &st, HANDSHAKE_CREATED_RESPONSE);
out:
	if (ret)
		memset(msg, 0, sizeof(*msg));
	symmetric_wipe(&st);
	ephemeral_wipe(&eph);
	return ret;
}

int noise_create_response(struct noise_handshake *hs, struct message_handshake_response *msg,
			  uint32_t local_index)
{
	uint8_t e_priv[NOISE_PRIVATE_KEY_LEN];
	int ret;

	ret = crypto_random(e_priv, sizeof(e_priv));
	if (!ret)
		ret = noise_create_response_with(hs, msg, local_index, e_priv);
	secret_wipe(e_priv, sizeof(e_priv));
	return ret;
}

int noise_consume_response(struct noise_handshake *hs, const struct message_handshake_response *msg)
{
	const struct noise_static_identity *identity = hs->identity;
	struct symmetric st;
	uint8_t e[NOISE_PUBLIC_KEY_LEN];
	int ret = -ESRCH;

	symmetric_start(&st, hs->chaining_key, hs->hash);
	if (hs->state != HANDSHAKE_CREATED_INITIATION ||
	    le32toh(msg->receiver_index) != hs->local_index)
		goto out;
	ret = -EINVAL;
	if (!identity || !identity->has_identity)
		goto out;

	/* e */
	ret = mix_ephemeral(e, msg->unencrypted_ephemeral, st.ck, st.hash);
	if (ret)
		goto out;
	/* ee */
	ret = mix_dh(st.ck, NULL, hs->ephemeral_private, hs->ephemeral_public, e, DH_EPHEMERAL);
	if (ret)
		goto out;
	/* se */
	ret = mix_dh(st.ck, NULL, identity->static_private, identity->static_public, e, DH_STATIC);
	if (ret)
		goto out;
	/* psk */
	ret = mix_psk(st.ck, st.hash, st.key, hs->preshared_key);
	if (ret)
		goto out;
	/* {} */
	ret = message_decrypt(NULL, msg->encrypted_nothing, sizeof(msg->encrypted_nothing), st.key,
			      st.hash);
	if (ret)
		goto out;

	memcpy(hs->remote_ephemeral, e, sizeof(e));
	hs->remote_index = le32toh(msg->sender_index);
	symmetric_commit(hs, &st, HANDSHAKE_CONSUMED_RESPONSE);
out:
	symmetric_wipe(&st);
	secret_wipe(e, sizeof(e));
	return ret;
}

int noise_derive_keys(struct noise_handshake *hs, struct noise_keys *keys, uint64_t now_ns)
{
	uint8_t *first, *second;
	int ret;

	memset(keys, 0, sizeof(*keys));
	ret = -EINVAL;
	if (hs->state == HANDSHAKE_CONSUMED_RESPONSE)
		keys->initiator = true;
	else if (hs->state != HANDSHAKE_CREATED_RESPONSE)
		goto out;

	/* (T_send, T_recv) of the initiator; the responder's are swapped. */
	first = keys->initiator ? keys->send_key : keys->recv_key;
	second = keys->initiator ? keys->recv_key : keys->send_key;
	ret = crypto_kdf(first, second, NULL, hs->chaining_key, NOISE_HASH_LEN, "", 0);
	if (ret)
		goto out;
	keys->created_ns = now_ns;
	keys->local_index = hs->local_index;
	keys->remote_index = hs->remote_index;
	noise_handshake_clear(hs);
out:
	if (ret)
		noise_keys_wipe(keys);
	return ret;
}

void noise_keys_wipe(struct noise_keys *keys)
{
	secret_wipe(keys, sizeof(*keys));
}
