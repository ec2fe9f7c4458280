// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crypto glue against published vectors: BLAKE2s (RFC 7693 and the
 * BLAKE2 reference KAT), keyed BLAKE2s, HMAC-BLAKE2s through WireGuard's
 * KDF (wireguard-go kdf_test.go), X25519 (RFC 7748 sections 5.2 and 6.1),
 * ChaCha20-Poly1305 (RFC 8439 appendix A.5), XChaCha20-Poly1305
 * (draft-irtf-cfrg-xchacha-03 A.3.1), the handshake's initial chaining
 * key and hash, and the seven low-order points of the kernel's tests.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "engine/crypto.h"
#include "engine/messages.h"
#include "hexkat.h"

/*
 * In the sanitizer build, undefined behaviour fails this test instead of
 * being printed and forgotten (UBSan recovers by default). Read by the
 * UBSan runtime; unused without it.
 */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static void hex_or_fail(uint8_t *out, size_t len, const char *hex)
{
	assert_int_equal(hex_decode(out, len, hex), len);
}

static void blake2s_vectors(void **state)
{
	static const struct {
		const char *in; /* text */
		const char *out;
	} cases[] = {
	    /* 1 */ {"", "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9"},
	    /* 2: RFC 7693 appendix B */
	    {"abc", "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"},
	};
	uint8_t expect[32], out[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct crypto_blake2s_state st;
		size_t len = strlen(cases[i].in);

		hex_or_fail(expect, 32, cases[i].out);
		assert_int_equal(crypto_blake2s(out, cases[i].in, len), 0);
		assert_memory_equal(out, expect, 32);

		/* Incremental, one byte at a time. */
		assert_int_equal(crypto_blake2s_init(&st), 0);
		for (size_t j = 0; j < len; j++)
			assert_int_equal(crypto_blake2s_update(&st, cases[i].in + j, 1), 0);
		memset(out, 0, sizeof(out));
		assert_int_equal(crypto_blake2s_final(&st, out), 0);
		assert_memory_equal(out, expect, 32);
		assert_null(st.ctx);
		crypto_blake2s_free(&st); /* after final: harmless */
	}

	/* Split input: HASH(a || b). */
	hex_or_fail(expect, 32, cases[1].out);
	assert_int_equal(crypto_blake2s2(out, "a", 1, "bc", 2), 0);
	assert_memory_equal(out, expect, 32);
}

static void blake2s_keyed_vectors(void **state)
{
	/* BLAKE2 reference blake2s-kat.txt: key 00..1f, input 00..(n-1). */
	static const struct {
		size_t in_len;
		const char *out;
	} cases[] = {
	    /* 1 */ {0, "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49"},
	    /* 2 */ {1, "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1"},
	    /* 3 */ {64, "8975b0577fd35566d750b362b0897a26c399136df07bababbde6203ff2954ed4"},
	    /* 4 */ {255, "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd"},
	};
	uint8_t key[32], in[255], expect[32], out[32];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hex_or_fail(expect, 32, cases[i].out);
		assert_int_equal(crypto_blake2s_keyed(out, 32, key, 32, in, cases[i].in_len), 0);
		assert_memory_equal(out, expect, 32);
	}
	/* Lengths outside 1..32 are refused. */
	assert_int_equal(crypto_blake2s_keyed(out, 0, key, 32, in, 1), -EINVAL);
	assert_int_equal(crypto_blake2s_keyed(out, 33, key, 32, in, 1), -EINVAL);
	assert_int_equal(crypto_blake2s_keyed(out, 16, key, 33, in, 1), -EINVAL);
}

