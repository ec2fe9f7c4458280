// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON writer (core/json.h): string escapes, control bytes, invalid
 * UTF-8, and each layout's placement of commas, breaks and indents. The
 * JSON_IPROUTE2 and JSON_COMPACT expectations are what iproute2 6.1's
 * json_writer prints for the same calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/json.h"

/* Runs @build on a writer over a memory stream; returns the text (free it). */
static char *written(enum json_layout layout, void (*build)(struct json_writer *))
{
	struct json_writer jw;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	json_init(&jw, f, layout);
	build(&jw);
	json_finish(&jw);
	fclose(f);
	return text;
}

static char *quoted(const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	json_quote(f, s);
	fclose(f);
	return text;
}

static void quote(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    /* 1 */ {"", "\"\""},
	    /* 2 */ {"tap0", "\"tap0\""},
	    /* 3 */ {"a\"b\\c/", "\"a\\\"b\\\\c/\""},
	    /* 4 */ {"\t\n\r\f\b", "\"\\t\\n\\r\\f\\b\""},
	    /* 5 */ {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
	    /* 6 */ {" ~", "\" ~\""},
	    /* 7: two, three and four bytes, copied */
	    {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""},
	    /* 8: a lone continuation byte, a byte that never starts one */
	    {"a\x80z\xffz", "\"a\\u0080z\\u00ffz\""},
	    /* 9: overlong forms of '/' and of U+0800 */
	    {"\xc0\xaf\xe0\x80\x80", "\"\\u00c0\\u00af\\u00e0\\u0080\\u0080\""},
	    /* 10: a surrogate (U+D800) */
	    {"\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""},
	    /* 11: past U+10FFFF, and an F5 lead */
	    {"\xf4\x90\x80\x80\xf5", "\"\\u00f4\\u0090\\u0080\\u0080\\u00f5\""},
	    /* 12: a sequence cut short by the end, then by an ASCII byte */
	    {"\xe2\x82", "\"\\u00e2\\u0082\""},
	    /* 13 */ {"\xe2\x82z", "\"\\u00e2\\u0082z\""},
	    /* 14: the edges that are valid: U+0080, U+D7FF, U+E000, U+10FFFF */
	    {"\xc2\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf",
	     "\"\xc2\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\""},
	    /* 15: a comm as any process may set it */
	    {"a\tb\xff\x01\"\xc3\xa9", "\"a\\tb\\u00ff\\u0001\\\"\xc3\xa9\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = quoted(cases[i].in);

		if (strcmp(got, cases[i].out))
			fail_msg("case %zu: got %s, want %s", i + 1, got, cases[i].out);
		free(got);
	}
}

/* The documents of the layout cases. */
static void empty_array(struct json_writer *jw)
{
	json_array_begin(jw);
	json_array_end(jw);
}

static void empty_object(struct json_writer *jw)
{
	json_object_begin(jw);
	json_object_end(jw);
}

static void scalars(struct json_writer *jw)
{
	json_array_begin(jw);
	json_string(jw, "s");
	json_u64(jw, UINT64_MAX);
	json_i64(jw, INT64_MIN);
	json_bool(jw, true);
	json_bool(jw, false);
	json_null(jw);
	json_array_end(jw);
}

/* What `ip -j -d tuntap show` prints: devices, flags, processes. */
static void tuntap(struct json_writer *jw)
{
	json_array_begin(jw);
	json_object_begin(jw);
	json_key(jw, "ifname");
	json_string(jw, "tun0");
	json_key(jw, "flags");
	json_array_begin(jw);
	json_string(jw, "tun");
	json_string(jw, "persist");
	json_array_end(jw);
	json_key(jw, "processes");
	json_array_begin(jw);
	json_array_end(jw);
	json_object_end(jw);
	json_object_begin(jw);
	json_key(jw, "ifname");
	json_string(jw, "tap0");
	json_key(jw, "processes");
	json_array_begin(jw);
	json_object_begin(jw);
	json_key(jw, "name");
	json_string(jw, "qemu");
	json_key(jw, "pid");
	json_u64(jw, 42);
	json_object_end(jw);
	json_array_end(jw);
	json_object_end(jw);
	json_array_end(jw);
}

/* What `warren show -j` prints: one-line containers inside blocks. */
static void show(struct json_writer *jw)
{
	json_array_begin(jw);
	json_object_begin(jw);
	json_key(jw, "interface");
	json_string(jw, "wg0");
	json_key(jw, "extensions");
	json_object_begin(jw);
	json_object_end(jw);
	json_key(jw, "ips");
	json_array_begin_line(jw);
	json_string(jw, "10.0.0.0/8");
	json_string(jw, "::/0");
	json_array_end(jw);
	json_key(jw, "none");
	json_array_begin_line(jw);
	json_array_end(jw);
	json_key(jw, "macs");
	json_array_begin(jw);
	json_object_begin_line(jw);
	json_key(jw, "mac");
	json_string(jw, "02:00:00:00:00:01");
	json_key(jw, "static");
	json_bool(jw, true);
	json_object_end(jw);
	json_array_end(jw);
	json_object_end(jw);
	json_array_end(jw);
}

/* Deeper than any output today: every level indents once more. */
static void nested(struct json_writer *jw)
{
	json_object_begin(jw);
	json_key(jw, "a");
	json_object_begin(jw);
	json_key(jw, "b");
	json_array_begin(jw);
	json_array_begin(jw);
	json_u64(jw, 1);
	json_array_end(jw);
	json_object_begin(jw);
	json_object_end(jw);
	json_array_end(jw);
	json_object_end(jw);
	json_object_end(jw);
}

static void layouts(void **state)
{
	static const struct {
		enum json_layout layout;
		void (*build)(struct json_writer *);
		const char *out;
	} cases[] = {
	    /* 1 */ {JSON_COMPACT, empty_array, "[]\n"},
	    /* 2 */ {JSON_IPROUTE2, empty_array, "[ ]\n"},
	    /* 3 */ {JSON_INDENTED, empty_array, "[]\n"},
	    /* 4 */ {JSON_COMPACT, empty_object, "{}\n"},
	    /* 5 */ {JSON_IPROUTE2, empty_object, "{}\n"},
	    /* 6 */ {JSON_INDENTED, empty_object, "{}\n"},
	    /* 7 */
	    {JSON_COMPACT, scalars,
	     "[\"s\",18446744073709551615,-9223372036854775808,true,false,null]\n"},
	    /* 8 */
	    {JSON_IPROUTE2, scalars,
	     "[ \"s\",18446744073709551615,-9223372036854775808,true,false,null ]\n"},
	    /* 9 */
	    {JSON_INDENTED, scalars,
	     "[\n  \"s\",\n  18446744073709551615,\n  -9223372036854775808,\n  true,\n  false,\n"
	     "  null\n]\n"},
	    /* 10 */
	    {JSON_COMPACT, tuntap,
	     "[{\"ifname\":\"tun0\",\"flags\":[\"tun\",\"persist\"],\"processes\":[]},"
	     "{\"ifname\":\"tap0\",\"processes\":[{\"name\":\"qemu\",\"pid\":42}]}]\n"},
	    /* 11 */
	    {JSON_IPROUTE2, tuntap,
	     "[ {\n"
	     "        \"ifname\": \"tun0\",\n"
	     "        \"flags\": [ \"tun\",\"persist\" ],\n"
	     "        \"processes\": [ ]\n"
	     "    },{\n"
	     "        \"ifname\": \"tap0\",\n"
	     "        \"processes\": [ {\n"
	     "                \"name\": \"qemu\",\n"
	     "                \"pid\": 42\n"
	     "            } ]\n"
	     "    } ]\n"},
	    /* 12 */
	    {JSON_INDENTED, show,
	     "[\n"
	     "  {\n"
	     "    \"interface\": \"wg0\",\n"
	     "    \"extensions\": {},\n"
	     "    \"ips\": [\"10.0.0.0/8\", \"::/0\"],\n"
	     "    \"none\": [],\n"
	     "    \"macs\": [\n"
	     "      { \"mac\": \"02:00:00:00:00:01\", \"static\": true }\n"
	     "    ]\n"
	     "  }\n"
	     "]\n"},
	    /* 13: one-line requests change nothing in a compact document */
	    {JSON_COMPACT, show,
	     "[{\"interface\":\"wg0\",\"extensions\":{},\"ips\":[\"10.0.0.0/8\",\"::/0\"],"
	     "\"none\":[],\"macs\":[{\"mac\":\"02:00:00:00:00:01\",\"static\":true}]}]\n"},
	    /* 14 */
	    {JSON_INDENTED, nested,
	     "{\n  \"a\": {\n    \"b\": [\n      [\n        1\n      ],\n      {}\n    ]\n  "
	     "}\n}\n"},
	    /* 15 */
	    {JSON_IPROUTE2, nested, "{\n    \"a\": {\n        \"b\": [ [ 1 ],{} ]\n    }\n}\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = written(cases[i].layout, cases[i].build);

		if (strcmp(got, cases[i].out))
			fail_msg("case %zu: got\n%s\nwant\n%s", i + 1, got, cases[i].out);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(quote),
	    cmocka_unit_test(layouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
