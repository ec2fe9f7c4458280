/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * WireGuard key encodings: the 44-character base64 of wg(8) and wg-quick(8)
 * configs, and the 64-character hex of the cross-platform UAPI.
 *
 * Decoding and encoding run in time independent of the key's bytes (only of
 * the input's length), since the input is often a private key. Decoders
 * write the key only on success; on failure it is left untouched.
 */
#ifndef WARREN_CORE_KEY_H
#define WARREN_CORE_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	KEY_LEN = 32,
	KEY_BASE64_LEN = 44, /* without the terminating NUL */
	KEY_HEX_LEN = 64,    /* without the terminating NUL */
};

/* Writes the 44 characters of wg's base64 (one '=' pad) and a NUL. */
void key_to_base64(char out[KEY_BASE64_LEN + 1], const uint8_t key[KEY_LEN]);

/*
 * Accepts exactly what wg accepts: 44 characters of the standard alphabet,
 * the last one '=', and zero in the two unused bits before the pad.
 * Returns 0 or -EINVAL.
 */
int key_from_base64(uint8_t key[KEY_LEN], const char *in);

/*
 * The same for the @len bytes at @in, which need not end in a NUL and are
 * never read past; a NUL among them is an invalid character.
 */
int key_decode_base64(uint8_t key[KEY_LEN], const char *in, size_t len);

/* Writes 64 lowercase hex digits and a NUL, as the UAPI expects. */
void key_to_hex(char out[KEY_HEX_LEN + 1], const uint8_t key[KEY_LEN]);

/*
 * Accepts exactly 64 hex digits in either case, as wireguard-go's UAPI does.
 * Returns 0 or -EINVAL.
 */
int key_from_hex(uint8_t key[KEY_LEN], const char *in);

/* The same for the @len bytes at @in (as key_decode_base64()). */
int key_decode_hex(uint8_t key[KEY_LEN], const char *in, size_t len);

/* True when all 32 bytes are zero; constant time. */
bool key_is_zero(const uint8_t key[KEY_LEN]);

#endif
