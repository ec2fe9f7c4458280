// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2 mode (docs/l2.md): engines in memory with a fake clock, joined in a
 * full mesh or a star. Flooding, learning, ageing, moves, hub mode with
 * split horizon, allowed MACs, the MTU, malformed L2 plaintexts, and an L2
 * interface against an L3 one.
 *
 *   mesh:  n0 --- n1        star (hub n0):   n1
 *            \   /                           |
 *             n2                       n2 -- n0 -- n3
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine_pair.h"

enum { MAX_NODES = 4, MTU = 1420, ETH = 14 };

struct node {
	struct engine *engine;
	uint8_t private_key[32], public_key[32];
	union sockaddr_inet addr;
	struct engine_output out;
	struct peer *peer[MAX_NODES]; /* this node's peer for node j, or NULL */
};

struct net {
	struct pktbuf_pool *pool;
	struct node node[MAX_NODES];
	unsigned count;
	struct engine_time now;
	/* Datagrams carrying a frame (longer than a keepalive) from i to j. */
	unsigned data[MAX_NODES][MAX_NODES];
	unsigned handshakes[MAX_NODES][MAX_NODES];
};

static void net_init(struct net *net, unsigned count, enum engine_mode mode)
{
	memset(net, 0, sizeof(*net));
	PAIR_CHECK(pktbuf_pool_new(&net->pool, 4096, 1600) == 0);
	net->count = count;
	for (unsigned i = 0; i < count; i++) {
		struct node *n = &net->node[i];
		char ip[32];

		PAIR_CHECK(engine_new(&n->engine) == 0);
		PAIR_CHECK(crypto_x25519_generate(n->private_key, n->public_key) == 0);
		PAIR_CHECK(engine_set_private_key(n->engine, n->private_key) == 0);
		PAIR_CHECK(engine_set_mode(n->engine, mode) == 0);
		engine_set_mtu(n->engine, MTU);
		snprintf(ip, sizeof(ip), "192.0.2.%u", i + 1);
		pair_addr(&n->addr, ip, (uint16_t)(51820 + i));
		engine_output_init(&n->out, net->pool);
	}
	net->now.mono_ns = 1000 * NSEC_PER_SEC;
	net->now.wall_ns = PAIR_WALL_BASE;
}

/* Node @i gets node @j as a peer, with its endpoint. */
static void net_link(struct net *net, unsigned i, unsigned j)
{
	struct node *a = &net->node[i], *b = &net->node[j];

	PAIR_CHECK(engine_peer_add(a->engine, b->public_key, &a->peer[j]) == 0);
	PAIR_CHECK(engine_peer_set_endpoint(a->engine, a->peer[j], &b->addr) == 0);
}

static void net_mesh(struct net *net)
{
	for (unsigned i = 0; i < net->count; i++)
		for (unsigned j = 0; j < net->count; j++)
			if (i != j)
				net_link(net, i, j);
}

static void net_free(struct net *net)
{
	for (unsigned i = 0; i < net->count; i++) {
		engine_output_reset(&net->node[i].out);
		engine_free(net->node[i].engine);
	}
	PAIR_CHECK(pktbuf_pool_available(net->pool) == pktbuf_pool_size(net->pool));
	pktbuf_pool_free(net->pool);
}

static int node_of(const struct net *net, const union sockaddr_inet *addr)
{
	for (unsigned j = 0; j < net->count; j++)
		if (sockaddr_inet_equal(&net->node[j].addr, addr))
			return (int)j;
	return -1;
}

/*
 * Delivers every queued datagram, round after round, until no node has
 * anything to send; returns the datagrams moved. Fails if it does not
 * settle (a loop).
 */
static unsigned net_run(struct net *net)
{
	unsigned total = 0;

	for (unsigned round = 0;; round++) {
		struct pktbuf *batch[MAX_NODES][512];
		unsigned len[MAX_NODES] = {0}, moved = 0;

		assert_true(round < 64);
		for (unsigned i = 0; i < net->count; i++) {
			struct pktbuf *buf;

			while ((buf = pktbuf_queue_pop(&net->node[i].out.tx))) {
				int j = node_of(net, &buf->addr);

				assert_true(j >= 0 && len[j] < 512);
				if (msg_type(buf) == MESSAGE_DATA &&
				    buf->len > MESSAGE_MINIMUM_LENGTH)
					net->data[i][j]++;
				if (msg_type(buf) == MESSAGE_HANDSHAKE_INITIATION)
					net->handshakes[i][j]++;
				buf->addr = net->node[i].addr;
				batch[j][len[j]++] = buf;
				moved++;
			}
		}
		if (!moved)
			return total;
		total += moved;
		for (unsigned j = 0; j < net->count; j++)
			engine_recv_batch(net->node[j].engine, batch[j], len[j], net->now,
					  &net->node[j].out);
	}
}

