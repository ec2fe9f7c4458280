// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP segmentation and coalescing (core/gso.h). Every segment's headers and
 * checksums are checked against a computation written here independently
 * (byte by byte, big-endian words), and coalescing is checked by round
 * trips: super-packet -> segments -> super-packet -> the same segments.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/gso.h"

#define MAXPKT 70000

enum {
	FIN = 0x01,
	SYN = 0x02,
	RST = 0x04,
	PSH = 0x08,
	ACK = 0x10,
	URG = 0x20,
	ECE = 0x40,
	CWR = 0x80,
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v);
}

/* The ones' complement sum, byte by byte in big-endian words, unfolded. */
static uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sum += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	return sum;
}

static uint16_t ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t ref_pseudo(const uint8_t *ip, uint32_t tcp_len)
{
	if (ip[0] >> 4 == 4)
		return ref_sum(0, ip + 12, 8) + 6 + tcp_len;
	return ref_sum(0, ip + 8, 32) + 6 + (tcp_len >> 16) + (tcp_len & 0xffff);
}

/* True when the IPv4 header checksum and the TCP checksum of @pkt verify. */
static bool ref_tcp_ok(const uint8_t *pkt, size_t len, size_t l4)
{
	if (pkt[0] >> 4 == 4 && ref_fold(ref_sum(0, pkt, l4)) != 0xffff)
		return false;
	return ref_fold(ref_sum(ref_pseudo(pkt, (uint32_t)(len - l4)), pkt + l4, len - l4)) ==
	       0xffff;
}

struct spec {
	int family;
	unsigned ip_opts;  /* IPv4 option bytes (multiple of 4) */
	unsigned tcp_opts; /* TCP option bytes (multiple of 4) */
	uint8_t flags;
	uint32_t payload;
};

/*
 * Builds a TCP packet as the kernel hands a TSO super-packet over: lengths
 * covering all of it, the pseudo-header sum (not complemented) in the TCP
 * checksum field. Returns its length; *@l4 is where TCP starts.
 */
