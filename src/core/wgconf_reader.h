/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the config reader: what the line reader (wgconf_read.c), the key
 * table (wgconf_keys.c) and the config object (wgconf.c) share. Not for
 * use outside src/core/wgconf*.c; the API is core/wgconf.h.
 */
#ifndef WARREN_CORE_WGCONF_READER_H
#define WARREN_CORE_WGCONF_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/wgconf.h"

/* struct wgconf_reader's section. */
enum wgconf_section {
	WGCONF_SECTION_NONE,
	WGCONF_SECTION_INTERFACE,
	WGCONF_SECTION_PEER,
};

/* The C locale's isspace(): what both wg and bash's [[:space:]] strip. */
bool wgconf_is_space(int c);

/* wg-quick's interface names: 1-15 of [A-Za-z0-9_=+.-]. */
bool wgconf_ifname_ok(const char *s, size_t len);

/*
 * Sets r->error to "FILE:LINE: what: `value'" at the reader's line and
 * returns -EINVAL.
 */
__attribute__((format(printf, 3, 4))) int wgconf_fail(struct wgconf_reader *r, const char *value,
						      const char *fmt, ...);

/* Passes "FILE:LINE: Warning: what" to the reader's warn callback, or logs it. */
__attribute__((format(printf, 2, 3))) void wgconf_warning(struct wgconf_reader *r, const char *fmt,
							  ...);

/*
 * A line of `wg setconf`'s grammar in the current section; @compact has no
 * whitespace left, @key and @value are as written (trimmed), for messages.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int wgconf_key_line(struct wgconf_reader *r, const char *compact, const char *key,
		    const char *value);

/*
 * A wg-quick key in [Interface]: returns 1 when @key is not one of them,
 * else 0 or -errno. @value is trimmed, @raw_value is the trimmed rest of the
 * uncut line after its first '='.
 */
int wgconf_quick_line(struct wgconf_reader *r, const char *key, char *value, const char *raw_value);

#endif
