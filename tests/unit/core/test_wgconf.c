// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/log.h"
#include "core/wgconf.h"

#define K1 "wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M="
#define K2 "ELyzE6lfvibT6DTB3xD6AbgoWLVMe9ZXUS5PBKSlo2E="
#define K3 "aJEMGNmbzI52UjqoZcZ//lz1IX0ogsARKbf+dpgmIkc="

static int parse(struct wgconf *c, const char *text, unsigned int flags, char *err)
{
	return wgconf_read_string(c, "wg0.conf", text, strlen(text), flags, err, 512);
}

static void key_is(const uint8_t *got, const char *b64)
{
	uint8_t want[KEY_LEN];

	assert_int_equal(key_from_base64(want, b64), 0);
	assert_memory_equal(got, want, KEY_LEN);
}

static void ip_is(const struct wgconf_ip *ip, const char *addr, unsigned int cidr)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(ip->family, &ip->addr, buf, sizeof(buf)));
	assert_string_equal(buf, addr);
	assert_int_equal(ip->cidr, cidr);
}

/* Every key of wg-quick(8), in the spellings its users write. */
static const char full[] = "# wg0 with everything\n"
			   "[Interface]\n"
			   "PrivateKey = " K1 "\n"
			   "ListenPort = 51820\n"
			   "FwMark = 0x1234 # hex\n"
			   "Address = 10.0.0.1/24, fd00::1/64\n"
			   "address = 10.0.0.2\t10.9.9.9/255.255.0.0\n"
			   "DNS = 1.1.1.1, example.com,2606:4700:4700::1111 lan\n"
			   "MTU = 1420\n"
			   "Table = 1234\n"
			   "PreUp = echo pre-up # a comment stays in a hook\n"
			   "PostUp = iptables -A FORWARD -i %i -j ACCEPT\r\n"
			   "PostUp = echo second\n"
			   "PreDown = echo pre-down\n"
			   "PostDown = echo a=b\n"
			   "SaveConfig = True\n"
			   "\n"
			   "  [peer]  \n"
			   "PublicKey=" K2 "\n"
			   "PresharedKey = " K3 "\n"
			   "AllowedIPs = 10.0.0.0/24, fd00::/64\n"
			   "AllowedIPs = 192.168.7.1/24\n"
			   "Endpoint = vpn.example.com:51820\n"
			   "PersistentKeepalive = 25\n"
			   "[Peer]\n"
			   "publickey = " K1 "\n"
			   "Endpoint = [2001:db8::1]:4500\n"
			   "Persistent Keepalive = off\n"
			   "[Peer]\n"
			   "PublicKey = " K3 "\n"
			   "Endpoint = 192.0.2.7:1\n"
			   "AllowedIPs = 0.0.0.0/0,::/0\n";

static void every_key(void **state)
{
	char err[512] = "";
	struct wgconf c;

	assert_int_equal(parse(&c, full, 0, err), 0);
	assert_true(c.has_private_key);
	key_is(c.private_key, K1);
	assert_true(c.has_listen_port);
	assert_int_equal(c.listen_port, 51820);
	assert_true(c.has_fwmark);
	assert_int_equal(c.fwmark, 0x1234);

	assert_int_equal(c.n_addresses, 4);
	ip_is(&c.addresses[0], "10.0.0.1", 24);
	ip_is(&c.addresses[1], "fd00::1", 64);
	ip_is(&c.addresses[2], "10.0.0.2", 32);
	ip_is(&c.addresses[3], "10.9.9.9", 16);
	assert_int_equal(c.n_dns, 2);
	ip_is(&c.dns[0], "1.1.1.1", 32);
	ip_is(&c.dns[1], "2606:4700:4700::1111", 128);
	assert_int_equal(c.dns_search.n, 2);
	assert_string_equal(c.dns_search.v[0], "example.com");
	assert_string_equal(c.dns_search.v[1], "lan");
	assert_int_equal(c.mtu, 1420);
	assert_int_equal(c.table, WGCONF_TABLE_ID);
	assert_int_equal(c.table_id, 1234);
	assert_int_equal(c.hooks[WGCONF_PRE_UP].n, 1);
	assert_string_equal(c.hooks[WGCONF_PRE_UP].v[0], "echo pre-up # a comment stays in a hook");
	assert_int_equal(c.hooks[WGCONF_POST_UP].n, 2);
	assert_string_equal(c.hooks[WGCONF_POST_UP].v[0], "iptables -A FORWARD -i %i -j ACCEPT");
	assert_string_equal(c.hooks[WGCONF_POST_UP].v[1], "echo second");
	assert_int_equal(c.hooks[WGCONF_PRE_DOWN].n, 1);
	assert_string_equal(c.hooks[WGCONF_PRE_DOWN].v[0], "echo pre-down");
	assert_int_equal(c.hooks[WGCONF_POST_DOWN].n, 1);
	assert_string_equal(c.hooks[WGCONF_POST_DOWN].v[0], "echo a=b");
	assert_true(c.save_config);

	assert_int_equal(c.n_peers, 3);
	assert_int_equal(c.peers[0].line, 18);
	key_is(c.peers[0].public_key, K2);
	assert_true(c.peers[0].has_preshared_key);
	key_is(c.peers[0].preshared_key, K3);
	assert_int_equal(c.peers[0].n_allowed_ips, 3);
	ip_is(&c.peers[0].allowed_ips[0], "10.0.0.0", 24);
	ip_is(&c.peers[0].allowed_ips[1], "fd00::", 64);
	ip_is(&c.peers[0].allowed_ips[2], "192.168.7.0", 24); /* host bits cleared */
	assert_true(c.peers[0].has_endpoint);
	assert_string_equal(c.peers[0].endpoint.host, "vpn.example.com");
	assert_int_equal(c.peers[0].endpoint.port, 51820);
	assert_false(c.peers[0].endpoint.numeric);
	assert_true(c.peers[0].has_persistent_keepalive);
	assert_int_equal(c.peers[0].persistent_keepalive, 25);

	key_is(c.peers[1].public_key, K1);
	assert_false(c.peers[1].has_preshared_key);
	assert_int_equal(c.peers[1].n_allowed_ips, 0);
	assert_string_equal(c.peers[1].endpoint.host, "2001:db8::1");
	assert_true(c.peers[1].endpoint.numeric);
	assert_int_equal(c.peers[1].endpoint.addr.in6.sin6_family, AF_INET6);
	assert_int_equal(ntohs(c.peers[1].endpoint.addr.in6.sin6_port), 4500);
	assert_true(c.peers[1].has_persistent_keepalive);
	assert_int_equal(c.peers[1].persistent_keepalive, 0);

	assert_true(c.peers[2].endpoint.numeric);
	assert_int_equal(c.peers[2].endpoint.addr.in4.sin_family, AF_INET);
	assert_int_equal(ntohl(c.peers[2].endpoint.addr.in4.sin_addr.s_addr), 0xc0000207);
	assert_int_equal(ntohs(c.peers[2].endpoint.addr.in4.sin_port), 1);
	ip_is(&c.peers[2].allowed_ips[0], "0.0.0.0", 0);
	ip_is(&c.peers[2].allowed_ips[1], "::", 0);
	wgconf_free(&c);
}

