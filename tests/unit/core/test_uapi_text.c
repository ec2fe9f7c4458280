// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/uapi_text: get replies as wireguard-go and warrend write them,
 * malformed replies refused whole, and the set request of a config.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/uapi_text.h"
#include "core/wgconf.h"

#define K1 "c0c46a38b1160248cb5328764c8170855b53097e8990770d6ccc680517ae5773"
#define K2 "10bcb313a95fbe26d3e834c1df10fa01b82858b54c7bd657512e4f04a4a5a361"
#define ZERO "0000000000000000000000000000000000000000000000000000000000000000"

/* A reply in wireguard-go's order: two peers, v4 and scoped v6 endpoints. */
static const char reply[] = "private_key=" K1 "\n"
			    "listen_port=51820\n"
			    "fwmark=51820\n"
			    "public_key=" K2 "\n"
			    "preshared_key=" ZERO "\n"
			    "protocol_version=1\n"
			    "endpoint=192.0.2.1:51821\n"
			    "last_handshake_time_sec=1700000000\n"
			    "last_handshake_time_nsec=5\n"
			    "tx_bytes=476\n"
			    "rx_bytes=692\n"
			    "persistent_keepalive_interval=25\n"
			    "allowed_ip=10.0.0.0/24\n"
			    "allowed_ip=fd00::/64\n"
			    "x_drop_no_key=3\n"
			    "public_key=" K1 "\n"
			    "preshared_key=" K2 "\n"
			    "endpoint=[fe80::1%1]:7\n"
			    "rx_bytes=0\n"
			    "errno=0\n"
			    "\n";

static void parse_full(void **state)
{
	struct uapi_device dev;
	char buf[128];

	assert_int_equal(uapi_text_parse_get(&dev, reply, sizeof(reply) - 1), 0);
	assert_true(dev.has_private_key);
	assert_int_equal(dev.private_key[0], 0xc0);
	assert_int_equal(dev.listen_port, 51820);
	assert_int_equal(dev.fwmark, 51820);
	assert_int_equal(dev.n_peers, 2);
	assert_int_equal(dev.n_extra, 0);

	assert_int_equal(dev.peers[0].public_key[0], 0x10);
	assert_false(dev.peers[0].has_preshared_key); /* all zeros: none */
	assert_string_equal(uapi_text_endpoint(buf, sizeof(buf), &dev.peers[0].endpoint),
			    "192.0.2.1:51821");
	assert_int_equal(dev.peers[0].last_handshake_sec, 1700000000);
	assert_int_equal(dev.peers[0].last_handshake_nsec, 5);
	assert_int_equal(dev.peers[0].tx_bytes, 476);
	assert_int_equal(dev.peers[0].rx_bytes, 692);
	assert_int_equal(dev.peers[0].persistent_keepalive, 25);
	assert_int_equal(dev.peers[0].n_allowed_ips, 2);
	assert_int_equal(dev.peers[0].allowed_ips[0].family, AF_INET);
	assert_int_equal(dev.peers[0].allowed_ips[0].cidr, 24);
	assert_int_equal(dev.peers[0].allowed_ips[1].family, AF_INET6);
	assert_int_equal(dev.peers[0].allowed_ips[1].cidr, 64);
	assert_int_equal(dev.peers[0].n_extra, 1);
	assert_string_equal(dev.peers[0].extra[0].key, "x_drop_no_key");
	assert_string_equal(dev.peers[0].extra[0].value, "3");

	assert_true(dev.peers[1].has_preshared_key);
	assert_int_equal(dev.peers[1].endpoint.sa.sa_family, AF_INET6);
	assert_int_equal(dev.peers[1].endpoint.in6.sin6_scope_id, 1);
	assert_int_equal(dev.peers[1].n_allowed_ips, 0);
	uapi_device_free(&dev);
}

static void parse_empty_device(void **state)
{
	static const char text[] = "errno=0\n\n";
	struct uapi_device dev;

	assert_int_equal(uapi_text_parse_get(&dev, text, sizeof(text) - 1), 0);
	assert_false(dev.has_private_key);
	assert_int_equal(dev.n_peers, 0);
	uapi_device_free(&dev);
}

