// SPDX-License-Identifier: GPL-2.0-only
/*
 * The value parsers in both grammars: what each accepts up to its
 * boundaries and what it refuses. Cases in wg's grammar follow
 * wireguard-tools config.c; cases in the UAPI's follow Go's strconv and
 * net/netip as wireguard-go 0.0.20220316 reads a set.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/value.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define WG 0
#define UAPI VALUE_UAPI

static void uints(void **state)
{
	static const struct {
		const char *s;
		size_t len; /* 0: strlen */
		uint64_t max;
		unsigned int flags;
		int ret;
		uint64_t out;
	} cases[] = {
	    /* 1 */ {"0", 0, 65535, 0, 0, 0},
	    /* 2 */ {"65535", 0, 65535, 0, 0, 65535},
	    /* 3 */ {"65536", 0, 65535, 0, -EINVAL, 0},
	    /* 4 */ {"00051820", 0, 65535, 0, 0, 51820}, /* leading zeros: strconv and strtoul */
	    /* 5 */ {"", 0, 65535, 0, -EINVAL, 0},
	    /* 6 */ {"-1", 0, 65535, 0, -EINVAL, 0},
	    /* 7 */ {"+1", 0, 65535, 0, -EINVAL, 0},
	    /* 8 */ {" 1", 0, 65535, 0, -EINVAL, 0},
	    /* 9 */ {"1 ", 0, 65535, 0, -EINVAL, 0},
	    /* 10 */ {"4294967295", 0, UINT32_MAX, 0, 0, UINT32_MAX},
	    /* 11 */ {"4294967296", 0, UINT32_MAX, 0, -EINVAL, 0},
	    /* 12 */ {"18446744073709551615", 0, UINT64_MAX, 0, 0, UINT64_MAX},
	    /* 13 */ {"18446744073709551616", 0, UINT64_MAX, 0, -EINVAL, 0},
	    /* 14 */ {"99999999999999999999", 0, UINT64_MAX, 0, -EINVAL, 0},
	    /* 15 */ {"off", 0, 65535, 0, -EINVAL, 0},
	    /* 16 */ {"off", 0, 65535, VALUE_OFF, 0, 0},
	    /* 17 */ {"OfF", 0, 65535, VALUE_OFF, 0, 0},
	    /* 18 */ {"offf", 0, 65535, VALUE_OFF, -EINVAL, 0},
	    /* 19 */ {"0x10", 0, UINT32_MAX, 0, -EINVAL, 0},
	    /* 20 */ {"0x10", 0, UINT32_MAX, VALUE_HEX, 0, 16},
	    /* 21 */ {"0xffffFFFF", 0, UINT32_MAX, VALUE_HEX, 0, UINT32_MAX},
	    /* 22 */ {"0x100000000", 0, UINT32_MAX, VALUE_HEX, -EINVAL, 0},
	    /* 23 */ {"0x", 0, UINT32_MAX, VALUE_HEX, -EINVAL, 0},
	    /* 24 */ {"0X10", 0, UINT32_MAX, VALUE_HEX, -EINVAL, 0}, /* wg: lowercase x */
	    /* 25 */ {"0xg", 0, UINT32_MAX, VALUE_HEX, -EINVAL, 0},
	    /* 26 */
	    {"12\0"
	     "3",
	     4, 65535, 0, -EINVAL, 0},		  /* a NUL is no digit */
	    /* 27 */ {"123", 2, 65535, 0, 0, 12}, /* never past len */
	    /* 28 */ {"0", 0, 0, 0, 0, 0},
	    /* 29 */ {"1", 0, 0, 0, -EINVAL, 0},
	};

	for (size_t i = 0; i < N(cases); i++) {
		uint64_t out = 777;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
		int ret = value_uint(cases[i].s, len, cases[i].max, cases[i].flags, &out);

		if (ret != cases[i].ret || (!ret && out != cases[i].out) || (ret && out != 777))
			fail_msg("case %zu: %d %llu", i + 1, ret, (unsigned long long)out);
	}
}

#define B64 "wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M="
#define HEX "c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773"

