// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Noise_IKpsk2 handshake: tests/data/wireguard-handshake-kat.json
 * reproduced byte for byte (messages, every intermediate chaining key and
 * hash, transport keys, a keepalive and a data packet sealed with them, the
 * zero-psk variant), then the failure rules: wrong psk, replayed and too
 * early initiations, unknown peers, tampering, low-order keys, states.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/cookie.h"
#include "engine/crypto.h"
#include "engine/noise.h"
#include "hexkat.h"

#define KAT_FILE "wireguard-handshake-kat.json"
#define MS (1000ULL * 1000ULL)

struct kat {
	char *json;
	uint8_t i_priv[32], i_pub[32], r_priv[32], r_pub[32];
	uint8_t ie_priv[32], re_priv[32], psk[32], timestamp[12];
	uint32_t i_index, r_index;
};

static void kat_need(const struct kat *k, const char *name, uint8_t *out, size_t len)
{
	if (kat_bytes(k->json, name, out, len))
		fail_msg("%s: no %zu-byte hex value \"%s\"", KAT_FILE, len, name);
}

static uint32_t kat_index(const struct kat *k, const char *name)
{
	size_t len;
	const char *v = kat_string(k->json, name, &len);

	if (!v)
		fail_msg("%s: no \"%s\"", KAT_FILE, name);
	return (uint32_t)strtoul(v, NULL, 16);
}

static int kat_setup(void **state)
{
	struct kat *k = calloc(1, sizeof(*k));

	if (!k)
		return -1;
	k->json = kat_load(KAT_FILE);
	if (!k->json) {
		free(k);
		return -1;
	}
	*state = k;
	kat_need(k, "initiator_static_private", k->i_priv, 32);
	kat_need(k, "initiator_static_public", k->i_pub, 32);
	kat_need(k, "responder_static_private", k->r_priv, 32);
	kat_need(k, "responder_static_public", k->r_pub, 32);
	kat_need(k, "initiator_ephemeral_private", k->ie_priv, 32);
	kat_need(k, "responder_ephemeral_private", k->re_priv, 32);
	kat_need(k, "preshared_key", k->psk, 32);
	kat_need(k, "timestamp_tai64n", k->timestamp, 12);
	k->i_index = kat_index(k, "sender_index_initiator");
	k->r_index = kat_index(k, "sender_index_responder");
	return 0;
}

static int kat_teardown(void **state)
{
	struct kat *k = *state;

	if (!k) /* the setup failed and said why */
		return 0;
	free(k->json);
	free(k);
	return 0;
}

/* Two devices, each knowing the other as its one peer. */
struct pair {
	struct noise_static_identity i_id, r_id;
	struct noise_handshake i_hs; /* initiator's view of the responder */
	struct noise_handshake r_hs; /* responder's view of the initiator */
	struct cookie_maker i_maker, r_maker;
	struct cookie_checker r_checker, i_checker;
	int lookups;
};

static struct noise_handshake *lookup_responder_peer(void *ctx, const uint8_t key[32])
{
	struct pair *p = ctx;

	p->lookups++;
	return crypto_equal(key, p->r_hs.remote_static, 32) ? &p->r_hs : NULL;
}

static struct noise_handshake *lookup_initiator_peer(void *ctx, const uint8_t key[32])
{
	struct pair *p = ctx;

	return crypto_equal(key, p->i_hs.remote_static, 32) ? &p->i_hs : NULL;
}

static void pair_init(struct pair *p, const struct kat *k, const uint8_t *i_psk,
		      const uint8_t *r_psk)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(noise_identity_set_private(&p->i_id, k->i_priv), 0);
	assert_int_equal(noise_identity_set_private(&p->r_id, k->r_priv), 0);
	assert_int_equal(noise_handshake_init(&p->i_hs, &p->i_id, p->r_id.static_public, i_psk), 0);
	assert_int_equal(noise_handshake_init(&p->r_hs, &p->r_id, p->i_id.static_public, r_psk), 0);
	assert_int_equal(cookie_maker_init(&p->i_maker, p->r_id.static_public), 0);
	assert_int_equal(cookie_maker_init(&p->r_maker, p->i_id.static_public), 0);
	assert_int_equal(cookie_checker_init(&p->r_checker, p->r_id.static_public), 0);
	assert_int_equal(cookie_checker_init(&p->i_checker, p->i_id.static_public), 0);
}

