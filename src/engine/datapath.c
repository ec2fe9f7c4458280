// SPDX-License-Identifier: GPL-2.0-only
/*
 * The datapath's entry points, and the one place that asks which mode the
 * engine is in: IP packets go through the L3 routing in send.c and
 * receive.c, Ethernet frames through the L2 layer (l2.c), which sits above
 * the same send path. Below this file nothing calls up: receive.c returns
 * an opened plaintext here instead of calling the layer that takes it.
 */
#include "engine/device.h"

void engine_send_batch(struct engine *engine, struct pktbuf **bufs, size_t n,
		       struct engine_time now, struct engine_output *out)
{
	if (engine->mode == ENGINE_MODE_L2)
		l2_send_batch(engine, bufs, n, now, out);
	else
		engine_send_ip_batch(engine, bufs, n, now, out);
}

void engine_send_to_peer(struct engine *engine, struct peer *peer, struct pktbuf **bufs, size_t n,
			 struct engine_time now, struct engine_output *out)
{
	bool l2 = engine->mode == ENGINE_MODE_L2;

	for (size_t i = 0; i < n; i++) {
		if (l2)
			l2_send(engine, peer, bufs[i], now, out);
		else
			engine_send_ip(engine, peer, bufs[i], now, out);
	}
}

/* Handshake messages held back per chunk of a batch (a caller's batch is 128 here). */
enum { RECV_CHUNK = 128 };

/*
 * Data first: in each chunk of the batch, data and cookie messages are
 * opened and delivered before the chunk's handshake messages get their
 * (bounded, budget.h) share of the time, so that a flood of handshakes in
 * the same batch adds at most that share to the data's way to the TUN
 * device, and the data's order among itself stays.
 */
void engine_recv_batch(struct engine *engine, struct pktbuf **bufs, size_t n,
		       struct engine_time now, struct engine_output *out)
{
	struct pktbuf *handshakes[RECV_CHUNK];

	for (size_t start = 0; start < n; start += RECV_CHUNK) {
		size_t end = n - start > RECV_CHUNK ? start + RECV_CHUNK : n, held = 0;

		for (size_t i = start; i < end; i++) {
			struct peer *peer;
			struct pktbuf *buf = bufs[i];

			switch (message_classify(pktbuf_data(buf), buf->len)) {
			case MESSAGE_HANDSHAKE_INITIATION:
			case MESSAGE_HANDSHAKE_RESPONSE:
				handshakes[held++] = buf;
				continue;
			default:
				break;
			}
			buf = engine_receive(engine, buf, now, out, &peer);
			if (!buf)
				continue;
			if (engine->mode == ENGINE_MODE_L2)
				l2_receive(engine, peer, buf, now, out);
			else
				engine_receive_ip(engine, peer, buf, out);
		}
		if (held)
			engine_receive_handshakes(engine, handshakes, held, now, out);
	}
}
