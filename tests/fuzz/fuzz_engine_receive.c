// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's receive path under libFuzzer: two engines with an
 * established session (tests/unit/engine/engine_pair.h); the input is a
 * script of datagrams for them.
 *
 *   byte 0      bit 0: B under load; bits 1-7: advance the clock by n x 100 ms
 *   then records: op, len (2 bytes BE), len bytes
 *     op & 3 == 0  the bytes as a datagram to B
 *     op & 3 == 1  the bytes as plaintext that A seals, delivered to B (the
 *                  inner-packet checks behind a valid tag)
 *     op & 3 == 2  the bytes as a datagram to A
 *     op & 3 == 3  deliver what A and B have queued to each other, then tick
 *     op & 4       the datagram comes from another address (roaming)
 *     op & 8       with op 0: a UDP_GRO buffer, its first 2 bytes (BE) the
 *                  segment size, cut by core/udpgso.c as warrend cuts one;
 *                  with op 1: the bytes cut into plaintexts of 16 x byte 0
 *                  + 1 bytes, sealed by A, joined as one UDP_SEGMENT run
 *                  would be, byte 1 flipped at a place byte 2 picks, cut
 *                  again and given to B in one batch
 *
 * The pair persists between inputs (its keys are expensive) and is made
 * anew when a side has lost its session. Every buffer must be back in the
 * pool after each input.
 */
#include "../unit/engine/engine_pair.h"

#include "core/udpgso.h"

enum { GRO_MAX = 128 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pair p;
static bool ready;

static void establish(void)
{
	if (ready)
		pair_free(&p);
	pair_init(&p);
	pair_handshake(&p);
	ready = true;
}

static void feed(struct side *to, const uint8_t *bytes, size_t len, bool roam)
{
	struct pktbuf *buf = pktbuf_from(p.pool, bytes, len);

	if (!buf)
		return;
	if (roam)
		pair_addr(&buf->addr, "198.51.100.1", 999);
	else
		buf->addr = pair_other(&p, to)->addr;
	engine_recv_batch(to->engine, &buf, 1, p.now, &to->out);
}

static void sealed_to_b(const uint8_t *bytes, size_t len, bool roam)
{
	struct pktbuf *buf = pktbuf_from(p.pool, bytes, len);

	if (!buf)
		return;
	engine_send_to_peer(p.a.engine, p.a.peer, &buf, 1, p.now, &p.a.out);
	while ((buf = pktbuf_queue_pop(&p.a.out.tx))) {
		if (roam)
			pair_addr(&buf->addr, "198.51.100.1", 999);
		else
			buf->addr = p.a.addr;
		engine_recv_batch(p.b.engine, &buf, 1, p.now, &p.b.out);
	}
}

static void set_from(struct pktbuf *buf, struct side *to, bool roam)
{
	if (roam)
		pair_addr(&buf->addr, "198.51.100.1", 999);
	else
		buf->addr = pair_other(&p, to)->addr;
}

/* Cuts @buf (consumed) at @seg_size as the worker does and hands the pieces to B. */
static void split_to_b(struct pktbuf *buf, uint32_t seg_size)
{
	struct pktbuf *out[GRO_MAX];
	uint32_t lost;
	int n = udpgso_split(buf, seg_size, p.pool, out, GRO_MAX, &lost);

	if (n < 0) {
		pktbuf_free(buf);
		return;
	}
	engine_recv_batch(p.b.engine, out, (size_t)n, p.now, &p.b.out);
}

static void gro_to_b(const uint8_t *bytes, size_t len, bool roam)
{
	struct pktbuf *buf;

	if (len < 2)
		return;
	buf = pktbuf_from(p.pool, bytes + 2, len - 2);
	if (!buf)
		return;
	set_from(buf, &p.b, roam);
	split_to_b(buf, (uint32_t)bytes[0] << 8 | bytes[1]);
}

static void sealed_run_to_b(const uint8_t *bytes, size_t len, bool roam)
{
	struct pktbuf *run = NULL, *buf;
	struct udpgso_run r = {0};
	size_t chunk;

	if (len < 3)
		return;
	chunk = (size_t)bytes[0] * 16 + 1;
	for (size_t off = 3; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		buf = pktbuf_from(p.pool, bytes + off, n);
		if (!buf)
			break;
		engine_send_to_peer(p.a.engine, p.a.peer, &buf, 1, p.now, &p.a.out);
	}
	while ((buf = pktbuf_queue_pop(&p.a.out.tx))) {
		uint8_t *dst;

		if (!run) {
			run = buf;
			udpgso_run_start(&r, buf->len);
			continue;
		}
		dst = udpgso_run_add(&r, buf->len) ? pktbuf_put(run, buf->len) : NULL;
		if (dst)
			memcpy(dst, pktbuf_data(buf), buf->len);
		pktbuf_free(buf);
	}
	if (!run)
		return;
	if (bytes[1] && run->len)
		pktbuf_data(run)[(size_t)bytes[2] * 97 % run->len] ^= bytes[1];
	set_from(run, &p.b, roam);
	split_to_b(run, r.size);
}

/* Whatever each side sent, wherever it was addressed, reaches the other. */
static void deliver(struct side *from)
{
	struct side *to = pair_other(&p, from);
	struct pktbuf *buf;

	while ((buf = pktbuf_queue_pop(&from->out.tx))) {
		buf->addr = from->addr;
		engine_recv_batch(to->engine, &buf, 1, p.now, &to->out);
	}
	pktbuf_queue_purge(&to->out.tun);
}

static void exchange(void)
{
	deliver(&p.a);
	deliver(&p.b);
	pair_tick(&p, &p.a);
	pair_tick(&p, &p.b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready || !p.a.peer->keypairs.current || !p.b.peer->keypairs.current)
		establish();
	if (size < 1)
		return 0;
	engine_set_under_load(p.b.engine, data[0] & 1);
	pair_advance(&p, (uint64_t)(data[0] >> 1) * 100 * NSEC_PER_MSEC);
	data++;
	size--;

	while (size >= 3) {
		uint8_t op = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		switch (op & 3) {
		case 0:
			if (op & 8)
				gro_to_b(data, len, op & 4);
			else
				feed(&p.b, data, len, op & 4);
			break;
		case 1:
			if (op & 8)
				sealed_run_to_b(data, len, op & 4);
			else
				sealed_to_b(data, len, op & 4);
			break;
		case 2:
			feed(&p.a, data, len, op & 4);
			break;
		default:
			exchange();
			break;
		}
		data += len;
		size -= len;
	}

	pair_discard(&p.a);
	pair_discard(&p.b);
	/* Staged packets are the only buffers the engines may keep. */
	if (pktbuf_pool_available(p.pool) + p.a.peer->staged.len + p.b.peer->staged.len !=
	    pktbuf_pool_size(p.pool))
		abort();
	return 0;
}
