// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs of datagrams for UDP_SEGMENT and the cut of UDP_GRO buffers
 * (udpgso.h). Pure: the lengths in, a decision out.
 */
#include "core/udpgso.h"

void udpgso_run_start(struct udpgso_run *run, uint32_t len)
{
	run->size = len;
	run->count = 1;
	run->bytes = len;
	run->closed = false;
}

bool udpgso_run_add(struct udpgso_run *run, uint32_t len)
{
	if (run->closed || !len || len > run->size || run->count >= UDPGSO_MAX_SEGS ||
	    run->bytes > UDPGSO_MAX_BYTES || len > UDPGSO_MAX_BYTES - run->bytes)
		return false;
	run->count++;
	run->bytes += len;
	if (len < run->size)
		run->closed = true;
	return true;
}

uint32_t udpgso_split_count(uint32_t len, uint32_t seg_size, uint32_t max_segs)
{
	uint32_t count;

	if (!len || !seg_size)
		return 0;
	count = len / seg_size + (len % seg_size != 0);
	return count > max_segs ? 0 : count;
}
