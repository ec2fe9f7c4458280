/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few facts about an IP packet that a tunnel needs before it routes or
 * delivers it: the version, the length that the header claims, and where
 * the source and destination addresses are. Nothing here allocates or
 * trusts the packet: every field is read only after the length check.
 */
#ifndef WARREN_CORE_IP_H
#define WARREN_CORE_IP_H

#include <stddef.h>
#include <stdint.h>

struct ip_info {
	int family;	    /* AF_INET or AF_INET6 */
	uint32_t len;	    /* total length that the header claims */
	const uint8_t *src; /* 4 or 16 bytes inside the packet */
	const uint8_t *dst;
};

/*
 * Parses the IPv4 or IPv6 header at @pkt (@len bytes). Returns 0 and fills
 * @info when the version is 4 or 6, the header fits, and the claimed total
 * length is at least the header and at most @len (the caller trims to
 * info->len: padding follows). Returns -EPROTONOSUPPORT for another
 * version or an empty packet, -EBADMSG for an inconsistent length.
 */
int ip_parse(const uint8_t *pkt, size_t len, struct ip_info *info);

/* Header fields in network byte order, at any alignment: read and written. */
static inline uint16_t ip_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void ip_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t ip_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void ip_put32(uint8_t *p, uint32_t v)
{
	ip_put16(p, (uint16_t)(v >> 16));
	ip_put16(p + 2, (uint16_t)v);
}

#endif
