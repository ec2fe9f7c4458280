/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming JSON writer whose output is byte for byte that of iproute2's
 * json_writer (compact, or "pretty" with 4-space indents and its peculiar
 * spacing inside arrays), so that `warren -j tuntap show` prints what
 * `ip -j tuntap show` prints. Commas between elements are placed for the
 * caller; the caller only has to nest begin/end calls properly.
 *
 * Strings are escaped as iproute2 escapes them (\t \n \r \f \b \\ \"), and
 * in addition every other control character as \u00XX, so that the output
 * is always valid JSON (iproute2 passes those through raw).
 */
#ifndef WARREN_CLI_TUNTAP_JSON_H
#define WARREN_CLI_TUNTAP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tuntap_json {
	FILE *out;	    /* not owned */
	unsigned int depth; /* nesting of objects and arrays */
	bool pretty;
	char sep; /* ',' once the current container has an element, else 0 */
};

/* Starts a document on @out (borrowed: the caller keeps it open). */
void tuntap_json_init(struct tuntap_json *jw, FILE *out, bool pretty);

/* Ends the document with a newline; every container must be closed. */
void tuntap_json_finish(struct tuntap_json *jw);

void tuntap_json_start_object(struct tuntap_json *jw);
void tuntap_json_end_object(struct tuntap_json *jw);
void tuntap_json_start_array(struct tuntap_json *jw);
void tuntap_json_end_array(struct tuntap_json *jw);

/* The key of the next value inside an object. */
void tuntap_json_name(struct tuntap_json *jw, const char *name);

void tuntap_json_string(struct tuntap_json *jw, const char *value);
void tuntap_json_uint(struct tuntap_json *jw, unsigned int value);
void tuntap_json_u64(struct tuntap_json *jw, uint64_t value);

#endif