static void keys(void **state)
{
	static const struct {
		const char *s;
		size_t len; /* 0: strlen */
		unsigned int flags;
		int ret;
	} cases[] = {
	    /* 1 */ {B64, 0, WG, 0},
	    /* 2 */ {HEX, 0, UAPI, 0},
	    /* 3 */ {HEX, 0, WG, -EINVAL},
	    /* 4 */ {B64, 0, UAPI, -EINVAL},
	    /* 5 */ {B64 "x", 44, WG, 0}, /* only len is read */
	    /* 6 */ {B64, 43, WG, -EINVAL},
	    /* 7 */ {HEX "0", 64, UAPI, 0},
	    /* 8 */ {HEX, 63, UAPI, -EINVAL},
	    /* 9 */
	    {"c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae577\0", 64, UAPI,
	     -EINVAL},
	    /* 10 */
	    {"C0C46A38B1160248CB5328764C8170855B53097E8990770D6CCC680517AE5773", 0, UAPI, 0},
	    /* 11 */ {"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3N=", 0, WG, -EINVAL}, /* pad bits
											*/
	};
	uint8_t want[KEY_LEN];

	assert_int_equal(key_from_base64(want, B64), 0);
	for (size_t i = 0; i < N(cases); i++) {
		uint8_t key[KEY_LEN];
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
		int ret;

		memset(key, 0xaa, sizeof(key));
		ret = value_key(key, cases[i].s, len, cases[i].flags);
		if (ret != cases[i].ret)
			fail_msg("case %zu: %d", i + 1, ret);
		if (!ret && memcmp(key, want, KEY_LEN))
			fail_msg("case %zu: wrong key", i + 1);
		if (ret && key[0] != 0xaa)
			fail_msg("case %zu: key written on failure", i + 1);
	}
}

static void prefixes(void **state)
{
	static const struct {
		const char *s;
		unsigned int flags;
		int ret;
		const char *addr;
		unsigned int cidr;
	} cases[] = {
	    /* 1 */ {"10.0.0.0/8", WG, 0, "10.0.0.0", 8},
	    /* 2 */ {"10.0.0.0/8", UAPI, 0, "10.0.0.0", 8},
	    /* 3 */ {"10.1.2.3", WG, 0, "10.1.2.3", 32}, /* wg: the whole address */
	    /* 4 */ {"10.1.2.3", UAPI, -EINVAL, NULL, 0},
	    /* 5 */ {"fd00::1", WG, 0, "fd00::1", 128},
	    /* 6 */ {"fd00::/0", UAPI, 0, "fd00::", 0},
	    /* 7 */ {"::/128", UAPI, 0, "::", 128},
	    /* 8 */ {"::/129", WG, -EINVAL, NULL, 0},
	    /* 9 */ {"10.0.0.0/32", UAPI, 0, "10.0.0.0", 32},
	    /* 10 */ {"10.0.0.0/33", WG, -EINVAL, NULL, 0},
	    /* 11 */ {"10.0.0.0/33", UAPI, -EINVAL, NULL, 0},
	    /* 12 */ {"10.0.0.0/008", UAPI, 0, "10.0.0.0", 8}, /* leading zeros */
	    /* 13 */ {"10.0.0.0/008", WG, 0, "10.0.0.0", 8},
	    /* 14 */ {"10.0.0.0/", WG, -EINVAL, NULL, 0},
	    /* 15 */ {"/8", UAPI, -EINVAL, NULL, 0},
	    /* 16 */ {"10.0.0.0/+8", UAPI, -EINVAL, NULL, 0},
	    /* 17 */ {"10.0.0.0/8/8", WG, -EINVAL, NULL, 0},
	    /* 18 */ {"010.0.0.0/8", UAPI, -EINVAL, NULL, 0},	/* netip: no leading zeros */
	    /* 19 */ {"10.0.0/8", WG, -EINVAL, NULL, 0},	/* inet_pton, not inet_aton */
	    /* 20 */ {"fe80::1%lo/64", UAPI, -EINVAL, NULL, 0}, /* no zone in a prefix */
	    /* 21 */ {"10.0.0.0/255.255.255.0", WG, -EINVAL, NULL, 0},
	    /* 22 */ {"10.0.0.0/255.255.255.0", VALUE_NETMASK, 0, "10.0.0.0", 24},
	    /* 23 */ {"10.0.0.0/255.0.255.0", VALUE_NETMASK, -EINVAL, NULL, 0},
	    /* 24 */ {"10.0.0.0/255.255.255.0", UAPI | VALUE_NETMASK, -EINVAL, NULL, 0},
	    /* 25 */ {"fd00::/ffff::", VALUE_NETMASK, -EINVAL, NULL, 0},
	    /* 26 */ {"10.0.0.0/0.0.0.0", VALUE_NETMASK, 0, "10.0.0.0", 0},
	    /* 27 */ {"::ffff:10.0.0.1/128", UAPI, 0, "::ffff:10.0.0.1", 128},
	    /* 28 */ {"", WG, -EINVAL, NULL, 0},
	    /* 29 */ {"1.2.3.4 /8", WG, -EINVAL, NULL, 0},
	};

	for (size_t i = 0; i < N(cases); i++) {
		uint8_t addr[16] = {0}, want[16] = {0};
		int family = 0, ret;
		uint8_t cidr = 0;
		char text[INET6_ADDRSTRLEN];

		ret = value_prefix(cases[i].s, strlen(cases[i].s), cases[i].flags, &family, addr,
				   &cidr);
		if (ret != cases[i].ret)
			fail_msg("case %zu: %d", i + 1, ret);
		if (ret) {
			if (family || cidr)
				fail_msg("case %zu: written on failure", i + 1);
			continue;
		}
		inet_ntop(family, addr, text, sizeof(text));
		inet_pton(family, cases[i].addr, want);
		if (memcmp(addr, want, 16) || cidr != cases[i].cidr)
			fail_msg("case %zu: %s/%u", i + 1, text, cidr);
	}
}

