// SPDX-License-Identifier: GPL-2.0-only
/*
 * The load window counts handshake messages in one-second windows from the
 * first message of each; a large batch or a refused budget marks the
 * engine under load at once. The rate limiters are allocated here so that
 * struct engine needs only their pointers.
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

static struct ratelimiter *limiter_new(int *ret)
{
	struct ratelimiter *rl;
	uint64_t seed;

	*ret = -EIO;
	if (crypto_random(&seed, sizeof(seed)))
		return NULL;
	*ret = -ENOMEM;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		return NULL;
	*ret = ratelimiter_init(rl, 0, seed);
	if (*ret) {
		free(rl);
		return NULL;
	}
	return rl;
}

static void limiter_free(struct ratelimiter *rl)
{
	if (!rl)
		return;
	ratelimiter_free(rl);
	free(rl);
}

int load_init(struct load *load, uint32_t threshold)
{
	int ret;

	memset(load, 0, sizeof(*load));
	load->threshold = threshold;
	budget_init(&load->budget);
	load->limiter = limiter_new(&ret);
	if (!load->limiter)
		return ret;
	load->cookie_limiter = limiter_new(&ret);
	if (!load->cookie_limiter) {
		limiter_free(load->limiter);
		load->limiter = NULL;
		return ret;
	}
	return 0;
}

void load_free(struct load *load)
{
	if (!load)
		return;
	limiter_free(load->limiter);
	limiter_free(load->cookie_limiter);
	load->limiter = NULL;
	load->cookie_limiter = NULL;
}

void load_force(struct load *load, bool forced)
{
	load->forced = forced;
}

void load_set_threshold(struct load *load, uint32_t threshold)
{
	load->threshold = threshold;
}

static void mark(struct load *load, uint64_t now)
{
	load->last_under_load_ns = now;
	load->was_under_load = true;
}

bool load_handshakes_received(struct load *load, size_t handshakes, uint64_t now)
{
	if (now - load->window_start_ns >= LOAD_WINDOW_NS) {
		load->window_start_ns = now;
		load->window_count = 0;
	}
	load->window_count += handshakes;
	if (load->forced || load->window_count > load->threshold ||
	    handshakes >= LOAD_BATCH_HANDSHAKES) {
		mark(load, now);
		return true;
	}
	return load->was_under_load && now - load->last_under_load_ns < LOAD_LINGER_NS;
}

bool load_take(struct load *load, uint64_t cost, uint64_t now)
{
	if (budget_take(&load->budget, cost, now))
		return true;
	mark(load, now);
	return false;
}

uint64_t load_affordable(struct load *load, uint64_t cost, uint64_t reserve, uint64_t now)
{
	uint64_t tokens;

	budget_has(&load->budget, 0, now);
	tokens = load->budget.tokens;
	if (tokens <= reserve)
		return 0;
	return cost ? (tokens - reserve) / cost : UINT64_MAX;
}

size_t load_phase(struct load *load, size_t step)
{
	return load->rotor++ % step;
}

bool load_allow(struct load *load, const struct sockaddr *src, uint64_t now)
{
	return ratelimiter_allow_sockaddr(load->limiter, src, now);
}

/*
 * A table full of other sources (a flood from spoofed ones) must not cost a
 * new source its cookie: then the budget alone bounds the work.
 */
bool load_allow_cookie(struct load *load, const struct sockaddr *src, uint64_t now)
{
	struct ratelimiter *rl = load->cookie_limiter;
	uint64_t full = rl->refused_full;

	return ratelimiter_allow_sockaddr(rl, src, now) || rl->refused_full != full;
}
