// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP segmentation and coalescing for a TUN device with IFF_VNET_HDR.
 * Contracts in gso.h. Fields are read with memcpy (packets sit at any
 * alignment); checksums are sums of 16-bit words in memory order, which
 * the Internet checksum allows (RFC 1071, byte order independence), so
 * constants that go into a sum are converted with htons() first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/gso.h"
#include "core/ip.h"

enum {
	IP4_MIN = 20,
	IP6_LEN = 40,
	TCP_MIN = 20,
	TCP_CSUM_OFF = 16,
	IP_MAX = 65535,
	PROTO_TCP = 6,

	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
	TCP_URG = 0x20,
	TCP_CWR = 0x80,
};

/* The checksum field is written in memory order, as the sums are taken. */
static void put_csum(uint8_t *p, uint16_t csum)
{
	memcpy(p, &csum, 2);
}

void gso_hdr_decode(const uint8_t *p, struct gso_hdr *hdr)
{
	hdr->flags = p[0];
	hdr->type = p[1];
	memcpy(&hdr->hdr_len, p + 2, 2);
	memcpy(&hdr->size, p + 4, 2);
	memcpy(&hdr->csum_start, p + 6, 2);
	memcpy(&hdr->csum_offset, p + 8, 2);
}

void gso_hdr_encode(uint8_t *p, const struct gso_hdr *hdr)
{
	p[0] = hdr->flags;
	p[1] = hdr->type;
	memcpy(p + 2, &hdr->hdr_len, 2);
	memcpy(p + 4, &hdr->size, 2);
	memcpy(p + 6, &hdr->csum_start, 2);
	memcpy(p + 8, &hdr->csum_offset, 2);
}