static void pair_destroy(struct pair *p)
{
	noise_handshake_destroy(&p->i_hs);
	noise_handshake_destroy(&p->r_hs);
	noise_identity_clear(&p->i_id);
	noise_identity_clear(&p->r_id);
	cookie_maker_clear(&p->i_maker);
	cookie_maker_clear(&p->r_maker);
	cookie_checker_clear(&p->r_checker);
	cookie_checker_clear(&p->i_checker);
}

static const struct cookie_source src_v4 = {.addr = {192, 0, 2, 1}, .addr_len = 4, .port = 51820};

/* The KAT flow with or without psk; name prefix "" or "zero_psk_". */
static void kat_flow(const struct kat *k, bool with_psk)
{
	struct message_handshake_initiation init;
	struct message_handshake_response resp;
	struct noise_handshake *found;
	struct noise_keys ikeys, rkeys;
	struct pair p;
	uint8_t expect[148], v[32];
	const char *prefix = with_psk ? "" : "zero_psk_";
	char name[64];

	pair_init(&p, k, with_psk ? k->psk : NULL, with_psk ? k->psk : NULL);

	kat_need(k, "initiator_static_public", v, 32);
	assert_memory_equal(p.i_id.static_public, v, 32);
	assert_memory_equal(p.r_id.static_public, k->r_pub, 32);
	kat_need(k, "mac1_key_for_responder", v, 32);
	assert_memory_equal(p.i_maker.message_mac1_key, v, 32);
	assert_memory_equal(p.r_checker.message_mac1_key, v, 32);
	kat_need(k, "cookie_key_for_responder", v, 32);
	assert_memory_equal(p.i_maker.cookie_decryption_key, v, 32);
	assert_memory_equal(p.r_checker.cookie_encryption_key, v, 32);

	/* Initiation, macs added the way the engine sends it. */
	assert_int_equal(
	    noise_create_initiation_with(&p.i_hs, &init, k->i_index, k->ie_priv, k->timestamp), 0);
	assert_int_equal(cookie_add_macs(&p.i_maker, &init, sizeof(init), 0), 0);
	snprintf(name, sizeof(name), "%shandshake_initiation", prefix);
	kat_need(k, name, expect, 148);
	assert_memory_equal(&init, expect, 148);
	kat_need(k, "initiator_ephemeral_public", v, 32);
	assert_memory_equal(init.unencrypted_ephemeral, v, 32);
	kat_need(k, "chaining_key_after_initiation", v, 32);
	assert_memory_equal(noise_handshake_chaining_key(&p.i_hs), v, 32);
	kat_need(k, "hash_after_initiation", v, 32);
	assert_memory_equal(noise_handshake_hash(&p.i_hs), v, 32);
	assert_int_equal(p.i_hs.state, HANDSHAKE_CREATED_INITIATION);

	/* Responder consumes it. */
	assert_int_equal(cookie_validate(&p.r_checker, &init, sizeof(init), &src_v4, false, 0),
			 VALID_MAC_BUT_NO_COOKIE);
	assert_int_equal(
	    noise_consume_initiation(&p.r_id, &init, 1000 * MS, lookup_responder_peer, &p, &found),
	    0);
	assert_ptr_equal(found, &p.r_hs);
	assert_int_equal(p.r_hs.state, HANDSHAKE_CONSUMED_INITIATION);
	assert_int_equal(p.r_hs.remote_index, k->i_index);
	assert_memory_equal(p.r_hs.latest_timestamp, k->timestamp, 12);
	kat_need(k, "chaining_key_after_initiation", v, 32);
	assert_memory_equal(p.r_hs.chaining_key, v, 32);
	kat_need(k, "hash_after_initiation", v, 32);
	assert_memory_equal(p.r_hs.hash, v, 32);

	/* Response. */
	assert_int_equal(noise_create_response_with(&p.r_hs, &resp, k->r_index, k->re_priv), 0);
	assert_int_equal(cookie_add_macs(&p.r_maker, &resp, sizeof(resp), 0), 0);
	snprintf(name, sizeof(name), "%shandshake_response", prefix);
	kat_need(k, name, expect, 92);
	assert_memory_equal(&resp, expect, 92);
	kat_need(k, "responder_ephemeral_public", v, 32);
	assert_memory_equal(resp.unencrypted_ephemeral, v, 32);
	if (with_psk) {
		kat_need(k, "chaining_key_after_response", v, 32);
		assert_memory_equal(p.r_hs.chaining_key, v, 32);
		kat_need(k, "hash_after_response", v, 32);
		assert_memory_equal(p.r_hs.hash, v, 32);
	}

	/* Initiator consumes it. */
	assert_int_equal(cookie_validate(&p.i_checker, &resp, sizeof(resp), &src_v4, false, 0),
			 VALID_MAC_BUT_NO_COOKIE);
	assert_int_equal(noise_consume_response(&p.i_hs, &resp), 0);
	assert_int_equal(p.i_hs.state, HANDSHAKE_CONSUMED_RESPONSE);
	assert_int_equal(p.i_hs.remote_index, k->r_index);
	assert_memory_equal(p.i_hs.chaining_key, p.r_hs.chaining_key, 32);
	assert_memory_equal(p.i_hs.hash, p.r_hs.hash, 32);

	/* Transport keys. */
	assert_int_equal(noise_derive_keys(&p.i_hs, &ikeys, 2000 * MS), 0);
	assert_int_equal(noise_derive_keys(&p.r_hs, &rkeys, 3000 * MS), 0);
	snprintf(name, sizeof(name), "%sinitiator_send_key", prefix);
	kat_need(k, name, v, 32);
	assert_memory_equal(ikeys.send_key, v, 32);
	assert_memory_equal(rkeys.recv_key, v, 32);
	snprintf(name, sizeof(name), "%sinitiator_recv_key", prefix);
	kat_need(k, name, v, 32);
	assert_memory_equal(ikeys.recv_key, v, 32);
	assert_memory_equal(rkeys.send_key, v, 32);
	assert_true(ikeys.initiator);
	assert_false(rkeys.initiator);
	assert_int_equal(ikeys.local_index, k->i_index);
	assert_int_equal(ikeys.remote_index, k->r_index);
	assert_int_equal(rkeys.local_index, k->r_index);
	assert_int_equal(rkeys.remote_index, k->i_index);
	assert_int_equal(ikeys.created_ns, 2000 * MS);
	/* Both handshakes are spent and wiped. */
	assert_int_equal(p.i_hs.state, HANDSHAKE_ZEROED);
	assert_true(crypto_is_zero(p.i_hs.chaining_key, 32));
	assert_true(crypto_is_zero(p.i_hs.ephemeral_private, 32));
	assert_int_equal(noise_derive_keys(&p.i_hs, &ikeys, 0), -EINVAL);

	if (with_psk) {
		/* Keepalive (counter 0) and a data packet (counter 1) under these keys. */
		struct crypto_aead seal, open;
		uint8_t pkt[128], want[128], inner[82];
		struct message_data *hdr = (struct message_data *)pkt;
		size_t padded = (sizeof(inner) + 15) & ~(size_t)15;

		kat_need(k, "initiator_send_key", v, 32);
		assert_int_equal(crypto_aead_init(&seal, v, true), 0);
		assert_int_equal(crypto_aead_init(&open, v, false), 0);

		memset(pkt, 0, sizeof(pkt));
		hdr->header.type = htole32(MESSAGE_DATA);
		hdr->key_idx = htole32(k->r_index);
		hdr->counter = htole64(0);
		assert_int_equal(crypto_aead_seal(&seal, 0, hdr->encrypted_data, 0, NULL, 0), 0);
		kat_need(k, "keepalive_ctr0_initiator_to_responder", want, 32);
		assert_memory_equal(pkt, want, 32);
		assert_int_equal(crypto_aead_open(&open, 0, hdr->encrypted_data, 16, NULL, 0), 0);

		kat_need(k, "inner_ipv4_packet", inner, sizeof(inner));
		memset(pkt, 0, sizeof(pkt));
		hdr->header.type = htole32(MESSAGE_DATA);
		hdr->key_idx = htole32(k->r_index);
		hdr->counter = htole64(1);
		memcpy(hdr->encrypted_data, inner, sizeof(inner));
		assert_int_equal(padded, 96);
		assert_int_equal(crypto_aead_seal(&seal, 1, hdr->encrypted_data, padded, NULL, 0),
				 0);
		kat_need(k, "data_ctr1_initiator_to_responder", want, 128);
		assert_memory_equal(pkt, want, 128);
		assert_int_equal(
		    crypto_aead_open(&open, 1, hdr->encrypted_data, padded + 16, NULL, 0), 0);
		assert_memory_equal(hdr->encrypted_data, inner, sizeof(inner));
		crypto_aead_free(&seal);
		crypto_aead_free(&open);
	}
	noise_keys_wipe(&ikeys);
	noise_keys_wipe(&rkeys);
	assert_true(crypto_is_zero(&ikeys, sizeof(ikeys)));
	pair_destroy(&p);
}

