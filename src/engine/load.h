/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When the engine is "under load", and the per-source rate limit that
 * applies then (WireGuard paper §5.3; drivers/net/wireguard/receive.c,
 * wg_receive_handshake_packet(), and wireguard-go device/device.go, IsUnderLoad()).
 *
 * The engine is under load while the caller forces it (load_force(): the
 * daemon knows its handshake backlog), or when more than @threshold
 * handshake messages arrived in the current one-second window; the state
 * lasts one second after either condition last held. The rate limiter
 * (engine/ratelimiter.h) is only consulted under load, for messages with
 * a valid mac2.
 *
 * Not thread-safe; owned by the engine.
 */
#ifndef WARREN_ENGINE_LOAD_H
#define WARREN_ENGINE_LOAD_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimiter;
struct sockaddr;

struct load {
	struct ratelimiter *limiter; /* owned */
	uint64_t window_start_ns;
	uint32_t window_count;
	uint32_t threshold;
	uint64_t last_under_load_ns;
	bool was_under_load;
	bool forced;
};

/* Returns 0 or -ENOMEM / -EIO. */
int load_init(struct load *load, uint32_t threshold);
/* NULL and a zeroed struct are fine. */
void load_free(struct load *load);

void load_force(struct load *load, bool forced);
void load_set_threshold(struct load *load, uint32_t threshold);

/* Counts one received handshake message at @now; returns whether we are under load. */
bool load_handshake_received(struct load *load, uint64_t now);

/* Under load, for a message with a valid mac2: may its source go on? */
bool load_allow(struct load *load, const struct sockaddr *src, uint64_t now);

#endif