static void net_clear_counts(struct net *net)
{
	memset(net->data, 0, sizeof(net->data));
	memset(net->handshakes, 0, sizeof(net->handshakes));
}

static unsigned net_data_total(const struct net *net)
{
	unsigned n = 0;

	for (unsigned i = 0; i < net->count; i++)
		for (unsigned j = 0; j < net->count; j++)
			n += net->data[i][j];
	return n;
}

/* The MAC of the "VM" @v: 02:00:00:00:00:v (locally administered unicast). */
static void vm_mac(uint8_t mac[6], uint8_t v)
{
	static const uint8_t base[6] = {0x02, 0, 0, 0, 0, 0};

	memcpy(mac, base, 6);
	mac[5] = v;
}

/* The MAC of VM @v, in a static buffer (one at a time). */
static const uint8_t *mac_of(uint8_t v)
{
	static uint8_t mac[6];

	vm_mac(mac, v);
	return mac;
}

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* A frame of @len bytes (>= 14) from @src to @dst; the payload counts up from @seed. */
static struct pktbuf *frame(struct net *net, const uint8_t *dst, const uint8_t *src, uint32_t len,
			    uint8_t seed)
{
	struct pktbuf *buf = pktbuf_alloc(net->pool);
	uint8_t *p;

	PAIR_CHECK(buf);
	p = pktbuf_put(buf, len);
	PAIR_CHECK(p);
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = 0x88; /* local experimental ethertype 88b5 */
	p[13] = 0xb5;
	for (uint32_t i = ETH; i < len; i++)
		p[i] = (uint8_t)(seed + i);
	return buf;
}

/* Node @i reads one frame from its TAP device. */
static void tap_send(struct net *net, unsigned i, struct pktbuf *buf)
{
	engine_send_batch(net->node[i].engine, &buf, 1, net->now, &net->node[i].out);
}

static void tap_send_mac(struct net *net, unsigned i, const uint8_t *dst, uint8_t src_vm,
			 uint32_t len)
{
	uint8_t src[6];

	vm_mac(src, src_vm);
	tap_send(net, i, frame(net, dst, src, len, src_vm));
}

/* Frames node @i wrote to its TAP device since the last call; checks @len if nonzero. */
static unsigned tap_take(struct net *net, unsigned i, uint32_t len)
{
	struct pktbuf *buf;
	unsigned n = 0;

	while ((buf = pktbuf_queue_pop(&net->node[i].out.tun))) {
		if (len)
			assert_int_equal(buf->len, len);
		pktbuf_free(buf);
		n++;
	}
	return n;
}

static unsigned events_of(struct node *n, enum engine_event_type type)
{
	unsigned c = 0;

	for (unsigned e = 0; e < n->out.n_events; e++)
		c += n->out.events[e].type == type;
	return c;
}

static struct engine_l2_stats l2_stats(struct net *net, unsigned i)
{
	struct engine_l2_stats s;

	engine_l2_get_stats(net->node[i].engine, net->now.mono_ns, &s);
	return s;
}

struct mac_found {
	uint8_t mac[6];
	bool found;
	struct engine_mac_info info;
};

static int find_mac(void *ctx, const struct engine_mac_info *info)
{
	struct mac_found *f = ctx;

	if (!memcmp(f->mac, info->mac, 6)) {
		f->found = true;
		f->info = *info;
	}
	return 0;
}

/* Whether node @i has VM @v learned behind its peer for node @j. */
static bool learned_behind(struct net *net, unsigned i, uint8_t v, unsigned j,
			   struct engine_mac_info *info)
{
	struct mac_found f = {.found = false};

	vm_mac(f.mac, v);
	engine_peer_macs_walk(net->node[i].engine, net->node[i].peer[j], net->now.mono_ns, find_mac,
			      &f);
	if (f.found && info)
		*info = f.info;
	return f.found;
}