static void kat_handshake(void **state)
{
	kat_flow(*state, true);
}

static void kat_handshake_zero_psk(void **state)
{
	kat_flow(*state, false);
}

static void kat_tai64n(void **state)
{
	static const struct {
		uint64_t unix_ns;
		const char *out;
	} cases[] = {
	    /* 1: the KAT's stamp: 2^62 + 10 + 0x6553f100 Unix seconds */
	    {0x6553f100ULL * 1000000000ULL, "400000006553f10a00000000"},
	    /* 2: nanoseconds whitened down to a multiple of 2^24 */
	    {0x6553f100ULL * 1000000000ULL + 16777215, "400000006553f10a00000000"},
	    /* 3 */ {0x6553f100ULL * 1000000000ULL + 16777216, "400000006553f10a01000000"},
	    /* 4 */ {0x6553f100ULL * 1000000000ULL + 999999999, "400000006553f10a3b000000"},
	    /* 5: the epoch */ {0, "400000000000000a00000000"},
	};
	uint8_t out[12], expect[12];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(hex_decode(expect, 12, cases[i].out), 12);
		noise_tai64n(out, cases[i].unix_ns);
		assert_memory_equal(out, expect, 12);
	}
}

/* A fresh initiation from the initiator, consumed by the responder at now. */
static int initiate(struct pair *p, struct message_handshake_initiation *init, uint64_t wall_ns,
		    uint64_t now)
{
	struct noise_handshake *found;

	assert_int_equal(noise_create_initiation(&p->i_hs, init, 7, wall_ns), 0);
	assert_int_equal(cookie_add_macs(&p->i_maker, init, sizeof(*init), now), 0);
	return noise_consume_initiation(&p->r_id, init, now, lookup_responder_peer, p, &found);
}

