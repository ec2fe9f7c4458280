// SPDX-License-Identifier: GPL-2.0-only
/*
 * The load window counts handshake messages in one-second windows from the
 * first message of each; the rate limiter is allocated here so that
 * struct engine needs only its pointer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/crypto.h"
#include "engine/load.h"
#include "engine/messages.h"
#include "engine/ratelimiter.h"

#define LOAD_WINDOW_NS NSEC_PER_SEC
#define LOAD_LINGER_NS UNDER_LOAD_AFTER_NS

int load_init(struct load *load, uint32_t threshold)
{
	uint64_t seed;
	int ret;

	memset(load, 0, sizeof(*load));
	load->threshold = threshold;
	if (crypto_random(&seed, sizeof(seed)))
		return -EIO;
	load->limiter = calloc(1, sizeof(*load->limiter));
	if (!load->limiter)
		return -ENOMEM;
	ret = ratelimiter_init(load->limiter, 0, seed);
	if (ret) {
		free(load->limiter);
		load->limiter = NULL;
	}
	return ret;
}

void load_free(struct load *load)
{
	if (!load || !load->limiter)
		return;
	ratelimiter_free(load->limiter);
	free(load->limiter);
	load->limiter = NULL;
}

void load_force(struct load *load, bool forced)
{
	load->forced = forced;
}

void load_set_threshold(struct load *load, uint32_t threshold)
{
	load->threshold = threshold;
}

bool load_handshake_received(struct load *load, uint64_t now)
{
	if (now - load->window_start_ns >= LOAD_WINDOW_NS) {
		load->window_start_ns = now;
		load->window_count = 0;
	}
	load->window_count++;
	if (load->forced || load->window_count > load->threshold) {
		load->last_under_load_ns = now;
		load->was_under_load = true;
		return true;
	}
	return load->was_under_load && now - load->last_under_load_ns < LOAD_LINGER_NS;
}

bool load_allow(struct load *load, const struct sockaddr *src, uint64_t now)
{
	return ratelimiter_allow_sockaddr(load->limiter, src, now);
}
