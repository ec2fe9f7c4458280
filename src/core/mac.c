// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/mac.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *text, uint8_t mac[MAC_LEN], uint8_t *bits)
{
	uint8_t out[MAC_LEN];
	unsigned prefix = MAC_BITS;
	const char *p = text;

	for (int i = 0; i < MAC_LEN; i++) {
		int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (i < MAC_LEN - 1 && *p++ != ':')
			return -EINVAL;
	}
	if (*p == '/') {
		if (!bits || p[1] < '0' || p[1] > '9')
			return -EINVAL;
		prefix = 0;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			prefix = prefix * 10 + (unsigned)(*p - '0');
			if (prefix > MAC_BITS)
				return -EINVAL;
		}
	}
	if (*p)
		return -EINVAL;
	memcpy(mac, out, MAC_LEN);
	if (bits)
		*bits = (uint8_t)prefix;
	return 0;
}

void mac_format(const uint8_t mac[MAC_LEN], char text[MAC_TEXT_LEN])
{
	snprintf(text, MAC_TEXT_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}

bool mac_is_multicast(const uint8_t mac[MAC_LEN])
{
	return mac[0] & 1;
}

bool mac_is_zero(const uint8_t mac[MAC_LEN])
{
	static const uint8_t zero[MAC_LEN];

	return !memcmp(mac, zero, MAC_LEN);
}