/* Three hosts in a full mesh: flood, learn, unicast without flooding, age out, move. */
static void mesh_learning(void **state)
{
	struct engine_mac_info info = {.is_static = false};
	uint8_t mac[6];
	struct net net;

	(void)state;
	net_init(&net, 3, ENGINE_MODE_L2);
	net_mesh(&net);
	assert_int_equal(engine_set_mac_ageing(net.node[1].engine, 30 * NSEC_PER_SEC), 0);

	/* 1: a broadcast from VM 0 on n0 reaches n1 and n2 once each. */
	tap_send_mac(&net, 0, broadcast, 0, 100);
	net_run(&net);
	assert_int_equal(tap_take(&net, 0, 0), 0);
	assert_int_equal(tap_take(&net, 1, 100), 1);
	assert_int_equal(tap_take(&net, 2, 100), 1);
	assert_int_equal(net.data[0][1], 1);
	assert_int_equal(net.data[0][2], 1);
	assert_int_equal(net_data_total(&net), 2);
	assert_int_equal(l2_stats(&net, 0).flooded, 1);
	assert_int_equal(l2_stats(&net, 0).flood_copies, 2);
	assert_true(learned_behind(&net, 1, 0, 0, &info));
	assert_false(info.is_static);
	assert_int_equal(info.rx_frames, 1);
	assert_true(learned_behind(&net, 2, 0, 0, NULL));
	assert_false(learned_behind(&net, 2, 0, 1, NULL));

	/* 2: VM 1 on n1 answers VM 0: known unicast, only to n0, no flood. */
	net_clear_counts(&net);
	vm_mac(mac, 0);
	tap_send_mac(&net, 1, mac, 1, 200);
	net_run(&net);
	assert_int_equal(tap_take(&net, 0, 200), 1);
	assert_int_equal(tap_take(&net, 2, 0), 0);
	assert_int_equal(net.data[1][0], 1);
	assert_int_equal(net_data_total(&net), 1);
	assert_int_equal(net.handshakes[1][2], 0); /* n1 never even started n2's session */
	assert_int_equal(l2_stats(&net, 1).flooded, 0);
	assert_int_equal(l2_stats(&net, 1).local_macs, 1); /* VM 1 */
	assert_true(learned_behind(&net, 1, 0, 0, &info));
	assert_int_equal(info.tx_frames, 1);

	/* 3: and n0 now knows VM 1: its reply goes only to n1. */
	net_clear_counts(&net);
	vm_mac(mac, 1);
	tap_send_mac(&net, 0, mac, 0, 300);
	net_run(&net);
	assert_int_equal(tap_take(&net, 1, 300), 1);
	assert_int_equal(tap_take(&net, 2, 0), 0);
	assert_int_equal(net_data_total(&net), 1);
	assert_int_equal(l2_stats(&net, 0).flooded, 1);

	/* 4: an unknown unicast is flooded. */
	net_clear_counts(&net);
	vm_mac(mac, 9);
	tap_send_mac(&net, 0, mac, 0, 60);
	net_run(&net);
	assert_int_equal(tap_take(&net, 1, 60), 1);
	assert_int_equal(tap_take(&net, 2, 60), 1);
	assert_int_equal(l2_stats(&net, 0).flooded, 2);

	/* 5: n1 ages VM 0 out after 30 s without a frame from it; then floods. */
	net.now.mono_ns += 31 * NSEC_PER_SEC;
	net.now.wall_ns += 31 * NSEC_PER_SEC;
	assert_false(learned_behind(&net, 1, 0, 0, NULL));
	assert_true(learned_behind(&net, 2, 0, 0, NULL)); /* n2 keeps the default 300 s */
	assert_int_equal(l2_stats(&net, 1).expired, 2);	  /* VM 0 and the local VM 1 */
	net_clear_counts(&net);
	vm_mac(mac, 0);
	tap_send_mac(&net, 1, mac, 1, 80);
	net_run(&net);
	assert_int_equal(l2_stats(&net, 1).flooded, 1);
	assert_int_equal(tap_take(&net, 0, 80), 1);
	assert_int_equal(tap_take(&net, 2, 80), 1);

	/* 6: VM 0 moves to n1 (sends from there): n2 relearns it behind n1. */
	net_clear_counts(&net);
	tap_send_mac(&net, 1, broadcast, 0, 90);
	net_run(&net);
	assert_int_equal(tap_take(&net, 0, 90), 1);
	assert_int_equal(tap_take(&net, 2, 90), 1);
	assert_true(learned_behind(&net, 2, 0, 1, NULL));
	assert_false(learned_behind(&net, 2, 0, 0, NULL));
	assert_int_equal(l2_stats(&net, 2).moved, 1);
	net_clear_counts(&net);
	tap_send_mac(&net, 2, mac, 2, 70);
	net_run(&net);
	assert_int_equal(net.data[2][1], 1);
	assert_int_equal(net_data_total(&net), 1);
	assert_int_equal(tap_take(&net, 1, 70), 1);
	assert_int_equal(tap_take(&net, 0, 0), 0);

	/* 7: a frame from the TAP for a local MAC goes nowhere. */
	vm_mac(mac, 1);
	tap_send_mac(&net, 1, mac, 3, 64);
	assert_int_equal(net.node[1].out.tx.len, 0);
	assert_int_equal(engine_drops(net.node[1].engine, ENGINE_DROP_FRAME_FILTERED), 1);

	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(engine_drops(net.node[i].engine, ENGINE_DROP_FRAME_INVALID), 0);
		assert_int_equal(engine_drops(net.node[i].engine, ENGINE_DROP_NO_BUFFER), 0);
	}
	net_free(&net);
}

