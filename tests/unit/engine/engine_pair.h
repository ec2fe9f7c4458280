/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two engines joined in memory with a fake clock, for the engine's tests,
 * fuzzer and benchmark. Side A is 10.0.0.1 at 192.0.2.1:51820, side B is
 * 10.0.0.2 at 192.0.2.2:51821; each has the other as its one peer with the
 * other's tunnel address as allowed IP and the other's address as endpoint.
 * Everything here is static inline: include it in one file per program.
 */
#ifndef WARREN_TESTS_ENGINE_PAIR_H
#define WARREN_TESTS_ENGINE_PAIR_H

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pktbuf.h"
#include "engine/crypto.h"
#include "engine/device.h"
#include "engine/engine.h"
#include "engine/messages.h"

struct side {
	struct engine *engine;
	struct peer *peer; /* the other side */
	uint8_t private_key[32];
	uint8_t public_key[32];
	uint8_t tunnel_ip[4];
	union sockaddr_inet addr;
	struct engine_output out;
};

struct pair {
	struct pktbuf_pool *pool;
	struct side a, b;
	struct engine_time now;
};

#define PAIR_WALL_BASE (1700000000ULL * NSEC_PER_SEC)
#define PAIR_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: pair setup failed: %s\n", __FILE__, __LINE__,      \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static inline void pair_addr(union sockaddr_inet *addr, const char *ip, uint16_t port)
{
	memset(addr, 0, sizeof(*addr));
	addr->in4.sin_family = AF_INET;
	addr->in4.sin_port = htons(port);
	inet_pton(AF_INET, ip, &addr->in4.sin_addr);
}

static inline void pair_addr6(union sockaddr_inet *addr, const char *ip, uint16_t port)
{
	memset(addr, 0, sizeof(*addr));
	addr->in6.sin6_family = AF_INET6;
	addr->in6.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &addr->in6.sin6_addr);
}

static inline void side_init(struct pair *p, struct side *s, const char *udp_ip, uint16_t port,
			     uint8_t last_octet)
{
	PAIR_CHECK(engine_new(&s->engine) == 0);
	PAIR_CHECK(crypto_x25519_generate(s->private_key, s->public_key) == 0);
	PAIR_CHECK(engine_set_private_key(s->engine, s->private_key) == 0);
	engine_set_mtu(s->engine, 1420);
	pair_addr(&s->addr, udp_ip, port);
	s->tunnel_ip[0] = 10;
	s->tunnel_ip[1] = 0;
	s->tunnel_ip[2] = 0;
	s->tunnel_ip[3] = last_octet;
	engine_output_init(&s->out, p->pool);
}

static inline void side_connect(struct side *s, const struct side *other, const uint8_t *psk)
{
	PAIR_CHECK(engine_peer_add(s->engine, other->public_key, &s->peer) == 0);
	PAIR_CHECK(engine_peer_allowedip_add(s->engine, s->peer, AF_INET, other->tunnel_ip, 32) ==
		   0);
	PAIR_CHECK(engine_peer_set_endpoint(s->engine, s->peer, &other->addr) == 0);
	engine_peer_set_psk(s->engine, s->peer, psk);
}

/* @psk_a is what A holds for B, @psk_b what B holds for A (NULL: none). */
static inline void pair_init_psk(struct pair *p, const uint8_t *psk_a, const uint8_t *psk_b)
{
	memset(p, 0, sizeof(*p));
	PAIR_CHECK(pktbuf_pool_new(&p->pool, 2048, 1500) == 0);
	side_init(p, &p->a, "192.0.2.1", 51820, 1);
	side_init(p, &p->b, "192.0.2.2", 51821, 2);
	side_connect(&p->a, &p->b, psk_a);
	side_connect(&p->b, &p->a, psk_b);
	p->now.mono_ns = 1000 * NSEC_PER_SEC;
	p->now.wall_ns = PAIR_WALL_BASE;
}

static inline void pair_init(struct pair *p)
{
	pair_init_psk(p, NULL, NULL);
}

static inline void pair_free(struct pair *p)
{
	engine_output_reset(&p->a.out);
	engine_output_reset(&p->b.out);
	engine_free(p->a.engine);
	engine_free(p->b.engine);
	PAIR_CHECK(pktbuf_pool_available(p->pool) == pktbuf_pool_size(p->pool));
	pktbuf_pool_free(p->pool);
}

/* Moves the fake clock forward (both clocks). */
static inline void pair_advance(struct pair *p, uint64_t ns)
{
	p->now.mono_ns += ns;
	p->now.wall_ns += ns;
}

