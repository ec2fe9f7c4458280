// SPDX-License-Identifier: GPL-2.0-only
/*
 * The handshake work budget (budget.h): time flows into the bucket at
 * BUDGET_SHARE_PER_MILLE / 1000 of the clock's pace, capped at the burst;
 * each operation takes its estimated cost out or is refused.
 */
#include <string.h>

#include "engine/budget.h"

void budget_init(struct budget *budget)
{
	memset(budget, 0, sizeof(*budget));
	budget->tokens = BUDGET_BURST_NS;
}

/* Credits the time since the last call; a clock that steps back credits nothing. */
static void refill(struct budget *budget, uint64_t now_ns)
{
	uint64_t elapsed;

	if (!budget->started) {
		budget->started = true;
		budget->last_ns = now_ns;
		return;
	}
	if (now_ns <= budget->last_ns)
		return;
	elapsed = now_ns - budget->last_ns;
	budget->last_ns = now_ns;
	/* Past a full bucket's worth of time the bucket is full anyway (no overflow). */
	if (elapsed >= (uint64_t)BUDGET_BURST_NS * 1000 / BUDGET_SHARE_PER_MILLE) {
		budget->tokens = BUDGET_BURST_NS;
		return;
	}
	budget->tokens += elapsed * BUDGET_SHARE_PER_MILLE / 1000;
	if (budget->tokens > BUDGET_BURST_NS)
		budget->tokens = BUDGET_BURST_NS;
}

bool budget_has(struct budget *budget, uint64_t cost, uint64_t now_ns)
{
	refill(budget, now_ns);
	return budget->tokens >= cost;
}

bool budget_take(struct budget *budget, uint64_t cost, uint64_t now_ns)
{
	if (!budget_has(budget, cost, now_ns)) {
		budget->refused++;
		return false;
	}
	budget->tokens -= cost;
	return true;
}
