/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's log of what happens to peers: the engine's events as lines
 * that name each peer as wireguard-go does, "peer(abcd…wxyz) - ...".
 */
#ifndef WARREN_DAEMON_PEER_LOG_H
#define WARREN_DAEMON_PEER_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/sockaddr.h"
#include "engine/engine.h"

/*
 * Logs each event of @out and forgets them (n_events and events_lost go to
 * 0). Handshakes completed, given up and keys wiped are info lines; a
 * peer of the wrong mode (L2/L3) is an error line.
 */
void peer_log_events(struct engine_output *out);

/*
 * The kernel's refusals of single datagrams (a peer whose endpoint has no
 * route, or is unreachable, or filtered), logged as wireguard-go logs a
 * failed send: "peer(abcd…wxyz) - Failed to send handshake initiation:
 * Network is unreachable". At most one line a second per device; the
 * next line says how many refusals it did not log.
 */
struct peer_log_refusals {
	uint64_t quiet_until_ns; /* no line before this (loop clock) */
	unsigned long unlogged;	 /* refusals since the last line */
};

/*
 * Logs (or counts) that the kernel refused with @err the datagram @data
 * (@len bytes) for @endpoint, naming the peer of @engine whose endpoint it
 * is. @now_ns is the loop's clock.
 */
void peer_log_refused(struct peer_log_refusals *r, const struct engine *engine,
		      const union sockaddr_inet *endpoint, const uint8_t *data, size_t len, int err,
		      uint64_t now_ns);

#endif
