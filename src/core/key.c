// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key encodings without data-dependent branches or table lookups: every
 * character is classified with range masks, so decoding a private key leaks
 * nothing but its length through timing.
 */
#include "core/key.h"
#include "core/secret.h"

#include <errno.h>
#include <string.h>

/* All ones when lo <= c <= hi, else zero; c, lo, hi in 0..255. */
static unsigned int in_range(int c, int lo, int hi)
{
	return (unsigned int)(((lo - 1 - c) & (c - hi - 1)) >> 8);
}

/* 0..63 to its base64 character. */
static char b64_char(int v)
{
	unsigned int c;

	c = (in_range(v, 0, 25) & (unsigned int)(v + 'A')) |
	    (in_range(v, 26, 51) & (unsigned int)(v - 26 + 'a')) |
	    (in_range(v, 52, 61) & (unsigned int)(v - 52 + '0')) | (in_range(v, 62, 62) & '+') |
	    (in_range(v, 63, 63) & '/');
	return (char)c;
}

/* A base64 character to 0..63, or -1 (all bits set) when it is not one. */
static int b64_value(unsigned char ch)
{
	int c = ch;
	unsigned int v, valid;

	valid = in_range(c, 'A', 'Z') | in_range(c, 'a', 'z') | in_range(c, '0', '9') |
		in_range(c, '+', '+') | in_range(c, '/', '/');
	v = (in_range(c, 'A', 'Z') & (unsigned int)(c - 'A')) |
	    (in_range(c, 'a', 'z') & (unsigned int)(c - 'a' + 26)) |
	    (in_range(c, '0', '9') & (unsigned int)(c - '0' + 52)) | (in_range(c, '+', '+') & 62) |
	    (in_range(c, '/', '/') & 63);
	return (int)(v | ~valid);
}

/* Four characters to 24 bits; bit 31 of *bad set when any is invalid. */
static uint32_t b64_quad(const char in[4], unsigned int *bad)
{
	uint32_t val = 0;

	for (int i = 0; i < 4; i++) {
		int v = b64_value((unsigned char)in[i]);

		*bad |= (unsigned int)v;
		val = (val << 6) | ((unsigned int)v & 63);
	}
	return val;
}

void key_to_base64(char out[KEY_BASE64_LEN + 1], const uint8_t key[KEY_LEN])
{
	unsigned int i, o = 0;
	uint32_t val;

	for (i = 0; i + 3 <= KEY_LEN; i += 3) {
		val = (uint32_t)key[i] << 16 | (uint32_t)key[i + 1] << 8 | key[i + 2];
		out[o++] = b64_char((val >> 18) & 63);
		out[o++] = b64_char((val >> 12) & 63);
		out[o++] = b64_char((val >> 6) & 63);
		out[o++] = b64_char(val & 63);
	}
	/* 32 = 30 + 2: the last two bytes fill three characters and a pad. */
	val = (uint32_t)key[i] << 16 | (uint32_t)key[i + 1] << 8;
	out[o++] = b64_char((val >> 18) & 63);
	out[o++] = b64_char((val >> 12) & 63);
	out[o++] = b64_char((val >> 6) & 63);
	out[o++] = '=';
	out[o] = '\0';
}

int key_from_base64(uint8_t key[KEY_LEN], const char *in)
{
	return key_decode_base64(key, in, strnlen(in, KEY_BASE64_LEN + 1));
}

int key_decode_base64(uint8_t key[KEY_LEN], const char *in, size_t len)
{
	uint8_t tmp[KEY_LEN];
	unsigned int bad = 0, i, o = 0;
	uint32_t val;
	int ret;

	if (len != KEY_BASE64_LEN || in[KEY_BASE64_LEN - 1] != '=')
		return -EINVAL;
	for (i = 0; i < KEY_BASE64_LEN - 4; i += 4) {
		val = b64_quad(in + i, &bad);
		tmp[o++] = (uint8_t)(val >> 16);
		tmp[o++] = (uint8_t)(val >> 8);
		tmp[o++] = (uint8_t)val;
	}
	val = b64_quad((const char[4]){in[i], in[i + 1], in[i + 2], 'A'}, &bad);
	tmp[o++] = (uint8_t)(val >> 16);
	tmp[o++] = (uint8_t)(val >> 8);
	/* The two bits below the last 16 must be zero (canonical encoding). */
	bad |= 0U - (val & 0xff);
	ret = -EINVAL;
	if (bad >> 31)
		goto out;
	memcpy(key, tmp, KEY_LEN);
	ret = 0;
out:
	secret_wipe(tmp, sizeof(tmp));
	return ret;
}

static char hex_char(unsigned int v)
{
	return (char)((in_range((int)v, 0, 9) & (v + '0')) |
		      (in_range((int)v, 10, 15) & (v - 10 + 'a')));
}

/* A hex digit to 0..15, or -1 when it is not one. */
static int hex_value(unsigned char ch)
{
	int c = ch;
	unsigned int valid, v;

	valid = in_range(c, '0', '9') | in_range(c, 'a', 'f') | in_range(c, 'A', 'F');
	v = (in_range(c, '0', '9') & (unsigned int)(c - '0')) |
	    (in_range(c, 'a', 'f') & (unsigned int)(c - 'a' + 10)) |
	    (in_range(c, 'A', 'F') & (unsigned int)(c - 'A' + 10));
	return (int)(v | ~valid);
}

void key_to_hex(char out[KEY_HEX_LEN + 1], const uint8_t key[KEY_LEN])
{
	for (unsigned int i = 0; i < KEY_LEN; i++) {
		out[2 * i] = hex_char(key[i] >> 4);
		out[2 * i + 1] = hex_char(key[i] & 15);
	}
	out[KEY_HEX_LEN] = '\0';
}

int key_from_hex(uint8_t key[KEY_LEN], const char *in)
{
	return key_decode_hex(key, in, strnlen(in, KEY_HEX_LEN + 1));
}

int key_decode_hex(uint8_t key[KEY_LEN], const char *in, size_t len)
{
	uint8_t tmp[KEY_LEN];
	unsigned int bad = 0;
	int ret;

	if (len != KEY_HEX_LEN)
		return -EINVAL;
	for (unsigned int i = 0; i < KEY_LEN; i++) {
		int hi = hex_value((unsigned char)in[2 * i]);
		int lo = hex_value((unsigned char)in[2 * i + 1]);

		bad |= (unsigned int)hi | (unsigned int)lo;
		tmp[i] = (uint8_t)(((unsigned int)hi & 15) << 4 | ((unsigned int)lo & 15));
	}
	ret = -EINVAL;
	if (bad >> 31)
		goto out;
	memcpy(key, tmp, KEY_LEN);
	ret = 0;
out:
	secret_wipe(tmp, sizeof(tmp));
	return ret;
}

bool key_is_zero(const uint8_t key[KEY_LEN])
{
	volatile uint8_t acc = 0;

	for (unsigned int i = 0; i < KEY_LEN; i++)
		acc |= key[i];
	return ((unsigned int)acc - 1) >> 8 & 1;
}
