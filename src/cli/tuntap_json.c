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

static void quote(struct tuntap_json *jw, const char *s)
{
	fputc('"', jw->out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

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