/* A star: spokes n1-n3 peer only with the hub n0; they meet only through it. */
static void star(struct net *net, bool hub)
{
	net_init(net, 4, ENGINE_MODE_L2);
	for (unsigned s = 1; s < 4; s++) {
		net_link(net, 0, s);
		net_link(net, s, 0);
	}
	engine_set_hub(net->node[0].engine, hub);
}

static void hub_switches_between_spokes(void **state)
{
	uint8_t mac[6];
	struct net net;

	(void)state;
	star(&net, true);
	assert_true(engine_get_hub(net.node[0].engine));

	/* 1: a broadcast from spoke 1 reaches the hub and spokes 2 and 3, once. */
	tap_send_mac(&net, 1, broadcast, 1, 120);
	net_run(&net);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(tap_take(&net, i, 120), i == 1 ? 0 : 1);
	assert_int_equal(net.data[1][0], 1);
	assert_int_equal(net.data[0][2], 1);
	assert_int_equal(net.data[0][3], 1);
	assert_int_equal(net.data[0][1], 0); /* split horizon */
	assert_int_equal(net_data_total(&net), 3);
	assert_int_equal(l2_stats(&net, 0).flooded, 1);

	/* 2: spoke 2 answers VM 1: hub switches it to spoke 1 only. */
	net_clear_counts(&net);
	vm_mac(mac, 1);
	tap_send_mac(&net, 2, mac, 2, 130);
	net_run(&net);
	assert_int_equal(tap_take(&net, 1, 130), 1);
	assert_int_equal(tap_take(&net, 0, 0), 0);
	assert_int_equal(tap_take(&net, 3, 0), 0);
	assert_int_equal(net.data[2][0], 1);
	assert_int_equal(net.data[0][1], 1);
	assert_int_equal(net_data_total(&net), 2);
	assert_int_equal(l2_stats(&net, 0).forwarded, 1);
	assert_int_equal(l2_stats(&net, 0).flooded, 1);

	/* 3: a frame for a MAC behind the sender itself is not sent back. */
	net_clear_counts(&net);
	vm_mac(mac, 1);
	assert_int_equal(engine_peer_mac_add_static(net.node[1].engine, net.node[1].peer[0], mac),
			 0);
	tap_send_mac(&net, 1, mac, 7, 64); /* spoke 1 pinned VM 1 behind the hub */
	net_run(&net);
	assert_int_equal(net.data[1][0], 1);
	assert_int_equal(net_data_total(&net), 1);
	assert_int_equal(engine_drops(net.node[0].engine, ENGINE_DROP_FRAME_FILTERED), 1);

	/* 4: a broadcast storm: 10 from each spoke; exactly 3 datagrams each, settles. */
	net_clear_counts(&net);
	for (unsigned r = 0; r < 10; r++)
		for (unsigned s = 1; s < 4; s++)
			tap_send_mac(&net, s, broadcast, (uint8_t)s, 100);
	net_run(&net);
	assert_int_equal(net_data_total(&net), 10 * 3 * 3);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(tap_take(&net, i, 100), i == 0 ? 30 : 20);
	assert_int_equal(engine_drops(net.node[0].engine, ENGINE_DROP_NO_BUFFER), 0);
	net_free(&net);

	/* 5: without hub mode the hub keeps frames from spokes to itself. */
	star(&net, false);
	tap_send_mac(&net, 1, broadcast, 1, 120);
	net_run(&net);
	assert_int_equal(tap_take(&net, 0, 120), 1);
	assert_int_equal(tap_take(&net, 2, 0), 0);
	assert_int_equal(tap_take(&net, 3, 0), 0);
	vm_mac(mac, 1);
	tap_send_mac(&net, 2, mac, 2, 130); /* spoke 2 floods; only the hub hears */
	net_run(&net);
	assert_int_equal(tap_take(&net, 0, 130), 1);
	assert_int_equal(tap_take(&net, 1, 0), 0);
	assert_int_equal(net_data_total(&net), 2);
	net_free(&net);
}

static int count_allowed(void *ctx, const uint8_t *mac, uint8_t bits)
{
	(void)mac;
	assert_true(bits == 40 || bits == 48);
	++*(unsigned *)ctx;
	return 0;
}

