// SPDX-License-Identifier: GPL-2.0-only
/*
 * mac1, mac2 and cookie replies: the KAT's keys, cookie reply and
 * initiation with mac2 byte for byte, then the rules: a bad mac1 is
 * invalid, under load a valid mac1 without mac2 earns a cookie reply and
 * the retry with mac2 passes, a cookie is bound to address and port,
 * expires after 115 s at the maker and 120 s at the checker, and a reply
 * is only taken for an outstanding mac1.
 */
#include <endian.h>
#include <errno.h>
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
#define SEC NSEC_PER_SEC

static char *kat;

static int kat_setup(void **state)
{
	kat = kat_load(KAT_FILE);
	return kat ? 0 : -1;
}

static int kat_teardown(void **state)
{
	free(kat);
	return 0;
}

static void need(const char *name, uint8_t *out, size_t len)
{
	if (kat_bytes(kat, name, out, len))
		fail_msg("%s: no %zu-byte hex value \"%s\"", KAT_FILE, len, name);
}

static void kat_cookie_reply_and_mac2(void **state)
{
	struct message_handshake_initiation init;
	struct message_handshake_cookie reply, made;
	struct cookie_maker maker;
	struct cookie_checker checker;
	uint8_t r_pub[32], cookie[16], nonce[24], expect[148], sealed[32];
	uint32_t i_index;

	need("responder_static_public", r_pub, 32);
	need("handshake_initiation", (uint8_t *)&init, sizeof(init));
	need("cookie_reply", (uint8_t *)&reply, sizeof(reply));
	need("cookie", cookie, 16);
	need("cookie_reply_nonce", nonce, 24);
	i_index = le32toh(init.sender_index);

	/* 1: the reply is XAEAD(HASH("cookie--" || Spub_r), nonce, cookie, mac1) */
	assert_int_equal(cookie_checker_init(&checker, r_pub), 0);
	assert_int_equal(crypto_xaead_seal(sealed, cookie, 16, init.macs.mac1, 16, nonce,
					   checker.cookie_encryption_key),
			 0);
	assert_int_equal(le32toh(reply.header.type), MESSAGE_HANDSHAKE_COOKIE);
	assert_int_equal(le32toh(reply.receiver_index), i_index);
	assert_memory_equal(reply.nonce, nonce, 24);
	assert_memory_equal(reply.encrypted_cookie, sealed, 32);

	/* 2: the initiator's maker consumes it after sending that initiation */
	assert_int_equal(cookie_maker_init(&maker, r_pub), 0);
	assert_int_equal(cookie_add_macs(&maker, &init, sizeof(init), 10 * SEC), 0);
	assert_int_equal(cookie_consume_reply(&maker, &reply, 11 * SEC), 0);
	assert_true(maker.has_cookie);
	assert_memory_equal(maker.cookie, cookie, 16);

	/* 3: the retried initiation carries the KAT's mac2 */
	assert_int_equal(cookie_add_macs(&maker, &init, sizeof(init), 12 * SEC), 0);
	need("handshake_initiation_with_mac2", expect, 148);
	assert_memory_equal(&init, expect, 148);

	/* 4: a reply made by cookie_create_reply_with has the same framing */
	struct cookie_source src = {.addr = {10, 0, 0, 1}, .addr_len = 4, .port = 1};

	assert_int_equal(
	    cookie_create_reply_with(&checker, &made, &init, sizeof(init), i_index, &src, 0, nonce),
	    0);
	assert_memory_equal(&made, &reply, 4 + 4 + 24);
	cookie_maker_clear(&maker);
	cookie_checker_clear(&checker);
}

struct side {
	struct noise_static_identity id;
	struct cookie_checker checker;
};

/* A responder (checker) and an initiation made for it with a maker. */
struct fixture {
	struct side r;
	struct cookie_maker maker;
	struct message_handshake_initiation init;
	struct message_handshake_response resp;
};

static void fixture_init(struct fixture *f)
{
	uint8_t priv[32], pub[32];
	struct noise_static_identity peer_id;
	struct noise_handshake hs;

	memset(f, 0, sizeof(*f));
	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(noise_identity_set_private(&f->r.id, priv), 0);
	assert_int_equal(cookie_checker_init(&f->r.checker, f->r.id.static_public), 0);
	assert_int_equal(cookie_maker_init(&f->maker, f->r.id.static_public), 0);

	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(noise_identity_set_private(&peer_id, priv), 0);
	assert_int_equal(noise_handshake_init(&hs, &peer_id, f->r.id.static_public, NULL), 0);
	assert_int_equal(noise_create_initiation(&hs, &f->init, 0x01020304, 0), 0);
	/* Any 92 bytes will do for a response's macs; fill in a recognisable body. */
	memset(&f->resp, 0x5a, sizeof(f->resp));
	f->resp.header.type = htole32(MESSAGE_HANDSHAKE_RESPONSE);
	noise_handshake_destroy(&hs);
	noise_identity_clear(&peer_id);
	secret_wipe(priv, sizeof(priv));
}

