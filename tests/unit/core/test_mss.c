// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP MSS clamping (core/mss.h): SYNs in Ethernet frames built here, with
 * valid checksums; after the clamp the checksum must still verify (computed
 * in full) and the MSS be what the case says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/gso.h"
#include "core/mss.h"

enum { SYN = 0x02, ACK = 0x10, MAX_OPTS = 40 };

struct frame_case {
	const char *name;
	int ip;		    /* 4 or 6 */
	uint16_t ethertype; /* 0: the IP version's */
	uint8_t flags;
	uint8_t opts[MAX_OPTS];
	uint8_t opts_len; /* a multiple of 4 */
	uint16_t frag;	  /* IPv4 flags and fragment offset */
	uint8_t next;	  /* IPv6 next header (0: TCP) */
	size_t cut;	  /* bytes cut off the frame's end */
	uint16_t ip_mtu;
	int ret;
	size_t mss_at; /* offset of the MSS value in the options, if checked */
	uint16_t mss;
};

static size_t build(const struct frame_case *c, uint8_t *f)
{
	size_t iph = c->ip == 4 ? 20 : 40, tcph = 20 + c->opts_len, payload = 8;
	size_t len = 14 + iph + tcph + payload;
	uint8_t *ip = f + 14, *tcp = ip + iph;
	uint16_t type = c->ethertype ? c->ethertype : (c->ip == 4 ? 0x0800 : 0x86dd);
	uint32_t sum;
	uint16_t check;

	memset(f, 0, len);
	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	if (c->ip == 4) {
		ip[0] = 0x45;
		ip[2] = (uint8_t)((iph + tcph + payload) >> 8);
		ip[3] = (uint8_t)(iph + tcph + payload);
		ip[6] = (uint8_t)(c->frag >> 8);
		ip[7] = (uint8_t)c->frag;
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, "\x0a\0\0\x01\x0a\0\0\x02", 8);
		sum = gso_csum_add(0, ip + 12, 8);
	} else {
		ip[0] = 0x60;
		ip[4] = (uint8_t)((tcph + payload) >> 8);
		ip[5] = (uint8_t)(tcph + payload);
		ip[6] = c->next ? c->next : 6;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[23] = 1;
		ip[24] = 0xfd;
		ip[39] = 2;
		sum = gso_csum_add(0, ip + 8, 32);
	}
	tcp[0] = 0x30;
	tcp[1] = 0x39;
	tcp[2] = 0x00;
	tcp[3] = 0x50;
	tcp[12] = (uint8_t)((tcph / 4) << 4);
	tcp[13] = c->flags;
	tcp[14] = 0xff;
	memcpy(tcp + 20, c->opts, c->opts_len);
	memcpy(tcp + tcph, "payload!", payload);
	/* gso_csum_add() sums in memory order: the pseudo header likewise. */
	sum += htons(6) + htons((uint16_t)(tcph + payload));
	sum = gso_csum_add(sum, tcp, tcph + payload);
	check = (uint16_t)~gso_csum_fold(sum);
	memcpy(tcp + 16, &check, 2);
	return len - c->cut;
}

static bool tcp_csum_ok(const struct frame_case *c, const uint8_t *f)
{
	const uint8_t *ip = f + 14;
	size_t iph = c->ip == 4 ? 20 : 40, seg = 20 + c->opts_len + 8;
	uint32_t sum = c->ip == 4 ? gso_csum_add(0, ip + 12, 8) : gso_csum_add(0, ip + 8, 32);

	sum += htons(6) + htons((uint16_t)seg);
	return gso_csum_fold(gso_csum_add(sum, ip + iph, seg)) == 0xffff;
}

#define MSS(v) 2, 4, (uint8_t)((v) >> 8), (uint8_t)(v)