static void allowed_macs(void **state)
{
	static const struct {
		uint8_t src[6];
		bool delivered;
	} cases[] = {
	    /* 1 */ {{0x02, 0, 0, 0, 0, 0x05}, true},
	    /* 2 */ {{0x02, 0, 0, 0, 0, 0xff}, true},
	    /* 3 */ {{0x02, 0, 0, 0, 0x01, 0x05}, false},
	    /* 4 */ {{0x52, 0x54, 0, 0x12, 0x34, 0x56}, true}, /* the exact one */
	    /* 5 */ {{0x52, 0x54, 0, 0x12, 0x34, 0x57}, false},
	    /* 6 */ {{0x01, 0, 0, 0, 0, 0x05}, false}, /* multicast source: invalid */
	    /* 7 */ {{0, 0, 0, 0, 0, 0}, false},       /* zero source: invalid */
	};
	static const uint8_t prefix[6] = {0x02, 0, 0, 0, 0, 0x77};
	static const uint8_t exact[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
	uint64_t not_allowed = 0, invalid = 0;
	struct net net;
	unsigned walked = 0;

	(void)state;
	net_init(&net, 2, ENGINE_MODE_L2);
	net_mesh(&net);
	struct engine *e1 = net.node[1].engine;
	struct peer *p0 = net.node[1].peer[0];

	assert_int_equal(engine_peer_allowedmac_add(e1, p0, prefix, 40), 0);
	assert_int_equal(engine_peer_allowedmac_add(e1, p0, exact, 48), 0);
	assert_int_equal(engine_peer_allowedmac_add(e1, p0, exact, 48), 0); /* no duplicate */
	assert_int_equal(engine_peer_allowedmac_add(e1, p0, exact, 49), -EINVAL);
	assert_int_equal(engine_peer_allowedmacs_walk(e1, p0, count_allowed, &walked), 0);
	assert_int_equal(walked, 2);
	assert_int_equal(p0->allowed_macs[0].mac[5], 0); /* kept as the prefix */

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tap_send(&net, 0, frame(&net, broadcast, cases[i].src, 64, (uint8_t)i));
		net_run(&net);
		assert_int_equal(tap_take(&net, 1, 64), cases[i].delivered);
		if (!cases[i].delivered) {
			if (cases[i].src[0] & 1 || !cases[i].src[0])
				invalid++;
			else
				not_allowed++;
		}
		assert_int_equal(engine_drops(e1, ENGINE_DROP_MAC_NOT_ALLOWED), not_allowed);
		assert_int_equal(engine_drops(e1, ENGINE_DROP_FRAME_INVALID), invalid);
	}
	{
		struct engine_peer_info pi;

		engine_peer_get_info(p0, &pi);
		assert_int_equal(pi.drops[ENGINE_DROP_MAC_NOT_ALLOWED], 2);
	}
	/* Cleared: anything goes again. */
	engine_peer_allowedmacs_clear(e1, p0);
	tap_send(&net, 0, frame(&net, broadcast, cases[2].src, 64, 0));
	net_run(&net);
	assert_int_equal(tap_take(&net, 1, 64), 1);
	net_free(&net);
}

/* Frames up to MTU + 14 pass; longer ones are dropped on send and on receive. */
static void mtu_and_padding(void **state)
{
	static const struct {
		uint32_t frame_len;
		uint32_t datagram_len; /* 0: dropped as too_big at the sender */
	} cases[] = {
	    /* 1 */ {14, 16 + 16 + 16},		     /* 2 + 14, no padding */
	    /* 2 */ {60, 16 + 64 + 16},		     /* 62 padded to 64 */
	    /* 3 */ {1420, 16 + 1424 + 16},	     /* 1422 padded to 1424 */
	    /* 4 */ {MTU + ETH - 1, 16 + 1436 + 16}, /* 1435 padded to the limit 1436 */
	    /* 5 */ {MTU + ETH, 16 + 1436 + 16},     /* 1436: the limit, no padding */
	    /* 6 */ {MTU + ETH + 1, 0},
	    /* 7 */ {13, 0}, /* a runt */
	};
	uint64_t too_big = 0;
	struct net net;

	(void)state;
	net_init(&net, 2, ENGINE_MODE_L2);
	net_mesh(&net);
	/* Session first, so that frames leave at once. */
	tap_send_mac(&net, 0, broadcast, 0, 60);
	net_run(&net);
	tap_take(&net, 1, 0);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct node *n0 = &net.node[0];
		uint8_t src[6];
		struct pktbuf *buf;

		vm_mac(src, 0);
		buf = pktbuf_alloc(net.pool);
		memset(pktbuf_put(buf, cases[i].frame_len), 0x5a, cases[i].frame_len);
		if (cases[i].frame_len >= 12) {
			memcpy(pktbuf_data(buf), broadcast, 6);
			memcpy(pktbuf_data(buf) + 6, src, 6);
		}
		tap_send(&net, 0, buf);
		if (!cases[i].datagram_len) {
			assert_int_equal(n0->out.tx.len, 0);
			too_big += cases[i].frame_len > 14;
			assert_int_equal(engine_drops(n0->engine, ENGINE_DROP_TOO_BIG), too_big);
			continue;
		}
		assert_int_equal(n0->out.tx.len, 1);
		assert_int_equal(n0->out.tx.head->len, cases[i].datagram_len);
		net_run(&net);
		assert_int_equal(tap_take(&net, 1, cases[i].frame_len), 1);
	}
	assert_int_equal(engine_drops(net.node[0].engine, ENGINE_DROP_FRAME_INVALID), 1);

	/* A receiver with a smaller MTU drops what does not fit its TAP device. */
	engine_set_mtu(net.node[1].engine, 1000);
	tap_send_mac(&net, 0, broadcast, 0, 1014);
	tap_send_mac(&net, 0, broadcast, 0, 1015);
	net_run(&net);
	assert_int_equal(tap_take(&net, 1, 1014), 1);
	assert_int_equal(engine_drops(net.node[1].engine, ENGINE_DROP_TOO_BIG), 1);
	net_free(&net);
}

