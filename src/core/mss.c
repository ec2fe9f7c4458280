// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP MSS clamping on Ethernet frames; contracts in mss.h. The layouts are
 * RFC 791, RFC 8200 and RFC 9293 (option kind 2, length 4: the MSS).
 */
#include "core/mss.h"
#include "core/ip.h"

#include <stdbool.h>

enum {
	ETH_HLEN = 14,
	ETH_TYPE = 12,
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	IPV4_HLEN_MIN = 20,
	IPV6_HLEN = 40,
	IPPROTO_TCP_NUM = 6,
	TCP_HLEN_MIN = 20,
	TCP_FLAGS = 13,
	TCP_FLAG_SYN = 0x02,
	TCP_CHECK = 16,
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOLEN_MSS = 4,
};

static uint16_t swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

uint16_t mss_csum_replace(uint16_t check, uint16_t old, uint16_t new)
{
	/* HC' = ~(~HC + ~m + m') in ones' complement arithmetic. */
	uint32_t sum = (uint16_t)~check + (uint32_t)(uint16_t)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Clamps the MSS option of the TCP header @tcp (@len bytes of segment
 * available) to @mss. 1 when it changed it.
 */
static int clamp_tcp(uint8_t *tcp, size_t len, uint16_t mss)
{
	size_t hlen, off;

	if (len < TCP_HLEN_MIN || !(tcp[TCP_FLAGS] & TCP_FLAG_SYN))
		return 0;
	hlen = (size_t)(tcp[12] >> 4) * 4;
	if (hlen < TCP_HLEN_MIN || hlen > len)
		return 0;
	for (off = TCP_HLEN_MIN; off < hlen;) {
		uint8_t kind = tcp[off], olen;
		uint16_t old;

		if (kind == TCPOPT_EOL)
			return 0;
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 2 > hlen)
			return 0;
		olen = tcp[off + 1];
		if (olen < 2 || off + olen > hlen)
			return 0;
		if (kind != TCPOPT_MSS || olen != TCPOLEN_MSS) {
			off += olen;
			continue;
		}
		old = ip_get16(tcp + off + 2);
		if (old <= mss)
			return 0;
		ip_put16(tcp + off + 2, mss);
		/*
		 * The checksum sums 16-bit words from the header's start: a
		 * field at an odd offset straddles two of them, byte-swapped.
		 */
		if ((off + 2) & 1)
			ip_put16(tcp + TCP_CHECK, mss_csum_replace(ip_get16(tcp + TCP_CHECK),
								   swap16(old), swap16(mss)));
		else
			ip_put16(tcp + TCP_CHECK,
				 mss_csum_replace(ip_get16(tcp + TCP_CHECK), old, mss));
		return 1;
	}
	return 0;
}

int mss_clamp_frame(uint8_t *frame, size_t len, uint16_t ip_mtu)
{
	uint8_t *ip = frame + ETH_HLEN;
	size_t ip_len, hlen, tot;

	if (len < ETH_HLEN)
		return 0;
	ip_len = len - ETH_HLEN;
	switch (ip_get16(frame + ETH_TYPE)) {
	case ETHERTYPE_IPV4:
		if (ip_len < IPV4_HLEN_MIN || ip[0] >> 4 != 4 ||
		    ip_mtu < IPV4_HLEN_MIN + TCP_HLEN_MIN)
			return 0;
		hlen = (size_t)(ip[0] & 0x0f) * 4;
		tot = ip_get16(ip + 2);
		/* Only a whole datagram or the first fragment holds the TCP header. */
		if (hlen < IPV4_HLEN_MIN || tot < hlen || tot > ip_len ||
		    ip[9] != IPPROTO_TCP_NUM || (ip_get16(ip + 6) & 0x1fff))
			return 0;
		return clamp_tcp(ip + hlen, tot - hlen,
				 (uint16_t)(ip_mtu - IPV4_HLEN_MIN - TCP_HLEN_MIN));
	case ETHERTYPE_IPV6:
		if (ip_len < IPV6_HLEN || ip[0] >> 4 != 6 || ip_mtu < IPV6_HLEN + TCP_HLEN_MIN)
			return 0;
		tot = ip_get16(ip + 4);
		if (tot > ip_len - IPV6_HLEN || ip[6] != IPPROTO_TCP_NUM)
			return 0;
		return clamp_tcp(ip + IPV6_HLEN, tot,
				 (uint16_t)(ip_mtu - IPV6_HLEN - TCP_HLEN_MIN));
	default:
		return 0;
	}
}