/* Values one key at a time, in [Interface] or [Peer]. */
static void values(void **state)
{
	static const struct {
		const char *text;
		unsigned int check; /* which field below to compare */
		unsigned long want;
	} cases[] = {
	    /* 1 */ {"[Interface]\nFwMark = off\n", 1, 0},
	    /* 2 */ {"[Interface]\nFwMark = 010\n", 1, 10},
	    /* 3 */ {"[Interface]\nFwMark = 0xffffffff\n", 1, 0xffffffff},
	    /* 4 */ {"[Interface]\nFwMark = 4294967295\n", 1, 0xffffffff},
	    /* 5 */ {"[Interface]\nListen Port = 5 1 8\n", 2, 518},
	    /* 6 */ {"[Interface]\nListenPort = 0\n", 2, 0},
	    /* 7 */ {"[Interface]\nTable = off\n", 3, WGCONF_TABLE_OFF},
	    /* 8 */ {"[Interface]\nTable = auto\n", 3, WGCONF_TABLE_AUTO},
	    /* 9 */ {"[Interface]\nTable = main\n", 3, WGCONF_TABLE_NAME},
	    /* 10 */ {"[Interface]\nTable =\n", 3, WGCONF_TABLE_AUTO},
	    /* 11 */ {"[Interface]\nMTU =\n", 4, 0},
	    /* 12 */ {"[Interface]\nMTU = 68\n", 4, 68},
	    /* 13 */ {"[Interface]\nSaveConfig = false\n", 5, 0},
	    /* 14 */ {"[INTERFACE]\nsaveconfig=TRUE\n", 5, 1},
	    /* 15 */ {"[Peer]\nPublicKey=" K1 "\nPersistentKeepalive = 65535\n", 6, 65535},
	    /* 16 */ {"[Peer]\nPublicKey=" K1 "\nPersistentKeepalive = OFF\n", 6, 0},
	    /* 17 */ {"[Peer]\nPublicKey=" K1 "\nEndpoint = ::1:51820\n", 7, 51820},
	    /* 18 */ {"[Peer]\nPublicKey=" K1 "\nEndpoint = [fe80::1%eth0]:9\n", 7, 9},
	    /* 19 */ {"[Peer]\nPublicKey=" K1 "\nAllowedIPs = 10.1.2.3/8\n", 8, 0x0a000000},
	    /* 20 */ {"[Peer]\nPublicKey=" K1 "\nAllowedIPs = 10.1.2.3/ 08\n", 8, 0x0a000000},
	    /* 21 */ {"[Peer]\nPublicKey=" K1 "\nAllowedIPs = 10.1.2.3\n", 8, 0x0a010203},
	    /* 22 */ {"\n   \n# only comments\n\t# and blanks\n", 0, 0},
	    /* 23 */ {"[Interface]\nAddress = ,, 10.0.0.1 ,\n", 9, 1},
	    /* 24 */ {"[Interface]\nDNS = 10.0.0.53\nDNS = 10.0.0.54\n", 10, 2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		struct wgconf c;
		unsigned long got = 0;

		print_message("case %zu\n", i + 1);
		assert_int_equal(parse(&c, cases[i].text, 0, err), 0);
		switch (cases[i].check) {
		case 1:
			assert_true(c.has_fwmark);
			got = c.fwmark;
			break;
		case 2:
			assert_true(c.has_listen_port);
			got = c.listen_port;
			break;
		case 3:
			got = c.table;
			break;
		case 4:
			got = c.mtu;
			break;
		case 5:
			got = c.save_config;
			break;
		case 6:
			assert_true(c.peers[0].has_persistent_keepalive);
			got = c.peers[0].persistent_keepalive;
			break;
		case 7:
			got = c.peers[0].endpoint.port;
			assert_false(c.peers[0].endpoint.numeric &&
				     strchr(c.peers[0].endpoint.host, '%'));
			break;
		case 8:
			assert_int_equal(c.peers[0].allowed_ips[0].family, AF_INET);
			got = ntohl(c.peers[0].allowed_ips[0].addr.v4.s_addr);
			break;
		case 9:
			got = c.n_addresses;
			break;
		case 10:
			got = c.n_dns;
			break;
		}
		assert_int_equal(got, cases[i].want);
		wgconf_free(&c);
	}
}

static char *write_string(const struct wgconf *c, unsigned int flags);

/* User and Group (docs/security.md): parsed, written back, never setconf keys. */
static void user_keys(void **state)
{
	static const char text[] = "[Interface]\nUser = wg-daemon\nGroup = 998\n";
	static const char written[] = "[Interface]\nUser = wg-daemon\nGroup = 998\n\n";
	static const struct {
		const char *text, *err;
	} refused[] = {
	    /* 1: an option of warrend, never a name */
	    {"[Interface]\nUser = --low-port\n",
	     "wg0.conf:2: User is not a user name or number: `--low-port'"},
	    /* 2 */
	    {"[Interface]\nUser = a b\n", "wg0.conf:2: User is not a user name or number: `a b'"},
	    /* 3 */
	    {"[Interface]\n\nGroup = g/1\n",
	     "wg0.conf:3: Group is not a group name or number: `g/1'"},
	    /* 4: '$' only at the end, as useradd allows */
	    {"[Interface]\nUser = a$b\n", "wg0.conf:2: User is not a user name or number: `a$b'"},
	};
	char err[512] = "", *out;
	struct wgconf c;

	(void)state;
	assert_int_equal(parse(&c, text, 0, err), 0);
	assert_string_equal(c.user, "wg-daemon");
	assert_string_equal(c.group, "998");
	out = write_string(&c, 0);
	assert_string_equal(out, written);
	free(out);
	out = write_string(&c, WGCONF_SETCONF);
	assert_null(strstr(out, "User"));
	assert_null(strstr(out, "Group"));
	free(out);
	wgconf_free(&c);
	assert_int_equal(parse(&c, "[Interface]\nUser = machine$\nUser =\n", 0, err), 0);
	assert_string_equal(c.user, "");
	wgconf_free(&c);
	assert_int_equal(parse(&c, text, WGCONF_SETCONF, err), -EINVAL);

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		print_message("case %zu\n", i + 1);
		assert_int_equal(parse(&c, refused[i].text, 0, err), -EINVAL);
		assert_string_equal(err, refused[i].err);
	}
}

