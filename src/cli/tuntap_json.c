// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON output laid out as iproute2 lays it out. Contracts in tuntap_json.h.
 */
#include "cli/tuntap_json.h"

#include <assert.h>
#include <inttypes.h>

void tuntap_json_init(struct tuntap_json *jw, FILE *out, bool pretty)
{
	jw->out = out;
	jw->depth = 0;
	jw->pretty = pretty;
	jw->sep = '\0';
}

void tuntap_json_finish(struct tuntap_json *jw)
{
	assert(jw->depth == 0);
	fputc('\n', jw->out);
	fflush(jw->out);
}

/* Pretty output breaks the line before every key and closing bracket. */
static void newline(struct tuntap_json *jw)
{
	if (!jw->pretty)
		return;
	fputc('\n', jw->out);
	for (unsigned int i = 0; i < jw->depth; i++)
		fputs("    ", jw->out);
}

/* A comma before every element but the first of its container. */
static void separate(struct tuntap_json *jw)
{
	if (jw->sep)
		fputc(jw->sep, jw->out);
	jw->sep = ',';
}

/*
 * The length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0 if there is none.
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

/*
 * A JSON string. Names come from the kernel and from /proc/PID/comm, which
 * any process sets to any bytes: a byte that is not part of well-formed
 * UTF-8 is written as \u00XX (its Latin-1 reading), so that the output
 * stays valid JSON.
 */
static void quote(struct tuntap_json *jw, const char *s)
{
	fputc('"', jw->out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n;

		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)s);
			if (!n) {
				fprintf(jw->out, "\\u%04x", c);
				continue;
			}
			fwrite(s, 1, n, jw->out);
			s += n - 1;
			continue;
		}

		switch (c) {
		case '\t':
			fputs("\\t", jw->out);
			break;
		case '\n':
			fputs("\\n", jw->out);
			break;
		case '\r':
			fputs("\\r", jw->out);
			break;
		case '\f':
			fputs("\\f", jw->out);
			break;
		case '\b':
			fputs("\\b", jw->out);
			break;
		case '\\':
			fputs("\\\\", jw->out);
			break;
		case '"':
			fputs("\\\"", jw->out);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(jw->out, "\\u%04x", c);
			else
				fputc(c, jw->out);
		}
	}
	fputc('"', jw->out);
}

static void begin(struct tuntap_json *jw, char c)
{
	separate(jw);
	fputc(c, jw->out);
	jw->depth++;
	jw->sep = '\0';
}

static void end(struct tuntap_json *jw, char c)
{
	assert(jw->depth > 0);
	jw->depth--;
	if (jw->sep)
		newline(jw);
	fputc(c, jw->out);
	jw->sep = ',';
}

void tuntap_json_start_object(struct tuntap_json *jw)
{
	begin(jw, '{');
}

void tuntap_json_end_object(struct tuntap_json *jw)
{
	end(jw, '}');
}

void tuntap_json_start_array(struct tuntap_json *jw)
{
	begin(jw, '[');
	if (jw->pretty)
		fputc(' ', jw->out);
}

void tuntap_json_end_array(struct tuntap_json *jw)
{
	if (jw->pretty && jw->sep)
		fputc(' ', jw->out);
	jw->sep = '\0';
	end(jw, ']');
}

void tuntap_json_name(struct tuntap_json *jw, const char *name)
{
	separate(jw);
	newline(jw);
	jw->sep = '\0';
	quote(jw, name);
	fputc(':', jw->out);
	if (jw->pretty)
		fputc(' ', jw->out);
}

void tuntap_json_string(struct tuntap_json *jw, const char *value)
{
	separate(jw);
	quote(jw, value);
}

void tuntap_json_uint(struct tuntap_json *jw, unsigned int value)
{
	separate(jw);
	fprintf(jw->out, "%u", value);
}

void tuntap_json_u64(struct tuntap_json *jw, uint64_t value)
{
	separate(jw);
	fprintf(jw->out, "%" PRIu64, value);
}
