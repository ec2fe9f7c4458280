// SPDX-License-Identifier: GPL-2.0-only
/*
 * `warren tuntap show` output, byte for byte. The expected texts were taken
 * from iproute2 6.1's `ip tuntap show` (plain, -d, -o -d, -j, -j -p) on the
 * same devices; the -d -j cases are warren's fixed form (objects inside the
 * "processes" array), which iproute2 6.1 prints as bare keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/tuntap_print.h"

/* Output options of one case. */
enum {
	JSON = 1 << 0,
	PRETTY = 1 << 1,
	DETAILS = 1 << 2,
	ONELINE = 1 << 3,
	COLOR = 1 << 4,
};

/* clang-format off */
static const struct tuntap_holder two_holders[] = {
	{ .pid = 6417, .comm = "python3" },
	{ .pid = 22, .comm = "qemu-system-x86" },
};
static const struct tuntap_holder odd_holder[] = {
	{ .pid = 7, .comm = "a\"b\\c\x01\t" },
};
/*
 * comm is any bytes a process chose: well-formed UTF-8 (e, e-acute, a
 * euro sign, U+1F600) kept, then a stray continuation byte, a truncated
 * sequence, an overlong '/', a surrogate and 0xff, each escaped per byte.
 */
static const struct tuntap_holder bytes_holder[] = {
	{ .pid = 9, .comm = "e\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\x80|\xe2\x82|\xc0\xaf|"
			    "\xed\xa0\x80|\xff" },
};

/* tun persist (0x1801) */
static const struct tuntap_dev t1 = { .name = "t1", .flags = 0x1801, .owner = -1, .group = -1 };
/* tap pi one_queue multi_queue vnet_hdr persist, owner 1, group 2 */
static const struct tuntap_dev tp2 = { .name = "tp2", .flags = 0x6902, .owner = 1, .group = 2 };
/* tun persist with IFF_NAPI (0x10), for which iproute2 prints hex */
static const struct tuntap_dev napi = { .name = "n", .flags = 0x1811, .owner = 65534,
					.group = -1 };
static const struct tuntap_dev held = { .name = "t1", .flags = 0x1801, .owner = -1,
					.group = -1, .holders = two_holders, .n_holders = 2 };
static const struct tuntap_dev odd = { .name = "x\"y", .flags = 0x0002, .owner = -1,
				       .group = 4294967294, .holders = odd_holder,
				       .n_holders = 1 };

static const struct tuntap_dev bytes = { .name = "b", .flags = 0x0001, .owner = -1,
					 .group = -1, .holders = bytes_holder, .n_holders = 1 };