/* warren's L2 keys (docs/l2.md): parsed, written back, unknown to setconf. */
static void l2_keys(void **state)
{
	static const char text[] = "[Interface]\n"
				   "Mode = TAP\n"
				   "Bridge = br0\n"
				   "MACAgeing = 600\n"
				   "Hub = true\n"
				   "[Peer]\n"
				   "PublicKey = " K1 "\n"
				   "AllowedMACs = 02:00:00:00:00:01, 52:54:00:00:00:00/24\n"
				   "AllowedMACs = 02:00:00:00:00:02\n"
				   "StaticMACs = 02:00:00:00:00:0A,02:00:00:00:00:0b\n";
	static const char written[] = "[Interface]\n"
				      "Mode = tap\n"
				      "Bridge = br0\n"
				      "MACAgeing = 600\n"
				      "Hub = true\n"
				      "\n"
				      "[Peer]\n"
				      "PublicKey = " K1 "\n"
				      "AllowedMACs = 02:00:00:00:00:01, 52:54:00:00:00:00/24, "
				      "02:00:00:00:00:02\n"
				      "StaticMACs = 02:00:00:00:00:0a, 02:00:00:00:00:0b\n";
	static const uint8_t oui[MAC_LEN] = {0x52, 0x54, 0, 0, 0, 0};
	static const struct {
		const char *text;
		unsigned int flags;
		int ret;
	} refused[] = {
	    /* 1 */ {"[Interface]\nMode = tap\n", WGCONF_SETCONF, -EINVAL},
	    /* 2 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedMACs = 02:00:00:00:00:01\n", WGCONF_SETCONF,
	     -EINVAL},
	    /* 3 */
	    {"[Peer]\nPublicKey = " K1 "\nStaticMACs = 02:00:00:00:00:01\n", WGCONF_SETCONF,
	     -EINVAL},
	    /* 4 */ {"[Interface]\nMode = tun\nHub = false\nBridge =\n", 0, 0},
	};
	char err[512] = "", *out;
	struct wgconf c, again;

	(void)state;
	assert_int_equal(parse(&c, text, 0, err), 0);
	assert_true(c.tap);
	assert_string_equal(c.bridge, "br0");
	assert_int_equal(c.mac_ageing, 600);
	assert_true(c.has_hub && c.hub);
	assert_int_equal(c.peers[0].n_allowed_macs, 3);
	assert_int_equal(c.peers[0].allowed_macs[0].bits, 48);
	assert_int_equal(c.peers[0].allowed_macs[0].mac[5], 1);
	assert_int_equal(c.peers[0].allowed_macs[1].bits, 24);
	assert_memory_equal(c.peers[0].allowed_macs[1].mac, oui, MAC_LEN);
	assert_int_equal(c.peers[0].n_static_macs, 2);
	assert_int_equal(c.peers[0].static_macs[0].mac[5], 0x0a);
	out = write_string(&c, 0);
	assert_string_equal(out, written);
	assert_int_equal(parse(&again, out, 0, err), 0);
	free(out);
	out = write_string(&again, 0);
	assert_string_equal(out, written);
	free(out);
	out = write_string(&again, WGCONF_SETCONF);
	assert_null(strstr(out, "MAC"));
	assert_null(strstr(out, "Mode"));
	free(out);
	wgconf_free(&again);
	wgconf_free(&c);

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		print_message("case %zu\n", i + 1);
		assert_int_equal(parse(&c, refused[i].text, refused[i].flags, err), refused[i].ret);
		if (!refused[i].ret) {
			assert_false(c.tap || c.hub || c.bridge[0]);
			assert_true(c.has_hub);
			wgconf_free(&c);
		}
	}
}