static size_t build(uint8_t *p, const struct spec *s, uint32_t seq, size_t *l4)
{
	size_t ip_len = s->family == 4 ? 20 + s->ip_opts : 40;
	size_t hdr = ip_len + 20 + s->tcp_opts, len = hdr + s->payload;
	uint8_t *t = p + ip_len;

	memset(p, 0, hdr);
	if (s->family == 4) {
		p[0] = (uint8_t)(0x40 | ip_len / 4);
		p[1] = 0x02; /* ECT(0) */
		wr16(p + 2, (uint32_t)len);
		wr16(p + 4, 0xfffe); /* the id wraps during the segments */
		wr16(p + 6, 0x4000); /* DF */
		p[8] = 64;
		p[9] = 6;
		memcpy(p + 12, (uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
		for (unsigned i = 0; i < s->ip_opts; i++)
			p[20 + i] = 1; /* NOP */
		wr16(p + 10, (uint16_t)~ref_fold(ref_sum(0, p, ip_len)));
	} else {
		p[0] = 0x60;
		p[1] = 0x01;
		p[2] = 0x23;
		wr16(p + 4, (uint32_t)(len - 40));
		p[6] = 6;
		p[7] = 64;
		p[8] = 0xfd;
		p[23] = 1;
		p[24] = 0xfd;
		p[39] = 2;
	}
	wr16(t, 40000);
	wr16(t + 2, 5201);
	wr32(t + 4, seq);
	wr32(t + 8, 0x01020304);
	t[12] = (uint8_t)((20 + s->tcp_opts) / 4 << 4);
	t[13] = s->flags;
	wr16(t + 14, 502);
	for (unsigned i = 0; i < s->tcp_opts; i++)
		t[20 + i] = i < s->tcp_opts - 1 ? 1 : 0; /* NOPs, then EOL */
	for (uint32_t i = 0; i < s->payload; i++)
		p[hdr + i] = (uint8_t)(i * 7 + (i >> 8));
	wr16(t + 16, ref_fold(ref_pseudo(p, (uint32_t)(len - ip_len))));
	*l4 = ip_len;
	return len;
}

static void complete_tcp_csum(uint8_t *p, size_t len, size_t l4)
{
	wr16(p + l4 + 16, 0);
	wr16(p + l4 + 16,
	     (uint16_t)~ref_fold(ref_sum(ref_pseudo(p, (uint32_t)(len - l4)), p + l4, len - l4)));
}

static struct gso_hdr tso_hdr(const struct spec *s, size_t l4, uint16_t mss)
{
	struct gso_hdr h = {
	    .flags = GSO_F_NEEDS_CSUM,
	    .type = s->family == 4 ? GSO_TYPE_TCPV4 : GSO_TYPE_TCPV6,
	    .hdr_len = (uint16_t)(l4 + 20 + s->tcp_opts),
	    .size = mss,
	    .csum_start = (uint16_t)l4,
	    .csum_offset = 16,
	};
	return h;
}

static uint8_t super[MAXPKT], seg[256][2048], merged[MAXPKT];
static size_t seg_len[256];

/* Segments @super and checks every segment against the original. Returns the count. */
static unsigned split_and_check(unsigned c, const struct gso_hdr *h, const uint8_t *sp, size_t len,
				size_t l4, unsigned want)
{
	size_t hdr = h->hdr_len;
	uint32_t payload = (uint32_t)(len - hdr), seq0 = rd32(sp + l4 + 4), off = 0;
	uint8_t flags0 = sp[l4 + 13];
	struct gso_seg g;
	unsigned n = 0;
	int ret;

	ret = gso_seg_begin(&g, h, sp, len, 256);
	if (ret)
		fail_msg("case %u: gso_seg_begin %d", c, ret);
	while (gso_seg_more(&g)) {
		uint8_t *s = seg[n];
		uint32_t plen = payload - off < h->size ? payload - off : h->size;
		bool first = n == 0, last = off + plen == payload;
		uint8_t want_flags = flags0;

		ret = gso_seg_next(&g, s, sizeof(seg[n]));
		if (ret != (int)(hdr + plen))
			fail_msg("case %u seg %u: length %d, want %zu", c, n, ret, hdr + plen);
		seg_len[n] = (size_t)ret;
		if (!ref_tcp_ok(s, seg_len[n], l4))
			fail_msg("case %u seg %u: checksum", c, n);
		if (s[0] >> 4 == 4) {
			assert_int_equal(rd16(s + 2), seg_len[n]);
			assert_int_equal(rd16(s + 4), (uint16_t)(rd16(sp + 4) + n));
			/* Everything else in the IPv4 header as the original. */
			assert_memory_equal(s + 6, sp + 6, 4);
			assert_memory_equal(s + 12, sp + 12, l4 - 12);
			assert_memory_equal(s, sp, 2);
		} else {
			assert_int_equal(rd16(s + 4), seg_len[n] - 40);
			assert_memory_equal(s, sp, 4);
			assert_memory_equal(s + 6, sp + 6, 34);
		}
		assert_int_equal(rd32(s + l4 + 4), seq0 + off);
		if (!last)
			want_flags &= (uint8_t) ~(FIN | PSH);
		if (!first)
			want_flags &= (uint8_t)~CWR;
		if (s[l4 + 13] != want_flags)
			fail_msg("case %u seg %u: flags %#x, want %#x", c, n, s[l4 + 13],
				 want_flags);
		assert_memory_equal(s + l4, sp + l4, 4);
		assert_memory_equal(s + l4 + 8, sp + l4 + 8, 5);
		assert_memory_equal(s + l4 + 14, sp + l4 + 14, 2);
		assert_memory_equal(s + l4 + 18, sp + l4 + 18, hdr - l4 - 18);
		assert_memory_equal(s + hdr, sp + hdr + off, plen);
		off += plen;
		n++;
	}
	assert_int_equal(off, payload);
	if (n != want)
		fail_msg("case %u: %u segments, want %u", c, n, want);
	return n;
}

static const struct {
	struct spec s;
	uint16_t mss;
	unsigned segs;
} seg_cases[] = {
    /* 1 */ {{4, 0, 0, ACK | PSH, 3500}, 1000, 4},
    /* 2 */ {{6, 0, 0, ACK | PSH, 2800}, 1400, 2},
    /* 3: one segment */ {{4, 0, 0, ACK, 500}, 1400, 1},
    /* 4: IPv4 and TCP options */ {{4, 8, 12, ACK | PSH, 4096}, 1368, 3},
    /* 5: CWR on the first only, FIN on the last */ {{4, 0, 12, ACK | CWR | FIN, 3000}, 1000, 3},
    /* 6 */ {{6, 0, 12, ACK | ECE | PSH, 65535 - 72}, 1388, 48},
    /* 7: odd sizes */ {{6, 0, 4, ACK, 1001}, 333, 4},
    /* 8: the largest IPv4 */ {{4, 0, 0, ACK, 65535 - 40}, 1380, 48},
    /* 9: a payload of one byte */ {{4, 0, 0, ACK | PSH, 1}, 1380, 1},
};

static void segment(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(seg_cases) / sizeof(seg_cases[0]); i++) {
		size_t l4, len = build(super, &seg_cases[i].s, 0xfffff000u, &l4);
		struct gso_hdr h = tso_hdr(&seg_cases[i].s, l4, seg_cases[i].mss);

		split_and_check(i + 1, &h, super, len, l4, seg_cases[i].segs);
		/* The ECN bit in the gso type changes nothing. */
		h.type |= GSO_TYPE_ECN;
		split_and_check(i + 1, &h, super, len, l4, seg_cases[i].segs);
	}
}

/* Headers that do not add up, and offloads not done here: refused, nothing read beyond. */
static void segment_refused(void **state)
{
	enum {
		M_NONE,
		M_MSS0,
		M_TYPE_UDP,
		M_TYPE_UDP_L4,
		M_TYPE_WRONG_FAMILY,
		M_NO_NEEDS_CSUM,
		M_CSUM_START,
		M_CSUM_OFFSET,
		M_TOT_LEN,
		M_SYN,
		M_RST,
		M_URG,
		M_PROTO_UDP,
		M_DOFF_SHORT,
		M_DOFF_LONG,
		M_NO_PAYLOAD,
		M_TOO_MANY,
		M_FRAGMENT,
		M_VERSION,
		M_IHL_SHORT,
		M_MSS_HUGE,
	};
	static const struct {
		int family;
		int mangle;
		int ret;
	} cases[] = {
	    /* 1 */ {4, M_MSS0, -EBADMSG},
	    /* 2 */ {4, M_TYPE_UDP, -EPROTONOSUPPORT},
	    /* 3 */ {6, M_TYPE_UDP_L4, -EPROTONOSUPPORT},
	    /* 4 */ {4, M_TYPE_WRONG_FAMILY, -EBADMSG},
	    /* 5 */ {6, M_TYPE_WRONG_FAMILY, -EBADMSG},
	    /* 6 */ {4, M_NO_NEEDS_CSUM, -EBADMSG},
	    /* 7 */ {4, M_CSUM_START, -EBADMSG},
	    /* 8 */ {6, M_CSUM_OFFSET, -EBADMSG},
	    /* 9 */ {4, M_TOT_LEN, -EBADMSG},
	    /* 10 */ {6, M_TOT_LEN, -EBADMSG},
	    /* 11 */ {4, M_SYN, -EBADMSG},
	    /* 12 */ {4, M_RST, -EBADMSG},
	    /* 13 */ {6, M_URG, -EBADMSG},
	    /* 14 */ {4, M_PROTO_UDP, -EBADMSG},
	    /* 15 */ {6, M_PROTO_UDP, -EBADMSG},
	    /* 16 */ {4, M_DOFF_SHORT, -EBADMSG},
	    /* 17 */ {4, M_DOFF_LONG, -EBADMSG},
	    /* 18 */ {4, M_NO_PAYLOAD, -EBADMSG},
	    /* 19: gso_size 1 for 3000 bytes: more than the limit of 256 */
	    {4, M_TOO_MANY, -EBADMSG},
	    /* 20 */ {4, M_FRAGMENT, -EBADMSG},
	    /* 21 */ {4, M_VERSION, -EBADMSG},
	    /* 22 */ {4, M_IHL_SHORT, -EBADMSG},
	    /* 23 */ {4, M_MSS_HUGE, -EBADMSG},
	    /* 24: control, accepted */ {6, M_NONE, 0},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec s = {cases[i].family, 0, 0, ACK, 3000};
		size_t l4, len;
		struct gso_hdr h;
		struct gso_seg g;
		uint8_t *t;
		int ret;

		if (cases[i].mangle == M_NO_PAYLOAD)
			s.payload = 0;
		len = build(super, &s, 1, &l4);
		h = tso_hdr(&s, l4, 1000);
		t = super + l4;
		switch (cases[i].mangle) {
		case M_MSS0:
			h.size = 0;
			break;
		case M_TYPE_UDP:
			h.type = GSO_TYPE_UDP;
			break;
		case M_TYPE_UDP_L4:
			h.type = GSO_TYPE_UDP_L4;
			break;
		case M_TYPE_WRONG_FAMILY:
			h.type = s.family == 4 ? GSO_TYPE_TCPV6 : GSO_TYPE_TCPV4;
			break;
		case M_NO_NEEDS_CSUM:
			h.flags = 0;
			break;
		case M_CSUM_START:
			h.csum_start = 24;
			break;
		case M_CSUM_OFFSET:
			h.csum_offset = 6;
			break;
		case M_TOT_LEN:
			wr16(super + (s.family == 4 ? 2 : 4),
			     rd16(super + (s.family == 4 ? 2 : 4)) + 1);
			break;
		case M_SYN:
			t[13] |= SYN;
			break;
		case M_RST:
			t[13] |= RST;
			break;
		case M_URG:
			t[13] |= URG;
			break;
		case M_PROTO_UDP:
			super[s.family == 4 ? 9 : 6] = 17;
			break;
		case M_DOFF_SHORT:
			t[12] = 4 << 4;
			break;
		case M_DOFF_LONG:
			t[12] = 15 << 4;
			len = l4 + 40;
			wr16(super + 2, (uint32_t)len);
			break;
		case M_TOO_MANY:
			h.size = 1;
			break;
		case M_FRAGMENT:
			wr16(super + 6, 0x2000);
			break;
		case M_VERSION:
			super[0] = 0x55;
			break;
		case M_IHL_SHORT:
			super[0] = 0x44;
			break;
		case M_MSS_HUGE:
			h.size = 65535 - 30;
			break;
		}
		ret = gso_seg_begin(&g, &h, super, len, 256);
		if (ret != cases[i].ret)
			fail_msg("case %u: gso_seg_begin returned %d, want %d", i + 1, ret,
				 cases[i].ret);
	}
}

/* Every truncation of a valid super-packet: refused, no read past the end (ASan). */
static void segment_truncated(void **state)
{
	static const struct spec specs[] = {
	    {4, 4, 12, ACK, 100},
	    {6, 0, 8, ACK, 100},
	};

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		size_t l4, len = build(super, &specs[i], 7, &l4);
		struct gso_hdr h = tso_hdr(&specs[i], l4, 50);

		for (size_t cut = 0; cut < len; cut++) {
			uint8_t *copy = malloc(cut ? cut : 1);
			struct gso_seg g;

			memcpy(copy, super, cut);
			if (gso_seg_begin(&g, &h, copy, cut, 256) != -EBADMSG)
				fail_msg("spec %u: %zu of %zu bytes accepted", i + 1, cut, len);
			free(copy);
		}
	}
}

