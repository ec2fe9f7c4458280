// SPDX-License-Identifier: GPL-2.0-only
/*
 * Growing buffers that hold secrets. Contracts in secret.h.
 */
#include "core/secret.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

void *secret_realloc(void *old, size_t old_len, size_t new_len)
{
	void *p;

	if (!new_len)
		return NULL;
	p = malloc(new_len);
	if (!p)
		return NULL;
	if (old)
		memcpy(p, old, old_len < new_len ? old_len : new_len);
	secret_free(old, old_len);
	return p;
}

void *secret_array_push(void *v, size_t *n, size_t size)
{
	char *nv = v;

	if (!size || *n >= SIZE_MAX / 2 / size)
		return NULL;
	/* Full when *n is 0 or a power of two. */
	if (!(*n & (*n - 1))) {
		nv = secret_realloc(v, *n * size, (*n ? *n * 2 : 1) * size);
		if (!nv)
			return NULL;
	}
	memset(nv + *n * size, 0, size);
	(*n)++;
	return nv;
}

void secret_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

void secret_free(void *p, size_t len)
{
	if (!p)
		return;
	secret_wipe(p, len);
	free(p);
}

static ssize_t stream_write(void *cookie, const char *data, size_t len)
{
	struct secret_buf *sb = cookie;

	if (len >= SIZE_MAX / 4 - sb->len) {
		errno = ENOMEM;
		return -1;
	}
	if (sb->len + len + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 256;
		char *n;

		while (cap < sb->len + len + 1)
			cap *= 2;
		n = secret_realloc(sb->data, sb->cap, cap);
		if (!n) {
			errno = ENOMEM;
			return -1;
		}
		sb->data = n;
		sb->cap = cap;
	}
	memcpy(sb->data + sb->len, data, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
	return (ssize_t)len;
}

FILE *secret_stream(struct secret_buf *sb)
{
	FILE *f = fopencookie(sb, "w", (cookie_io_functions_t){.write = stream_write});

	/* Unbuffered: stdio's own heap buffer would be freed unwiped. */
	if (f && setvbuf(f, NULL, _IONBF, 0)) {
		fclose(f);
		return NULL;
	}
	return f;
}

void secret_buf_free(struct secret_buf *sb)
{
	secret_free(sb->data, sb->cap);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}
