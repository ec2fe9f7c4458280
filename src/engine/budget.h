/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The handshake work budget: a token bucket of estimated CPU time that
 * every handshake operation pays for before it starts, so that a flood of
 * handshake messages can only ever take a bounded share of the thread that
 * also moves the data. The Linux module bounds the same work with a queue
 * (drivers/net/wireguard/receive.c, wg_packet_receive(): at most
 * MAX_QUEUED_INCOMING_HANDSHAKES waiting, the rest dropped) and worker
 * threads of their own; warren's engine runs on the datapath's thread, so
 * it bounds the time instead.
 *
 * The bucket refills at BUDGET_SHARE_PER_MILLE thousandths of a second per
 * second of the engine's monotonic clock and holds at most BUDGET_BURST_NS.
 * As an engine call runs at one instant, nothing refills inside it: the
 * burst is also the most handshake work one call (one batch) can do, which
 * bounds how long it delays what the caller does next with the batch's
 * data. What does not fit is dropped before any crypto and counted.
 *
 * The costs are estimates, with some room, measured on one core of the
 * machine the stress suite runs on, shared and loaded: bench/handshake_bench
 * gives about 160 us for a responder's initiation; a keyed BLAKE2s takes
 * about 1 us; a cookie reply about 6 us to make, and perf of warrend under
 * a flood from spoofed sources puts it at about 25 us all told, its share
 * of sendmmsg (a route lookup per new destination) included. They need not
 * be exact, only of the right order: they set what share of the time each
 * kind of work may take.
 *
 * Sans-I/O, not thread-safe: the caller passes the time and serializes calls.
 */
#ifndef WARREN_ENGINE_BUDGET_H
#define WARREN_ENGINE_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

enum budget_cost {
	BUDGET_COST_MAC = 2000,		/* one keyed BLAKE2s over a handshake message */
	BUDGET_COST_COOKIE = 40000,	/* a cookie reply: nonce, XChaCha20-Poly1305, datagram */
	BUDGET_COST_HANDSHAKE = 250000, /* a handshake consumed (X25519 twice or more), answered */
};

enum {
	/*
	 * An eighth of the clock's time at most goes to handshake work: of a
	 * thread that shares its core (the stress suite runs at a load of 6-15
	 * on 2 cores), a quarter of the clock was most of what it got.
	 */
	BUDGET_SHARE_PER_MILLE = 125,
	/* The most one instant (one engine call) may spend: 16 handshakes. */
	BUDGET_BURST_NS = 4000000,
};

struct budget {
	uint64_t tokens; /* nanoseconds of work available */
	uint64_t last_ns;
	bool started;
	uint64_t refused; /* operations refused since budget_init */
};

/* A full bucket. */
void budget_init(struct budget *budget);

/*
 * Takes @cost nanoseconds of work at @now_ns. Returns true when the work may
 * be done, false (nothing taken, refused counted) when the bucket holds less.
 */
bool budget_take(struct budget *budget, uint64_t cost, uint64_t now_ns);

/* Whether @cost would be granted at @now_ns, taking nothing. */
bool budget_has(struct budget *budget, uint64_t cost, uint64_t now_ns);

#endif /* WARREN_ENGINE_BUDGET_H */