uint32_t gso_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t acc = sum;

	while (len >= 32) {
		uint32_t w[8];

		memcpy(w, p, sizeof(w));
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
		p += 32;
		len -= 32;
	}
	while (len >= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high-order (first) byte of a zero-padded word. */
		uint16_t w = 0;

		memcpy(&w, p, 1);
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t gso_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The pseudo-header sum of TCP over IPv4 or IPv6 in @ip, with @l4_len bytes of TCP. */
static uint32_t pseudo_sum(int family, const uint8_t *ip, uint32_t l4_len)
{
	uint32_t sum;

	if (family == 4) {
		sum = gso_csum_add(0, ip + 12, 8);
		sum += htons((uint16_t)l4_len);
	} else {
		sum = gso_csum_add(0, ip + 8, 32);
		sum += htons((uint16_t)(l4_len >> 16)) + htons((uint16_t)l4_len);
	}
	return sum + htons(PROTO_TCP);
}

static void ip4_csum_set(uint8_t *ip, uint32_t ihl)
{
	put_csum(ip + 10, 0);
	put_csum(ip + 10, (uint16_t)~gso_csum_fold(gso_csum_add(0, ip, ihl)));
}

int gso_csum_finish(const struct gso_hdr *hdr, uint8_t *pkt, size_t len)
{
	size_t start = hdr->csum_start, field = start + hdr->csum_offset;
	uint16_t csum;

	if (start >= len || field + 2 > len)
		return -EBADMSG;
	csum = (uint16_t)~gso_csum_fold(gso_csum_add(0, pkt + start, len - start));
	/* As the kernel's skb_checksum_help: a UDP checksum of 0 would mean none. */
	put_csum(pkt + field, csum ? csum : 0xffff);
	return 0;
}

/*
 * The IP and TCP headers of @pkt: family (4 or 6), where TCP starts and
 * where the payload starts. The IP length field must cover exactly @len
 * bytes (what TUN and the engine hand over) and IPv4 must not be a
 * fragment. Returns 0 or -EBADMSG.
 */
static int tcp_headers(const uint8_t *pkt, size_t len, int *family, uint32_t *l4_off,
		       uint32_t *hdr_len)
{
	uint32_t doff;

	if (len < IP4_MIN || len > IP_MAX)
		return -EBADMSG;
	if (pkt[0] >> 4 == 4) {
		*family = 4;
		*l4_off = (pkt[0] & 0xf) * 4u;
		if (*l4_off < IP4_MIN || ip_get16(pkt + 2) != len || pkt[9] != PROTO_TCP ||
		    (ip_get16(pkt + 6) & 0x3fff))
			return -EBADMSG;
	} else if (pkt[0] >> 4 == 6) {
		*family = 6;
		*l4_off = IP6_LEN;
		if (len < IP6_LEN || (size_t)ip_get16(pkt + 4) + IP6_LEN != len ||
		    pkt[6] != PROTO_TCP)
			return -EBADMSG;
	} else {
		return -EBADMSG;
	}
	if (len < *l4_off + TCP_MIN)
		return -EBADMSG;
	doff = (pkt[*l4_off + 12] >> 4) * 4u;
	if (doff < TCP_MIN || len < *l4_off + doff)
		return -EBADMSG;
	*hdr_len = *l4_off + doff;
	return 0;
}

int gso_seg_begin(struct gso_seg *seg, const struct gso_hdr *hdr, const uint8_t *pkt, size_t len,
		  uint32_t max_count)
{
	uint8_t type = hdr->type & (uint8_t)~GSO_TYPE_ECN;
	uint32_t l4_off, hdr_len;
	int family;

	if (type != GSO_TYPE_TCPV4 && type != GSO_TYPE_TCPV6)
		return -EPROTONOSUPPORT;
	if (!(hdr->flags & GSO_F_NEEDS_CSUM) || tcp_headers(pkt, len, &family, &l4_off, &hdr_len))
		return -EBADMSG;
	if ((type == GSO_TYPE_TCPV4) != (family == 4) || hdr->csum_start != l4_off ||
	    hdr->csum_offset != TCP_CSUM_OFF)
		return -EBADMSG;
	if (pkt[l4_off + 13] & (TCP_SYN | TCP_RST | TCP_URG))
		return -EBADMSG;
	if (!hdr->size || len == hdr_len || hdr_len + hdr->size > IP_MAX)
		return -EBADMSG;
	seg->pkt = pkt;
	seg->family = family;
	seg->l4_off = l4_off;
	seg->hdr_len = hdr_len;
	seg->payload = (uint32_t)len - hdr_len;
	seg->mss = hdr->size;
	seg->count = (seg->payload + seg->mss - 1) / seg->mss;
	if (seg->count > max_count)
		return -EBADMSG;
	seg->done = 0;
	seg->index = 0;
	seg->seq = ip_get32(pkt + l4_off + 4);
	seg->ip_id = family == 4 ? ip_get16(pkt + 4) : 0;
	return 0;
}

int gso_seg_next(struct gso_seg *seg, uint8_t *out, size_t cap)
{
	uint32_t n = seg->payload - seg->done, total, tcp_len;
	bool first = !seg->index, last;
	uint8_t *tcp = out + seg->l4_off, flags;
	uint32_t sum;

	if (n > seg->mss)
		n = seg->mss;
	last = seg->index + 1 == seg->count;
	total = seg->hdr_len + n;
	if (total > cap) {
		seg->done += n;
		seg->index++;
		return -ENOSPC;
	}
	memcpy(out, seg->pkt, seg->hdr_len);
	memcpy(out + seg->hdr_len, seg->pkt + seg->hdr_len + seg->done, n);
	if (seg->family == 4) {
		ip_put16(out + 2, (uint16_t)total);
		ip_put16(out + 4, (uint16_t)(seg->ip_id + seg->index));
		ip4_csum_set(out, seg->l4_off);
	} else {
		ip_put16(out + 4, (uint16_t)(total - IP6_LEN));
	}
	ip_put32(tcp + 4, seg->seq + seg->done);
	flags = tcp[13];
	if (!last)
		flags &= (uint8_t) ~(TCP_FIN | TCP_PSH);
	if (!first)
		flags &= (uint8_t)~TCP_CWR;
	tcp[13] = flags;
	tcp_len = total - seg->l4_off;
	put_csum(tcp + TCP_CSUM_OFF, 0);
	sum = pseudo_sum(seg->family, out, tcp_len);
	sum = gso_csum_add(sum, tcp, tcp_len);
	put_csum(tcp + TCP_CSUM_OFF, (uint16_t)~gso_csum_fold(sum));
	seg->done += n;
	seg->index++;
	return (int)total;
}

/* True when the TCP checksum of the whole packet @pkt is right. */
static bool tcp_csum_ok(int family, const uint8_t *pkt, uint32_t l4_off, size_t len)
{
	uint32_t sum = pseudo_sum(family, pkt, (uint32_t)(len - l4_off));

	return gso_csum_fold(gso_csum_add(sum, pkt + l4_off, len - l4_off)) == 0xffff;
}

int gso_coalesce_start(struct gso_run *st, const uint8_t *pkt, size_t len)
{
	uint32_t l4_off, hdr_len;
	uint8_t flags;
	int family;

	if (tcp_headers(pkt, len, &family, &l4_off, &hdr_len) || len == hdr_len)
		return 1;
	flags = pkt[l4_off + 13];
	if ((flags & ~(TCP_ACK | TCP_PSH)) || !(flags & TCP_ACK))
		return 1;
	st->family = family;
	st->l4_off = l4_off;
	st->hdr_len = hdr_len;
	st->mss = (uint32_t)len - hdr_len;
	st->next_seq = ip_get32(pkt + l4_off + 4) + st->mss;
	st->count = 1;
	st->closed = flags & TCP_PSH;
	return 0;
}

/* True when @a and @b are the same flow: addresses, protocol, ports. */
static bool same_flow(const struct gso_run *st, const uint8_t *a, const uint8_t *b)
{
	if (st->family == 4) {
		if (memcmp(a + 12, b + 12, 8))
			return false;
	} else if (memcmp(a + 8, b + 8, 32)) {
		return false;
	}
	return !memcmp(a + st->l4_off, b + st->l4_off, 4);
}

bool gso_coalesce_same_flow(const struct gso_run *st, const uint8_t *super, const uint8_t *pkt,
			    size_t len)
{
	return len >= st->hdr_len && (pkt[0] >> 4) == (st->family == 4 ? 4 : 6) &&
	       same_flow(st, super, pkt);
}

/*
 * True when the headers of @a and @b agree in everything a coalesced
 * packet keeps from its first segment; lengths, the IPv4 id and checksum,
 * the TCP sequence number, PSH and the TCP checksum may differ.
 */
static bool same_headers(const struct gso_run *st, const uint8_t *a, const uint8_t *b)
{
	const uint8_t *ta = a + st->l4_off, *tb = b + st->l4_off;

	if (st->family == 4) {
		if (memcmp(a, b, 2) || memcmp(a + 6, b + 6, 4) ||
		    memcmp(a + 12, b + 12, st->l4_off - 12))
			return false;
	} else if (memcmp(a, b, 4) || memcmp(a + 6, b + 6, 34)) {
		return false;
	}
	return !memcmp(ta, tb, 4) && !memcmp(ta + 8, tb + 8, 5) &&
	       (ta[13] & ~TCP_PSH) == (tb[13] & ~TCP_PSH) && !memcmp(ta + 14, tb + 14, 2) &&
	       !memcmp(ta + 18, tb + 18, st->hdr_len - st->l4_off - 18);
}

int gso_coalesce(struct gso_run *st, uint8_t *super, uint32_t *super_len, size_t cap,
		 const uint8_t *pkt, size_t len)
{
	uint32_t payload;
	uint8_t flags;

	if (len < st->hdr_len || (pkt[0] >> 4) != (st->family == 4 ? 4 : 6) ||
	    !same_flow(st, super, pkt))
		return GSO_FLOW_OTHER;
	if (st->closed || !same_headers(st, super, pkt))
		return GSO_FLOW_BREAK;
	/* The same header fields, so the same header length: the rest is payload. */
	if ((st->family == 4 && ip_get16(pkt + 2) != len) ||
	    (st->family == 6 && (size_t)ip_get16(pkt + 4) + IP6_LEN != len))
		return GSO_FLOW_BREAK;
	payload = (uint32_t)len - st->hdr_len;
	flags = pkt[st->l4_off + 13];
	if (!payload || payload > st->mss || ip_get32(pkt + st->l4_off + 4) != st->next_seq ||
	    *super_len + payload > cap || *super_len + payload > IP_MAX)
		return GSO_FLOW_BREAK;
	/*
	 * The kernel takes a coalesced packet's checksum as done: each segment
	 * is checked here instead (the first when the second joins).
	 */
	if (!tcp_csum_ok(st->family, pkt, st->l4_off, len))
		return GSO_FLOW_BREAK;
	if (st->count == 1 && !tcp_csum_ok(st->family, super, st->l4_off, *super_len)) {
		st->closed = true;
		return GSO_FLOW_BREAK;
	}
	memcpy(super + *super_len, pkt + st->hdr_len, payload);
	*super_len += payload;
	st->next_seq += payload;
	st->count++;
	if (flags & TCP_PSH) {
		super[st->l4_off + 13] |= TCP_PSH;
		st->closed = true;
	}
	if (payload < st->mss)
		st->closed = true;
	return GSO_COALESCED;
}

void gso_coalesce_finish(const struct gso_run *st, uint8_t *super, uint32_t super_len,
			 struct gso_hdr *hdr)
{
	uint32_t tcp_len = super_len - st->l4_off;

	memset(hdr, 0, sizeof(*hdr));
	if (st->count < 2)
		return;
	if (st->family == 4) {
		ip_put16(super + 2, (uint16_t)super_len);
		ip4_csum_set(super, st->l4_off);
	} else {
		ip_put16(super + 4, (uint16_t)(super_len - IP6_LEN));
	}
	put_csum(super + st->l4_off + TCP_CSUM_OFF,
		 gso_csum_fold(pseudo_sum(st->family, super, tcp_len)));
	hdr->flags = GSO_F_NEEDS_CSUM;
	hdr->type = st->family == 4 ? GSO_TYPE_TCPV4 : GSO_TYPE_TCPV6;
	hdr->hdr_len = (uint16_t)st->hdr_len;
	hdr->size = (uint16_t)st->mss;
	hdr->csum_start = (uint16_t)st->l4_off;
	hdr->csum_offset = TCP_CSUM_OFF;
}