static void parse_rejects(void **state)
{
	static const struct {
		const char *text;
		int err;
	} bad[] = {
	    /* 1 */ {"", -EPROTO},
	    /* 2 */ {"errno=0\n", -EPROTO},	    /* no empty line */
	    /* 3 */ {"listen_port=1\n\n", -EPROTO}, /* no errno */
	    /* 4 */ {"listen_port=65536\nerrno=0\n\n", -EPROTO},
	    /* 5 */ {"listen_port=-1\nerrno=0\n\n", -EPROTO},
	    /* 6 */ {"private_key=abc\nerrno=0\n\n", -EPROTO},
	    /* 7 */ {"noequals\nerrno=0\n\n", -EPROTO},
	    /* 8 */ {"=1\nerrno=0\n\n", -EPROTO},
	    /* 9 */ {"public_key=" K1 "\nallowed_ip=10.0.0.0/33\nerrno=0\n\n", -EPROTO},
	    /* 10 */ {"public_key=" K1 "\nallowed_ip=10.0.0.0\nerrno=0\n\n", -EPROTO},
	    /* 11 */ {"public_key=" K1 "\nendpoint=10.0.0.1\nerrno=0\n\n", -EPROTO},
	    /* 12 */ {"public_key=" K1 "\nendpoint=[::1:7\nerrno=0\n\n", -EPROTO},
	    /* 13 */ {"public_key=" K1 "\nprotocol_version=2\nerrno=0\n\n", -EPROTO},
	    /* 14 */ {"public_key=" K1 "\nrx_bytes=18446744073709551616\nerrno=0\n\n", -EPROTO},
	    /* 15 */ {"errno=0\nfwmark=1\n\n", -EPROTO}, /* after errno */
	    /* 16 */ {"errno=22\n\n", -EINVAL},		 /* the daemon's error */
	    /* 17 */ {"errno=-22\n\n", -EINVAL},	 /* wireguard-go's sign */
	    /* 18 */ {"errno=x\n\n", -EPROTO},
	    /* 19 */ {"listen_port=\nerrno=0\n\n", -EPROTO},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct uapi_device dev;
		int ret = uapi_text_parse_get(&dev, bad[i].text, strlen(bad[i].text));

		if (ret != bad[i].err)
			fail_msg("case %zu: %d, expected %d", i + 1, ret, bad[i].err);
		assert_null(dev.peers);
		assert_int_equal(dev.n_peers, 0);
	}
}