/* Every refusal, with its exact message. */
static void errors(void **state)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
	    /* 1: a secret key is not quoted back */
	    /* 1 */ {
		"[Interface]\nPrivateKey = abc\n",
		"wg0.conf:2: Key is not the correct length or format: a secret of 3 characters, "
		"not shown (a key is 44 characters of base64)"},
	    /* 2 */
	    {"[Interface]\n\n\n\n\n\nPrivateKey = abc # seven\n",
	     "wg0.conf:7: Key is not the correct length or format: a secret of 3 characters, "
	     "not shown (a key is 44 characters of base64)"},
	    /* 3 */
	    {"[Peer]\nPublicKey = " K1 "x\n",
	     "wg0.conf:2: Key is not the correct length or format: `" K1 "x'"},
	    /* 4 */
	    {"[Interface]\nListenPort = 70000\n",
	     "wg0.conf:2: Port is not a number 0-65535: `70000'"},
	    /* 5 */
	    {"[Interface]\nListenPort = -1\n", "wg0.conf:2: Port is not a number 0-65535: `-1'"},
	    /* 6 */ {"[Interface]\nListenPort =\n", "wg0.conf:2: Value missing: `ListenPort='"},
	    /* 7 */
	    {"[Interface]\nFwMark = 0X10\n",
	     "wg0.conf:2: Fwmark is neither 0/off nor 0-0xffffffff: `0X10'"},
	    /* 8 */
	    {"[Interface]\nFwMark = 0x100000000\n",
	     "wg0.conf:2: Fwmark is neither 0/off nor 0-0xffffffff: `0x100000000'"},
	    /* 9 */
	    {"[Interface]\nFwMark = 0x\n",
	     "wg0.conf:2: Fwmark is neither 0/off nor 0-0xffffffff: `0x'"},
	    /* 10 */
	    {"[Interface]\nListenPort = 1\nBogus = 1\n",
	     "wg0.conf:3: Key unknown in [Interface] section: `Bogus'"},
	    /* 11 */
	    {"[Peer]\nPublicKey = " K1 "\nAddress = 10.0.0.1\n",
	     "wg0.conf:3: Key unknown in [Peer] section: `Address'"},
	    /* 12 */
	    {"ListenPort = 1\n", "wg0.conf:1: Key outside a section, expected [Interface] or "
				 "[Peer] first: `ListenPort'"},
	    /* 13 */
	    {"[Interface]\n[Foo]\n",
	     "wg0.conf:2: Section unknown, expected [Interface] or [Peer]: `[Foo]'"},
	    /* 14 */
	    {"[Interface]\nListenPort = 1\n[Peer]\nAllowedIPs = 10.0.0.0/8\n",
	     "wg0.conf:3: Peer is missing a PublicKey: `[Peer]'"},
	    /* 15 */
	    {"[Peer]\nPublicKey = " K1 "\n[Peer]\nEndpoint = 1.2.3.4:5\n",
	     "wg0.conf:3: Peer is missing a PublicKey: `[Peer]'"},
	    /* 16 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/33\n",
	     "wg0.conf:3: AllowedIP is not in the correct format: `10.0.0.0/33'"},
	    /* 17 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/8, ::1/129\n",
	     "wg0.conf:3: AllowedIP is not in the correct format: `::1/129'"},
	    /* 18 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/8,,\n",
	     "wg0.conf:3: AllowedIP is not in the correct format: `'"},
	    /* 19 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 010.0.0.1/32\n",
	     "wg0.conf:3: AllowedIP is not in the correct format: `010.0.0.1/32'"},
	    /* 20 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/+8\n",
	     "wg0.conf:3: AllowedIP is not in the correct format: `10.0.0.0/+8'"},
	    /* 21 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/255.0.0.0\n",
	     "wg0.conf:3: AllowedIP is not in the correct format: `10.0.0.0/255.0.0.0'"},
	    /* 22 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = 1.2.3.4\n",
	     "wg0.conf:3: Unable to find port of endpoint: `1.2.3.4'"},
	    /* 23 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = [::1:51820\n",
	     "wg0.conf:3: Unable to find matching brace of endpoint: `[::1:51820'"},
	    /* 24 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = [::1]51820\n",
	     "wg0.conf:3: Unable to find port of endpoint: `[::1]51820'"},
	    /* 25 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = 1.2.3.4:\n",
	     "wg0.conf:3: Unable to find port of endpoint: `1.2.3.4:'"},
	    /* 26 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = 1.2.3.4:65536\n",
	     "wg0.conf:3: Port of endpoint is not a number 0-65535: `1.2.3.4:65536'"},
	    /* 27 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = :51820\n",
	     "wg0.conf:3: Unable to find host of endpoint: `:51820'"},
	    /* 28 */
	    {"[Peer]\nPublicKey = " K1 "\nPersistentKeepalive = 65536\n",
	     "wg0.conf:3: Persistent keepalive interval is neither 0/off nor 1-65535: `65536'"},
	    /* 29 */
	    {"[Peer]\nPublicKey = " K1 "\nPersistentKeepalive = 1s\n",
	     "wg0.conf:3: Persistent keepalive interval is neither 0/off nor 1-65535: `1s'"},
	    /* 30 */
	    {"[Interface]\nAddress = 10.0.0.1/24, 10.0.0.300\n",
	     "wg0.conf:2: Address is not an IP address with an optional /prefix: `10.0.0.300'"},
	    /* 31 */
	    {"[Interface]\nAddress = fd00::1/129\n",
	     "wg0.conf:2: Address is not an IP address with an optional /prefix: `fd00::1/129'"},
	    /* 32 */
	    {"[Interface]\nAddress = 10.0.0.1/255.0.255.0\n",
	     "wg0.conf:2: Address is not an IP address with an optional /prefix: "
	     "`10.0.0.1/255.0.255.0'"},
	    /* 33 */
	    {"[Interface]\nDNS = 1.2.3\n", "wg0.conf:2: DNS server is not an IP address: `1.2.3'"},
	    /* 34 */
	    {"[Interface]\nMTU = 1500b\n", "wg0.conf:2: MTU is not a number 68-65535: `1500b'"},
	    /* 35 */ {"[Interface]\nMTU = 67\n", "wg0.conf:2: MTU is not a number 68-65535: `67'"},
	    /* 36 */
	    {"[Interface]\nTable = 4294967296\n",
	     "wg0.conf:2: Table is neither auto, off, a name nor 0-4294967295: `4294967296'"},
	    /* 37 */
	    {"[Interface]\nTable = a b\n",
	     "wg0.conf:2: Table is neither auto, off, a name nor 0-4294967295: `a b'"},
	    /* 38 */
	    {"[Interface]\nSaveConfig = yes\n",
	     "wg0.conf:2: SaveConfig is neither true nor false: `yes'"},
	    /* 39 */
	    {"[Interface]\nListenPort\n", "wg0.conf:2: Expected `Key = Value': `ListenPort'"},
	    /* 40: wg-quick keys count only under a header written exactly so */
	    {"[ Interface ]\nMTU = 1400\n",
	     "wg0.conf:2: Key unknown in [Interface] section: `MTU'"},
	    /* 41 */
	    {"[Interface]\nPrivateKey = " K1 " x\n",
	     "wg0.conf:2: Key is not the correct length or format: a secret of 46 "
	     "characters, not shown (a key is 44 characters of base64)"},
	    /* 42 */
	    {"[Peer]\nPublicKey = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",
	     "wg0.conf:2: Key is not the correct length or format: "
	     "`AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB='"},
	    /* 43 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = host!:1\n",
	     "wg0.conf:3: Endpoint host is neither an IP address nor a host name: `host!:1'"},
	    /* 44 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = [fe80::1%e/th0]:1\n",
	     "wg0.conf:3: Endpoint host is neither an IP address nor a host name: "
	     "`[fe80::1%e/th0]:1'"},
	    /* 45 */
	    {"[Peer]\nPublicKey = " K1 "\nEndpoint = a:b]c:5\n",
	     "wg0.conf:3: Endpoint host is neither an IP address nor a host name: `a:b]c:5'"},
	    /* 46 */
	    {"[Interface]\nMode = tup\n", "wg0.conf:2: Mode is neither tun nor tap: `tup'"},
	    /* 47 */
	    {"[Interface]\nHub = yes\n", "wg0.conf:2: Hub is neither true nor false: `yes'"},
	    /* 48 */
	    {"[Interface]\nMACAgeing = 0\n",
	     "wg0.conf:2: MACAgeing is not a number of seconds 1-4294967295: `0'"},
	    /* 49 */
	    {"[Interface]\nMACAgeing = 5m\n",
	     "wg0.conf:2: MACAgeing is not a number of seconds 1-4294967295: `5m'"},
	    /* 50 */
	    {"[Interface]\nBridge = br/0\n", "wg0.conf:2: Bridge is not an interface name: `br/0'"},
	    /* 51 */
	    {"[Interface]\nBridge = bridge-name-too-long\n",
	     "wg0.conf:2: Bridge is not an interface name: `bridge-name-too-long'"},
	    /* 52 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedMACs = 02:00:00:00:00:01, 02:00:00:00:00\n",
	     "wg0.conf:3: AllowedMACs entry is not a MAC address with an optional /1-48: "
	     "`02:00:00:00:00'"},
	    /* 53 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedMACs = 02:00:00:00:00:01/49\n",
	     "wg0.conf:3: AllowedMACs entry is not a MAC address with an optional /1-48: "
	     "`02:00:00:00:00:01/49'"},
	    /* 54 */
	    {"[Peer]\nPublicKey = " K1 "\nAllowedMACs = 02:00:00:00:00:01/0\n",
	     "wg0.conf:3: AllowedMACs entry is not a MAC address with an optional /1-48: "
	     "`02:00:00:00:00:01/0'"},
	    /* 55 */
	    {"[Peer]\nPublicKey = " K1 "\nStaticMACs = ff:ff:ff:ff:ff:ff\n",
	     "wg0.conf:3: StaticMACs entry is not a unicast MAC address: `ff:ff:ff:ff:ff:ff'"},
	    /* 56 */
	    {"[Peer]\nPublicKey = " K1 "\nStaticMACs = 02:00:00:00:00:01/24\n",
	     "wg0.conf:3: StaticMACs entry is not a unicast MAC address: `02:00:00:00:00:01/24'"},
	    /* 57 */
	    {"[Peer]\nPublicKey = " K1 "\nStaticMACs = 00:00:00:00:00:00\n",
	     "wg0.conf:3: StaticMACs entry is not a unicast MAC address: `00:00:00:00:00:00'"},
	    /* 58: the L2 interface keys are wg-quick level: not in [Peer] */
	    {"[Peer]\nPublicKey = " K1 "\nMode = tap\n",
	     "wg0.conf:3: Key unknown in [Peer] section: `Mode'"},
	    /* 59: a preshared key is a secret too */
	    /* 59 */
	    {"[Peer]\nPublicKey = " K1 "\nPresharedKey = short\n",
	     "wg0.conf:3: Key is not the correct length or format: a secret of 5 characters, "
	     "not shown (a key is 44 characters of base64)"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		struct wgconf c;

		print_message("case %zu\n", i + 1);
		assert_int_equal(parse(&c, cases[i].text, 0, err), -EINVAL);
		assert_string_equal(err, cases[i].error);
	}
}