static void addrs(void **state)
{
	static const struct {
		const char *s;
		size_t len; /* 0: strlen */
		int family;
	} cases[] = {
	    /* 1 */ {"192.0.2.1", 0, AF_INET},
	    /* 2 */ {"2001:db8::1", 0, AF_INET6},
	    /* 3 */ {"192.0.2.1x", 9, AF_INET}, /* never past len */
	    /* 4 */ {"192.0.2.256", 0, 0},
	    /* 5 */ {"192.0.2.1\0", 10, 0},
	    /* 6 */ {"fe80::1%lo", 0, 0},
	    /* 7 */ {"0000:0000:0000:0000:0000:ffff:192.168.100.228", 0, AF_INET6}, /* 45 */
	    /* 8 */ {"00000:0000:0000:0000:0000:ffff:192.168.100.228", 0, 0},
	    /* 9 */ {"", 0, 0},
	    /* 10 */ {"example.com", 0, 0},
	};

	for (size_t i = 0; i < N(cases); i++) {
		uint8_t addr[16];
		int family = 0;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
		int ret = value_addr(cases[i].s, len, &family, addr);

		if (ret != (cases[i].family ? 0 : -EINVAL) || family != cases[i].family)
			fail_msg("case %zu: %d %d", i + 1, ret, family);
	}
}

