// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs of datagrams for UDP_SEGMENT and the cut of UDP_GRO buffers
 * (udpgso.h). Pure: lengths in, a decision out, and buffers of a pool
 * for the cut.
 */
#include "core/udpgso.h"

#include <errno.h>
#include <string.h>

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

int udpgso_split(struct pktbuf *buf, uint32_t seg_size, struct pktbuf_pool *pool,
		 struct pktbuf **out, uint32_t max, uint32_t *lost)
{
	uint32_t count = udpgso_split_count(buf->len, seg_size, max);
	const uint8_t *data = pktbuf_data(buf);
	uint32_t n = 1;

	*lost = 0;
	if (!count)
		return -EBADMSG;
	out[0] = buf;
	for (; n < count; n++) {
		uint32_t len = udpgso_split_len(buf->len, seg_size, n);
		struct pktbuf *seg = pktbuf_alloc(pool);
		uint8_t *p = seg ? pktbuf_put(seg, len) : NULL;

		if (!p) {
			pktbuf_free(seg);
			*lost = count - n;
			break;
		}
		memcpy(p, data + (size_t)n * seg_size, len);
		seg->addr = buf->addr;
		out[n] = seg;
	}
	buf->len = udpgso_split_len(buf->len, seg_size, 0);
	return (int)n;
}