static void kdf_vectors(void **state)
{
	/* wireguard-go device/kdf_test.go */
	static const struct {
		const char *key, *input, *t0, *t1, *t2;
	} cases[] = {
	    /* 1 */ {"746573742d6b6579", "746573742d696e707574",
		     "6f0e5ad38daba1bea8a0d213688736f19763239305e0f58aba697f9ffc41c633",
		     "df1194df20802a4fe594cde27e92991c8cae66c366e8106aaa937a55fa371e8a",
		     "fac6e2745a325f5dc5d11a5b165aad08b0ada28e7b4e666b7c077934a4d76c24"},
	    /* 2 */
	    {"776972656775617264", "776972656775617264",
	     "491d43bbfdaa8750aaf535e334ecbfe5129967cd64635101c566d4caefda96e8",
	     "1e71a379baefd8a79aa4662212fcafe19a23e2b609a3db7d6bcba8f560e3d25f",
	     "31e1ae48bddfbe5de38f295e5452b1909a1b4e38e183926af3780b0c1e1f0160"},
	    /* 3 */
	    {"", "", "8387b46bf43eccfcf349552a095d8315c4055beb90208fb1be23b894bc2ed5d0",
	     "58a0e5f6faefccf4807bff1f05fa8a9217945762040bcec2f4b4a62bdfe0e86e",
	     "0ce6ea98ec548f8e281e93e32db65621c45eb18dc6f0a7ad94178610a2f7338e"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t key[32], input[32], t[3][32], out[3][32];
		size_t key_len = hex_decode(key, sizeof(key), cases[i].key);
		size_t in_len = hex_decode(input, sizeof(input), cases[i].input);

		assert_true(key_len <= sizeof(key) && in_len <= sizeof(input));
		hex_or_fail(t[0], 32, cases[i].t0);
		hex_or_fail(t[1], 32, cases[i].t1);
		hex_or_fail(t[2], 32, cases[i].t2);

		assert_int_equal(crypto_kdf(out[0], out[1], out[2], key, key_len, input, in_len),
				 0);
		assert_memory_equal(out, t, sizeof(t));
		memset(out, 0, sizeof(out));
		assert_int_equal(crypto_kdf(out[0], out[1], NULL, key, key_len, input, in_len), 0);
		assert_memory_equal(out, t, 2 * 32);
		assert_true(crypto_is_zero(out[2], 32));
		assert_int_equal(crypto_kdf(out[0], NULL, NULL, key, key_len, input, in_len), 0);
		assert_memory_equal(out[0], t[0], 32);

		/* HMAC-BLAKE2s itself: T1 = HMAC(HMAC(key, input), 0x01). */
		uint8_t prk[32], one = 1;

		assert_int_equal(crypto_hmac_blake2s(prk, key, key_len, input, in_len), 0);
		assert_int_equal(crypto_hmac_blake2s(out[0], prk, 32, &one, 1), 0);
		assert_memory_equal(out[0], t[0], 32);
	}

	/* Outputs aliasing the chaining key, as the handshake uses it. */
	uint8_t ck[32], t0[32], t1[32], again[32];

	memset(ck, 7, sizeof(ck));
	assert_int_equal(crypto_kdf(t0, t1, NULL, ck, 32, "x", 1), 0);
	assert_int_equal(crypto_kdf(ck, again, NULL, ck, 32, "x", 1), 0);
	assert_memory_equal(ck, t0, 32);
	assert_memory_equal(again, t1, 32);
}

/* HMAC-BLAKE2s against OpenSSL's own EVP_MAC "HMAC" over BLAKE2S-256. */
static void hmac_matches_openssl(void **state)
{
	static const size_t key_lens[] = {0, 1, 31, 32, 63, 64, 65, 100};
	static const size_t msg_lens[] = {0, 1, 33, 64, 65, 200};
	uint8_t key[100], msg[200], ours[32], theirs[32];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i * 7);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 13);
	for (size_t k = 0; k < sizeof(key_lens) / sizeof(key_lens[0]); k++) {
		for (size_t m = 0; m < sizeof(msg_lens) / sizeof(msg_lens[0]); m++) {
			size_t out_len = 0;

			assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "BLAKE2S-256", NULL, key,
						  key_lens[k], msg, msg_lens[m], theirs,
						  sizeof(theirs), &out_len));
			assert_int_equal(out_len, 32);
			assert_int_equal(
			    crypto_hmac_blake2s(ours, key, key_lens[k], msg, msg_lens[m]), 0);
			assert_memory_equal(ours, theirs, 32);
		}
	}
}