static const struct tcase {
	int opts;
	const struct tuntap_dev *devs[3]; /* NULL-terminated */
	const char *want;
} cases[] = {
	/* 1 */ { 0, { NULL }, "" },
	/* 2 */ { 0, { &t1 }, "t1: tun persist\n" },
	/* 3 */ { 0, { &t1, &tp2 },
		  "t1: tun persist\n"
		  "tp2: tap pi one_queue multi_queue vnet_hdr persist filter user 1 group 2\n" },
	/* 4 */ { 0, { &napi }, "n: tun persist 0x10 user 65534\n" },
	/* 5 */ { DETAILS, { &t1, &tp2 },
		  "t1: tun persist\n\tAttached to processes:\n"
		  "tp2: tap pi one_queue multi_queue vnet_hdr persist filter user 1 group 2\n"
		  "\tAttached to processes:\n" },
	/* 6 */ { DETAILS, { &held },
		  "t1: tun persist\n\tAttached to processes:python3(6417)qemu-system-x86(22)\n" },
	/* 7 */ { DETAILS | ONELINE, { &held, &t1 },
		  "t1: tun persist\\\tAttached to processes:python3(6417)qemu-system-x86(22)\n"
		  "t1: tun persist\\\tAttached to processes:\n" },
	/* 8: -o alone changes nothing */
	/* 8 */ { ONELINE, { &t1 }, "t1: tun persist\n" },
	/* 9 */ { JSON, { NULL }, "[]\n" },
	/* 10 */ { JSON | PRETTY, { NULL }, "[ ]\n" },
	/* 11 */ { JSON, { &t1, &tp2 },
		   "[{\"ifname\":\"t1\",\"flags\":[\"tun\",\"persist\"]},"
		   "{\"ifname\":\"tp2\",\"flags\":[\"tap\",\"pi\",\"one_queue\",\"multi_queue\","
		   "\"vnet_hdr\",\"persist\",\"filter\"],\"user\":1,\"group\":2}]\n" },
	/* 12 */ { JSON | PRETTY, { &t1, &tp2 },
		   "[ {\n"
		   "        \"ifname\": \"t1\",\n"
		   "        \"flags\": [ \"tun\",\"persist\" ]\n"
		   "    },{\n"
		   "        \"ifname\": \"tp2\",\n"
		   "        \"flags\": [ \"tap\",\"pi\",\"one_queue\",\"multi_queue\",\"vnet_hdr\","
		   "\"persist\",\"filter\" ],\n"
		   "        \"user\": 1,\n"
		   "        \"group\": 2\n"
		   "    } ]\n" },
	/* 13 */ { JSON, { &napi }, "[{\"ifname\":\"n\",\"flags\":[\"tun\",\"persist\",\"0x10\"],"
				    "\"user\":65534}]\n" },
	/* 14 */ { JSON | DETAILS, { &t1 },
		   "[{\"ifname\":\"t1\",\"flags\":[\"tun\",\"persist\"],\"processes\":[]}]\n" },
	/* 15 */ { JSON | DETAILS, { &held },
		   "[{\"ifname\":\"t1\",\"flags\":[\"tun\",\"persist\"],\"processes\":["
		   "{\"name\":\"python3\",\"pid\":6417},{\"name\":\"qemu-system-x86\",\"pid\":22}"
		   "]}]\n" },
	/* 16 */ { JSON | PRETTY | DETAILS, { &held, &t1 },
		   "[ {\n"
		   "        \"ifname\": \"t1\",\n"
		   "        \"flags\": [ \"tun\",\"persist\" ],\n"
		   "        \"processes\": [ {\n"
		   "                \"name\": \"python3\",\n"
		   "                \"pid\": 6417\n"
		   "            },{\n"
		   "                \"name\": \"qemu-system-x86\",\n"
		   "                \"pid\": 22\n"
		   "            } ]\n"
		   "    },{\n"
		   "        \"ifname\": \"t1\",\n"
		   "        \"flags\": [ \"tun\",\"persist\" ],\n"
		   "        \"processes\": [ ]\n"
		   "    } ]\n" },
	/* 17: escapes; control characters as \u00XX so that it stays JSON */
	/* 17 */ { JSON | DETAILS, { &odd },
		   "[{\"ifname\":\"x\\\"y\",\"flags\":[\"tap\",\"pi\",\"filter\"],"
		   "\"group\":4294967294,\"processes\":[{\"name\":\"a\\\"b\\\\c\\u0001\\t\","
		   "\"pid\":7}]}]\n" },
	/* 18: text prints names as they are */
	/* 18 */ { DETAILS, { &odd },
		   "x\"y: tap pi filter group 4294967294\n"
		   "\tAttached to processes:a\"b\\c\x01\t(7)\n" },
	/* 19: -j stays valid JSON (UTF-8) whatever bytes a process name holds */
	/* 19 */ { JSON | DETAILS, { &bytes },
		   "[{\"ifname\":\"b\",\"flags\":[\"tun\",\"pi\",\"filter\"],\"processes\":[{\"name\":"
		   "\"e\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\\u0080|\\u00e2\\u0082|\\u00c0\\u00af|"
		   "\\u00ed\\u00a0\\u0080|\\u00ff\",\"pid\":9}]}]\n" },
	/* 20: -c: the name and its colon in cyan, as iproute2 6.1 */
	/* 20 */ { COLOR, { &t1, &tp2 },
		   "\033[36mt1:\033[0m tun persist\n"
		   "\033[36mtp2:\033[0m tap pi one_queue multi_queue vnet_hdr persist filter user 1 group 2\n" },
	/* 21 */ { COLOR | DETAILS | ONELINE, { &held },
		   "\033[36mt1:\033[0m tun persist\\\tAttached to processes:python3(6417)qemu-system-x86(22)\n" },
	/* 22: -j -c: JSON is never coloured */
	/* 22 */ { COLOR | JSON, { &t1 }, "[{\"ifname\":\"t1\",\"flags\":[\"tun\",\"persist\"]}]\n" },
};
/* clang-format on */

static void print_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct tuntap_printer pr;
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		tuntap_print_begin(&pr, f,
				   &(struct tuntap_print_opts){
				       .json = c->opts & JSON,
				       .pretty = c->opts & PRETTY,
				       .details = c->opts & DETAILS,
				       .oneline = c->opts & ONELINE,
				       .ifname_color = c->opts & COLOR ? "\033[36m" : NULL});
		for (size_t j = 0; c->devs[j]; j++)
			tuntap_print_dev(&pr, c->devs[j]);
		tuntap_print_end(&pr);
		fclose(f);
		print_message("case %zu\n", i + 1);
		assert_string_equal(buf, c->want);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(print_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