/*
 * Over an IPv6 underlay one 1500-byte packet holds 1420 bytes of plaintext:
 * a frame whose message fits is padded no further than that, by the L2
 * header nor by the seal, and arrives at its own length.
 */
static void padding_fits_ipv6(void **state)
{
	static const struct {
		uint32_t frame_len;
		uint32_t datagram_len;
	} cases[] = {
	    /* 1 */ {1418, 16 + 1420 + 16}, /* 1420 is what fits: no padding */
	    /* 2 */ {1410, 16 + 1420 + 16}, /* 1412, padded to what fits */
	    /* 3 */ {1400, 16 + 1408 + 16}, /* 1402 padded to 1408, as ever */
	    /* 4 */ {1419, 16 + 1424 + 16}, /* 1421 needs two packets anyway */
	};
	struct net net;

	(void)state;
	net_init(&net, 2, ENGINE_MODE_L2);
	pair_addr6(&net.node[0].addr, "2001:db8::1", 51820);
	pair_addr6(&net.node[1].addr, "2001:db8::2", 51821);
	net_mesh(&net);
	tap_send_mac(&net, 0, broadcast, 0, 60);
	net_run(&net);
	tap_take(&net, 1, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct node *n0 = &net.node[0];

		tap_send_mac(&net, 0, broadcast, 0, cases[i].frame_len);
		assert_int_equal(n0->out.tx.len, 1);
		if (n0->out.tx.head->len != cases[i].datagram_len)
			fail_msg("case %zu: datagram of %u bytes, not %u", i + 1,
				 n0->out.tx.head->len, cases[i].datagram_len);
		net_run(&net);
		assert_int_equal(tap_take(&net, 1, cases[i].frame_len), 1);
	}
	net_free(&net);
}

/*
 * Plaintexts an L3 engine sends verbatim (engine_send_to_peer does not look
 * inside) to an L2 one: what the L2 side makes of each.
 */
static void malformed_l2_plaintext(void **state)
{
	static const struct {
		uint8_t bytes[20];
		uint8_t len;
		int reason; /* -1: delivered */
		uint32_t delivered_len;
	} cases[] = {
	    /* 1 */ {{0xe1, 0, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x88, 0xb5}, 16, -1, 14},
	    /* 2: padding past the frame */
	    {{0xe1, 15, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x88, 0xb5},
	     16,
	     ENGINE_DROP_FRAME_INVALID,
	     0},
	    /* 3: padding count of 16 */
	    {{0xe1, 16, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x88, 0xb5},
	     16,
	     ENGINE_DROP_FRAME_INVALID,
	     0},
	    /* 4: another L2 version */
	    {{0xe2, 0, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x88, 0xb5},
	     16,
	     ENGINE_DROP_FRAME_INVALID,
	     0},
	    /* 5: runt (padded by the sender to 16, but the header says 2 + 12 + 2 pad) */
	    {{0xe1, 2, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1}, 14, ENGINE_DROP_FRAME_INVALID, 0},
	    /* 6: IPv4 from an L3 peer */
	    {{0x45, 0, 0, 20}, 20, ENGINE_DROP_IP_ON_L2, 0},
	    /* 7: IPv6 */
	    {{0x60, 0, 0, 0}, 20, ENGINE_DROP_IP_ON_L2, 0},
	    /* 8: garbage */
	    {{0x00, 0, 0, 0}, 20, ENGINE_DROP_FRAME_INVALID, 0},
	};
	uint64_t drops[ENGINE_DROP_COUNT] = {0};
	struct net net;

	(void)state;
	net_init(&net, 2, ENGINE_MODE_L2);
	assert_int_equal(engine_set_mode(net.node[0].engine, ENGINE_MODE_L3), 0);
	net_mesh(&net);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pktbuf *buf = pktbuf_from(net.pool, cases[i].bytes, cases[i].len);

		engine_send_to_peer(net.node[0].engine, net.node[0].peer[1], &buf, 1, net.now,
				    &net.node[0].out);
		net_run(&net);
		if (cases[i].reason < 0) {
			assert_int_equal(tap_take(&net, 1, cases[i].delivered_len), 1);
		} else {
			assert_int_equal(tap_take(&net, 1, 0), 0);
			drops[cases[i].reason]++;
		}
		for (int d = ENGINE_DROP_FRAME_ON_L3; d < ENGINE_DROP_COUNT; d++)
			assert_int_equal(engine_drops(net.node[1].engine, d), drops[d]);
	}
	/* The mismatch event came once, for the first IP packet. */
	assert_int_equal(events_of(&net.node[1], ENGINE_EVENT_PEER_SENDS_L3), 1);
	net_free(&net);
}

