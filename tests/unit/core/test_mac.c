// SPDX-License-Identifier: GPL-2.0-only
/* MAC addresses as text (core/mac.h): parsing, prefixes, formatting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/mac.h"

static void parse(void **state)
{
	static const struct {
		const char *text;
		bool with_bits;
		int ret;
		uint8_t mac[MAC_LEN];
		uint8_t bits;
	} cases[] = {
	    /* 1 */ {"52:54:00:12:34:56", false, 0, {0x52, 0x54, 0, 0x12, 0x34, 0x56}, 48},
	    /* 2 */ {"AA:bb:Cc:dD:ee:FF", true, 0, {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}, 48},
	    /* 3 */ {"52:54:00:00:00:00/24", true, 0, {0x52, 0x54, 0, 0, 0, 0}, 24},
	    /* 4 */ {"02:00:00:00:00:01/0", true, 0, {2, 0, 0, 0, 0, 1}, 0},
	    /* 5 */ {"02:00:00:00:00:01/48", true, 0, {2, 0, 0, 0, 0, 1}, 48},
	    /* 6 */ {"02:00:00:00:00:01/49", true, -EINVAL, {0}, 0},
	    /* 7 */ {"02:00:00:00:00:01/24", false, -EINVAL, {0}, 0}, /* no prefix wanted */
	    /* 8 */ {"02:00:00:00:00:01/", true, -EINVAL, {0}, 0},
	    /* 9 */ {"02:00:00:00:00:01/2x", true, -EINVAL, {0}, 0},
	    /* 10 */ {"02:00:00:00:00", false, -EINVAL, {0}, 0},
	    /* 11 */ {"02:00:00:00:00:01:02", false, -EINVAL, {0}, 0},
	    /* 12 */ {"2:00:00:00:00:01", false, -EINVAL, {0}, 0},
	    /* 13 */ {"02-00-00-00-00-01", false, -EINVAL, {0}, 0},
	    /* 14 */ {"0g:00:00:00:00:01", false, -EINVAL, {0}, 0},
	    /* 15 */ {"", false, -EINVAL, {0}, 0},
	    /* 16 */ {"02:00:00:00:00:01 ", false, -EINVAL, {0}, 0},
	    /* 17 */ {"02:00:00:00:00:01/99999999999", true, -EINVAL, {0}, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t mac[MAC_LEN] = {9, 9, 9, 9, 9, 9}, bits = 99;
		int ret = mac_parse(cases[i].text, mac, cases[i].with_bits ? &bits : NULL);

		if (ret != cases[i].ret)
			fail_msg("case %zu: `%s' returned %d", i + 1, cases[i].text, ret);
		if (ret) {
			assert_int_equal(mac[0], 9); /* untouched */
			assert_int_equal(bits, 99);
			continue;
		}
		assert_memory_equal(mac, cases[i].mac, MAC_LEN);
		if (cases[i].with_bits)
			assert_int_equal(bits, cases[i].bits);
	}
}

static void format_and_classify(void **state)
{
	static const struct {
		uint8_t mac[MAC_LEN];
		const char *text;
		bool multicast, zero;
	} cases[] = {
	    /* 1 */ {{0x52, 0x54, 0, 0x12, 0x34, 0x56}, "52:54:00:12:34:56", false, false},
	    /* 2 */ {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "ff:ff:ff:ff:ff:ff", true, false},
	    /* 3 */ {{0x33, 0x33, 0, 0, 0, 1}, "33:33:00:00:00:01", true, false},
	    /* 4 */ {{0x01, 0, 0x5e, 0, 0, 0xfb}, "01:00:5e:00:00:fb", true, false},
	    /* 5 */ {{0, 0, 0, 0, 0, 0}, "00:00:00:00:00:00", false, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[MAC_TEXT_LEN];
		uint8_t back[MAC_LEN];

		mac_format(cases[i].mac, text);
		assert_string_equal(text, cases[i].text);
		assert_int_equal(mac_parse(text, back, NULL), 0);
		assert_memory_equal(back, cases[i].mac, MAC_LEN);
		assert_int_equal(mac_is_multicast(cases[i].mac), cases[i].multicast);
		assert_int_equal(mac_is_zero(cases[i].mac), cases[i].zero);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse),
	    cmocka_unit_test(format_and_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