/* A segment that does not fit the output: -ENOSPC, and the next one still comes. */
static void segment_nospace(void **state)
{
	struct spec s = {4, 0, 0, ACK, 2500};
	size_t l4, len = build(super, &s, 100, &l4);
	struct gso_hdr h = tso_hdr(&s, l4, 1000);
	struct gso_seg g;

	(void)state;
	assert_int_equal(gso_seg_begin(&g, &h, super, len, 8), 0);
	assert_int_equal(gso_seg_next(&g, seg[0], 1039), -ENOSPC);
	assert_int_equal(gso_seg_next(&g, seg[1], 1040), 1040);
	assert_int_equal(rd32(seg[1] + 24), 1100);
	assert_int_equal(gso_seg_next(&g, seg[2], 540), 540);
	assert_false(gso_seg_more(&g));
	assert_true(ref_tcp_ok(seg[2], 540, 20));
}

/* NEEDS_CSUM without GSO: the checksum over [csum_start, end) is finished. */
static void csum_finish(void **state)
{
	static const struct {
		unsigned udp_len;
		uint16_t start, offset;
		size_t len_cut;
		int ret;
	} cases[] = {
	    /* 1 */ {8 + 100, 20, 6, 0, 0},
	    /* 2: odd length */ {8 + 33, 20, 6, 0, 0},
	    /* 3: no payload */ {8, 20, 6, 0, 0},
	    /* 4: field beyond the end */ {8, 20, 7, 0, -EBADMSG},
	    /* 5: start beyond the end */ {8, 28, 0, 0, -EBADMSG},
	    /* 6: start far away */ {8, 60000, 6, 0, -EBADMSG},
	    /* 7: packet cut short */ {8, 20, 6, 22, -EBADMSG},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t p[200];
		size_t len = 20 + cases[i].udp_len;
		struct gso_hdr h = {GSO_F_NEEDS_CSUM, 0, 0, 0, cases[i].start, cases[i].offset};
		int ret;

		memset(p, 0, sizeof(p));
		p[0] = 0x45;
		wr16(p + 2, (uint32_t)len);
		p[9] = 17;
		memcpy(p + 12, (uint8_t[]){192, 168, 1, 1, 192, 168, 1, 2}, 8);
		wr16(p + 20, 1234);
		wr16(p + 22, 53);
		wr16(p + 24, cases[i].udp_len);
		for (unsigned k = 28; k < len; k++)
			p[k] = (uint8_t)(k * 13);
		/* The pseudo-header sum, as the kernel leaves it. */
		wr16(p + 26, ref_fold(ref_sum(0, p + 12, 8) + 17 + cases[i].udp_len));
		ret = gso_csum_finish(&h, p, cases[i].len_cut ? cases[i].len_cut : len);
		if (ret != cases[i].ret)
			fail_msg("case %u: returned %d, want %d", i + 1, ret, cases[i].ret);
		if (ret)
			continue;
		if (ref_fold(ref_sum(ref_sum(0, p + 12, 8) + 17 + cases[i].udp_len, p + 20,
				     cases[i].udp_len)) != 0xffff)
			fail_msg("case %u: checksum does not verify", i + 1);
		assert_int_not_equal(rd16(p + 26), 0);
	}
}

