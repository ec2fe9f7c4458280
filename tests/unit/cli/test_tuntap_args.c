// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `warren tuntap` argument parser against iproute2's behaviour: every
 * keyword, every prefix rule, conflicts and errors, with the exact message
 * `ip tuntap` prints (ip said as warren). One numbered case per row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <linux/if_tun.h>

#include "cli/tuntap_args.h"

#define ADD TUNTAP_CMD_ADD
#define DEL TUNTAP_CMD_DEL
#define SHOW TUNTAP_CMD_SHOW
#define OK TUNTAP_PARSE_OK
#define USAGE TUNTAP_PARSE_USAGE
#define ERR TUNTAP_PARSE_ERROR
#define NOMODE TUNTAP_PARSE_NO_MODE

#define TUN IFF_TUN
#define TAP IFF_TAP
#define NOPI IFF_NO_PI
#define OQ IFF_ONE_QUEUE
#define VH IFF_VNET_HDR
#define MQ IFF_MULTI_QUEUE
#define NONE 0xffffffffu /* user or group not given */

#define INCOMPLETE "Command line is not complete. Try option \"help\""
#define TWO_MODES "You managed to ask for more than one tunnel mode."
#define NO_MODE "You failed to specify a tunnel mode"

/* clang-format off */
static const struct tcase {
	const char *argv[10]; /* NULL-terminated */
	enum tuntap_parse ret;
	enum tuntap_cmd cmd;
	const char *name;
	unsigned int iff;
	unsigned int user, group;
	const char *msg;
} cases[] = {
	/* commands and their prefixes */
	/* 1 */ { { NULL }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 2 */ { { "show" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 3 */ { { "s" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 4 */ { { "list" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 5 */ { { "lst" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 6 */ { { "l" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 7 */ { { "li" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 8 */ { { "ls" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 9: show ignores what follows, as iproute2 does */
	/* 9 */ { { "show", "garbage", "mode" }, OK, SHOW, "", 0, NONE, NONE, "" },
	/* 10 */ { { "help" }, USAGE, SHOW, "", 0, NONE, NONE, "" },
	/* 11 */ { { "h" }, USAGE, SHOW, "", 0, NONE, NONE, "" },
	/* 12 */ { { "frob" }, ERR, SHOW, "", 0, NONE, NONE,
		   "Command \"frob\" is unknown, try \"warren tuntap help\"." },
	/* 13 */ { { "" }, ERR, SHOW, "", 0, NONE, NONE,
		   "Command \"\" is unknown, try \"warren tuntap help\"." },
	/* 14 */ { { "shows" }, ERR, SHOW, "", 0, NONE, NONE,
		   "Command \"shows\" is unknown, try \"warren tuntap help\"." },
	/* 15 */ { { "a", "mode", "tun" }, OK, ADD, "", TUN | NOPI, NONE, NONE, "" },
	/* 16 */ { { "add", "mode", "tun", "t0" }, OK, ADD, "t0", TUN | NOPI, NONE, NONE, "" },
	/* 17 */ { { "d", "mode", "tap", "t0" }, OK, DEL, "t0", TAP | NOPI, NONE, NONE, "" },
	/* 18 */ { { "delete", "t0" }, OK, DEL, "t0", NOPI, NONE, NONE, "" },
	/* 19 */ { { "del", "t0" }, OK, DEL, "t0", NOPI, NONE, NONE, "" },
	/* 20 */ { { "deletes", "t0" }, ERR, SHOW, "", 0, NONE, NONE,
		   "Command \"deletes\" is unknown, try \"warren tuntap help\"." },

	/* modes */
	/* 21 */ { { "add", "mode", "tap" }, OK, ADD, "", TAP | NOPI, NONE, NONE, "" },
	/* 22 */ { { "add", "m", "t", "x" }, OK, ADD, "x", TUN | NOPI, NONE, NONE, "" },
	/* 23 */ { { "add", "mo", "ta", "x" }, OK, ADD, "x", TAP | NOPI, NONE, NONE, "" },
	/* 24 */ { { "add", "mode", "tun", "mode", "tun" }, OK, ADD, "", TUN | NOPI, NONE, NONE,
		   "" },
	/* 25 */ { { "add", "mode", "tun", "mode", "tap" }, ERR, ADD, "", 0, NONE, NONE,
		   TWO_MODES },
	/* 26 */ { { "add", "mode", "tap", "mode", "t" }, ERR, ADD, "", 0, NONE, NONE,
		   TWO_MODES },
	/* 27 */ { { "add", "mode", "foo" }, ERR, ADD, "", 0, NONE, NONE,
		   "Unknown tunnel mode \"foo\"" },
	/* 28 */ { { "add", "mode", "" }, ERR, ADD, "", 0, NONE, NONE,
		   "Unknown tunnel mode \"\"" },
	/* 29 */ { { "add", "mode", "tuns" }, ERR, ADD, "", 0, NONE, NONE,
		   "Unknown tunnel mode \"tuns\"" },
	/* 30 */ { { "add", "mode" }, ERR, ADD, "", 0, NONE, NONE, INCOMPLETE },
	/* 31 */ { { "add", "x" }, NOMODE, ADD, "x", NOPI, NONE, NONE, NO_MODE },
	/* 32 */ { { "add" }, NOMODE, ADD, "", NOPI, NONE, NONE, NO_MODE },
	/* 33: a bare "tun" is a name, not a mode */
	/* 33 */ { { "add", "tun" }, NOMODE, ADD, "tun", NOPI, NONE, NONE, NO_MODE },

	/* flags and their shortest prefixes */
	/* 34 */ { { "add", "mode", "tun", "pi" }, OK, ADD, "", TUN, NONE, NONE, "" },
	/* 35 */ { { "add", "mode", "tun", "p" }, OK, ADD, "", TUN, NONE, NONE, "" },
	/* 36 */ { { "add", "mode", "tun", "one_queue" }, OK, ADD, "", TUN | NOPI | OQ, NONE,
		   NONE, "" },
	/* 37 */ { { "add", "mode", "tun", "o" }, OK, ADD, "", TUN | NOPI | OQ, NONE, NONE, "" },
	/* 38 */ { { "add", "mode", "tun", "vnet_hdr" }, OK, ADD, "", TUN | NOPI | VH, NONE,
		   NONE, "" },
	/* 39 */ { { "add", "mode", "tun", "v" }, OK, ADD, "", TUN | NOPI | VH, NONE, NONE, "" },
	/* 40 */ { { "add", "mode", "tun", "multi_queue" }, OK, ADD, "", TUN | NOPI | MQ, NONE,
		   NONE, "" },
	/* 41: "m" is mode, "mu" is multi_queue */
	/* 41 */ { { "add", "mode", "tun", "mu" }, OK, ADD, "", TUN | NOPI | MQ, NONE, NONE, "" },
	/* 42 */ { { "add", "mode", "tap", "pi", "one_queue", "vnet_hdr", "multi_queue", "x" },
		   OK, ADD, "x", TAP | OQ | VH | MQ, NONE, NONE, "" },
	/* 43 */ { { "add", "mode", "tun", "pi", "pi", "x" }, OK, ADD, "x", TUN, NONE, NONE, "" },
	/* 44: a word longer than the keyword is a name */
	/* 44 */ { { "add", "mode", "tun", "pix" }, OK, ADD, "pix", TUN | NOPI, NONE, NONE, "" },

	/* user and group */
	/* 45 */ { { "add", "mode", "tun", "user", "0" }, OK, ADD, "", TUN | NOPI, 0, NONE, "" },
	/* 46 */ { { "add", "mode", "tun", "user", "root" }, OK, ADD, "", TUN | NOPI, 0, NONE,
		   "" },
	/* 47 */ { { "add", "mode", "tun", "u", "nobody" }, OK, ADD, "", TUN | NOPI, 65534, NONE,
		   "" },
	/* 48 */ { { "add", "mode", "tun", "user", "1234" }, OK, ADD, "", TUN | NOPI, 1234, NONE,
		   "" },
	/* 49 */ { { "add", "mode", "tun", "user", "nosuchuser" }, ERR, ADD, "", 0, NONE, NONE,
		   "invalid user \"nosuchuser\"" },
	/* 50 */ { { "add", "mode", "tun", "user", "" }, ERR, ADD, "", 0, NONE, NONE,
		   "invalid user \"\"" },
	/* 51 */ { { "add", "mode", "tun", "user", "12x" }, ERR, ADD, "", 0, NONE, NONE,
		   "invalid user \"12x\"" },
	/* 52: -1 means "not given", as with iproute2 */
	/* 52 */ { { "add", "mode", "tun", "user", "-1" }, OK, ADD, "", TUN | NOPI, NONE, NONE,
		   "" },
	/* 53 */ { { "add", "mode", "tun", "user" }, ERR, ADD, "", 0, NONE, NONE, INCOMPLETE },
	/* 54 */ { { "add", "mode", "tun", "group", "0" }, OK, ADD, "", TUN | NOPI, NONE, 0, "" },
	/* 55 */ { { "add", "mode", "tun", "g", "nogroup" }, OK, ADD, "", TUN | NOPI, NONE, 65534,
		   "" },
	/* 56 */ { { "add", "mode", "tun", "group", "nosuchgroup" }, ERR, ADD, "", 0, NONE, NONE,
		   "invalid group \"nosuchgroup\"" },
	/* 57 */ { { "add", "mode", "tun", "group" }, ERR, ADD, "", 0, NONE, NONE, INCOMPLETE },
	/* 58 */ { { "add", "mode", "tun", "user", "1", "group", "2", "x" }, OK, ADD, "x",
		   TUN | NOPI, 1, 2, "" },
	/* 59: del knows no user keyword: "user" is the name, then garbage */
	/* 59 */ { { "del", "user", "x" }, ERR, DEL, "", 0, NONE, NONE,
		   "Error: either \"name\" is duplicate, or \"x\" is a garbage." },
	/* 60 */ { { "del", "g" }, OK, DEL, "g", NOPI, NONE, NONE, "" },

	/* names: bare word, name, dev */
	/* 61 */ { { "add", "mode", "tun", "name", "x" }, OK, ADD, "x", TUN | NOPI, NONE, NONE,
		   "" },
	/* 62 */ { { "add", "mode", "tun", "n", "x" }, OK, ADD, "x", TUN | NOPI, NONE, NONE, "" },
	/* 63 */ { { "add", "mode", "tun", "dev", "x" }, OK, ADD, "x", TUN | NOPI, NONE, NONE, "" },
	/* 64 */ { { "add", "mode", "tun", "d", "x" }, OK, ADD, "x", TUN | NOPI, NONE, NONE, "" },
	/* 65: "name" is a keyword, so "name name" names the device "name" */
	/* 65 */ { { "add", "mode", "tun", "name", "name" }, OK, ADD, "name", TUN | NOPI, NONE,
		   NONE, "" },
	/* 66 */ { { "add", "mode", "tun", "x", "y" }, ERR, ADD, "", 0, NONE, NONE,
		   "Error: either \"name\" is duplicate, or \"y\" is a garbage." },
	/* 67 */ { { "add", "mode", "tun", "dev", "x", "name", "y" }, ERR, ADD, "", 0, NONE, NONE,
		   "Error: either \"name\" is duplicate, or \"y\" is a garbage." },
	/* 68: dev replaces an earlier name without complaint */
	/* 68 */ { { "add", "mode", "tun", "x", "dev", "y" }, OK, ADD, "y", TUN | NOPI, NONE,
		   NONE, "" },
	/* 69 */ { { "add", "mode", "tun", "name" }, ERR, ADD, "", 0, NONE, NONE, INCOMPLETE },
	/* 70 */ { { "add", "mode", "tun", "dev" }, ERR, ADD, "", 0, NONE, NONE, INCOMPLETE },
	/* 71 */ { { "add", "mode", "tun", "dev", "a/b" }, ERR, ADD, "", 0, NONE, NONE,
		   "Error: argument \"a/b\" is wrong: \"dev\" not a valid ifname" },
	/* 72 */ { { "add", "mode", "tun", "a b" }, ERR, ADD, "", 0, NONE, NONE,
		   "Error: argument \"a b\" is wrong: \"name\" not a valid ifname" },
	/* 73 */ { { "add", "mode", "tun", "0123456789abcdef" }, ERR, ADD, "", 0, NONE, NONE,
		   "Error: argument \"0123456789abcdef\" is wrong: \"name\" not a valid ifname" },
	/* 74 */ { { "add", "mode", "tun", "0123456789abcde" }, OK, ADD, "0123456789abcde",
		   TUN | NOPI, NONE, NONE, "" },
	/* 75 */ { { "add", "mode", "tun", "name", "" }, ERR, ADD, "", 0, NONE, NONE,
		   "Error: argument \"\" is wrong: \"name\" not a valid ifname" },
	/* 76: a template is passed to the kernel */
	/* 76 */ { { "add", "mode", "tap", "vm%d" }, OK, ADD, "vm%d", TAP | NOPI, NONE, NONE, "" },
	/* 77 */ { { "add", "help" }, USAGE, ADD, "", 0, NONE, NONE, "" },
	/* 78 */ { { "add", "mode", "tun", "he" }, USAGE, ADD, "", 0, NONE, NONE, "" },
	/* 79: "help" after a name is usage too (checked before duplicates) */
	/* 79 */ { { "del", "x", "help" }, USAGE, DEL, "", 0, NONE, NONE, "" },
	/* 80: errors come in command-line order */
	/* 80 */ { { "add", "mode", "foo", "user", "nosuchuser" }, ERR, ADD, "", 0, NONE, NONE,
		   "Unknown tunnel mode \"foo\"" },
};
/* clang-format on */

static void parse_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		char *argv[10];
		char msg[256];
		struct tuntap_args args;
		enum tuntap_parse ret;
		int argc = 0;

		while (c->argv[argc]) {
			argv[argc] = (char *)c->argv[argc];
			argc++;
		}
		argv[argc] = NULL;
		ret = tuntap_args_parse(argc, argv, &args, msg, sizeof(msg));
		print_message("case %zu\n", i + 1);
		assert_int_equal(ret, c->ret);
		assert_string_equal(msg, c->msg);
		if (ret == OK || ret == NOMODE) {
			assert_int_equal(args.cmd, c->cmd);
			assert_string_equal(args.name, c->name);
			assert_int_equal(args.iff, c->iff);
		}
		if (ret == OK) {
			assert_int_equal(args.user, c->user);
			assert_int_equal(args.group, c->group);
		}
	}
}

static void usage_text(void **state)
{
	assert_non_null(strstr(tuntap_usage_text, "Usage: warren tuntap { add | del | show | "
						  "list | lst | help } [ dev PHYS_DEV ]\n"));
	assert_null(strstr(tuntap_usage_text, "ip "));
}

/* A message longer than the caller's buffer is cut, never overrun. */
static void short_buffer(void **state)
{
	char *argv[] = {"add", "mode", "a-long-mode-name", NULL};
	char msg[8] = "xxxxxxx";
	struct tuntap_args args;

	assert_int_equal(tuntap_args_parse(3, argv, &args, msg, sizeof(msg)), ERR);
	assert_string_equal(msg, "Unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_cases),
	    cmocka_unit_test(usage_text),
	    cmocka_unit_test(short_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
