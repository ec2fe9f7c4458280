/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When the engine is "under load", and the per-source rate limit that
 * applies then (WireGuard paper §5.3; drivers/net/wireguard/receive.c,
 * wg_receive_handshake_packet(), and wireguard-go device/device.go, IsUnderLoad()).
 *
 * The engine is under load while the caller forces it (load_force(): the
 * daemon knows its handshake backlog), when more than @threshold
 * handshake messages arrived in the current one-second window, when one
 * batch brings LOAD_BATCH_HANDSHAKES or more of them, or when the
 * handshake work budget (engine/budget.h) refused one; the state lasts one
 * second after any of these last held. The batch test is the Linux
 * module's (drivers/net/wireguard/receive.c, wg_receive_handshake_packet():
 * under load while the handshake queue holds MAX_QUEUED_INCOMING_HANDSHAKES
 * / 8 or more) adapted to an engine whose queue is the batch it was given:
 * the same eighth of the largest batch a caller hands over (128).
 *
 * Two rate limiters by source (engine/ratelimiter.h), consulted only under
 * load: one for messages with a valid mac2 (before their handshake is
 * consumed, as WireGuard does), one for cookie replies, so that one source
 * cannot make the engine spend its budget sealing cookies for it.
 *
 * Not thread-safe; owned by the engine.
 */
#ifndef WARREN_ENGINE_LOAD_H
#define WARREN_ENGINE_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/budget.h"

struct ratelimiter;
struct sockaddr;

/* Handshake messages in one batch from which the engine is under load. */
enum { LOAD_BATCH_HANDSHAKES = 16 };

struct load {
	struct ratelimiter *limiter;	    /* owned; valid mac2 */
	struct ratelimiter *cookie_limiter; /* owned; cookie replies */
	struct budget budget;
	uint64_t window_start_ns;
	uint32_t window_count;
	uint32_t threshold;
	uint64_t last_under_load_ns;
	bool was_under_load;
	bool forced;
	size_t rotor; /* load_phase() */
};

/* Returns 0 or -ENOMEM / -EIO. */
int load_init(struct load *load, uint32_t threshold);
/* NULL and a zeroed struct are fine. */
void load_free(struct load *load);

void load_force(struct load *load, bool forced);
void load_set_threshold(struct load *load, uint32_t threshold);

/*
 * Counts a batch of @handshakes received handshake messages at @now, and
 * returns whether the engine is under load for them: the one-second
 * window's count past the threshold, or a batch of LOAD_BATCH_HANDSHAKES
 * or more (the Linux module's queue length), or any earlier condition
 * within the last second.
 */
bool load_handshakes_received(struct load *load, size_t handshakes, uint64_t now);

/*
 * Takes @cost (enum budget_cost) from the handshake work budget. A refusal
 * also puts the engine under load: the work asked for exceeds what it may do.
 */
bool load_take(struct load *load, uint64_t cost, uint64_t now);

/*
 * How many operations of @cost the budget would pay for at @now and still
 * hold @reserve.
 */
uint64_t load_affordable(struct load *load, uint64_t cost, uint64_t reserve, uint64_t now);

/*
 * Under load, a round-robin phase for spreading what the budget affords
 * over a batch: successive calls return 0, 1, ... modulo @step (> 0).
 */
size_t load_phase(struct load *load, size_t step);

/* Under load, for a message with a valid mac2: may its source go on? */
bool load_allow(struct load *load, const struct sockaddr *src, uint64_t now);

/*
 * Under load, for a message that would get a cookie reply: may its source
 * have one? Yes also when the table has no room for the source.
 */
bool load_allow_cookie(struct load *load, const struct sockaddr *src, uint64_t now);

#endif
