// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/secret.h: a grown buffer keeps its bytes, and the buffer it leaves
 * is wiped before free(). Linked with -Wl,--wrap=free, so every free() of
 * libwarren passes through __wrap_free, which inspects the watched buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/secret.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const void *watched;
static size_t watched_len;
static int watched_freed, watched_dirty;

void __wrap_free(void *p)
{
	if (p && p == watched) {
		const uint8_t *b = p;

		watched_freed++;
		for (size_t i = 0; i < watched_len; i++)
			watched_dirty |= b[i] != 0;
		watched = NULL;
	}
	__real_free(p);
}

static void grow_and_shrink(void **state)
{
	static const struct {
		size_t old_len, new_len;
	} cases[] = {
	    /* 1 */ {0, 1}, /* from NULL */
	    /* 2 */ {1, 2},
	    /* 3 */ {32, 64},
	    /* 4 */ {4096, 8192},
	    /* 5 */ {100, 100},
	    /* 6 */ {64, 16}, /* shrinking keeps the head */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t old_len = cases[i].old_len, new_len = cases[i].new_len;
		size_t keep = old_len < new_len ? old_len : new_len;
		uint8_t *old = old_len ? malloc(old_len) : NULL, *p;

		for (size_t j = 0; j < old_len; j++)
			old[j] = (uint8_t)(j * 7 + 1) | 1; /* never zero */
		watched = old;
		watched_len = old_len;
		watched_freed = watched_dirty = 0;
		p = secret_realloc(old, old_len, new_len);
		if (!p)
			fail_msg("case %zu: NULL", i + 1);
		for (size_t j = 0; j < keep; j++)
			if (p[j] != ((uint8_t)(j * 7 + 1) | 1))
				fail_msg("case %zu: byte %zu not kept", i + 1, j);
		if (old && (watched_freed != 1 || watched_dirty))
			fail_msg("case %zu: old buffer freed %d times, %s", i + 1, watched_freed,
				 watched_dirty ? "not wiped" : "wiped");
		memset(p, 0xa5, new_len);
		watched = p;
		watched_len = new_len;
		watched_freed = watched_dirty = 0;
		secret_free(p, new_len);
		if (watched_freed != 1 || watched_dirty)
			fail_msg("case %zu: secret_free left the buffer %s", i + 1,
				 watched_freed ? "dirty" : "unfreed");
	}
}

static void refused(void **state)
{
	uint8_t *old = malloc(8);

	(void)state;
	memcpy(old, "secret!", 8);
	/* 1: a zero-length request fails and leaves the old buffer alone. */
	assert_null(secret_realloc(old, 8, 0));
	assert_memory_equal(old, "secret!", 8);
	secret_free(old, 8);
	secret_free(NULL, 99); /* 2: NULL is accepted */
}

/* Appending keeps every element, zeroes the new one and wipes what moved. */
static void array_push(void **state)
{
	struct elem {
		uint8_t key[32];
		unsigned int i;
	} *v = NULL, *nv;
	size_t n = 0;
	int moved = 0;

	(void)state;
	for (unsigned int i = 0; i < 1000; i++) {
		watched = v;
		watched_len = n * sizeof(*v);
		watched_freed = watched_dirty = 0;
		nv = secret_array_push(v, &n, sizeof(*v));
		assert_non_null(nv);
		assert_int_equal(n, i + 1);
		if (nv != v && v) {
			moved++;
			if (watched_freed != 1 || watched_dirty)
				fail_msg("element %u: the moved array was not wiped", i);
		}
		watched = NULL;
		v = nv;
		for (size_t j = 0; j < sizeof(v[i].key); j++)
			assert_int_equal(v[i].key[j], 0);
		assert_int_equal(v[i].i, 0);
		memset(v[i].key, 0x5a, sizeof(v[i].key));
		v[i].i = i;
		for (unsigned int j = 0; j < i; j++)
			assert_int_equal(v[j].i, j);
	}
	/* Capacity doubles: 1, 2, 4, ... 1024 is 10 moves after the first. */
	assert_true(moved <= 10);
	n = SIZE_MAX / 2;
	assert_null(secret_array_push(v, &n, sizeof(*v))); /* overflow refused */
	secret_free(v, 1000 * sizeof(*v));
}

/* secret_stream: what fprintf writes arrives whole, NUL-terminated. */
static void stream(void **state)
{
	static const struct {
		unsigned lines; /* of "private_key=<64 hex digits>\n" */
	} cases[] = {
	    /* 1: nothing written */
	    {0},
	    /* 2: one line, within the first allocation */
	    {1},
	    /* 3: 1000 lines: grows by doubling */
	    {1000},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct secret_buf sb = {0};
		FILE *f = secret_stream(&sb);

		assert_non_null(f);
		for (unsigned n = 0; n < cases[i].lines; n++)
			assert_int_equal(fprintf(f, "private_key=%064x\n", n), 77);
		assert_int_equal(fclose(f), 0);
		assert_int_equal(sb.len, cases[i].lines * 77);
		if (cases[i].lines) {
			char want[80];

			assert_true(sb.cap > sb.len);
			assert_int_equal(sb.data[sb.len], '\0');
			snprintf(want, sizeof(want), "private_key=%064x\n", cases[i].lines - 1);
			assert_memory_equal(sb.data + sb.len - 77, want, 77);
		} else {
			assert_null(sb.data);
		}
		secret_buf_free(&sb);
		assert_null(sb.data);
		assert_int_equal(sb.len, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(grow_and_shrink),
	    cmocka_unit_test(refused),
	    cmocka_unit_test(array_push),
	    cmocka_unit_test(stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