static void full_handshake(struct pair *p, uint64_t wall_ns, uint64_t now, int expect_consume)
{
	struct message_handshake_initiation init;
	struct message_handshake_response resp;
	struct noise_keys ik, rk;

	assert_int_equal(initiate(p, &init, wall_ns, now), 0);
	assert_int_equal(noise_create_response(&p->r_hs, &resp, 9), 0);
	assert_int_equal(noise_consume_response(&p->i_hs, &resp), expect_consume);
	if (expect_consume)
		return;
	assert_int_equal(noise_derive_keys(&p->i_hs, &ik, now), 0);
	assert_int_equal(noise_derive_keys(&p->r_hs, &rk, now), 0);
	assert_memory_equal(ik.send_key, rk.recv_key, 32);
	assert_memory_equal(ik.recv_key, rk.send_key, 32);
	assert_memory_not_equal(ik.send_key, ik.recv_key, 32);
	noise_keys_wipe(&ik);
	noise_keys_wipe(&rk);
}

static void psk_rules(void **state)
{
	const struct kat *k = *state;
	uint8_t other[32];
	struct pair p;

	/* 1: same psk both sides: works; 2: none both sides: works */
	pair_init(&p, k, k->psk, k->psk);
	full_handshake(&p, 1000 * NSEC_PER_SEC, 0, 0);
	pair_destroy(&p);
	pair_init(&p, k, NULL, NULL);
	full_handshake(&p, 1000 * NSEC_PER_SEC, 0, 0);
	pair_destroy(&p);

	/* 3: wrong psk: the responder answers, the initiator's AEAD fails */
	memcpy(other, k->psk, 32);
	other[5] ^= 0x40;
	pair_init(&p, k, k->psk, other);
	full_handshake(&p, 1000 * NSEC_PER_SEC, 0, -EBADMSG);
	assert_int_equal(p.i_hs.state, HANDSHAKE_CREATED_INITIATION); /* unchanged */
	pair_destroy(&p);

	/* 4: psk on one side only */
	pair_init(&p, k, NULL, k->psk);
	full_handshake(&p, 1000 * NSEC_PER_SEC, 0, -EBADMSG);
	pair_destroy(&p);

	/* 5: set_psk afterwards fixes it */
	pair_init(&p, k, NULL, k->psk);
	noise_handshake_set_psk(&p.i_hs, k->psk);
	full_handshake(&p, 1000 * NSEC_PER_SEC, 0, 0);
	noise_handshake_set_psk(&p.i_hs, NULL);
	assert_true(crypto_is_zero(p.i_hs.preshared_key, 32));
	pair_destroy(&p);
}