static void parse_errno(void **state)
{
	static const struct {
		const char *text;
		int ret;
	} cases[] = {
	    /* 1 */ {"errno=0\n\n", 0},
	    /* 2 */ {"errno=22\n\n", -EINVAL},
	    /* 3 */ {"errno=-1\n\n", -EPERM},
	    /* 4 */ {"errno=0\n", -EPROTO},
	    /* 5 */ {"errn=0\n\n", -EPROTO},
	    /* 6 */ {"errno=\n\n", -EPROTO},
	    /* 7 */ {"errno=1x\n\n", -EPROTO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = uapi_text_parse_errno(cases[i].text, strlen(cases[i].text));

		if (ret != cases[i].ret)
			fail_msg("case %zu: %d, expected %d", i + 1, ret, cases[i].ret);
	}
}

static void write_set(void **state)
{
	static const char conf_text[] =
	    "[Interface]\n"
	    "PrivateKey = wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=\n"
	    "ListenPort = 51820\n"
	    "FwMark = 0x10\n"
	    "Address = 10.0.0.1/24\n"
	    "[Peer]\n"
	    "PublicKey = ELyzE6lfvibT6DTB3xD6AbgoWLVMe9ZXUS5PBKSlo2E=\n"
	    "PresharedKey = wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=\n"
	    "AllowedIPs = 10.0.0.2/32, fd00::/64\n"
	    "Endpoint = [fd00::2]:51821\n"
	    "PersistentKeepalive = 25\n"
	    "[Peer]\n"
	    "PublicKey = wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=\n";
	static const char want[] = "set=1\n"
				   "private_key=" K1 "\n"
				   "listen_port=51820\n"
				   "fwmark=16\n"
				   "replace_peers=true\n"
				   "public_key=" K2 "\n"
				   "preshared_key=" K1 "\n"
				   "endpoint=[fd00::2]:51821\n"
				   "persistent_keepalive_interval=25\n"
				   "replace_allowed_ips=true\n"
				   "allowed_ip=10.0.0.2/32\n"
				   "allowed_ip=fd00::/64\n"
				   "public_key=" K1 "\n"
				   "replace_allowed_ips=true\n"
				   "\n";
	union sockaddr_inet eps[2] = {0};
	struct wgconf conf;
	char err[256], *out = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(wgconf_read_string(&conf, "t.conf", conf_text, sizeof(conf_text) - 1, 0,
					    err, sizeof(err)),
			 0);
	assert_true(conf.peers[0].endpoint.numeric);
	eps[0] = conf.peers[0].endpoint.addr;
	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(uapi_text_write_set(f, &conf, eps), 0);
	fclose(f);
	assert_string_equal(out, want);
	free(out);
	wgconf_free(&conf);
}

#define B1 "wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M="
#define B2 "ELyzE6lfvibT6DTB3xD6AbgoWLVMe9ZXUS5PBKSlo2E="

/* A device for write_sync's cases: key K1, peer K2 with PSK, keepalive, two IPs. */
static const char sync_reply[] = "private_key=" K1 "\n"
				 "listen_port=51820\n"
				 "fwmark=16\n"
				 "public_key=" K2 "\n"
				 "preshared_key=" K1 "\n"
				 "endpoint=192.0.2.1:51821\n"
				 "last_handshake_time_sec=1700000000\n"
				 "persistent_keepalive_interval=25\n"
				 "allowed_ip=10.0.0.0/24\n"
				 "allowed_ip=fd00::/64\n"
				 "errno=0\n"
				 "\n";

/* The same as an L2 device with a static MAC and an allowed MAC. */
static const char sync_reply_l2[] = "private_key=" K1 "\n"
				    "listen_port=51820\n"
				    "mode=tap\n"
				    "hub=false\n"
				    "mac_ageing=300\n"
				    "public_key=" K2 "\n"
				    "persistent_keepalive_interval=0\n"
				    "allowed_mac=02:00:00:00:00:00/24\n"
				    "mac=02:00:00:00:00:01,0,0,0,static\n"
				    "mac=02:00:00:00:00:07,5,1,1\n"
				    "errno=0\n"
				    "\n";

#define PEER2 "[Peer]\nPublicKey = " B2 "\n"
#define SAME_PEER2                                                                                 \
	PEER2 "PresharedKey = " B1 "\nEndpoint = 192.0.2.1:51821\nPersistentKeepalive = 25\n"

static void write_sync(void **state)
{
	static const struct {
		const char *reply, *conf;
		unsigned int flags;
		const char *want;
	} cases[] = {
	    /* 1: the same state: nothing */
	    {sync_reply,
	     "[Interface]\nPrivateKey = " B1 "\nListenPort = 51820\nFwMark = 16\n" SAME_PEER2
	     "AllowedIPs = fd00::/64, 10.0.0.0/24\n",
	     0, "set=1\n\n"},
	    /* 2: no FwMark: 0, as wg; kept with UAPI_SYNC_KEEP_FWMARK; no ListenPort: kept */
	    {sync_reply,
	     "[Interface]\nPrivateKey = " B1 "\n" SAME_PEER2
	     "AllowedIPs = 10.0.0.0/24, fd00::/64\n",
	     0, "set=1\nfwmark=0\n\n"},
	    {sync_reply,
	     "[Interface]\nPrivateKey = " B1 "\n" SAME_PEER2
	     "AllowedIPs = 10.0.0.0/24, fd00::/64\n",
	     UAPI_SYNC_KEEP_FWMARK, "set=1\n\n"},
	    /* 4: PSK and keepalive left out: cleared; allowed IPs changed: replaced */
	    {sync_reply,
	     "[Interface]\nPrivateKey = " B1 "\nFwMark = 16\n" PEER2 "AllowedIPs = 10.0.0.0/25\n",
	     0,
	     "set=1\npublic_key=" K2 "\npreshared_key=" ZERO "\npersistent_keepalive_interval=0\n"
	     "replace_allowed_ips=true\nallowed_ip=10.0.0.0/25\n\n"},
	    /* 5: a peer not in the file goes, a new one comes; no key: removed */
	    {sync_reply, "[Interface]\nFwMark = 16\n[Peer]\nPublicKey = " B1 "\n", 0,
	     "set=1\nprivate_key=" ZERO "\npublic_key=" K2 "\nremove=true\npublic_key=" K1
	     "\nreplace_allowed_ips=true\n\n"},
	    /* 6: L2: hub, ageing, allowed MACs changed, a static MAC added */
	    {sync_reply_l2,
	     "[Interface]\nPrivateKey = " B1 "\nMode = tap\nHub = true\nMACAgeing = 60\n" PEER2
	     "AllowedMACs = 02:00:00:00:00:00/24, 02:00:00:00:01:00/40\n"
	     "StaticMACs = 02:00:00:00:00:01, 02:00:00:00:00:02\n",
	     0,
	     "set=1\nhub=true\nmac_ageing=60\npublic_key=" K2 "\nreplace_allowed_macs=true\n"
	     "allowed_mac=02:00:00:00:00:00/24\nallowed_mac=02:00:00:00:01:00/40\n"
	     "static_mac=02:00:00:00:00:02\n\n"},
	    /* 7: L2: a static MAC gone: the peer is removed and added again */
	    {sync_reply_l2,
	     "[Interface]\nPrivateKey = " B1 "\nMode = tap\n" PEER2
	     "AllowedMACs = 02:00:00:00:00:00/24\n",
	     0,
	     "set=1\npublic_key=" K2 "\nremove=true\npublic_key=" K2
	     "\nreplace_allowed_ips=true\nreplace_allowed_macs=true\n"
	     "allowed_mac=02:00:00:00:00:00/24\n\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		union sockaddr_inet eps[4] = {0};
		struct uapi_sync_report report;
		struct uapi_device dev;
		struct wgconf conf;
		char err[256], *out = NULL;
		size_t len = 0;
		FILE *f;

		if (uapi_text_parse_get(&dev, cases[i].reply, strlen(cases[i].reply)))
			fail_msg("case %zu: reply", i + 1);
		if (wgconf_read_string(&conf, "t.conf", cases[i].conf, strlen(cases[i].conf),
				       WGCONF_SETCONF | WGCONF_L2, err, sizeof(err)))
			fail_msg("case %zu: %s", i + 1, err);
		for (size_t j = 0; j < conf.n_peers && j < 4; j++)
			if (conf.peers[j].has_endpoint)
				memcpy(&eps[j], &conf.peers[j].endpoint.addr,
				       sizeof(conf.peers[j].endpoint.addr));
		f = open_memstream(&out, &len);
		assert_non_null(f);
		assert_int_equal(uapi_text_write_sync(f, &conf, eps, &dev, cases[i].flags, &report),
				 0);
		fclose(f);
		if (strcmp(out, cases[i].want))
			fail_msg("case %zu:\n%s\nexpected:\n%s", i + 1, out, cases[i].want);
		free(out);
		wgconf_free(&conf);
		uapi_device_free(&dev);
	}
}

/* A device back as a config: `wg showconf' and, on L2, the L2 keys. */
static void device_conf(void **state)
{
	static const char want[] = "[Interface]\n"
				   "Mode = tap\n"
				   "MACAgeing = 300\n"
				   "Hub = false\n"
				   "ListenPort = 51820\n"
				   "PrivateKey = " B1 "\n"
				   "\n"
				   "[Peer]\n"
				   "PublicKey = " B2 "\n"
				   "AllowedMACs = 02:00:00:00:00:00/24\n"
				   "StaticMACs = 02:00:00:00:00:01\n";
	struct uapi_device dev;
	struct wgconf conf;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(uapi_text_parse_get(&dev, sync_reply_l2, sizeof(sync_reply_l2) - 1), 0);
	assert_int_equal(uapi_text_device_conf(&dev, &conf), 0);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(wgconf_write(&conf, f, WGCONF_SETCONF | WGCONF_L2), 0);
	fclose(f);
	assert_string_equal(out, want);
	free(out);
	wgconf_free(&conf);
	uapi_device_free(&dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_full),    cmocka_unit_test(parse_empty_device),
	    cmocka_unit_test(parse_rejects), cmocka_unit_test(parse_errno),
	    cmocka_unit_test(write_set),     cmocka_unit_test(write_sync),
	    cmocka_unit_test(device_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