static void fixture_destroy(struct fixture *f)
{
	noise_identity_clear(&f->r.id);
	cookie_checker_clear(&f->r.checker);
	cookie_maker_clear(&f->maker);
}

static const struct cookie_source src_a = {.addr = {192, 0, 2, 1}, .addr_len = 4, .port = 51820};
static const struct cookie_source src_port = {.addr = {192, 0, 2, 1}, .addr_len = 4, .port = 51821};
static const struct cookie_source src_ip = {.addr = {192, 0, 2, 2}, .addr_len = 4, .port = 51820};
static const struct cookie_source src_v6 = {
    .addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, .addr_len = 16, .port = 51820};

static void mac1_rules(void **state)
{
	struct fixture f;
	struct cookie_checker other;

	fixture_init(&f);
	assert_int_equal(cookie_add_macs(&f.maker, &f.init, sizeof(f.init), 0), 0);
	assert_int_equal(cookie_add_macs(&f.maker, &f.resp, sizeof(f.resp), 0), 0);

	/* 1-2: good mac1, not under load */
	assert_int_equal(cookie_validate(&f.r.checker, &f.init, sizeof(f.init), &src_a, false, 0),
			 VALID_MAC_BUT_NO_COOKIE);
	assert_int_equal(cookie_validate(&f.r.checker, &f.resp, sizeof(f.resp), &src_a, false, 0),
			 VALID_MAC_BUT_NO_COOKIE);
	/* 3: mac2 is zeros without a cookie */
	assert_true(crypto_is_zero(f.init.macs.mac2, 16));

	/* 4..: any flipped bit before mac2 makes mac1 invalid */
	for (size_t off = 0; off < MESSAGE_INITIATION_MAC2_OFFSET; off += 7) {
		struct message_handshake_initiation bad = f.init;

		((uint8_t *)&bad)[off] ^= 0x10;
		assert_int_equal(cookie_validate(&f.r.checker, &bad, sizeof(bad), &src_a, false, 0),
				 INVALID_MAC);
	}
	/* a flipped mac2 does not matter to mac1 */
	struct message_handshake_initiation m2 = f.init;

	m2.macs.mac2[0] ^= 1;
	assert_int_equal(cookie_validate(&f.r.checker, &m2, sizeof(m2), &src_a, false, 0),
			 VALID_MAC_BUT_NO_COOKIE);

	/* a mac1 for another responder's key is invalid */
	uint8_t priv[32], pub[32];

	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	assert_int_equal(cookie_checker_init(&other, pub), 0);
	assert_int_equal(cookie_validate(&other, &f.init, sizeof(f.init), &src_a, false, 0),
			 INVALID_MAC);
	/* wrong lengths and a checker without keys are invalid */
	assert_int_equal(
	    cookie_validate(&f.r.checker, &f.init, sizeof(f.init) - 1, &src_a, false, 0),
	    INVALID_MAC);
	assert_int_equal(cookie_validate(&f.r.checker, &f.init, 64, &src_a, false, 0), INVALID_MAC);
	assert_int_equal(cookie_checker_init(&other, NULL), 0);
	assert_int_equal(cookie_validate(&other, &f.init, sizeof(f.init), &src_a, false, 0),
			 INVALID_MAC);
	assert_int_equal(cookie_add_macs(&f.maker, &f.init, 147, 0), -EINVAL);
	cookie_checker_clear(&other);
	fixture_destroy(&f);
}

/* Under load: cookie reply, retry with mac2; the cookie is bound to the source. */
static void under_load_cookie_round_trip(void **state)
{
	static const struct {
		const struct cookie_source *src; /* source of the retry */
		uint64_t macs_at, check_at;	 /* seconds */
		enum cookie_mac_state expect;
	} cases[] = {
	    /* 1 */ {&src_a, 2, 2, VALID_MAC_WITH_COOKIE},
	    /* 2: other port */ {&src_port, 2, 2, VALID_MAC_BUT_NO_COOKIE},
	    /* 3: other address */ {&src_ip, 2, 2, VALID_MAC_BUT_NO_COOKIE},
	    /* 4: the cookie arrived at 1 s; at 116 s the maker still uses it */
	    {&src_a, 116, 116, VALID_MAC_WITH_COOKIE},
	    /* 5: checked at 120 s the secret (born at 0 s) is still the same */
	    {&src_a, 100, 120, VALID_MAC_WITH_COOKIE},
	    /* 6: checked after 120 s the secret was rotated */
	    {&src_a, 100, 121, VALID_MAC_BUT_NO_COOKIE},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct message_handshake_cookie reply;
		struct fixture f;

		fixture_init(&f);
		/* First try at t = 0 s: valid mac1, no mac2 -> a cookie reply. */
		assert_int_equal(cookie_add_macs(&f.maker, &f.init, sizeof(f.init), 0), 0);
		assert_int_equal(
		    cookie_validate(&f.r.checker, &f.init, sizeof(f.init), &src_a, true, 0),
		    VALID_MAC_BUT_NO_COOKIE);
		assert_int_equal(cookie_create_reply(&f.r.checker, &reply, &f.init, sizeof(f.init),
						     le32toh(f.init.sender_index), &src_a, 0),
				 0);
		assert_int_equal(le32toh(reply.receiver_index), 0x01020304);
		assert_int_equal(cookie_consume_reply(&f.maker, &reply, SEC), 0);

		/* Retry: mac2 now set. */
		assert_int_equal(
		    cookie_add_macs(&f.maker, &f.init, sizeof(f.init), cases[i].macs_at * SEC), 0);
		assert_false(crypto_is_zero(f.init.macs.mac2, 16));
		assert_int_equal(cookie_validate(&f.r.checker, &f.init, sizeof(f.init),
						 cases[i].src, true, cases[i].check_at * SEC),
				 cases[i].expect);
		/* Not under load, mac2 is not looked at. */
		assert_int_equal(cookie_validate(&f.r.checker, &f.init, sizeof(f.init),
						 cases[i].src, false, cases[i].check_at * SEC),
				 VALID_MAC_BUT_NO_COOKIE);
		fixture_destroy(&f);
	}
}