/* Issue: a NUL cut a value short. Control bytes are refused at their line. */
static void control_bytes(void **state)
{
#define T(s) s, sizeof(s) - 1
	static const struct {
		const char *text;
		size_t len;
		const char *error; /* NULL: accepted */
	} cases[] = {
	    /* 1 */ {T("[Interface]\nListenPort = 518\0"
		       "30\n"),
		     "wg0.conf:2: Line holds a control character: byte 0x00 at column 17"},
	    /* 2: the key is not quoted back */
	    {T("[Interface]\nPrivateKey = " K1 "\x01\n"),
	     "wg0.conf:2: Line holds a control character: byte 0x01 at column 58"},
	    /* 3: in a comment too */
	    {T("# \x1b[31m\n"),
	     "wg0.conf:1: Line holds a control character: byte 0x1b at column 3"},
	    /* 4 */
	    {T("[Interface]\nPostUp = echo \x7f\n"),
	     "wg0.conf:2: Line holds a control character: byte 0x7f at column 15"},
	    /* 5: whitespace is no control byte */
	    {T("[Interface]\n\tListenPort\v=\f51820\r\n"), NULL},
	    /* 6 */
	    {T("\n\n\0\n"), "wg0.conf:3: Line holds a control character: byte 0x00 at column 1"},
	    /* 7: the last line needs no newline */
	    {T("[Interface]\nListenPort = 1\0"),
	     "wg0.conf:2: Line holds a control character: byte 0x00 at column 15"},
	    /* 8 */
	    {T("[Interface]\nAddress = 10.0.0.1/24\x1f\n"),
	     "wg0.conf:2: Line holds a control character: byte 0x1f at column 22"},
	};
#undef T

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		struct wgconf c;
		int ret = wgconf_read_string(&c, "wg0.conf", cases[i].text, cases[i].len, 0, err,
					     sizeof(err));

		print_message("case %zu\n", i + 1);
		if (!cases[i].error) {
			assert_int_equal(ret, 0);
			wgconf_free(&c);
			continue;
		}
		assert_int_equal(ret, -EINVAL);
		assert_string_equal(err, cases[i].error);
	}
}