static void initiation_replay(void **state)
{
	const struct kat *k = *state;
	struct message_handshake_initiation init, old;
	struct noise_handshake *found;
	const uint64_t wall = 1700000000ULL * NSEC_PER_SEC;
	struct pair p;

	pair_init(&p, k, NULL, NULL);

	/* 1: first initiation accepted */
	assert_int_equal(initiate(&p, &init, wall, 1000 * MS), 0);
	old = init;
	/* 2: the same bytes again, much later: replay, rejected */
	assert_int_equal(
	    noise_consume_initiation(&p.r_id, &old, 5000 * MS, lookup_responder_peer, &p, &found),
	    -ESTALE);
	assert_ptr_equal(found, &p.r_hs);
	/* 3: same timestamp, new ephemeral: rejected */
	assert_int_equal(initiate(&p, &init, wall, 6000 * MS), -ESTALE);
	/* 4: older timestamp: rejected */
	assert_int_equal(initiate(&p, &init, wall - NSEC_PER_SEC, 7000 * MS), -ESTALE);
	/* 5: newer timestamp but only 19 ms after the last accepted one: rejected */
	assert_int_equal(initiate(&p, &init, wall + NSEC_PER_SEC, 1019 * MS), -EAGAIN);
	/* 6: newer and 20 ms after: accepted */
	assert_int_equal(initiate(&p, &init, wall + NSEC_PER_SEC, 1020 * MS), 0);
	/* 7: a whitened-equal stamp (same 2^24 ns slot) is not newer */
	assert_int_equal(initiate(&p, &init, wall + NSEC_PER_SEC + 1000, 2000 * MS), -ESTALE);
	/* 8: the next slot is */
	assert_int_equal(initiate(&p, &init, wall + NSEC_PER_SEC + (1 << 24), 2020 * MS), 0);
	/* 9: after clearing the handshake, the replay state remains */
	noise_handshake_clear(&p.r_hs);
	assert_int_equal(
	    noise_consume_initiation(&p.r_id, &old, 9000 * MS, lookup_responder_peer, &p, &found),
	    -ESTALE);
	pair_destroy(&p);
}

