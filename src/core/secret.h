/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secrets in memory: the one way to wipe them (secret_wipe), and heap
 * buffers that hold them (private and preshared keys, in binary or as
 * text). realloc() may move a buffer and free the old copy unwiped, so such
 * buffers grow by allocate, copy, wipe, free instead.
 *
 * A function with secret locals wipes them all at one exit label, on
 * success and failure alike (as OpenBSD's if_wg.c wg_ioctl_set() and the
 * Linux module's noise.c do):
 *
 *	ret = ...;
 *	if (ret)
 *		goto out;
 *	...
 *	out:
 *	secret_wipe(key, sizeof(key));
 *	return ret;
 */
#ifndef WARREN_CORE_SECRET_H
#define WARREN_CORE_SECRET_H

#include <stddef.h>
#include <stdio.h>

/* Overwrites @len bytes of @p with zeros in a way the compiler keeps (OPENSSL_cleanse). */
void secret_wipe(void *p, size_t len);

/*
 * Returns a new buffer of @new_len bytes (not 0) that starts with the first
 * min(@old_len, @new_len) bytes of @old; the rest is uninitialised. @old
 * (of @old_len bytes; NULL with 0) is wiped and freed. On failure returns
 * NULL and leaves @old untouched and still the caller's.
 */
void *secret_realloc(void *old, size_t old_len, size_t new_len);

/*
 * Appends one zeroed element of @size bytes to the array @v of *@n elements
 * and increments *@n. The capacity is implied by *@n (the next power of two,
 * so appending stays linear), hence the array must have grown only through
 * this function, from NULL. Returns the array, perhaps moved (the old copy
 * wiped), or NULL with @v and *@n unchanged. Free it with secret_free() of
 * *@n * @size bytes: the spare capacity is never written.
 */
void *secret_array_push(void *v, size_t *n, size_t size);

/* Wipes @len bytes of @p and frees it. Accepts NULL. */
void secret_free(void *p, size_t len);

/* A text that holds secrets, written through a FILE (secret_stream). */
struct secret_buf {
	char *data; /* NUL-terminated after each write; NULL until then */
	size_t len, cap;
};

/*
 * open_memstream() for secrets: a FILE without a stdio buffer whose writes
 * append to @sb (zeroed by the caller), growing it by secret_realloc, so
 * no copy is left unwiped. Fails writes with ENOMEM. Close it with fclose,
 * then release @sb with secret_buf_free. NULL if the FILE cannot be made.
 */
FILE *secret_stream(struct secret_buf *sb);

/* Wipes and frees @sb's text; @sb may be reused. */
void secret_buf_free(struct secret_buf *sb);

#endif
