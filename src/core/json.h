/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming JSON writer for the command line's output: `warren tuntap -j`
 * (laid out byte for byte as iproute2's json_writer lays it out, compact or
 * with -p) and `warren show -j` (two-space indents). The caller nests
 * begin/end calls and puts a key before each value inside an object; the
 * writer places commas, line breaks and indents. No allocation; the only
 * I/O is on the FILE the caller passes.
 *
 * Strings are escaped so that the output is always valid JSON whatever the
 * bytes: \t \n \r \f \b \\ \" as iproute2 escapes them, every other control
 * character and DEL as \u00XX (iproute2 passes those through raw), and a
 * byte that is not part of well-formed UTF-8 (RFC 3629) as \u00XX, its
 * Latin-1 reading (iproute2 passes it through raw, which is not JSON).
 * Well-formed UTF-8 is copied as it is.
 */
#ifndef WARREN_CORE_JSON_H
#define WARREN_CORE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum json_layout {
	/* No white space: `ip -j`. */
	JSON_COMPACT,
	/* iproute2's -p: objects one key per line with 4-space indents, arrays
	 * on one line as `[ a,b ]` (and `[ ]` when empty). */
	JSON_IPROUTE2,
	/* One element per line with 2-space indents; containers begun with
	 * json_*_begin_line() keep to one line: `["a", "b"]`, `{ "k": 1 }`. */
	JSON_INDENTED,
};

/* Containers nest at most this deep (the document is level 0). */
#define JSON_MAX_DEPTH 31

struct json_writer {
	FILE *out; /* borrowed */
	enum json_layout layout;
	unsigned int depth; /* open containers */
	uint32_t one_line;  /* bit N: the container at depth N keeps to one line */
	uint32_t is_array;  /* bit N: the container at depth N is an array */
	bool empty;	    /* the innermost container has no element yet */
	bool keyed;	    /* a key was written and waits for its value */
};

/* Starts a document on @out (borrowed: the caller keeps it open). */
void json_init(struct json_writer *jw, FILE *out, enum json_layout layout);

/* Ends the document with a newline and flushes @out; all must be closed. */
void json_finish(struct json_writer *jw);

void json_object_begin(struct json_writer *jw);
void json_object_end(struct json_writer *jw);
void json_array_begin(struct json_writer *jw);
void json_array_end(struct json_writer *jw);

/* The same, on one line whatever the layout (for short, flat containers). */
void json_object_begin_line(struct json_writer *jw);
void json_array_begin_line(struct json_writer *jw);

/* The key of the next value; only inside an object. */
void json_key(struct json_writer *jw, const char *key);

void json_string(struct json_writer *jw, const char *value);
void json_u64(struct json_writer *jw, uint64_t value);
void json_i64(struct json_writer *jw, int64_t value);
void json_bool(struct json_writer *jw, bool value);
void json_null(struct json_writer *jw);

/* @s as a JSON string, quoted and escaped as above, onto @out. */
void json_quote(FILE *out, const char *s);

#endif