static inline struct side *pair_other(struct pair *p, struct side *s)
{
	return s == &p->a ? &p->b : &p->a;
}

static inline uint8_t msg_type(const struct pktbuf *buf)
{
	return buf->len ? pktbuf_data(buf)[0] : 0;
}

/*
 * Delivers what @from has queued to send into the other engine as one
 * batch; returns how many datagrams went. Datagrams whose type is not in
 * the mask @types (bit 1 << type) are dropped on the wire instead.
 */
static inline unsigned pair_deliver_types(struct pair *p, struct side *from, unsigned types)
{
	struct side *to = pair_other(p, from);
	struct pktbuf *bufs[256];
	unsigned n = 0;
	struct pktbuf *buf;

	while ((buf = pktbuf_queue_pop(&from->out.tx))) {
		PAIR_CHECK(sockaddr_inet_equal(&buf->addr, &to->addr));
		if (!(types & (1U << msg_type(buf))) || n == 256) {
			pktbuf_free(buf);
			continue;
		}
		buf->addr = from->addr;
		bufs[n++] = buf;
	}
	engine_recv_batch(to->engine, bufs, n, p->now, &to->out);
	return n;
}

static inline unsigned pair_deliver(struct pair *p, struct side *from)
{
	return pair_deliver_types(p, from, ~0U);
}

/* Drops everything @s has queued (lost on the wire / not read). */
static inline unsigned pair_discard(struct side *s)
{
	unsigned n = pktbuf_queue_purge(&s->out.tx);

	pktbuf_queue_purge(&s->out.tun);
	s->out.n_events = 0;
	return n;
}

/* An IPv4/UDP packet of @total bytes from @src to @dst (4-byte addresses). */
static inline struct pktbuf *pair_ip4(struct pair *p, const uint8_t *src, const uint8_t *dst,
				      uint16_t total)
{
	struct pktbuf *buf = pktbuf_alloc(p->pool);
	uint8_t *ip;

	PAIR_CHECK(buf && total >= 28);
	ip = pktbuf_put(buf, total);
	PAIR_CHECK(ip);
	memset(ip, 0, total);
	ip[0] = 0x45;
	ip[2] = total >> 8;
	ip[3] = total & 0xff;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	for (uint16_t i = 28; i < total; i++)
		ip[i] = (uint8_t)i;
	return buf;
}

/* Sends one @total-byte packet from @from's tunnel address to the other's. */
static inline void pair_send(struct pair *p, struct side *from, uint16_t total)
{
	struct pktbuf *buf = pair_ip4(p, from->tunnel_ip, pair_other(p, from)->tunnel_ip, total);

	engine_send_batch(from->engine, &buf, 1, p->now, &from->out);
}

static inline void pair_tick(struct pair *p, struct side *s)
{
	engine_tick(s->engine, p->now, &s->out);
}

/* How many queued datagrams of @s have type @type. */
static inline unsigned pair_count_tx(const struct side *s, uint8_t type)
{
	unsigned n = 0;

	for (const struct pktbuf *b = s->out.tx.head; b; b = b->next)
		n += msg_type(b) == type;
	return n;
}

/*
 * Whether @engine's account of staged packets (staging.h) matches its
 * peers' queues: each peer in the list of its queue length, the longest
 * list named, the total summed.
 */
static inline bool pair_staging_consistent(const struct engine *engine)
{
	const struct staging *s = &engine->staging;
	unsigned longest = 0;
	size_t total = 0, listed = 0;

	for (struct peer *peer = engine_peer_first(engine); peer; peer = engine_peer_next(peer)) {
		total += peer->staged.len;
		if (peer->staged.len > longest)
			longest = peer->staged.len;
	}
	for (unsigned len = 1; len <= MAX_STAGED_PACKETS; len++)
		for (const struct peer *peer = s->by_len[len]; peer; peer = peer->staging_next) {
			if (peer->staged.len != len)
				return false;
			listed += len;
		}
	return total == s->total && listed == total && longest == s->max_len;
}

/* A handshake initiated by A through a keepalive (persistent keepalive on). */
static inline void pair_handshake(struct pair *p)
{
	engine_send_keepalive(p->a.engine, p->a.peer, p->now, &p->a.out);
	PAIR_CHECK(pair_deliver(p, &p->a) == 1); /* initiation */
	PAIR_CHECK(pair_deliver(p, &p->b) == 1); /* response */
	PAIR_CHECK(pair_deliver(p, &p->a) == 1); /* keepalive: key confirmation */
	PAIR_CHECK(p->b.peer->keypairs.current && p->a.peer->keypairs.current);
	p->a.out.n_events = p->b.out.n_events = 0;
}

#endif