/* Cuts @sp, coalesces the segments back, checks the result and cuts it again. */
static void round_trip(unsigned c, const struct spec *s, uint16_t mss)
{
	size_t l4, len = build(super, s, 0x7ffffff0u, &l4), hdr_len = l4 + 20 + s->tcp_opts;
	struct gso_hdr h = tso_hdr(s, l4, mss), h2;
	unsigned n = split_and_check(c, &h, super, len, l4, (s->payload + mss - 1) / mss);
	struct gso_run run;
	uint32_t mlen;
	uint8_t first[2048];

	memcpy(merged, seg[0], seg_len[0]);
	memcpy(first, seg[0], seg_len[0]);
	mlen = (uint32_t)seg_len[0];
	assert_int_equal(gso_coalesce_start(&run, merged, mlen), 0);
	for (unsigned i = 1; i < n; i++) {
		int r = gso_coalesce(&run, merged, &mlen, sizeof(merged), seg[i], seg_len[i]);

		if (r != GSO_COALESCED)
			fail_msg("case %u: segment %u of %u not coalesced (%d)", c, i, n, r);
	}
	assert_int_equal(run.count, n);
	gso_coalesce_finish(&run, merged, mlen, &h2);
	if (n == 1) {
		/* Alone: untouched, a plain packet. */
		assert_int_equal(h2.type, GSO_TYPE_NONE);
		assert_int_equal(h2.flags, 0);
		assert_memory_equal(merged, first, seg_len[0]);
		return;
	}
	assert_int_equal(mlen, len);
	assert_int_equal(h2.flags, GSO_F_NEEDS_CSUM);
	assert_int_equal(h2.type, h.type);
	assert_int_equal(h2.size, mss);
	assert_int_equal(h2.hdr_len, hdr_len);
	assert_int_equal(h2.csum_start, l4);
	assert_int_equal(h2.csum_offset, 16);
	/* The super-packet the kernel would have made, byte for byte. */
	if (memcmp(merged, super, len))
		fail_msg("case %u: coalesced packet differs from the original", c);
	/* And it cuts into the same segments again. */
	memcpy(super, merged, mlen);
	split_and_check(c, &h2, super, mlen, l4, n);
}

