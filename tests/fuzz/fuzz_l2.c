// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2 mode (docs/l2.md) under libFuzzer: a hub H in hub mode with two L2
 * spokes S1, S2 and a raw sender R in L3 mode, whose plaintexts reach H
 * verbatim (engine_send_to_peer does not look inside in L3 mode), so that
 * arbitrary L2 headers and frames get past the tag.
 *
 *        S1
 *        |
 *   R -- H -- S2
 *
 * The input is a script of records: op, len (1 byte), len bytes.
 *   op % 4 == 0  the bytes as a frame read from the TAP device of node
 *                (op / 4) % 3 (H, S1, S2)
 *   op % 4 == 1  the bytes as a plaintext R sends to H
 *   op % 4 == 2  deliver everything queued until the network is quiet
 *   op % 4 == 3  advance the clock by len seconds and tick every engine
 * Then everything is delivered. Checks: delivery settles (no loop: at most
 * a bounded number of rounds), and every buffer is back in the pool.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../unit/engine/engine_pair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { NODES = 4, HUB = 0, RAW = 3, MAX_ROUNDS = 32 };

struct node {
	struct engine *engine;
	uint8_t private_key[32], public_key[32];
	union sockaddr_inet addr;
	struct engine_output out;
	struct peer *peer[NODES];
};

static struct pktbuf_pool *pool;
static struct node nodes[NODES];
static struct engine_time now;

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_l2: %s\n", what);
		abort();
	}
}

static void link_nodes(unsigned i, unsigned j)
{
	check(engine_peer_add(nodes[i].engine, nodes[j].public_key, &nodes[i].peer[j]) == 0,
	      "peer_add");
	check(engine_peer_set_endpoint(nodes[i].engine, nodes[i].peer[j], &nodes[j].addr) == 0,
	      "endpoint");
}

static void setup(void)
{
	check(pktbuf_pool_new(&pool, 2048, 1600) == 0, "pool");
	for (unsigned i = 0; i < NODES; i++) {
		struct node *n = &nodes[i];
		char ip[32];

		check(engine_new(&n->engine) == 0, "engine_new");
		check(crypto_x25519_generate(n->private_key, n->public_key) == 0, "keygen");
		check(engine_set_private_key(n->engine, n->private_key) == 0, "key");
		check(engine_set_mode(n->engine, i == RAW ? ENGINE_MODE_L3 : ENGINE_MODE_L2) == 0,
		      "mode");
		engine_set_mtu(n->engine, 1420);
		snprintf(ip, sizeof(ip), "192.0.2.%u", i + 1);
		pair_addr(&n->addr, ip, (uint16_t)(51820 + i));
		engine_output_init(&n->out, pool);
	}
	engine_set_hub(nodes[HUB].engine, true);
	check(engine_set_mac_capacity(nodes[HUB].engine, 16) == 0, "capacity");
	for (unsigned s = 1; s < NODES; s++) {
		link_nodes(HUB, s);
		link_nodes(s, HUB);
	}
	now.mono_ns = 1000 * NSEC_PER_SEC;
	now.wall_ns = PAIR_WALL_BASE;
}

static int node_of(const union sockaddr_inet *addr)
{
	for (unsigned j = 0; j < NODES; j++)
		if (sockaddr_inet_equal(&nodes[j].addr, addr))
			return (int)j;
	return -1;
}

static void run(void)
{
	for (unsigned round = 0;; round++) {
		bool moved = false;

		check(round < MAX_ROUNDS, "delivery does not settle (a loop?)");
		for (unsigned i = 0; i < NODES; i++) {
			struct pktbuf *buf;

			while ((buf = pktbuf_queue_pop(&nodes[i].out.tx))) {
				int j = node_of(&buf->addr);

				check(j >= 0, "datagram to nowhere");
				buf->addr = nodes[i].addr;
				engine_recv_batch(nodes[j].engine, &buf, 1, now, &nodes[j].out);
				moved = true;
			}
		}
		for (unsigned i = 0; i < NODES; i++) {
			pktbuf_queue_purge(&nodes[i].out.tun);
			nodes[i].out.n_events = 0;
		}
		if (!moved)
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!pool)
		setup();

	while (size >= 2) {
		uint8_t op = data[0], len = data[1];
		struct pktbuf *buf;

		data += 2;
		size -= 2;
		if (len > size)
			len = (uint8_t)size;
		switch (op % 4) {
		case 0:
			buf = pktbuf_from(pool, data, len);
			if (buf) {
				struct node *n = &nodes[(op / 4) % 3];

				engine_send_batch(n->engine, &buf, 1, now, &n->out);
			}
			break;
		case 1:
			buf = pktbuf_from(pool, data, len);
			if (buf)
				engine_send_to_peer(nodes[RAW].engine, nodes[RAW].peer[HUB], &buf,
						    1, now, &nodes[RAW].out);
			break;
		case 2:
			run();
			break;
		case 3:
			now.mono_ns += (uint64_t)len * NSEC_PER_SEC;
			now.wall_ns += (uint64_t)len * NSEC_PER_SEC;
			for (unsigned i = 0; i < NODES; i++)
				engine_tick(nodes[i].engine, now, &nodes[i].out);
			break;
		}
		if (op % 4 <= 1) {
			data += len;
			size -= len;
		}
	}
	run();
	/* Staged packets may wait for a handshake; everything else is back. */
	{
		size_t staged = 0;

		for (unsigned i = 0; i < NODES; i++)
			for (struct peer *p = engine_peer_first(nodes[i].engine); p;
			     p = engine_peer_next(p))
				staged += p->staged.len;
		check(pktbuf_pool_available(pool) + staged == pktbuf_pool_size(pool),
		      "a buffer leaked");
	}
	return 0;
}
