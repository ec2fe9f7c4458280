// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON writer: layouts and escapes. Contracts in json.h.
 */
#include "core/json.h"

#include <assert.h>
#include <inttypes.h>

enum { OBJECT, ARRAY };

/*
 * What a layout is made of. A "block" container puts each element on a
 * line of its own, indented one level deeper than the container, and its
 * closing bracket on a line of its own; a one-line container separates its
 * elements with @comma and, when padded, has a space inside each bracket
 * (none before the closing one when empty: iproute2's `[ ]`).
 */
static const struct layout {
	const char *indent; /* one level */
	const char *colon;  /* between a key and its value */
	const char *comma;  /* between the elements of a one-line container */
	bool block[2];	    /* [OBJECT], [ARRAY]: block unless begun with _line() */
	bool pad[2];	    /* [OBJECT], [ARRAY]: one-line containers padded */
} layouts[] = {
    [JSON_COMPACT] = {"", ":", ",", {false, false}, {false, false}},
    [JSON_IPROUTE2] = {"    ", ": ", ",", {true, false}, {false, true}},
    [JSON_INDENTED] = {"  ", ": ", ", ", {true, true}, {true, false}},
};

void json_init(struct json_writer *jw, FILE *out, enum json_layout layout)
{
	jw->out = out;
	jw->layout = layout;
	jw->depth = 0;
	jw->one_line = 1; /* the document holds one value, on its first line */
	jw->is_array = 0;
	jw->empty = true;
	jw->keyed = false;
}

void json_finish(struct json_writer *jw)
{
	assert(jw->depth == 0 && !jw->keyed);
	fputc('\n', jw->out);
	fflush(jw->out);
}

static bool is_block(const struct json_writer *jw, unsigned int depth)
{
	return !(jw->one_line & (1u << depth));
}

static void newline(struct json_writer *jw, unsigned int depth)
{
	fputc('\n', jw->out);
	for (unsigned int i = 0; i < depth; i++)
		fputs(layouts[jw->layout].indent, jw->out);
}

/*
 * Before each element of the innermost container (a key in an object, a
 * value in an array): its separator and, in a block, its line. A value
 * that follows its key is not an element of its own.
 */
static void element(struct json_writer *jw)
{
	bool block = is_block(jw, jw->depth);

	if (jw->keyed) {
		jw->keyed = false;
		return;
	}
	if (!jw->empty)
		fputs(block ? "," : layouts[jw->layout].comma, jw->out);
	jw->empty = false;
	if (block)
		newline(jw, jw->depth);
}

static void begin(struct json_writer *jw, int kind, bool line)
{
	const struct layout *l = &layouts[jw->layout];
	uint32_t bit;

	assert(jw->depth < JSON_MAX_DEPTH);
	element(jw);
	fputc(kind == ARRAY ? '[' : '{', jw->out);
	bit = 1u << ++jw->depth;
	line = line || !l->block[kind];
	jw->one_line = line ? jw->one_line | bit : jw->one_line & ~bit;
	jw->is_array = kind == ARRAY ? jw->is_array | bit : jw->is_array & ~bit;
	jw->empty = true;
	if (line && l->pad[kind])
		fputc(' ', jw->out);
}

static void end(struct json_writer *jw, int kind)
{
	assert(jw->depth > 0 && !jw->keyed);
	assert(!!(jw->is_array & (1u << jw->depth)) == (kind == ARRAY));
	if (!jw->empty) {
		if (is_block(jw, jw->depth))
			newline(jw, jw->depth - 1);
		else if (layouts[jw->layout].pad[kind])
			fputc(' ', jw->out);
	}
	jw->depth--;
	fputc(kind == ARRAY ? ']' : '}', jw->out);
	jw->empty = false;
}

void json_object_begin(struct json_writer *jw)
{
	begin(jw, OBJECT, false);
}

void json_object_begin_line(struct json_writer *jw)
{
	begin(jw, OBJECT, true);
}

void json_object_end(struct json_writer *jw)
{
	end(jw, OBJECT);
}

void json_array_begin(struct json_writer *jw)
{
	begin(jw, ARRAY, false);
}

void json_array_begin_line(struct json_writer *jw)
{
	begin(jw, ARRAY, true);
}

void json_array_end(struct json_writer *jw)
{
	end(jw, ARRAY);
}

void json_key(struct json_writer *jw, const char *key)
{
	assert(jw->depth > 0 && !(jw->is_array & (1u << jw->depth)) && !jw->keyed);
	element(jw);
	json_quote(jw->out, key);
	fputs(layouts[jw->layout].colon, jw->out);
	jw->keyed = true;
}

void json_string(struct json_writer *jw, const char *value)
{
	element(jw);
	json_quote(jw->out, value);
}

void json_u64(struct json_writer *jw, uint64_t value)
{
	element(jw);
	fprintf(jw->out, "%" PRIu64, value);
}

void json_i64(struct json_writer *jw, int64_t value)
{
	element(jw);
	fprintf(jw->out, "%" PRId64, value);
}

void json_bool(struct json_writer *jw, bool value)
{
	element(jw);
	fputs(value ? "true" : "false", jw->out);
}

void json_null(struct json_writer *jw)
{
	element(jw);
	fputs("null", jw->out);
}

/*
 * The length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0 if there is none. A
 * NUL ends a sequence early, so @s is never read past its end.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return n;
}

void json_quote(FILE *out, const char *s)
{
	static const char short_escapes[][2] = {
	    {'\t', 't'}, {'\n', 'n'},  {'\r', 'r'}, {'\f', 'f'},
	    {'\b', 'b'}, {'\\', '\\'}, {'"', '"'},
	};

	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t i, n;

		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)s);
			if (!n) {
				fprintf(out, "\\u%04x", c);
				continue;
			}
			fwrite(s, 1, n, out);
			s += n - 1;
			continue;
		}
		for (i = 0; i < sizeof(short_escapes) / sizeof(short_escapes[0]); i++) {
			if (c == (unsigned char)short_escapes[i][0])
				break;
		}
		if (i < sizeof(short_escapes) / sizeof(short_escapes[0])) {
			fputc('\\', out);
			fputc(short_escapes[i][1], out);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
		} else {
			fputc(c, out);
		}
	}
	fputc('"', out);
}
