/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test helpers for the engine's crypto tests: hex decoding and a reader for
 * the flat JSON object of tests/data/wireguard-handshake-kat.json
 * ("name": "hex" pairs, one level, no escapes). Test code only.
 */
#ifndef WARREN_TESTS_HEXKAT_H
#define WARREN_TESTS_HEXKAT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex of exactly 2 * len characters (up to a NUL or '"'); 0 or -1. */
static inline int hex_decode_n(uint8_t *out, size_t len, const char *hex, size_t hex_len)
{
	if (hex_len != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Decode a NUL-terminated hex string into out (its length is strlen / 2). */
static inline size_t hex_decode(uint8_t *out, size_t max, const char *hex)
{
	size_t n = strlen(hex) / 2;

	if (n > max || hex_decode_n(out, n, hex, strlen(hex)))
		return (size_t)-1;
	return n;
}

/*
 * The whole KAT file from $WARREN_TESTDATA, NUL-terminated. NULL if it cannot
 * be read, after one line on stderr that names the path and the reason.
 */
static inline char *kat_load(const char *name)
{
	const char *dir = getenv("WARREN_TESTDATA");
	char path[4096];
	char *buf = NULL;
	long size;
	FILE *f;

	if (!dir) {
		fprintf(stderr,
			"cannot read %s: WARREN_TESTDATA is not set (run it with meson test)\n",
			name);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto err;
	buf = malloc((size_t)size + 1);
	if (!buf)
		goto err;
	if (fread(buf, 1, (size_t)size, f) != (size_t)size)
		goto err;
	buf[size] = '\0';
	fclose(f);
	return buf;
err:
	fprintf(stderr, "cannot read %s: %s\n", path, ferror(f) ? strerror(errno) : "short read");
	free(buf);
	fclose(f);
	return NULL;
}

/*
 * The string value of "name" in the flat JSON text; sets *len. NULL when the
 * name is missing or its value is not a string.
 */
static inline const char *kat_string(const char *json, const char *name, size_t *len)
{
	size_t name_len = strlen(name);
	const char *p = json;

	while ((p = strchr(p, '"'))) {
		const char *end = strchr(p + 1, '"');

		if (!end)
			return NULL;
		if ((size_t)(end - p - 1) == name_len && !memcmp(p + 1, name, name_len)) {
			const char *v = end + 1;

			while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
				v++;
			if (*v++ != ':')
				return NULL;
			while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
				v++;
			if (*v++ != '"')
				return NULL;
			end = strchr(v, '"');
			if (!end)
				return NULL;
			*len = (size_t)(end - v);
			return v;
		}
		/* Skip the whole string (a name or a value). */
		p = end + 1;
	}
	return NULL;
}

/* Decode the hex value of "name" into exactly len bytes; 0 or -1. */
static inline int kat_bytes(const char *json, const char *name, uint8_t *out, size_t len)
{
	size_t hex_len;
	const char *hex = kat_string(json, name, &hex_len);

	if (!hex)
		return -1;
	return hex_decode_n(out, len, hex, hex_len);
}

#endif /* WARREN_TESTS_HEXKAT_H */
