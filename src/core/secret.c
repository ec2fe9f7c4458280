// SPDX-License-Identifier: GPL-2.0-only
/*
 * Growing buffers that hold secrets. Contracts in secret.h.
 */
#include "core/secret.h"

#include <stdint.h>
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

void secret_free(void *p, size_t len)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}
