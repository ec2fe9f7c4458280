// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's set parser and get writer on a bare engine (no sockets): the
 * errno of each request as wireguard-go answers it, and what get shows
 * afterwards. The same behaviours are checked against the real
 * wireguard-go in tests/e2e/warrend_uapi.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/key.h"
#include "daemon/uapi.h"
#include "engine/engine.h"
#include "os/loop.h"

/* Clamped already, so get shows it unchanged. */
#define PRIV "0811111111111111111111111111111111111111111111111111111111111151"
#define PRIV_PEER "1022222222222222222222222222222222222222222222222222222222222262"
#define PSK "3333333333333333333333333333333333333333333333333333333333333333"
#define ZERO "0000000000000000000000000000000000000000000000000000000000000000"

struct fixture {
	struct engine *engine;
	struct pktbuf_pool *pool;
	struct engine_output out;
	char peer[KEY_HEX_LEN + 1]; /* a real public key, hex */
	char own[KEY_HEX_LEN + 1];  /* the engine's own public key once PRIV is set */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct engine *other;
	uint8_t key[KEY_LEN];

	assert_non_null(f);
	assert_int_equal(engine_new(&f->engine), 0);
	assert_int_equal(pktbuf_pool_new(&f->pool, 64, 2048), 0);
	engine_output_init(&f->out, f->pool);
	assert_int_equal(engine_new(&other), 0);
	assert_int_equal(key_from_hex(key, PRIV_PEER), 0);
	assert_int_equal(engine_set_private_key(other, key), 0);
	assert_true(engine_get_public_key(other, key));
	key_to_hex(f->peer, key);
	engine_free(other);
	assert_int_equal(engine_new(&other), 0);
	assert_int_equal(key_from_hex(key, PRIV), 0);
	assert_int_equal(engine_set_private_key(other, key), 0);
	assert_true(engine_get_public_key(other, key));
	key_to_hex(f->own, key);
	engine_free(other);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	engine_output_reset(&f->out);
	engine_free(f->engine);
	pktbuf_pool_free(f->pool);
	free(f);
	return 0;
}

/* Expands "%P" to the peer's key and "%O" to our own public key. */
static char *expand(const struct fixture *f, const char *in)
{
	size_t cap = strlen(in) * 2 + 256;
	char *s = malloc(cap), *o = s;

	assert_non_null(s);
	for (; *in; in++) {
		if (in[0] == '%' && (in[1] == 'P' || in[1] == 'O')) {
			memcpy(o, in[1] == 'P' ? f->peer : f->own, KEY_HEX_LEN);
			o += KEY_HEX_LEN;
			in++;
		} else {
			*o++ = *in;
		}
	}
	*o = '\0';
	return s;
}

static int set(struct fixture *f, const char *req)
{
	char *text = expand(f, req);
	int ret = uapi_set_text(f->engine, &f->out, NULL, text, strlen(text));

	free(text);
	return ret;
}