/* Each value's own line is kept for the errors found after reading. */
static void value_lines(void **state)
{
	static const char text[] = "[Interface]\n"
				   "Table = bogus\n"
				   "[Peer]\n"
				   "PublicKey = " K1 "\n"
				   "\n"
				   "Endpoint = vpn.example.com:51820\n"
				   "[Peer]\n"
				   "PublicKey = " K2 "\n";
	char err[512] = "";
	struct wgconf c;

	assert_int_equal(parse(&c, text, 0, err), 0);
	assert_int_equal(c.table, WGCONF_TABLE_NAME);
	assert_int_equal(c.table_line, 2);
	assert_int_equal(c.peers[0].line, 3);
	assert_int_equal(c.peers[0].endpoint_line, 6);
	assert_int_equal(c.peers[1].line, 7);
	assert_int_equal(c.peers[1].endpoint_line, 0);
	wgconf_free(&c);
}

/* What wgconf_write makes of `full`: SaveConfig's layout, then showconf's. */
static const char full_written[] = "[Interface]\n"
				   "Address = 10.0.0.1/24\n"
				   "Address = fd00::1/64\n"
				   "Address = 10.0.0.2/32\n"
				   "Address = 10.9.9.9/16\n"
				   "DNS = 1.1.1.1\n"
				   "DNS = 2606:4700:4700::1111\n"
				   "DNS = example.com\n"
				   "DNS = lan\n"
				   "MTU = 1420\n"
				   "Table = 1234\n"
				   "SaveConfig = true\n"
				   "PreUp = echo pre-up # a comment stays in a hook\n"
				   "PostUp = iptables -A FORWARD -i %i -j ACCEPT\n"
				   "PostUp = echo second\n"
				   "PreDown = echo pre-down\n"
				   "PostDown = echo a=b\n";