static void endpoints(void **state)
{
	static const struct {
		const char *s;
		unsigned int flags;
		int ret;
		const char *host; /* as read, or the fault on -EINVAL */
		unsigned int port;
		int family; /* 0: a name, no sockaddr */
		uint32_t scope;
	} cases[] = {
	    /* 1 */ {"192.0.2.1:51820", WG, 0, "192.0.2.1", 51820, AF_INET, 0},
	    /* 2 */ {"192.0.2.1:51820", UAPI, 0, "192.0.2.1", 51820, AF_INET, 0},
	    /* 3 */ {"[2001:db8::1]:1", WG, 0, "2001:db8::1", 1, AF_INET6, 0},
	    /* 4 */ {"[2001:db8::1]:1", UAPI, 0, "2001:db8::1", 1, AF_INET6, 0},
	    /* 5 */ {"2001:db8::1:1", WG, 0, "2001:db8::1", 1, AF_INET6, 0}, /* last ':' */
									     /* 6 */
	    {"2001:db8::1:1", UAPI, -EINVAL, "Endpoint host is not an IPv4 address", 0, 0, 0},
	    /* 7 */ {"[192.0.2.1]:1", WG, 0, "192.0.2.1", 1, AF_INET, 0},
	    /* 8 */
	    {"[192.0.2.1]:1", UAPI, -EINVAL, "Endpoint host is not an IPv6 address", 0, 0, 0},
	    /* 9 */ {"192.0.2.1:65535", UAPI, 0, "192.0.2.1", 65535, AF_INET, 0},
	    /* 10 */
	    {"192.0.2.1:65536", UAPI, -EINVAL, "Port of endpoint is not a number 0-65535", 0, 0, 0},
	    /* 11 */
	    {"192.0.2.1:65536", WG, -EINVAL, "Port of endpoint is not a number 0-65535", 0, 0, 0},
	    /* 12 */ {"192.0.2.1:0080", UAPI, 0, "192.0.2.1", 80, AF_INET, 0},
	    /* 13 */ {"192.0.2.1", WG, -EINVAL, "Unable to find port of endpoint", 0, 0, 0},
	    /* 14 */ {"192.0.2.1:", WG, -EINVAL, "Unable to find port of endpoint", 0, 0, 0},
	    /* 15 */
	    {"192.0.2.1:", UAPI, -EINVAL, "Port of endpoint is not a number 0-65535", 0, 0, 0},
	    /* 16 */ {":80", WG, -EINVAL, "Unable to find host of endpoint", 0, 0, 0},
	    /* 17 */ {"[::1:80", WG, -EINVAL, "Unable to find matching brace of endpoint", 0, 0, 0},
	    /* 18 */
	    {"[::1:80", UAPI, -EINVAL, "Unable to find matching brace of endpoint", 0, 0, 0},
	    /* 19 */ {"[::1]80", WG, -EINVAL, "Unable to find port of endpoint", 0, 0, 0},
	    /* 20 */ {"[::1]:", WG, -EINVAL, "Unable to find port of endpoint", 0, 0, 0},
	    /* 21 */ {"[]:80", WG, -EINVAL, "Unable to find host of endpoint", 0, 0, 0},
	    /* 22 */
	    {"example.com:80", WG, -EINVAL,
	     "Endpoint host is neither an IP address nor a host name", 0, 0, 0},
	    /* 23 */ {"example.com:80", VALUE_NAME, 0, "example.com", 80, 0, 0},
	    /* 24 */ {"[example.com]:80", VALUE_NAME, 0, "example.com", 80, 0, 0},
	    /* 25 */
	    {"exa mple.com:80", VALUE_NAME, -EINVAL,
	     "Endpoint host is neither an IP address nor a host name", 0, 0, 0},
	    /* 26 */ {"[fe80::1%eth0]:80", VALUE_NAME, 0, "fe80::1%eth0", 80, 0, 0},
	    /* 27 */
	    {"[fe80::1%e/0]:80", VALUE_NAME, -EINVAL,
	     "Endpoint host is neither an IP address nor a host name", 0, 0, 0},
	    /* 28 */
	    {"[192.0.2.1%eth0]:80", VALUE_NAME, -EINVAL,
	     "Endpoint host is neither an IP address nor a host name", 0, 0, 0},
	    /* 29 */
	    {"example.com:80", UAPI | VALUE_NAME, -EINVAL, "Endpoint host is not an IPv4 address",
	     0, 0, 0},
	    /* 30 */ {"[fe80::1%7]:80", UAPI, 0, "fe80::1", 80, AF_INET6, 7},
	    /* 31 */ {"[fe80::1%lo]:80", UAPI, 0, "fe80::1", 80, AF_INET6, 1},
	    /* 32 */ {"[fe80::1%nosuchif0]:80", UAPI, 0, "fe80::1", 80, AF_INET6, 0},
	    /* 33 */ {"[fe80::1%]:80", UAPI, -EINVAL, "Endpoint zone is empty", 0, 0, 0},
	    /* 34 */ {"[fe80::1%a:b]:80", UAPI, 0, "fe80::1", 80, AF_INET6, 0}, /* Go: any zone */
	    /* 35 */ {"[fe80::1%4294967296]:80", UAPI, 0, "fe80::1", 80, AF_INET6, 0},
	    /* 36 */
	    {"192.0.2.1%lo:80", UAPI, -EINVAL, "Endpoint host is not an IPv4 address", 0, 0, 0},
	    /* 37 */ {"[::ffff:192.0.2.1]:80", UAPI, 0, "::ffff:192.0.2.1", 80, AF_INET6, 0},
	    /* 38 */
	    {"[::1]x:80", UAPI, -EINVAL, "Unable to find matching brace of endpoint", 0, 0, 0},
	    /* 39 */
	    {"[::1]:80:90", WG, -EINVAL, "Port of endpoint is not a number 0-65535", 0, 0, 0},
	    /* 40 */
	    {"[::1]:80:90", UAPI, -EINVAL, "Unable to find matching brace of endpoint", 0, 0, 0},
	    /* 41 */
	    {"192.0.2.1:+80", UAPI, -EINVAL, "Port of endpoint is not a number 0-65535", 0, 0, 0},
	    /* 42 */ {"", UAPI, -EINVAL, "Unable to find port of endpoint", 0, 0, 0},
	    /* 43 */ {"", WG, -EINVAL, "Unable to find port of endpoint", 0, 0, 0},
	    /* 44 */ {"[", WG, -EINVAL, "Unable to find matching brace of endpoint", 0, 0, 0},
	    /* 45 */
	    {"127.1:80", WG, -EINVAL, "Endpoint host is neither an IP address nor a host name", 0,
	     0, 0},
	};

	for (size_t i = 0; i < N(cases); i++) {
		union {
			struct sockaddr sa;
			struct sockaddr_in in4;
			struct sockaddr_in6 in6;
		} sa;
		struct value_endpoint ep;
		int ret;

		memset(&sa, 0xaa, sizeof(sa));
		ret = value_endpoint(cases[i].s, strlen(cases[i].s), cases[i].flags, &ep, &sa.sa,
				     sizeof(sa));
		if (ret != cases[i].ret)
			fail_msg("case %zu: %d (%s)", i + 1, ret, ret ? ep.fault : "");
		if (ret) {
			if (strcmp(ep.fault, cases[i].host))
				fail_msg("case %zu: %s", i + 1, ep.fault);
			continue;
		}
		if (ep.host_len != strlen(cases[i].host) ||
		    memcmp(ep.host, cases[i].host, ep.host_len) || ep.port != cases[i].port ||
		    ep.numeric != (cases[i].family != 0))
			fail_msg("case %zu: %.*s %u", i + 1, (int)ep.host_len, ep.host, ep.port);
		if (!cases[i].family)
			continue;
		if (sa.sa.sa_family != cases[i].family)
			fail_msg("case %zu: family %d", i + 1, sa.sa.sa_family);
		if (cases[i].family == AF_INET) {
			if (ntohs(sa.in4.sin_port) != cases[i].port ||
			    sa.in4.sin_zero[0] != 0) /* zeroed first */
				fail_msg("case %zu: sockaddr_in", i + 1);
		} else {
			uint32_t scope = cases[i].scope;

			if (scope == 1) /* "lo": whatever its index is here */
				scope = if_nametoindex("lo");
			if (ntohs(sa.in6.sin6_port) != cases[i].port ||
			    sa.in6.sin6_scope_id != scope || sa.in6.sin6_flowinfo)
				fail_msg("case %zu: sockaddr_in6 scope %u", i + 1,
					 sa.in6.sin6_scope_id);
		}
	}
}

