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

void engine_recv_batch(struct engine *engine, struct pktbuf **bufs, size_t n,
		       struct engine_time now, struct engine_output *out)
{
	for (size_t i = 0; i < n; i++) {
		struct peer *peer;
		struct pktbuf *buf = engine_receive(engine, bufs[i], now, out, &peer);

		if (!buf)
			continue;
		if (engine->mode == ENGINE_MODE_L2)
			l2_receive(engine, peer, buf, now, out);
		else
			engine_receive_ip(engine, peer, buf, out);
	}
}