static const struct frame_case frames[] = {
    /* 1 */ {"v4 SYN 1460 > 1364", 4, 0, SYN, {MSS(1460)}, 4, 0, 0, 0, 1404, 1, 0, 1364},
    /* 2 */ {"v4 SYN-ACK 1460", 4, 0, SYN | ACK, {MSS(1460)}, 4, 0, 0, 0, 1404, 1, 0, 1364},
    /* 3 */ {"v4 SYN 1200 below", 4, 0, SYN, {MSS(1200)}, 4, 0, 0, 0, 1404, 0, 0, 1200},
    /* 4 */ {"v4 SYN 1364 equal", 4, 0, SYN, {MSS(1364)}, 4, 0, 0, 0, 1404, 0, 0, 1364},
    /* 5 */ {"v4 ACK not SYN", 4, 0, ACK, {MSS(1460)}, 4, 0, 0, 0, 1404, 0, 0, 1460},
    /* 6 */ {"v4 SYN no options", 4, 0, SYN, {0}, 0, 0, 0, 0, 1404, 0, 0, 0},
    /* 7 */
    {"v4 SYN linux options",
     4,
     0,
     SYN,
     {MSS(1460), 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7},
     20,
     0,
     0,
     0,
     1404,
     1,
     0,
     1364},
    /* 8 */
    {"v4 MSS after NOPs, odd offset",
     4,
     0,
     SYN,
     {1, MSS(1460), 1, 1, 1},
     8,
     0,
     0,
     0,
     1404,
     1,
     1,
     1364},
    /* 9 */
    {"v4 MSS after SACK-permitted",
     4,
     0,
     SYN,
     {4, 2, MSS(9000), 0, 0},
     8,
     0,
     0,
     0,
     1404,
     1,
     2,
     1364},
    /* 10 */
    {"v4 EOL before MSS", 4, 0, SYN, {0, 0, 0, 0, MSS(1460)}, 8, 0, 0, 0, 1404, 0, 4, 1460},
    /* 11 */
    {"v4 option length 0", 4, 0, SYN, {5, 0, MSS(1460), 0, 0}, 8, 0, 0, 0, 1404, 0, 2, 1460},
    /* 12 */
    {"v4 option past header", 4, 0, SYN, {1, 1, 1, 8, 1, 1, 1, 1}, 8, 0, 0, 0, 1404, 0, 0, 0},
    /* 13 */ {"v4 MSS length 3", 4, 0, SYN, {2, 3, 5, 0xb4}, 4, 0, 0, 0, 1404, 0, 0, 0},
    /* 14 */ {"v4 later fragment", 4, 0, SYN, {MSS(1460)}, 4, 0x0010, 0, 0, 1404, 0, 0, 1460},
    /* 15 */ {"v4 first fragment, MF", 4, 0, SYN, {MSS(1460)}, 4, 0x2000, 0, 0, 1404, 1, 0, 1364},
    /* 16 */ {"v4 truncated in options", 4, 0, SYN, {MSS(1460)}, 4, 0, 0, 10, 1404, 0, 0, 1460},
    /* 17 */ {"v4 truncated IP header", 4, 0, SYN, {MSS(1460)}, 4, 0, 0, 40, 1404, 0, 0, 0},
    /* 18 */ {"VLAN tagged left alone", 4, 0x8100, SYN, {MSS(1460)}, 4, 0, 0, 0, 1404, 0, 0, 1460},
    /* 19 */ {"ARP ethertype", 4, 0x0806, SYN, {MSS(1460)}, 4, 0, 0, 0, 1404, 0, 0, 1460},
    /* 20 */ {"v6 SYN 1440 > 1344", 6, 0, SYN, {MSS(1440)}, 4, 0, 0, 0, 1404, 1, 0, 1344},
    /* 21 */ {"v6 SYN 1300 below", 6, 0, SYN, {MSS(1300)}, 4, 0, 0, 0, 1404, 0, 0, 1300},
    /* 22 */
    {"v6 odd offset", 6, 0, SYN | ACK, {1, MSS(8940), 1, 1, 1}, 8, 0, 0, 0, 1404, 1, 1, 1344},
    /* 23 */ {"v6 hop-by-hop first", 6, 0, SYN, {MSS(1440)}, 4, 0, 0, 0, 1404, 0, 0, 1440},
    /* 24 */ {"v6 truncated", 6, 0, SYN, {MSS(1440)}, 4, 0, 0, 9, 1404, 0, 0, 1440},
    /* 25 */ {"v6 ethertype, v4 packet", 4, 0x86dd, SYN, {MSS(1460)}, 4, 0, 0, 0, 1404, 0, 0, 1460},
    /* 26 */ {"v4 tiny MTU", 4, 0, SYN, {MSS(1460)}, 4, 0, 0, 0, 30, 0, 0, 1460},
    /* 27 */ {"v4 SYN, MTU 1500: 1460 fits", 4, 0, SYN, {MSS(1460)}, 4, 0, 0, 0, 1500, 0, 0, 1460},
};

static void clamp_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		const struct frame_case *c = &frames[i];
		uint8_t f[256], before[256];
		size_t len = build(c, f);
		size_t mss_off = 14 + (c->ip == 4 ? 20 : 40) + 20 + c->mss_at + 2;
		int ret;

		if (i + 1 == 23) /* a hop-by-hop header in front: not TCP at first */
			f[14 + 6] = 0;
		memcpy(before, f, sizeof(f));
		ret = mss_clamp_frame(f, len, c->ip_mtu);
		if (ret != c->ret)
			fail_msg("case %zu (%s): returned %d", i + 1, c->name, ret);
		if (c->cut < 8 && !tcp_csum_ok(c, before))
			fail_msg("case %zu (%s): built with a bad checksum", i + 1, c->name);
		if (!ret) {
			if (memcmp(before, f, sizeof(f)))
				fail_msg("case %zu (%s): frame changed", i + 1, c->name);
			continue;
		}
		if (!tcp_csum_ok(c, f))
			fail_msg("case %zu (%s): checksum does not verify", i + 1, c->name);
		if ((uint16_t)(f[mss_off] << 8 | f[mss_off + 1]) != c->mss)
			fail_msg("case %zu (%s): MSS %u", i + 1, c->name,
				 f[mss_off] << 8 | f[mss_off + 1]);
		/* Clamped once, it is left alone. */
		assert_int_equal(mss_clamp_frame(f, len, c->ip_mtu), 0);
	}
}

static void csum_replace(void **state)
{
	static const struct {
		uint16_t check, old, new, want;
	} cases[] = {
	    /* 1 RFC 1624 section 4's example */ {0xdd2f, 0x5555, 0x3285, 0x0000},
	    /* 2 nothing changes */ {0x1234, 0x05b4, 0x05b4, 0x1234},
	    /* 3 */ {0xffff, 0x0000, 0x0001, 0xfffe},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t got = mss_csum_replace(cases[i].check, cases[i].old, cases[i].new);

		if (got != cases[i].want)
			fail_msg("case %zu: 0x%04x, want 0x%04x", i + 1, got, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(clamp_table),
	    cmocka_unit_test(csum_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
