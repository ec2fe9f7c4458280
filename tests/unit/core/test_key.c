// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/key.h"

/* Keys from `wg genkey`, with their bytes from `base64 -d | xxd -p`. */
static const struct {
	const char *b64;
	const char *hex;
} good[] = {
    /* 1 */ {"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=",
	     "c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773"},
    /* 2 */
    {"ELyzE6lfvibT6DTB3xD6AbgoWLVMe9ZXUS5PBKSlo2E=",
     "10bcb313a95fbe26d3e834c1df10fa01b82858b54c7bd657512e4f04a4a5a361"},
    /* 3 */
    {"aJEMGNmbzI52UjqoZcZ//lz1IX0ogsARKbf+dpgmIkc=",
     "68910c18d99bcc8e76523aa865c67ffe5cf5217d2882c01129b7fe7698262247"},
    /* 4 */
    {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
     "0000000000000000000000000000000000000000000000000000000000000000"},
    /* 5 */
    {"//////////////////////////////////////////8=",
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
    /* 6 */
    {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},
};

static void encode_decode(void **state)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint8_t a[KEY_LEN], b[KEY_LEN];
		char b64[KEY_BASE64_LEN + 1], hex[KEY_HEX_LEN + 1];

		assert_int_equal(key_from_base64(a, good[i].b64), 0);
		assert_int_equal(key_from_hex(b, good[i].hex), 0);
		assert_memory_equal(a, b, KEY_LEN);
		key_to_base64(b64, a);
		assert_string_equal(b64, good[i].b64);
		key_to_hex(hex, a);
		assert_string_equal(hex, good[i].hex);
	}
}

static void base64_rejects(void **state)
{
	static const char *bad[] = {
	    /* 1 */ "",
	    /* 2 */ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",   /* 43 */
	    /* 3 */ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 45 */
	    /* 4 */ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  /* no pad */
	    /* 5 */ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",  /* two pads */
	    /* 6 */ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",  /* pad bits 01 */
	    /* 7 */ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC=",  /* pad bits 10 */
	    /* 8 */ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/=",  /* pad bits 11 */
	    /* 9 */ "AAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAAA=",  /* url-safe */
	    /* 10 */ "AAAAAAAAAAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAA=",
	    /* 11 */ "AAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAA=",
	    /* 12 */ "AAAAAAAAAAAAAAAAAAAA=AAAAAAAAAAAAAAAAAAAAAA=",
	    /* 13 */
	    "AAAAAAAAAAAAAAAAAAAA\x80"
	    "AAAAAAAAAAAAAAAAAAAAAA=",
	    /* 14 */
	    "AAAAAAAAAAAAAAAAAAAA\xff"
	    "AAAAAAAAAAAAAAAAAAAAAA=",
	    /* 15 */ "@AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 'A' - 1 */
	    /* 16 */ "[AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 'Z' + 1 */
	    /* 17 */ "`AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 'a' - 1 */
	    /* 18 */ "{AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 'z' + 1 */
	    /* 19 */ ":AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* '9' + 1 */
	    /* 20 */ ",AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* '+' + 1 */
	    /* 21 */ ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* '/' - 1 */
	    /* 22 */ "wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=\n",
	    /* 23 */ " wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=",
	    /* 24 */ "c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t key[KEY_LEN];

		memset(key, 0xa5, sizeof(key));
		print_message("case %zu\n", i + 1);
		assert_int_equal(key_from_base64(key, bad[i]), -EINVAL);
		for (size_t j = 0; j < KEY_LEN; j++)
			assert_int_equal(key[j], 0xa5); /* untouched */
	}
}

static void hex_rejects_and_accepts(void **state)
{
	static const struct {
		const char *in;
		int ret;
	} cases[] = {
	    /* 1 */ {"C0C46A38B1160248CB5328764C8170855B53097E8990770D6CCC680517AE5773", 0},
	    /* 2 */ {"c0C46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773", 0},
	    /* 3 */ {"c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae577", -EINVAL},
	    /* 4 */ {"c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae57733", -EINVAL},
	    /* 5 */ {"g0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773", -EINVAL},
	    /* 6 */ {"c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae577G", -EINVAL},
	    /* 7 */ {" 0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773", -EINVAL},
	    /* 8 */ {"0xc46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773", -EINVAL},
	    /* 9 */ {"", -EINVAL},
	    /* 10 */ {"/0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773", -EINVAL},
	    /* 11 */ {"c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae577:", -EINVAL},
	    /* 12 */ {"c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae577@", -EINVAL},
	    /* 13 */ {"c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae577`", -EINVAL},
	};
	uint8_t want[KEY_LEN];

	assert_int_equal(key_from_base64(want, good[0].b64), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t key[KEY_LEN];

		memset(key, 0xa5, sizeof(key));
		print_message("case %zu\n", i + 1);
		assert_int_equal(key_from_hex(key, cases[i].in), cases[i].ret);
		if (!cases[i].ret) {
			assert_memory_equal(key, want, KEY_LEN);
		} else {
			for (size_t j = 0; j < KEY_LEN; j++)
				assert_int_equal(key[j], 0xa5);
		}
	}
}

static void zero(void **state)
{
	uint8_t key[KEY_LEN] = {0};

	assert_true(key_is_zero(key));
	for (size_t i = 0; i < KEY_LEN; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			key[i] = (uint8_t)(1U << bit);
			assert_false(key_is_zero(key));
		}
		key[i] = 0;
	}
	assert_true(key_is_zero(key));
}

/* Every 32-byte pattern that differs in one byte survives a round trip. */
static void round_trip_all_bytes(void **state)
{
	for (unsigned int pos = 0; pos < KEY_LEN; pos++) {
		for (unsigned int v = 0; v < 256; v++) {
			uint8_t key[KEY_LEN], back[KEY_LEN];
			char b64[KEY_BASE64_LEN + 1], hex[KEY_HEX_LEN + 1];

			for (unsigned int i = 0; i < KEY_LEN; i++)
				key[i] = (uint8_t)(i * 37 + pos);
			key[pos] = (uint8_t)v;
			key_to_base64(b64, key);
			assert_int_equal(strlen(b64), KEY_BASE64_LEN);
			assert_int_equal(key_from_base64(back, b64), 0);
			assert_memory_equal(key, back, KEY_LEN);
			key_to_hex(hex, key);
			assert_int_equal(key_from_hex(back, hex), 0);
			assert_memory_equal(key, back, KEY_LEN);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(encode_decode),	       cmocka_unit_test(base64_rejects),
	    cmocka_unit_test(hex_rejects_and_accepts), cmocka_unit_test(zero),
	    cmocka_unit_test(round_trip_all_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