static char *get(struct fixture *f)
{
	char *text;
	size_t len;

	assert_int_equal(uapi_get_text(f->engine, NULL, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	return text;
}

struct set_case {
	const char *req;   /* body after "set=1\n"; %P = the peer's key */
	int err;	   /* the errno= value */
	const char *has;   /* a line get must show afterwards, or NULL */
	const char *hasnt; /* a line get must not show, or NULL */
};

static const struct set_case set_cases[] = {
    /* 1 */ {"private_key=" PRIV "\nlisten_port=51820\nfwmark=7\n\n", 0, "private_key=" PRIV "\n",
	     NULL},
    /* 2 */
    {"public_key=%P\nendpoint=192.0.2.1:51820\nallowed_ip=10.0.0.2/32\n\n", 0,
     "endpoint=192.0.2.1:51820\n", NULL},
    /* 3 */ {"public_key=%P\nallowed_ip=10.1.2.3/8\n\n", 0, "allowed_ip=10.0.0.0/8\n", NULL},
    /* 4 */ {"public_key=%P\nallowed_ip=-10.0.0.0/8\n\n", 0, NULL, "allowed_ip=10.0.0.0/8\n"},
    /* 5 */ {"public_key=%P\nallowed_ip=-10.99.0.0/16\n\n", 0, "allowed_ip=10.0.0.2/32\n", NULL},
    /* 6 */
    {"public_key=%P\nendpoint=[2001:db8::1]:443\npreshared_key=" PSK "\n\n", 0,
     "endpoint=[2001:db8::1]:443\n", NULL},
    /* 7 */
    {"public_key=%P\nreplace_allowed_ips=true\nallowed_ip=fd00::/8\n\n", 0, "allowed_ip=fd00::/8\n",
     "allowed_ip=10.0.0.2/32\n"},
    /* 8 */ {"foo=bar\n\n", -EINVAL, NULL, NULL},
    /* 9 */ {"listen_port\n\n", -EPROTO, NULL, NULL},
    /* 10 */ {"listen_port=65536\n\n", -EINVAL, "listen_port=51820\n", NULL},
    /* 11 */ {"listen_port=\n\n", -EINVAL, NULL, NULL},
    /* 12 */ {"fwmark=-1\n\n", -EINVAL, "fwmark=7\n", NULL},
    /* 13 */ {"private_key=" PRIV "0\n\n", -EINVAL, NULL, NULL},
    /* 14 */ {"replace_peers=false\n\n", -EINVAL, NULL, NULL},
    /* 15 */ {"public_key=%P\nendpoint=192.0.2.1\n\n", -EINVAL, NULL, NULL},
    /* 16 */ {"public_key=%P\nendpoint=[192.0.2.1]:1\n\n", -EINVAL, NULL, NULL},
    /* 17 */ {"public_key=%P\nendpoint=192.0.2.1:65536\n\n", -EINVAL, NULL, NULL},
    /* 18 */ {"public_key=%P\nallowed_ip=10.0.0.0/33\n\n", -EINVAL, NULL, NULL},
    /* 19 */ {"public_key=%P\nallowed_ip=::/129\n\n", -EINVAL, NULL, NULL},
    /* 20 */ {"public_key=%P\nallowed_ip=10.0.0.0\n\n", -EINVAL, NULL, NULL},
    /* 21 */ {"public_key=%P\nprotocol_version=2\n\n", -EINVAL, NULL, NULL},
    /* 22 */ {"public_key=%P\nprotocol_version=1\n\n", 0, "protocol_version=1\n", NULL},
    /* 23 */ {"public_key=%P\nremove=1\n\n", -EINVAL, NULL, NULL},
    /* 24 */ {"public_key=%P\npersistent_keepalive_interval=65536\n\n", -EINVAL, NULL, NULL},
    /* 25 */
    {"public_key=%P\npersistent_keepalive_interval=25\n\n", 0, "persistent_keepalive_interval=25\n",
     NULL},
    /* 26: stops at the first error; what came before stays */
    {"public_key=%P\nallowed_ip=10.6.0.0/16\nbad\nallowed_ip=10.7.0.0/16\n\n", -EPROTO,
     "allowed_ip=10.6.0.0/16\n", "allowed_ip=10.7.0.0/16\n"},
    /* 27: '\r' before '\n' is dropped, as bufio.ScanLines does */
    {"public_key=%P\r\nallowed_ip=10.8.0.0/16\r\n\r\n", 0, "allowed_ip=10.8.0.0/16\n", NULL},
    /* 28: our own public key is accepted and ignored */
    {"public_key=%O\nallowed_ip=10.10.0.0/16\n\n", 0, NULL, "allowed_ip=10.10.0.0/16\n"},
    /* 29: update_only does not create */
    {"public_key=" PSK "\nupdate_only=true\nallowed_ip=10.11.0.0/16\n\n", 0, NULL,
     "public_key=" PSK "\n"},
    /* 30: zero psk clears it */
    {"public_key=%P\npreshared_key=" ZERO "\n\n", 0, "preshared_key=" ZERO "\n", NULL},
    /* 31 */ {"fwmark=0\n\n", 0, NULL, "fwmark="},
    /* 32 */ {"public_key=%P\nremove=true\n\n", 0, NULL, "public_key="},
    /* 33: end of input without the empty line is a complete set */
    {"public_key=%P\nallowed_ip=10.12.0.0/16", 0, "allowed_ip=10.12.0.0/16\n", NULL},
    /* 34 */ {"replace_peers=true\n\n", 0, NULL, "public_key="},
    /* 35 */ {"private_key=" ZERO "\n\n", 0, NULL, "private_key="},
    /* 36: =value: an empty device key */
    {"=x\n\n", -EINVAL, NULL, NULL},
    /* 37: the empty line ends the set: what follows is not read */
    {"\nfoo=bar\n", 0, NULL, NULL},
};

static void test_set_table(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(set_cases) / sizeof(set_cases[0]); i++) {
		const struct set_case *c = &set_cases[i];
		char *text = expand(f, c->req);
		size_t len = strlen(text);
		int ret;
		char *got;

		ret = uapi_set_text(f->engine, &f->out, NULL, text, len);
		free(text);
		print_message("case %zu\n", i + 1);
		assert_int_equal(ret, c->err);
		got = get(f);
		if (c->has) {
			char *want = expand(f, c->has);

			if (!strstr(got, want))
				fail_msg("case %zu: get lacks %s:\n%s", i + 1, want, got);
			free(want);
		}
		if (c->hasnt && strstr(got, c->hasnt))
			fail_msg("case %zu: get shows %s:\n%s", i + 1, c->hasnt, got);
		free(got);
	}
}

/* The order of get's lines, as wireguard-go writes them. */
static void test_get_order(void **state)
{
	struct fixture *f = *state;
	char *want, *got;

	assert_int_equal(set(f, "private_key=" PRIV "\nlisten_port=1234\nfwmark=3\n"
				"public_key=%P\npreshared_key=" PSK "\nendpoint=[fd00::1]:9\n"
				"allowed_ip=10.0.0.0/24\nallowed_ip=fd00::/64\n"
				"persistent_keepalive_interval=0\n\n"),
			 0);
	want = expand(f, "private_key=" PRIV "\nlisten_port=1234\nfwmark=3\n"
			 "public_key=%P\npreshared_key=" PSK "\nprotocol_version=1\n"
			 "endpoint=[fd00::1]:9\nlast_handshake_time_sec=0\n"
			 "last_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0\n"
			 "persistent_keepalive_interval=0\nallowed_ip=10.0.0.0/24\n"
			 "allowed_ip=fd00::/64\n");
	got = get(f);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/*
 * Turning persistent keepalive on sends a keepalive, at the end of the
 * peer's lines (after its endpoint is known), as wireguard-go's
 * handlePostConfig does; without a session that starts a handshake.
 */
static void test_keepalive_at_end_of_peer(void **state)
{
	struct fixture *f = *state;
	struct uapi_set s;
	char *line;

	assert_int_equal(set(f, "private_key=" PRIV "\n\n"), 0);
	uapi_set_begin(&s, f->engine, &f->out, NULL);
	line = expand(f, "public_key=%P");
	assert_int_equal(uapi_set_line(&s, line, strlen(line)), 0);
	free(line);
	assert_int_equal(uapi_set_line(&s, "persistent_keepalive_interval=5", 31), 0);
	assert_int_equal(uapi_set_line(&s, "endpoint=192.0.2.9:51820", 24), 0);
	assert_int_equal(f->out.tx.len, 0);
	assert_int_equal(uapi_set_line(&s, "", 0), 1);
	assert_int_equal(f->out.tx.len, 1);
	assert_int_equal(f->out.tx.head->len, 148);
	engine_output_reset(&f->out);

	/* Already on: changing the interval sends nothing. */
	assert_int_equal(set(f, "public_key=%P\npersistent_keepalive_interval=7\n\n"), 0);
	assert_int_equal(f->out.tx.len, 0);
}

/* A NUL inside a value is part of it (wireguard-go's strings hold any byte): invalid. */
static void test_nul_in_value(void **state)
{
	struct fixture *f = *state;
	static const char req[] = "private_key=" PRIV "\nlisten_port=12\0003\n\n";

	assert_int_equal(uapi_set_text(f->engine, &f->out, NULL, req, sizeof(req) - 1), -EINVAL);
}

/* Lines longer than UAPI_LINE_MAX: -EIO, as bufio.Scanner's ErrTooLong. */
static void test_long_line(void **state)
{
	struct fixture *f = *state;
	size_t n = UAPI_LINE_MAX + 100;
	char *req = malloc(n + 16);

	memset(req, '1', n);
	memcpy(req, "listen_port=", 12);
	memcpy(req + n, "\n\n", 2);
	assert_int_equal(uapi_set_text(f->engine, &f->out, NULL, req, n + 2), -EIO);
	free(req);
}

/* warren's L2 extensions (docs/l2.md): refused or absent on L3, then on an L2 engine. */
static void test_l2_extensions(void **state)
{
	static const struct {
		bool l2;	   /* the engine is in L2 mode */
		const char *req;   /* body after "set=1\n"; %P = the peer's key */
		int err;	   /* the errno= value */
		const char *has;   /* a line get must show afterwards, or NULL */
		const char *hasnt; /* a line get must not show, or NULL */
	} cases[] = {
	    /* 1 */ {false, "mode=tap\n\n", -EINVAL, NULL, "mode="},
	    /* 2 */ {false, "mode=tun\n\n", 0, NULL, "mode="},
	    /* 3 */ {false, "public_key=%P\n\n", 0, NULL, "hub="},
	    /* 4 */ {true, "mode=tap\n\n", 0, "mode=tap\nhub=false\nmac_ageing=300\n", NULL},
	    /* 5 */ {true, "mode=tun\n\n", -EINVAL, "mode=tap\n", NULL},
	    /* 6 */ {true, "mode=bridge\n\n", -EINVAL, NULL, NULL},
	    /* 7 */ {true, "hub=true\nmac_ageing=60\n\n", 0, "hub=true\nmac_ageing=60\n", NULL},
	    /* 8 */ {true, "hub=yes\n\n", -EINVAL, "hub=true\n", NULL},
	    /* 9 */ {true, "mac_ageing=0\n\n", -EINVAL, "mac_ageing=60\n", NULL},
	    /* 10 */
	    {true, "public_key=%P\nallowed_mac=52:54:00:12:34:56/24\n\n", 0,
	     "allowed_mac=52:54:00:00:00:00/24\n", NULL},
	    /* 11 */
	    {true, "public_key=%P\nallowed_mac=02:00:00:00:00:01\n\n", 0,
	     "allowed_mac=02:00:00:00:00:01/48\n", NULL},
	    /* 12 */ {true, "public_key=%P\nallowed_mac=02:00:00:00:00/8\n\n", -EINVAL, NULL, NULL},
	    /* 13 */
	    {true, "public_key=%P\nstatic_mac=02:00:00:00:00:07\n\n", 0,
	     "mac=02:00:00:00:00:07,0,0,0,static\n", NULL},
	    /* 14 */
	    {true, "public_key=%P\nstatic_mac=ff:ff:ff:ff:ff:ff\n\n", -EINVAL, NULL, "mac=ff:"},
	    /* 15 */
	    {true, "public_key=%P\nstatic_mac=02:00:00:00:00:08/24\n\n", -EINVAL, NULL, NULL},
	    /* 16 */
	    {true, "public_key=%P\nreplace_allowed_macs=true\n\n", 0, NULL, "allowed_mac="},
	    /* 17 */ {true, "public_key=%P\nreplace_allowed_macs=1\n\n", -EINVAL, NULL, NULL},
	    /* 18 */ {true, "clamp_mss=false\n\n", 0, "clamp_mss=false\n", NULL},
	    /* 19 */ {true, "clamp_mss=off\n\n", -EINVAL, "clamp_mss=false\n", NULL},
	    /* 20 */ {true, "clamp_mss=true\n\n", 0, "clamp_mss=true\nl2_flooded=", NULL},
	    /* 21 */ {true, "public_key=%P\n\n", 0, "l2_mss_clamped=0\nl2_fragmented=0\n", NULL},
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got;
		int ret;

		if (cases[i].l2)
			assert_int_equal(engine_set_mode(f->engine, ENGINE_MODE_L2), 0);
		ret = set(f, cases[i].req);
		if (ret != cases[i].err)
			fail_msg("case %zu: errno %d, want %d", i + 1, ret, cases[i].err);
		got = get(f);
		if (cases[i].has && !strstr(got, cases[i].has))
			fail_msg("case %zu: get lacks %s:\n%s", i + 1, cases[i].has, got);
		if (cases[i].hasnt && strstr(got, cases[i].hasnt))
			fail_msg("case %zu: get shows %s:\n%s", i + 1, cases[i].hasnt, got);
		free(got);
	}
}

/*
 * The MAC table's counters in get (docs/l2.md): frames from the TAP device
 * of an L2 engine with a two-entry table, the counts after each frame.
 */
static void test_l2_mac_counters(void **state)
{
	static const struct {
		uint8_t src[6]; /* the frame's source MAC */
		unsigned macs, local, learned, evicted, ignored;
	} cases[] = {
	    /* 1 */ {{0x02, 0, 0, 0, 0, 0x01}, 1, 1, 1, 0, 0},
	    /* 2 */ {{0x02, 0, 0, 0, 0, 0x01}, 1, 1, 1, 0, 0}, /* seen again */
	    /* 3 */ {{0x02, 0, 0, 0, 0, 0x02}, 2, 2, 2, 0, 0},
	    /* 4 */ {{0x03, 0, 0, 0, 0, 0x03}, 2, 2, 2, 0, 1}, /* multicast */
	    /* 5 */ {{0, 0, 0, 0, 0, 0}, 2, 2, 2, 0, 2},       /* all-zero */
	    /* 6 */ {{0x02, 0, 0, 0, 0, 0x04}, 2, 2, 3, 1, 2}, /* full: evicts */
	};
	static const uint8_t dst[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct fixture *f = *state;
	char want[512], *got;

	got = get(f);
	if (strstr(got, "l2_"))
		fail_msg("an L3 get shows L2 counters:\n%s", got);
	free(got);
	assert_int_equal(engine_set_mode(f->engine, ENGINE_MODE_L2), 0);
	assert_int_equal(engine_set_mac_capacity(f->engine, 2), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct engine_time now = {.mono_ns = loop_now()};
		uint8_t eth[60] = {0};
		struct pktbuf *buf;

		memcpy(eth, dst, 6);
		memcpy(eth + 6, cases[i].src, 6);
		eth[12] = 0x88; /* local experimental ethertype 88b5 */
		eth[13] = 0xb5;
		buf = pktbuf_from(f->pool, eth, sizeof(eth));
		assert_non_null(buf);
		engine_send_batch(f->engine, &buf, 1, now, &f->out);
		engine_output_reset(&f->out);
		snprintf(want, sizeof(want),
			 "l2_macs=%u\nl2_macs_local=%u\nl2_macs_learned=%u\nl2_macs_moved=0\n"
			 "l2_macs_expired=0\nl2_macs_evicted=%u\nl2_macs_ignored=%u\n"
			 "l2_macs_refused=0\n",
			 cases[i].macs, cases[i].local, cases[i].learned, cases[i].evicted,
			 cases[i].ignored);
		got = get(f);
		if (!strstr(got, want))
			fail_msg("case %zu: get lacks\n%s in\n%s", i + 1, want, got);
		free(got);
	}
}

/*
 * A get written in slices (uapi_get_next, as the server writes it) is the
 * whole get, and replace_peers, which removes peers a slice at a time
 * (UAPI_SET_AGAIN), removes them all.
 */
static void test_slices(void **state)
{
	struct fixture *f = *state;
	struct uapi_buf buf = {0};
	struct uapi_get g;
	char req[128], *whole;
	int slices = 0, ret;

	for (int i = 0; i < 1500; i++) {
		snprintf(req, sizeof(req), "public_key=%064x\nallowed_ip=10.%d.%d.0/24\n\n", i + 1,
			 i / 256, i % 256);
		assert_int_equal(uapi_set_text(f->engine, &f->out, NULL, req, strlen(req)), 0);
	}
	assert_int_equal(engine_peer_count(f->engine), 1500);
	whole = get(f);
	uapi_get_begin(&g, f->engine, NULL);
	do {
		ret = uapi_get_next(&g, &buf, buf.len + 4096);
		slices++;
	} while (!ret);
	assert_int_equal(ret, 1);
	assert_true(slices > 10);
	assert_string_equal(buf.s, whole);
	uapi_buf_free(&buf);
	free(whole);
	assert_int_equal(set(f, "replace_peers=true\n\n"), 0);
	assert_int_equal(engine_peer_count(f->engine), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_set_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_get_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keepalive_at_end_of_peer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nul_in_value, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_l2_extensions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_l2_mac_counters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_slices, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