/* The sockaddr must fit; and nothing past len is read (ASan checks this). */
static void endpoint_bounds(void **state)
{
	static const char text[] = {'1', '.', '2', '.', '3', '.', '4', ':', '8', '0'};
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct value_endpoint ep;

	assert_int_equal(
	    value_endpoint(text, sizeof(text), UAPI, &ep, (struct sockaddr *)&in4, sizeof(in4)), 0);
	assert_int_equal(ntohs(in4.sin_port), 80);
	assert_int_equal(
	    value_endpoint(text, sizeof(text), WG, &ep, (struct sockaddr *)&in4, sizeof(in4) - 1),
	    -ENOSPC);
	assert_int_equal(
	    value_endpoint("[::1]:80", 8, UAPI, &ep, (struct sockaddr *)&in4, sizeof(in4)),
	    -ENOSPC);
	assert_int_equal(
	    value_endpoint("[::1]:80", 8, UAPI, &ep, (struct sockaddr *)&in6, sizeof(in6)), 0);
	assert_int_equal(value_endpoint("1.2.3.4:8\0"
					"0",
					11, WG, &ep, (struct sockaddr *)&in6, sizeof(in6)),
			 -EINVAL);
	assert_string_equal(ep.fault, "Endpoint holds a NUL byte");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(uints), cmocka_unit_test(keys),	  cmocka_unit_test(prefixes),
	    cmocka_unit_test(addrs), cmocka_unit_test(endpoints), cmocka_unit_test(endpoint_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