static void maker_rules(void **state)
{
	struct message_handshake_cookie reply, bad;
	struct fixture f;

	fixture_init(&f);

	/* 1: a reply with no mac1 outstanding is refused */
	assert_int_equal(cookie_add_macs(&f.maker, &f.init, sizeof(f.init), 0), 0);
	assert_int_equal(
	    cookie_create_reply(&f.r.checker, &reply, &f.init, sizeof(f.init), 1, &src_v6, 0), 0);
	struct cookie_maker fresh;

	assert_int_equal(cookie_maker_init(&fresh, f.r.id.static_public), 0);
	assert_int_equal(cookie_consume_reply(&fresh, &reply, 0), -EINVAL);
	cookie_maker_clear(&fresh);

	/* 2: tampered nonce, ciphertext or tag: -EBADMSG, nothing stored */
	static const size_t offsets[] = {8, 31, 32, 63};

	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		bad = reply;
		((uint8_t *)&bad)[offsets[i]] ^= 1;
		assert_int_equal(cookie_consume_reply(&f.maker, &bad, 0), -EBADMSG);
		assert_false(f.maker.has_cookie);
	}

	/* 3: a reply to an older mac1 (another message sent since) fails */
	struct message_handshake_initiation later = f.init;

	later.sender_index ^= 0xff;
	assert_int_equal(cookie_add_macs(&f.maker, &later, sizeof(later), 0), 0);
	assert_int_equal(cookie_consume_reply(&f.maker, &reply, 0), -EBADMSG);

	/* 4: the reply to the last mac1 is taken once; the second time nothing is outstanding */
	assert_int_equal(
	    cookie_create_reply(&f.r.checker, &reply, &later, sizeof(later), 1, &src_v6, 0), 0);
	assert_int_equal(cookie_consume_reply(&f.maker, &reply, 5 * SEC), 0);
	assert_int_equal(cookie_consume_reply(&f.maker, &reply, 5 * SEC), -EINVAL);

	/* 5: mac2 is used until 115 s after the cookie arrived, zeros after */
	assert_int_equal(cookie_add_macs(&f.maker, &f.init, sizeof(f.init), 120 * SEC), 0);
	assert_false(crypto_is_zero(f.init.macs.mac2, 16));
	assert_int_equal(cookie_add_macs(&f.maker, &f.init, sizeof(f.init), 120 * SEC + 1), 0);
	assert_true(crypto_is_zero(f.init.macs.mac2, 16));

	/* 6: an IPv6 source validates with its cookie, and a response works as well */
	assert_int_equal(cookie_add_macs(&f.maker, &f.resp, sizeof(f.resp), 6 * SEC), 0);
	assert_int_equal(
	    cookie_validate(&f.r.checker, &f.resp, sizeof(f.resp), &src_v6, true, 6 * SEC),
	    VALID_MAC_WITH_COOKIE);

	/* 7: bad source lengths are refused */
	struct cookie_source weird = src_a;

	weird.addr_len = 5;
	assert_int_equal(
	    cookie_create_reply(&f.r.checker, &reply, &f.init, sizeof(f.init), 1, &weird, 0),
	    -EINVAL);
	assert_int_equal(cookie_validate(&f.r.checker, &f.init, sizeof(f.init), &weird, true, 0),
			 VALID_MAC_BUT_NO_COOKIE);
	fixture_destroy(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kat_cookie_reply_and_mac2),
	    cmocka_unit_test(mac1_rules),
	    cmocka_unit_test(under_load_cookie_round_trip),
	    cmocka_unit_test(maker_rules),
	};
	return cmocka_run_group_tests(tests, kat_setup, kat_teardown);
}
