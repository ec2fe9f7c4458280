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

#endif