/* An L2 interface and an L3 one: handshake fine, nothing delivered, counted, one event. */
static void l2_against_l3(void **state)
{
	static const uint8_t ip_b[4] = {10, 0, 0, 2}, ip_a[4] = {10, 0, 0, 1};
	struct net net;
	struct node *l2, *l3;

	(void)state;
	net_init(&net, 2, ENGINE_MODE_L2);
	l2 = &net.node[0];
	l3 = &net.node[1];
	assert_int_equal(engine_set_mode(l3->engine, ENGINE_MODE_L3), 0);
	assert_int_equal(engine_get_mode(l3->engine), ENGINE_MODE_L3);
	assert_int_equal(engine_get_mode(l2->engine), ENGINE_MODE_L2);
	net_mesh(&net);
	assert_int_equal(engine_peer_allowedip_add(l3->engine, l3->peer[0], AF_INET, ip_a, 32), 0);

	for (unsigned r = 1; r <= 3; r++) {
		struct pktbuf *ip;

		tap_send_mac(&net, 0, broadcast, 0, 100);
		net_run(&net);
		assert_int_equal(tap_take(&net, 1, 0), 0);
		assert_int_equal(engine_drops(l3->engine, ENGINE_DROP_FRAME_ON_L3), r);
		assert_int_equal(events_of(l3, ENGINE_EVENT_PEER_SENDS_L2), 1);

		ip = pair_ip4(&(struct pair){.pool = net.pool}, ip_b, ip_a, 84);
		engine_send_batch(l3->engine, &ip, 1, net.now, &l3->out);
		net_run(&net);
		assert_int_equal(tap_take(&net, 0, 0), 0);
		assert_int_equal(engine_drops(l2->engine, ENGINE_DROP_IP_ON_L2), r);
		assert_int_equal(events_of(l2, ENGINE_EVENT_PEER_SENDS_L3), 1);
	}
	assert_string_equal(engine_drop_name(ENGINE_DROP_FRAME_ON_L3), "frame_on_l3");
	assert_string_equal(engine_drop_name(ENGINE_DROP_IP_ON_L2), "ip_on_l2");

	/* Switching the L3 side to L2 makes the segment work and re-arms the event. */
	assert_int_equal(engine_set_mode(l3->engine, ENGINE_MODE_L2), 0);
	tap_send_mac(&net, 0, broadcast, 0, 100);
	net_run(&net);
	assert_int_equal(tap_take(&net, 1, 100), 1);
	net_free(&net);
}