static const char full_showconf[] = "[Interface]\n"
				    "ListenPort = 51820\n"
				    "FwMark = 0x1234\n"
				    "PrivateKey = " K1 "\n"
				    "\n"
				    "[Peer]\n"
				    "PublicKey = " K2 "\n"
				    "PresharedKey = " K3 "\n"
				    "AllowedIPs = 10.0.0.0/24, fd00::/64, 192.168.7.0/24\n"
				    "Endpoint = vpn.example.com:51820\n"
				    "PersistentKeepalive = 25\n"
				    "\n"
				    "[Peer]\n"
				    "PublicKey = " K1 "\n"
				    "Endpoint = [2001:db8::1]:4500\n"
				    "\n"
				    "[Peer]\n"
				    "PublicKey = " K3 "\n"
				    "AllowedIPs = 0.0.0.0/0, ::/0\n"
				    "Endpoint = 192.0.2.7:1\n";

static char *write_string(const struct wgconf *c, unsigned int flags)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(wgconf_write(c, f, flags), 0);
	fclose(f);
	return text;
}

/* WGCONF_SAVECONFIG: no blank line after an [Interface] without peers. */
static void write_saveconfig(void **state)
{
	static const struct {
		const char *text, *plain, *saved;
	} cases[] = {
	    /* 1 */ {"[Interface]\nPrivateKey = " K1 "\nSaveConfig = true\n",
		     "[Interface]\nSaveConfig = true\nPrivateKey = " K1 "\n\n",
		     "[Interface]\nSaveConfig = true\nPrivateKey = " K1 "\n"},
	    /* 2 */
	    {"[Interface]\nListenPort = 1\n[Peer]\nPublicKey = " K2 "\n",
	     "[Interface]\nListenPort = 1\n\n[Peer]\nPublicKey = " K2 "\n",
	     "[Interface]\nListenPort = 1\n\n[Peer]\nPublicKey = " K2 "\n"},
	};
	char err[512] = "";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wgconf c;
		char *plain, *saved;

		print_message("case %zu\n", i + 1);
		assert_int_equal(parse(&c, cases[i].text, 0, err), 0);
		plain = write_string(&c, 0);
		saved = write_string(&c, WGCONF_SAVECONFIG);
		assert_string_equal(plain, cases[i].plain);
		assert_string_equal(saved, cases[i].saved);
		free(plain);
		free(saved);
		wgconf_free(&c);
	}
}

static void write_and_read_back(void **state)
{
	static const unsigned int modes[] = {0, WGCONF_SETCONF};
	char err[512] = "", want[4096];
	struct wgconf c, again;

	for (size_t m = 0; m < 2; m++) {
		char *text, *text2;

		print_message("mode %zu\n", m);
		assert_int_equal(parse(&c, full, 0, err), 0);
		text = write_string(&c, modes[m]);
		if (modes[m])
			snprintf(want, sizeof(want), "%s", full_showconf);
		else
			snprintf(want, sizeof(want), "%s%s", full_written,
				 full_showconf + strlen("[Interface]\n"));
		assert_string_equal(text, want);

		/* read back: the same, and written again the same text */
		assert_int_equal(parse(&again, text, modes[m], err), 0);
		assert_int_equal(again.n_peers, 3);
		assert_memory_equal(again.private_key, c.private_key, KEY_LEN);
		assert_int_equal(again.n_addresses, modes[m] ? 0 : 4);
		assert_int_equal(again.hooks[WGCONF_POST_UP].n, modes[m] ? 0 : 2);
		assert_int_equal(again.peers[0].n_allowed_ips, 3);
		text2 = write_string(&again, modes[m]);
		assert_string_equal(text, text2);
		free(text);
		free(text2);
		wgconf_free(&again);
		wgconf_free(&c);
	}
}