static void initiation_rejects(void **state)
{
	const struct kat *k = *state;
	struct message_handshake_initiation init, bad;
	struct noise_handshake *found;
	struct pair p;
	const uint64_t wall = 1700000000ULL * NSEC_PER_SEC;

	pair_init(&p, k, NULL, NULL);
	assert_int_equal(noise_create_initiation(&p.i_hs, &init, 7, wall), 0);

	/* 1-4: a flipped bit in the ephemeral, the static, the timestamp or its tag */
	static const size_t offsets[] = {8, 40, 88, 115};

	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		bad = init;
		((uint8_t *)&bad)[offsets[i]] ^= 0x01;
		int ret =
		    noise_consume_initiation(&p.r_id, &bad, 0, lookup_responder_peer, &p, &found);
		/* A changed ephemeral may also be rejected as an invalid point. */
		assert_true(ret == -EBADMSG || ret == -EINVAL);
		assert_int_equal(p.r_hs.state, HANDSHAKE_ZEROED);
		assert_false(p.r_hs.has_consumed_initiation);
	}

	/* 5: unknown peer: the responder does not know the initiator */
	p.lookups = 0;
	memset(p.r_hs.remote_static, 0x55, 32);
	assert_int_equal(
	    noise_consume_initiation(&p.r_id, &init, 0, lookup_responder_peer, &p, &found),
	    -ENOKEY);
	assert_null(found);
	assert_int_equal(p.lookups, 1);
	memcpy(p.r_hs.remote_static, p.i_id.static_public, 32);

	/* 6: addressed to another responder (the initiator itself) */
	assert_int_equal(
	    noise_consume_initiation(&p.i_id, &init, 0, lookup_initiator_peer, &p, &found),
	    -EBADMSG);

	/* 7: responder without an identity */
	struct noise_static_identity none;

	memset(&none, 0, sizeof(none));
	assert_int_equal(noise_identity_set_private(&none, NULL), 0);
	assert_int_equal(
	    noise_consume_initiation(&none, &init, 0, lookup_responder_peer, &p, &found), -EINVAL);

	/* 8: the untouched message still works */
	assert_int_equal(
	    noise_consume_initiation(&p.r_id, &init, 0, lookup_responder_peer, &p, &found), 0);
	pair_destroy(&p);
}