/* Configuration: ageing, capacity with eviction, static entries, removal with the peer. */
static void configuration(void **state)
{
	struct engine_mac_info info = {.is_static = false};
	struct net net;
	uint8_t mac[6];

	(void)state;
	net_init(&net, 3, ENGINE_MODE_L2);
	net_mesh(&net);
	struct engine *e = net.node[1].engine;

	assert_int_equal(engine_get_mac_ageing(e), 300 * NSEC_PER_SEC);
	assert_int_equal(engine_set_mac_ageing(e, 0), -EINVAL);
	assert_int_equal(engine_set_mac_ageing(e, 60 * NSEC_PER_SEC), 0);
	assert_int_equal(engine_get_mac_ageing(e), 60 * NSEC_PER_SEC);
	assert_int_equal(engine_set_mode(e, (enum engine_mode)7), -EINVAL);

	/* A cap of 4: six sources from n0 evict the two seen longest ago. */
	assert_int_equal(engine_set_mac_capacity(e, 4), 0);
	for (uint8_t v = 10; v < 16; v++) {
		tap_send_mac(&net, 0, broadcast, v, 60);
		net_run(&net);
		net.now.mono_ns += NSEC_PER_SEC;
	}
	assert_int_equal(l2_stats(&net, 1).evicted, 2);
	assert_int_equal(l2_stats(&net, 1).macs, 4);
	assert_false(learned_behind(&net, 1, 10, 0, NULL));
	assert_true(learned_behind(&net, 1, 15, 0, &info));
	assert_int_equal(info.age_ns, NSEC_PER_SEC);

	/* Static: survives ageing and is not moved by learning. */
	vm_mac(mac, 40);
	assert_int_equal(engine_peer_mac_add_static(e, net.node[1].peer[2], mac), 0);
	assert_int_equal(engine_peer_mac_add_static(e, net.node[1].peer[2], broadcast), -EINVAL);
	tap_send_mac(&net, 0, broadcast, 40, 60);
	net_run(&net);
	net.now.mono_ns += 3600 * NSEC_PER_SEC;
	assert_true(learned_behind(&net, 1, 40, 2, &info));
	assert_true(info.is_static);
	assert_false(learned_behind(&net, 1, 15, 0, NULL)); /* aged */
	assert_int_equal(engine_mac_remove(e, mac), 0);
	assert_int_equal(engine_mac_remove(e, mac), -ENOENT);

	/* Removing a peer forgets what was behind it. */
	assert_int_equal(engine_peer_mac_add_static(e, net.node[1].peer[2], mac), 0);
	engine_peer_remove(e, net.node[1].peer[2]);
	net.node[1].peer[2] = NULL;
	assert_int_equal(l2_stats(&net, 1).macs, 0);
	net_free(&net);
}

/* Floods skip peers without an endpoint; no peer at all is no_route; keepalives; mode switch. */
static void edges(void **state)
{
	uint8_t key[32], pub[32], mac[6];
	struct peer *silent;
	struct net net;
	struct pktbuf *buf;

	(void)state;
	net_init(&net, 2, ENGINE_MODE_L2);

	/* 1: no peers: a broadcast from the TAP has nowhere to go. */
	tap_send_mac(&net, 0, broadcast, 0, 60);
	assert_int_equal(engine_drops(net.node[0].engine, ENGINE_DROP_NO_ROUTE), 1);

	/* 2: a peer that has no endpoint gets no flood copy. */
	net_mesh(&net);
	assert_int_equal(crypto_x25519_generate(key, pub), 0);
	assert_int_equal(engine_peer_add(net.node[0].engine, pub, &silent), 0);
	tap_send_mac(&net, 0, broadcast, 0, 60);
	net_run(&net);
	assert_int_equal(tap_take(&net, 1, 60), 1);
	assert_int_equal(l2_stats(&net, 0).flood_copies, 1);
	assert_int_equal(silent->staged.len, 0);

	/* 3: the passive keepalive of an L2 session is an empty message, no drop. */
	net.now.mono_ns += 11 * NSEC_PER_SEC;
	net.now.wall_ns += 11 * NSEC_PER_SEC;
	engine_tick(net.node[1].engine, net.now, &net.node[1].out);
	assert_int_equal(net.node[1].out.tx.len, 1);
	assert_int_equal(net.node[1].out.tx.head->len, MESSAGE_MINIMUM_LENGTH);
	net_run(&net);
	for (int d = 0; d < ENGINE_DROP_COUNT; d++)
		if (d != ENGINE_DROP_NO_ROUTE)
			assert_int_equal(engine_drops(net.node[0].engine, d), 0);

	/* 4: frames staged for a peer are dropped when the mode changes. */
	vm_mac(mac, 50);
	assert_int_equal(engine_peer_mac_add_static(net.node[0].engine, silent, mac), 0);
	buf = frame(&net, mac, mac_of(0), 60, 0);
	tap_send(&net, 0, buf);
	assert_int_equal(silent->staged.len, 1);
	assert_int_equal(engine_set_mode(net.node[0].engine, ENGINE_MODE_L3), 0);
	assert_int_equal(silent->staged.len, 0);
	assert_int_equal(engine_drops(net.node[0].engine, ENGINE_DROP_STAGED_GIVEUP), 1);
	assert_int_equal(engine_set_mode(net.node[0].engine, ENGINE_MODE_L3), 0); /* no change */
	assert_int_equal(engine_drops(net.node[0].engine, ENGINE_DROP_STAGED_GIVEUP), 1);
	net_free(&net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(mesh_learning),
	    cmocka_unit_test(hub_switches_between_spokes),
	    cmocka_unit_test(allowed_macs),
	    cmocka_unit_test(mtu_and_padding),
	    cmocka_unit_test(padding_fits_ipv6),
	    cmocka_unit_test(malformed_l2_plaintext),
	    cmocka_unit_test(l2_against_l3),
	    cmocka_unit_test(configuration),
	    cmocka_unit_test(edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
