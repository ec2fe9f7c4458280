/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ethernet (MAC) addresses as text, for L2 mode's configuration and show
 * (docs/l2.md): "52:54:00:12:34:56", optionally with a prefix length
 * "52:54:00:00:00:00/24" (AllowedMACs). No I/O, no allocation.
 */
#ifndef WARREN_CORE_MAC_H
#define WARREN_CORE_MAC_H

#include <stdbool.h>
#include <stdint.h>

enum {
	MAC_LEN = 6,
	MAC_BITS = 48,
	MAC_TEXT_LEN = 18, /* "xx:xx:xx:xx:xx:xx" and its NUL */
};

/*
 * Parses six colon-separated pairs of hex digits (either case). With
 * @bits, an optional "/N" (0-48) follows; without it *bits is 48. With
 * @bits NULL, a prefix is an error. Host bits past the prefix are kept.
 * Returns 0 or -EINVAL (then @mac and *bits are untouched).
 */
int mac_parse(const char *text, uint8_t mac[MAC_LEN], uint8_t *bits);

/* Writes @mac as "xx:xx:xx:xx:xx:xx" (lowercase) into @text. */
void mac_format(const uint8_t mac[MAC_LEN], char text[MAC_TEXT_LEN]);

/* Multicast (the group bit; broadcast included) or all zeros: never a source. */
bool mac_is_multicast(const uint8_t mac[MAC_LEN]);
bool mac_is_zero(const uint8_t mac[MAC_LEN]);

#endif