static void locate(void **state)
{
	static const struct {
		const char *arg;
		int ret;
		const char *path;
		const char *ifname;
	} cases[] = {
	    /* 1 */ {"wg0", 0, "/etc/wireguard/wg0.conf", "wg0"},
	    /* 2 */ {"a_=+.-9", 0, "/etc/wireguard/a_=+.-9.conf", "a_=+.-9"},
	    /* 3 */ {"./wg0.conf", 0, "./wg0.conf", "wg0"},
	    /* 4 */ {"/tmp/x/office-vpn.conf", 0, "/tmp/x/office-vpn.conf", "office-vpn"},
	    /* 5 */ {"wg0.conf", 0, "/etc/wireguard/wg0.conf.conf", "wg0.conf"},
	    /* 6 */ {"abcdefghijklmnop", -EINVAL, NULL, NULL},
	    /* 7 */ {"/tmp/abcdefghijklmnop.conf", -EINVAL, NULL, NULL},
	    /* 8 */ {"/tmp/.conf", -EINVAL, NULL, NULL},
	    /* 9 */ {"/tmp/wg0.cfg", -EINVAL, NULL, NULL},
	    /* 10 */ {"/tmp/w g.conf", -EINVAL, NULL, NULL},
	    /* 11 */ {"", -EINVAL, NULL, NULL},
	    /* 12 */ {"/etc/wireguard/", -EINVAL, NULL, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char ifname[16] = "", err[256] = "", want[256];
		char *path = NULL;

		print_message("case %zu\n", i + 1);
		assert_int_equal(wgconf_locate(cases[i].arg, &path, ifname, err, sizeof(err)),
				 cases[i].ret);
		if (!cases[i].ret) {
			assert_string_equal(path, cases[i].path);
			assert_string_equal(ifname, cases[i].ifname);
			free(path);
		} else {
			snprintf(want, sizeof(want),
				 "The config file must be a valid interface name, followed by "
				 ".conf: `%s'",
				 cases[i].arg);
			assert_string_equal(err, want);
		}
	}
}

static void collect(void *arg, const char *msg)
{
	snprintf(arg, 512, "%s", msg);
}

static void incremental_and_warning(void **state)
{
	static const char *lines[] = {
	    "[Peer]\n",
	    "PublicKey = " K1 "\n",
	    "AllowedIPs = 10.1.2.3/8\n",
	};
	struct wgconf_reader r;
	char warning[512] = "";
	struct wgconf c;

	wgconf_read_init(&r, &c, "x.conf", 0, collect, warning);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(wgconf_read_line(&r, lines[i], strlen(lines[i])), 0);
	assert_int_equal(wgconf_read_finish(&r), 0);
	assert_string_equal(warning,
			    "x.conf:3: Warning: AllowedIP has nonzero host part: 10.1.2.3/8");
	ip_is(&c.peers[0].allowed_ips[0], "10.0.0.0", 8);
	wgconf_free(&c);
}

static void setconf_subset(void **state)
{
	static const char text[] = "[Interface]\nPrivateKey = " K1 "\nListenPort = 1\n"
				   "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.0/8\n";
	char err[512] = "";
	struct wgconf c;

	assert_int_equal(parse(&c, text, WGCONF_SETCONF, err), 0);
	assert_int_equal(c.n_peers, 1);
	assert_int_equal(c.listen_port, 1);
	wgconf_free(&c);

	/* wg-quick's keys are unknown to `wg setconf` */
	assert_int_equal(parse(&c, "[Interface]\nAddress = 10.0.0.1/24\n", WGCONF_SETCONF, err),
			 -EINVAL);
	assert_string_equal(err, "wg0.conf:2: Key unknown in [Interface] section: `Address'");
}

static void files(void **state)
{
	char dir[] = "/tmp/test_wgconf.XXXXXX", path[64], err[512] = "";
	struct wgconf c;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/wg0.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[Interface]\nPrivateKey = " K1 "\n[Peer]\nPublicKey = nope\n", f);
	fclose(f);

	assert_int_equal(chmod(path, 0644), 0);
	assert_true(wgconf_world_accessible(path));
	assert_int_equal(chmod(path, 0600), 0);
	assert_false(wgconf_world_accessible(path));
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_false(wgconf_world_accessible(path)); /* as wg-quick: file & dir */
	assert_false(wgconf_world_accessible("/nonexistent/wg0.conf"));

	assert_int_equal(wgconf_read_file(&c, path, 0, err, sizeof(err)), -EINVAL);
	{
		char want[600];

		snprintf(want, sizeof(want),
			 "%s:4: Key is not the correct length or format: `nope'", path);
		assert_string_equal(err, want);
	}
	unlink(path);
	assert_int_equal(wgconf_read_file(&c, path, 0, err, sizeof(err)), -ENOENT);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_key),
	    cmocka_unit_test(values),
	    cmocka_unit_test(errors),
	    cmocka_unit_test(control_bytes),
	    cmocka_unit_test(value_lines),
	    cmocka_unit_test(incremental_and_warning),
	    cmocka_unit_test(setconf_subset),
	    cmocka_unit_test(files),
	    cmocka_unit_test(write_and_read_back),
	    cmocka_unit_test(write_saveconfig),
	    cmocka_unit_test(l2_keys),
	    cmocka_unit_test(user_keys),
	    cmocka_unit_test(locate),
	};
	log_set_level(LOG_LEVEL_SILENT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