static const char *const low_order_points[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

static void low_order_keys(void **state)
{
	const struct kat *k = *state;
	struct message_handshake_initiation init;
	struct message_handshake_response resp;
	struct noise_handshake *found;
	uint8_t point[32];
	struct pair p;

	for (size_t i = 0; i < sizeof(low_order_points) / sizeof(low_order_points[0]); i++) {
		struct noise_handshake hs;

		assert_int_equal(hex_decode(point, 32, low_order_points[i]), 32);

		/* 1: a peer with a low-order static key exists but never produces a packet */
		pair_init(&p, k, NULL, NULL);
		assert_int_equal(noise_handshake_init(&hs, &p.i_id, point, NULL), 0);
		assert_true(crypto_is_zero(hs.precomputed_static_static, 32));
		memset(&init, 0xee, sizeof(init));
		assert_int_equal(noise_create_initiation(&hs, &init, 1, 0), -EINVAL);
		assert_true(crypto_is_zero(&init, sizeof(init)));
		assert_int_equal(hs.state, HANDSHAKE_ZEROED);
		noise_handshake_destroy(&hs);

		/* 2: an initiation carrying a low-order ephemeral is rejected */
		assert_int_equal(noise_create_initiation(&p.i_hs, &init, 1, 0), 0);
		memcpy(init.unencrypted_ephemeral, point, 32);
		assert_int_equal(
		    noise_consume_initiation(&p.r_id, &init, 0, lookup_responder_peer, &p, &found),
		    -EINVAL);

		/* 3: a response carrying a low-order ephemeral is rejected */
		assert_int_equal(noise_create_initiation(&p.i_hs, &init, 1, NSEC_PER_SEC), 0);
		assert_int_equal(
		    noise_consume_initiation(&p.r_id, &init, 0, lookup_responder_peer, &p, &found),
		    0);
		assert_int_equal(noise_create_response(&p.r_hs, &resp, 2), 0);
		memcpy(resp.unencrypted_ephemeral, point, 32);
		assert_int_equal(noise_consume_response(&p.i_hs, &resp), -EINVAL);
		assert_int_equal(p.i_hs.state, HANDSHAKE_CREATED_INITIATION);
		pair_destroy(&p);
	}
}

static void states_and_indices(void **state)
{
	const struct kat *k = *state;
	struct message_handshake_initiation init;
	struct message_handshake_response resp, bad;
	struct noise_handshake *found;
	struct noise_keys keys;
	struct pair p;

	pair_init(&p, k, NULL, NULL);
	/* 1: no response without a consumed initiation */
	assert_int_equal(noise_create_response(&p.r_hs, &resp, 2), -EINVAL);
	/* 2: no keys without a finished handshake */
	assert_int_equal(noise_derive_keys(&p.r_hs, &keys, 0), -EINVAL);

	assert_int_equal(noise_create_initiation(&p.i_hs, &init, 0xabcdef01, 0), 0);
	assert_int_equal(le32toh(init.header.type), MESSAGE_HANDSHAKE_INITIATION);
	assert_int_equal(le32toh(init.sender_index), 0xabcdef01);
	assert_int_equal(p.i_hs.local_index, 0xabcdef01);
	assert_int_equal(
	    noise_consume_initiation(&p.r_id, &init, 0, lookup_responder_peer, &p, &found), 0);
	/* 3: the initiator cannot derive keys before the response */
	assert_int_equal(noise_derive_keys(&p.i_hs, &keys, 0), -EINVAL);
	assert_int_equal(noise_create_response(&p.r_hs, &resp, 0x12345678), 0);
	assert_int_equal(le32toh(resp.header.type), MESSAGE_HANDSHAKE_RESPONSE);
	assert_int_equal(le32toh(resp.sender_index), 0x12345678);
	assert_int_equal(le32toh(resp.receiver_index), 0xabcdef01);
	/* 4: a second response from the same state is refused */
	assert_int_equal(noise_create_response(&p.r_hs, &bad, 3), -EINVAL);

	/* 5: a response for another index: -ESRCH, state kept */
	bad = resp;
	bad.receiver_index = htole32(0xabcdef02);
	assert_int_equal(noise_consume_response(&p.i_hs, &bad), -ESRCH);
	/* 6: tampered response: -EBADMSG */
	bad = resp;
	bad.encrypted_nothing[3] ^= 0x80;
	assert_int_equal(noise_consume_response(&p.i_hs, &bad), -EBADMSG);
	assert_int_equal(p.i_hs.state, HANDSHAKE_CREATED_INITIATION);
	/* 7: the right one, once; a second time it is refused (state moved on) */
	assert_int_equal(noise_consume_response(&p.i_hs, &resp), 0);
	assert_int_equal(noise_consume_response(&p.i_hs, &resp), -ESRCH);
	assert_int_equal(noise_derive_keys(&p.i_hs, &keys, 0), 0);
	noise_keys_wipe(&keys);

	/* 8: a handshake replaced by a new initiation no longer takes the old response */
	assert_int_equal(noise_create_initiation(&p.i_hs, &init, 0xabcdef01, NSEC_PER_SEC), 0);
	assert_int_equal(noise_consume_response(&p.i_hs, &resp), -EBADMSG);
	pair_destroy(&p);
}

static void identity_changes(void **state)
{
	const struct kat *k = *state;
	struct message_handshake_initiation init;
	struct noise_handshake *found;
	uint8_t unclamped[32];
	struct pair p;

	/* 1: the private key is clamped when set */
	struct noise_static_identity id;

	memset(unclamped, 0xff, sizeof(unclamped));
	assert_int_equal(noise_identity_set_private(&id, unclamped), 0);
	assert_int_equal(id.static_private[0], 0xf8);
	assert_int_equal(id.static_private[31], 0x7f);
	assert_true(id.has_identity);
	noise_identity_clear(&id);
	assert_false(id.has_identity);

	/* 2: without an identity no initiation; with one after precompute it works */
	pair_init(&p, k, NULL, NULL);
	assert_int_equal(noise_identity_set_private(&p.i_id, NULL), 0);
	noise_handshake_precompute(&p.i_hs);
	assert_int_equal(noise_create_initiation(&p.i_hs, &init, 1, 0), -EINVAL);
	assert_int_equal(noise_identity_set_private(&p.i_id, k->i_priv), 0);
	noise_handshake_precompute(&p.i_hs);
	assert_int_equal(noise_create_initiation(&p.i_hs, &init, 1, 0), 0);
	assert_int_equal(
	    noise_consume_initiation(&p.r_id, &init, 0, lookup_responder_peer, &p, &found), 0);
	pair_destroy(&p);
}

/*
 * Several threads use one responder identity at once (the per-thread crypto
 * contexts and static-key copies): every handshake must still agree.
 */
enum { THREADS = 4, ROUNDS_PER_THREAD = 40 };

struct worker {
	const struct noise_static_identity *r_id;
	int failures;
};

static struct noise_handshake *lookup_own(void *ctx, const uint8_t key[32])
{
	struct noise_handshake *hs = ctx;

	return crypto_equal(key, hs->remote_static, 32) ? hs : NULL;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct noise_static_identity i_id;
	struct noise_handshake i_hs, r_hs, *found;
	struct message_handshake_initiation init;
	struct message_handshake_response resp;
	struct noise_keys ik, rk;
	uint8_t priv[32], pub[32];

	if (crypto_x25519_generate(priv, pub) || noise_identity_set_private(&i_id, priv) ||
	    noise_handshake_init(&i_hs, &i_id, w->r_id->static_public, NULL) ||
	    noise_handshake_init(&r_hs, w->r_id, i_id.static_public, NULL)) {
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < ROUNDS_PER_THREAD; i++) {
		uint64_t t = (uint64_t)(i + 1) * NSEC_PER_SEC;

		if (noise_create_initiation(&i_hs, &init, 1, t) ||
		    noise_consume_initiation(w->r_id, &init, t, lookup_own, &r_hs, &found) ||
		    noise_create_response(&r_hs, &resp, 2) ||
		    noise_consume_response(&i_hs, &resp) || noise_derive_keys(&i_hs, &ik, t) ||
		    noise_derive_keys(&r_hs, &rk, t) ||
		    !crypto_equal(ik.send_key, rk.recv_key, 32) ||
		    !crypto_equal(ik.recv_key, rk.send_key, 32))
			w->failures++;
		noise_keys_wipe(&ik);
		noise_keys_wipe(&rk);
	}
	noise_handshake_destroy(&i_hs);
	noise_handshake_destroy(&r_hs);
	noise_identity_clear(&i_id);
	secret_wipe(priv, sizeof(priv));
	return NULL;
}

static void threads_share_identity(void **state)
{
	struct noise_static_identity r_id;
	struct worker workers[THREADS];
	pthread_t threads[THREADS];
	uint8_t priv[32], pub[32];

	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(noise_identity_set_private(&r_id, priv), 0);
	for (int i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){.r_id = &r_id};
		assert_int_equal(pthread_create(&threads[i], NULL, worker_run, &workers[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(workers[i].failures, 0);
	}
	noise_identity_clear(&r_id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kat_handshake),	 cmocka_unit_test(kat_handshake_zero_psk),
	    cmocka_unit_test(kat_tai64n),	 cmocka_unit_test(psk_rules),
	    cmocka_unit_test(initiation_replay), cmocka_unit_test(initiation_rejects),
	    cmocka_unit_test(low_order_keys),	 cmocka_unit_test(states_and_indices),
	    cmocka_unit_test(identity_changes),	 cmocka_unit_test(threads_share_identity),
	};
	return cmocka_run_group_tests(tests, kat_setup, kat_teardown);
}