static void coalesce_round_trip(void **state)
{
	static const struct {
		struct spec s;
		uint16_t mss;
	} cases[] = {
	    /* 1 */ {{4, 0, 12, ACK | PSH, 3500}, 1000},
	    /* 2 */ {{6, 0, 12, ACK | PSH, 64000}, 1388},
	    /* 3: one segment */ {{4, 0, 0, ACK, 700}, 1380},
	    /* 4: IPv4 options */ {{4, 12, 0, ACK, 4000}, 1000},
	    /* 5: exact multiple */ {{6, 0, 0, ACK, 4140}, 1380},
	    /* 6: the largest IPv4 */ {{4, 0, 0, ACK, 65535 - 40}, 1380},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		round_trip(i + 1, &cases[i].s, cases[i].mss);
}

/* What must not join a run, and what must not start one. */
static void coalesce_refused(void **state)
{
	enum {
		C_SEQ,
		C_PORT,
		C_DST,
		C_LONGER,
		C_FIN,
		C_BAD_CSUM,
		C_BAD_CSUM_FIRST,
		C_TTL,
		C_TOS,
		C_WINDOW,
		C_ACK,
		C_OPTION,
		C_AFTER_SHORT,
		C_AFTER_PSH,
		C_CAP,
		C_FAMILY,
		C_TRUNCATED,
		C_TOT_LEN,
	};
	static const struct {
		int family;
		int mangle;
		int ret;
	} cases[] = {
	    /* 1 */ {4, C_SEQ, GSO_FLOW_BREAK},
	    /* 2 */ {4, C_PORT, GSO_FLOW_OTHER},
	    /* 3 */ {6, C_DST, GSO_FLOW_OTHER},
	    /* 4 */ {4, C_LONGER, GSO_FLOW_BREAK},
	    /* 5 */ {4, C_FIN, GSO_FLOW_BREAK},
	    /* 6 */ {6, C_BAD_CSUM, GSO_FLOW_BREAK},
	    /* 7 */ {4, C_BAD_CSUM_FIRST, GSO_FLOW_BREAK},
	    /* 8 */ {4, C_TTL, GSO_FLOW_BREAK},
	    /* 9 */ {6, C_TOS, GSO_FLOW_BREAK},
	    /* 10 */ {4, C_WINDOW, GSO_FLOW_BREAK},
	    /* 11 */ {6, C_ACK, GSO_FLOW_BREAK},
	    /* 12 */ {4, C_OPTION, GSO_FLOW_BREAK},
	    /* 13 */ {4, C_AFTER_SHORT, GSO_FLOW_BREAK},
	    /* 14 */ {6, C_AFTER_PSH, GSO_FLOW_BREAK},
	    /* 15 */ {4, C_CAP, GSO_FLOW_BREAK},
	    /* 16 */ {4, C_FAMILY, GSO_FLOW_OTHER},
	    /* 17 */ {4, C_TRUNCATED, GSO_FLOW_OTHER},
	    /* 18 */ {4, C_TOT_LEN, GSO_FLOW_BREAK},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec s = {cases[i].family, 0, 12, ACK, 1000}, s2;
		size_t l4, l4b, len, len2, cap = sizeof(merged);
		uint32_t mlen;
		struct gso_run run;
		uint8_t *t;
		int r;

		/* The first segment. */
		len = build(merged, &s, 5000, &l4);
		complete_tcp_csum(merged, len, l4);
		if (cases[i].mangle == C_AFTER_SHORT || cases[i].mangle == C_AFTER_PSH) {
			/* A run of two whose second ends it. */
			uint8_t *third = seg[0];

			s2 = s;
			if (cases[i].mangle == C_AFTER_SHORT)
				s2.payload = 500;
			else
				s2.flags |= PSH;
			len2 = build(seg[1], &s2, 6000, &l4b);
			complete_tcp_csum(seg[1], len2, l4b);
			mlen = (uint32_t)len;
			assert_int_equal(gso_coalesce_start(&run, merged, mlen), 0);
			assert_int_equal(gso_coalesce(&run, merged, &mlen, cap, seg[1], len2),
					 GSO_COALESCED);
			len2 = build(third, &s, 6000 + s2.payload, &l4b);
			complete_tcp_csum(third, len2, l4b);
			r = gso_coalesce(&run, merged, &mlen, cap, third, len2);
			if (r != cases[i].ret)
				fail_msg("case %u: %d, want %d", i + 1, r, cases[i].ret);
			continue;
		}
		s2 = s;
		if (cases[i].mangle == C_LONGER)
			s2.payload = 1001;
		if (cases[i].mangle == C_FAMILY)
			s2.family = 6;
		len2 = build(seg[0], &s2, 6000, &l4b);
		t = seg[0] + l4b;
		switch (cases[i].mangle) {
		case C_SEQ:
			wr32(t + 4, 6001);
			break;
		case C_PORT:
			wr16(t + 2, 5202);
			break;
		case C_DST:
			seg[0][39] = 3;
			break;
		case C_FIN:
			t[13] |= FIN;
			break;
		case C_TTL:
			seg[0][8] = 63;
			wr16(seg[0] + 10, 0);
			wr16(seg[0] + 10, (uint16_t)~ref_fold(ref_sum(0, seg[0], 20)));
			break;
		case C_TOS:
			seg[0][1] |= 0x08;
			break;
		case C_WINDOW:
			wr16(t + 14, 503);
			break;
		case C_ACK:
			wr32(t + 8, 0x01020305);
			break;
		case C_OPTION:
			t[20] = 0;
			break;
		case C_CAP:
			cap = len + 999;
			break;
		case C_TRUNCATED:
			len2 = l4b + 10;
			break;
		case C_TOT_LEN:
			len2 -= 1;
			break;
		}
		if (cases[i].mangle != C_TRUNCATED && cases[i].mangle != C_TOT_LEN)
			complete_tcp_csum(seg[0], len2, l4b);
		if (cases[i].mangle == C_BAD_CSUM)
			seg[0][len2 - 1] ^= 1;
		mlen = (uint32_t)len;
		assert_int_equal(gso_coalesce_start(&run, merged, mlen), 0);
		if (cases[i].mangle == C_BAD_CSUM_FIRST)
			merged[len - 1] ^= 0x40;
		r = gso_coalesce(&run, merged, &mlen, cap, seg[0], len2);
		if (r != cases[i].ret)
			fail_msg("case %u: %d, want %d", i + 1, r, cases[i].ret);
		assert_int_equal(mlen, len);
		assert_int_equal(run.count, 1);
	}
}

static void coalesce_start_refused(void **state)
{
	enum {
		S_SYN,
		S_FIN,
		S_RST,
		S_NO_ACK,
		S_URG,
		S_CWR,
		S_UDP,
		S_EMPTY,
		S_FRAGMENT,
		S_TRUNC,
		S_LEN
	};
	static const struct {
		int family;
		int mangle;
	} cases[] = {
	    /* 1 */ {4, S_SYN},	   /* 2 */ {6, S_FIN},	 /* 3 */ {4, S_RST},
	    /* 4 */ {4, S_NO_ACK}, /* 5 */ {6, S_URG},	 /* 6 */ {4, S_CWR},
	    /* 7 */ {6, S_UDP},	   /* 8 */ {4, S_EMPTY}, /* 9 */ {4, S_FRAGMENT},
	    /* 10 */ {6, S_TRUNC}, /* 11 */ {4, S_LEN},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec s = {cases[i].family, 0, 0, ACK, 100};
		struct gso_run run;
		size_t l4, len;

		if (cases[i].mangle == S_EMPTY)
			s.payload = 0;
		len = build(merged, &s, 1, &l4);
		switch (cases[i].mangle) {
		case S_SYN:
			merged[l4 + 13] |= SYN;
			break;
		case S_FIN:
			merged[l4 + 13] |= FIN;
			break;
		case S_RST:
			merged[l4 + 13] |= RST;
			break;
		case S_NO_ACK:
			merged[l4 + 13] = PSH;
			break;
		case S_URG:
			merged[l4 + 13] |= URG;
			break;
		case S_CWR:
			merged[l4 + 13] |= CWR;
			break;
		case S_UDP:
			merged[6] = 17;
			break;
		case S_FRAGMENT:
			wr16(merged + 6, 0x2001);
			break;
		case S_TRUNC:
			len = 50;
			break;
		case S_LEN:
			len += 4;
			break;
		}
		if (gso_coalesce_start(&run, merged, len) != 1)
			fail_msg("case %u: a run started", i + 1);
	}
}

/* The virtio_net_hdr round trip. */
/* gso_coalesce_same_flow(): the flow, whether or not the packet could join. */
static void coalesce_same_flow(void **state)
{
	enum { F_SAME, F_SEQ, F_PORT, F_DST, F_FAMILY, F_TRUNC };
	static const struct {
		int family;
		int mangle;
		bool same;
	} cases[] = {
	    /* 1 */ {4, F_SAME, true},	 /* 2 */ {6, F_SEQ, true},
	    /* 3 */ {4, F_PORT, false},
	    /* 4 */ {6, F_DST, false},	 /* 5 */ {4, F_FAMILY, false},
	    /* 6 */ {6, F_TRUNC, false},
	};
	static uint8_t a[2000], b[2000];

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct spec s = {cases[c].family, 0, 12, 0x10, 1000};
		struct gso_run run;
		size_t l4, alen = build(a, &s, 1000, &l4), blen;

		complete_tcp_csum(a, alen, l4);
		assert_int_equal(gso_coalesce_start(&run, a, alen), 0);
		blen = build(b, &s, cases[c].mangle == F_SEQ ? 7 : 2000, &l4);
		if (cases[c].mangle == F_PORT)
			b[l4 + 1] ^= 1;
		if (cases[c].mangle == F_DST)
			b[39] ^= 1;
		if (cases[c].mangle == F_FAMILY)
			b[0] = 0x65;
		if (cases[c].mangle == F_TRUNC)
			blen = l4;
		if (gso_coalesce_same_flow(&run, a, b, blen) != cases[c].same)
			fail_msg("case %zu", c + 1);
	}
}

static void vnet_hdr(void **state)
{
	struct gso_hdr a = {GSO_F_NEEDS_CSUM, GSO_TYPE_TCPV6 | GSO_TYPE_ECN, 74, 1388, 40, 16}, b;
	uint8_t p[GSO_VNET_HDR_LEN];

	(void)state;
	gso_hdr_encode(p, &a);
	assert_int_equal(p[0], GSO_F_NEEDS_CSUM);
	assert_int_equal(p[1], GSO_TYPE_TCPV6 | GSO_TYPE_ECN);
	gso_hdr_decode(p, &b);
	assert_memory_equal(&a, &b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(segment),		 cmocka_unit_test(segment_refused),
	    cmocka_unit_test(segment_truncated), cmocka_unit_test(segment_nospace),
	    cmocka_unit_test(csum_finish),	 cmocka_unit_test(coalesce_round_trip),
	    cmocka_unit_test(coalesce_refused),	 cmocka_unit_test(coalesce_start_refused),
	    cmocka_unit_test(vnet_hdr),		 cmocka_unit_test(coalesce_same_flow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