static void x25519_vectors(void **state)
{
	/* RFC 7748 section 5.2 (scalar, u, result) and 6.1 (Alice and Bob). */
	static const struct {
		const char *scalar, *u, *out;
	} cases[] = {
	    /* 1 */ {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		     "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		     "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
	    /* 2 */
	    {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	     "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	     "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
	    /* 3: Alice's private, Bob's public */
	    {"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	     "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	     "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
	    /* 4: Bob's private, Alice's public */
	    {"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	     "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	     "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
	};
	static const struct {
		const char *private_key, *public_key;
	} pairs[] = {
	    /* 1: Alice */ {"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
			    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"},
	    /* 2: Bob */
	    {"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	     "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"},
	};
	uint8_t scalar[32], u[32], expect[32], out[32], saved[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hex_or_fail(scalar, 32, cases[i].scalar);
		hex_or_fail(u, 32, cases[i].u);
		hex_or_fail(expect, 32, cases[i].out);
		memcpy(saved, scalar, 32);
		assert_int_equal(crypto_x25519_shared(out, scalar, u), 0);
		assert_memory_equal(out, expect, 32);
		/* The caller's unclamped scalar is left as it was. */
		assert_memory_equal(scalar, saved, 32);
	}
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		uint8_t pub[32];

		hex_or_fail(scalar, 32, pairs[i].private_key);
		hex_or_fail(expect, 32, pairs[i].public_key);
		assert_int_equal(crypto_x25519_public(pub, scalar), 0);
		assert_memory_equal(pub, expect, 32);
		/* With the public key given, the same shared secret. */
		hex_or_fail(u, 32, pairs[1 - i].public_key);
		assert_int_equal(crypto_x25519_shared_known(out, scalar, pub, u), 0);
		hex_or_fail(expect, 32, cases[2].out);
		assert_memory_equal(out, expect, 32);
	}

	/* Clamping. */
	memset(scalar, 0xff, 32);
	crypto_x25519_clamp(scalar);
	assert_int_equal(scalar[0], 0xf8);
	assert_int_equal(scalar[31], 0x7f);
	memset(scalar, 0, 32);
	crypto_x25519_clamp(scalar);
	assert_int_equal(scalar[31], 0x40);

	/* Generated keys are clamped and agree. */
	uint8_t a[32], ap[32], b[32], bp[32], s1[32], s2[32];

	assert_int_equal(crypto_x25519_generate(a, ap), 0);
	assert_int_equal(crypto_x25519_generate(b, bp), 0);
	assert_int_equal(a[0] & 7, 0);
	assert_int_equal(a[31] & 0xc0, 0x40);
	assert_int_equal(crypto_x25519_shared(s1, a, bp), 0);
	assert_int_equal(crypto_x25519_shared(s2, b, ap), 0);
	assert_memory_equal(s1, s2, 32);
	assert_memory_not_equal(a, b, 32);
}

static void x25519_key_objects(void **state)
{
	/* RFC 7748 6.1 through the key objects and the static cache. */
	uint8_t alice[32], alice_pub[32], bob[32], bob_pub[32], expect[32], out[32], pub[32];
	struct crypto_x25519_key key;

	hex_or_fail(alice, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	hex_or_fail(alice_pub, 32,
		    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	hex_or_fail(bob, 32, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	hex_or_fail(bob_pub, 32,
		    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	hex_or_fail(expect, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

	/* 1: one import, several peers in turn (the peer object is reused) */
	assert_int_equal(crypto_x25519_key_generate_public(&key, alice, pub), 0);
	assert_memory_equal(pub, alice_pub, 32);
	for (int i = 0; i < 3; i++) {
		uint8_t other[32], mine[32], theirs[32], other_pub[32];

		assert_int_equal(crypto_x25519_key_shared(&key, out, bob_pub), 0);
		assert_memory_equal(out, expect, 32);
		assert_int_equal(crypto_x25519_generate(other, other_pub), 0);
		assert_int_equal(crypto_x25519_key_shared(&key, mine, other_pub), 0);
		assert_int_equal(crypto_x25519_shared(theirs, other, alice_pub), 0);
		assert_memory_equal(mine, theirs, 32);
	}
	/* 2: a low-order peer fails and the key still works afterwards */
	memset(pub, 0, sizeof(pub));
	assert_int_equal(crypto_x25519_key_shared(&key, out, pub), -EINVAL);
	assert_true(crypto_is_zero(out, 32));
	assert_int_equal(crypto_x25519_key_shared(&key, out, bob_pub), 0);
	assert_memory_equal(out, expect, 32);
	crypto_x25519_key_free(&key);
	crypto_x25519_key_free(&key);
	assert_int_equal(crypto_x25519_key_shared(&key, out, bob_pub), -EINVAL);

	/* 3: key_init with the public key given */
	assert_int_equal(crypto_x25519_key_init(&key, bob, bob_pub), 0);
	assert_int_equal(crypto_x25519_key_shared(&key, out, alice_pub), 0);
	assert_memory_equal(out, expect, 32);
	crypto_x25519_key_free(&key);

	/* 4: the static cache, switching between two static keys */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(crypto_x25519_shared_static(out, alice, alice_pub, bob_pub), 0);
		assert_memory_equal(out, expect, 32);
		assert_int_equal(crypto_x25519_shared_static(out, bob, bob_pub, alice_pub), 0);
		assert_memory_equal(out, expect, 32);
		memset(pub, 0, sizeof(pub));
		assert_int_equal(crypto_x25519_shared_static(out, bob, bob_pub, pub), -EINVAL);
	}
	crypto_x25519_forget_static();
	crypto_x25519_forget_static();
	assert_int_equal(crypto_x25519_shared_static(out, alice, alice_pub, bob_pub), 0);
	assert_memory_equal(out, expect, 32);
	crypto_x25519_forget_static();
}

static void x25519_low_order(void **state)
{
	/* The seven points of the kernel's tests/netns.sh (base64 decoded). */
	static const char *const points[] = {
	    /* 1 */ "0000000000000000000000000000000000000000000000000000000000000000",
	    /* 2 */ "0100000000000000000000000000000000000000000000000000000000000000",
	    /* 3 */ "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	    /* 4 */ "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	    /* 5 */ "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    /* 6 */ "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    /* 7 */ "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	uint8_t priv[32], pub[32], point[32], out[32];

	assert_int_equal(crypto_x25519_generate(priv, pub), 0);
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		hex_or_fail(point, 32, points[i]);
		memset(out, 0xaa, sizeof(out));
		assert_int_equal(crypto_x25519_shared(out, priv, point), -EINVAL);
		assert_true(crypto_is_zero(out, sizeof(out)));
		assert_int_equal(crypto_x25519_shared_known(out, priv, pub, point), -EINVAL);
		assert_true(crypto_is_zero(out, sizeof(out)));
	}
}

static const char a5_plain[] = "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
			       "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
			       "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
			       "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
			       "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
			       "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
			       "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
			       "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
			       "726573732e2fe2809d";
static const char a5_sealed[] = "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
				"4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
				"332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
				"9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
				"b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
				"af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
				"0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
				"49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
				"a6ad5cb4022b02709b"
				"eead9d67890cbb22392336fea1851f38";

static void chacha20poly1305_vectors(void **state)
{
	/* RFC 8439 A.5: its nonce 00000000 0102030405060708 is WireGuard's form. */
	const uint64_t counter = 0x0807060504030201ULL;
	uint8_t key[32], ad[12], plain[265], sealed[265 + 16], buf[265 + 16];
	struct crypto_aead seal, open;

	hex_or_fail(key, 32, "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
	hex_or_fail(ad, 12, "f33388860000000000004e91");
	hex_or_fail(plain, sizeof(plain), a5_plain);
	hex_or_fail(sealed, sizeof(sealed), a5_sealed);

	/* 1: one-shot, separate buffers */
	assert_int_equal(crypto_aead_seal_once(buf, plain, sizeof(plain), ad, 12, counter, key), 0);
	assert_memory_equal(buf, sealed, sizeof(sealed));
	memset(buf, 0, sizeof(buf));
	assert_int_equal(crypto_aead_open_once(buf, sealed, sizeof(sealed), ad, 12, counter, key),
			 0);
	assert_memory_equal(buf, plain, sizeof(plain));

	/* 2: reusable contexts, in place, several packets through one context */
	assert_int_equal(crypto_aead_init(&seal, key, true), 0);
	assert_int_equal(crypto_aead_init(&open, key, false), 0);
	for (int round = 0; round < 3; round++) {
		memcpy(buf, plain, sizeof(plain));
		assert_int_equal(crypto_aead_seal(&seal, counter, buf, sizeof(plain), ad, 12), 0);
		assert_memory_equal(buf, sealed, sizeof(sealed));
		assert_int_equal(crypto_aead_open(&open, counter, buf, sizeof(sealed), ad, 12), 0);
		assert_memory_equal(buf, plain, sizeof(plain));
	}
	/* 3: the wrong direction is refused */
	assert_int_equal(crypto_aead_seal(&open, counter, buf, 1, NULL, 0), -EINVAL);
	assert_int_equal(crypto_aead_open(&seal, counter, buf, 16, NULL, 0), -EINVAL);

	/* 4: a flipped bit anywhere, another counter or other ad: -EBADMSG */
	size_t flips[] = {0, 100, sizeof(sealed) - 16, sizeof(sealed) - 1};

	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		memcpy(buf, sealed, sizeof(sealed));
		buf[flips[i]] ^= 0x01;
		assert_int_equal(crypto_aead_open(&open, counter, buf, sizeof(sealed), ad, 12),
				 -EBADMSG);
	}
	memcpy(buf, sealed, sizeof(sealed));
	assert_int_equal(crypto_aead_open(&open, counter + 1, buf, sizeof(sealed), ad, 12),
			 -EBADMSG);
	memcpy(buf, sealed, sizeof(sealed));
	assert_int_equal(crypto_aead_open(&open, counter, buf, sizeof(sealed), ad, 11), -EBADMSG);
	/* and the context still works after failures */
	memcpy(buf, sealed, sizeof(sealed));
	assert_int_equal(crypto_aead_open(&open, counter, buf, sizeof(sealed), ad, 12), 0);
	/* 5: shorter than a tag */
	assert_int_equal(crypto_aead_open(&open, counter, buf, 15, NULL, 0), -EBADMSG);

	/* 6: empty plaintext (a keepalive): 16 bytes of tag only */
	uint8_t tag[16];

	assert_int_equal(crypto_aead_seal(&seal, 0, tag, 0, NULL, 0), 0);
	assert_int_equal(crypto_aead_open(&open, 0, tag, 16, NULL, 0), 0);
	/* no plaintext, no destination: only the tag is checked (no NULL + 0) */
	assert_int_equal(crypto_aead_open_once(NULL, tag, 16, NULL, 0, 0, key), 0);
	tag[0] ^= 1;
	assert_int_equal(crypto_aead_open_once(NULL, tag, 16, NULL, 0, 0, key), -EBADMSG);
	tag[0] ^= 1;
	/* a destination is needed for any plaintext */
	assert_int_equal(crypto_aead_open_once(NULL, sealed, sizeof(sealed), ad, 12, counter, key),
			 -EINVAL);

	crypto_aead_free(&seal);
	crypto_aead_free(&open);
	crypto_aead_free(&open); /* twice: harmless */
}

/*
 * A reused context sets each packet's nonce (by parameter when
 * crypto_aead_quick_nonce(), else by a full init): every packet of a run
 * of counters, lengths and failures must equal what a freshly keyed
 * context (the one-shot functions) makes of it.
 */
static void chacha20poly1305_reuse(void **state)
{
	static const struct {
		uint64_t counter;
		size_t len;
		bool forge; /* open a corrupted copy first: -EBADMSG */
	} cases[] = {
	    /* 1 */ {0, 1420, false},
	    /* 2 */ {1, 1420, false},
	    /* 3 */ {2, 0, false},
	    /* 4 */ {3, 63, true},
	    /* 5 */ {4, 64, false},
	    /* 6 */ {0xffffffffULL, 65, false},
	    /* 7 */ {0x100000000ULL, 1420, true},
	    /* 8 */ {0x100000001ULL, 1420, false},
	    /* 9 */ {UINT64_MAX - 1, 16, false},
	    /* 10 */ {5, 1420, false},
	};
	uint8_t key[32], want[1420 + 16], buf[1420 + 16], plain[1420];
	struct crypto_aead seal, open;

	(void)state;
	printf("# quick nonce: %s\n", crypto_aead_quick_nonce() ? "yes" : "no (full init)");
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 7);
	assert_int_equal(crypto_aead_init(&seal, key, true), 0);
	assert_int_equal(crypto_aead_init(&open, key, false), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len;

		printf("# case %zu\n", i + 1);
		assert_int_equal(
		    crypto_aead_seal_once(want, plain, len, NULL, 0, cases[i].counter, key), 0);
		memcpy(buf, plain, len);
		assert_int_equal(crypto_aead_seal(&seal, cases[i].counter, buf, len, NULL, 0), 0);
		assert_memory_equal(buf, want, len + 16);
		if (cases[i].forge) {
			buf[len] ^= 0x80;
			assert_int_equal(
			    crypto_aead_open(&open, cases[i].counter, buf, len + 16, NULL, 0),
			    -EBADMSG);
			memcpy(buf, want, len + 16);
		}
		assert_int_equal(crypto_aead_open(&open, cases[i].counter, buf, len + 16, NULL, 0),
				 0);
		assert_memory_equal(buf, plain, len);
		/* the same ciphertext under the next counter does not open */
		memcpy(buf, want, len + 16);
		assert_int_equal(
		    crypto_aead_open(&open, cases[i].counter + 1, buf, len + 16, NULL, 0),
		    -EBADMSG);
	}
	crypto_aead_free(&seal);
	crypto_aead_free(&open);
}

static void xchacha20poly1305_vectors(void **state)
{
	/* draft-irtf-cfrg-xchacha-03 A.3.1 */
	static const char text[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				   "only one tip for the future, sunscreen would be it.";
	const size_t len = sizeof(text) - 1;
	uint8_t key[32], nonce[24], ad[12], expect[114 + 16], out[114 + 16], back[114];

	assert_int_equal(len, 114);
	hex_or_fail(key, 32, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
	hex_or_fail(nonce, 24, "404142434445464748494a4b4c4d4e4f5051525354555657");
	hex_or_fail(ad, 12, "50515253c0c1c2c3c4c5c6c7");
	hex_or_fail(expect, sizeof(expect),
		    "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
		    "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
		    "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
		    "21f9664c97637da9768812f615c68b13b52e"
		    "c0875924c1c7987947deafd8780acf49");

	assert_int_equal(crypto_xaead_seal(out, (const uint8_t *)text, len, ad, 12, nonce, key), 0);
	assert_memory_equal(out, expect, sizeof(expect));
	assert_int_equal(crypto_xaead_open(back, out, sizeof(out), ad, 12, nonce, key), 0);
	assert_memory_equal(back, text, len);
	out[len] ^= 1;
	assert_int_equal(crypto_xaead_open(back, out, sizeof(out), ad, 12, nonce, key), -EBADMSG);
	assert_int_equal(crypto_xaead_open(back, out, 15, ad, 12, nonce, key), -EBADMSG);
}

static void handshake_initial_values(void **state)
{
	uint8_t ck[32], h[32], expect[32];

	assert_int_equal(crypto_blake2s(ck, NOISE_CONSTRUCTION, strlen(NOISE_CONSTRUCTION)), 0);
	hex_or_fail(expect, 32, "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
	assert_memory_equal(ck, expect, 32);
	assert_int_equal(crypto_blake2s2(h, ck, 32, NOISE_IDENTIFIER, strlen(NOISE_IDENTIFIER)), 0);
	hex_or_fail(expect, 32, "2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3");
	assert_memory_equal(h, expect, 32);
}

static void helpers(void **state)
{
	uint8_t a[32] = {0}, b[32] = {0}, r1[32], r2[32];

	assert_true(crypto_is_zero(a, sizeof(a)));
	assert_true(crypto_equal(a, b, sizeof(a)));
	b[31] = 1;
	assert_false(crypto_is_zero(b, sizeof(b)));
	assert_false(crypto_equal(a, b, sizeof(a)));
	secret_wipe(b, sizeof(b));
	assert_true(crypto_is_zero(b, sizeof(b)));
	assert_int_equal(crypto_random(r1, sizeof(r1)), 0);
	assert_int_equal(crypto_random(r2, sizeof(r2)), 0);
	assert_false(crypto_equal(r1, r2, sizeof(r1)));
	assert_int_equal(crypto_init(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(blake2s_vectors),
	    cmocka_unit_test(blake2s_keyed_vectors),
	    cmocka_unit_test(kdf_vectors),
	    cmocka_unit_test(hmac_matches_openssl),
	    cmocka_unit_test(x25519_vectors),
	    cmocka_unit_test(x25519_key_objects),
	    cmocka_unit_test(x25519_low_order),
	    cmocka_unit_test(chacha20poly1305_vectors),
	    cmocka_unit_test(chacha20poly1305_reuse),
	    cmocka_unit_test(xchacha20poly1305_vectors),
	    cmocka_unit_test(handshake_initial_values),
	    cmocka_unit_test(helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
