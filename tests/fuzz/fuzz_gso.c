// SPDX-License-Identifier: GPL-2.0-only
/*
 * The segmenter and the coalescer (core/gso.h) on what a TUN device or a
 * peer could hand over. Input: a 10-byte virtio_net_hdr, then a packet.
 *
 * 1. gso_csum_finish() on a copy: never out of bounds.
 * 2. gso_seg_begin() on the packet; when it accepts, every segment must be
 *    a TCP packet whose lengths and checksums verify, and coalescing the
 *    segments must give back one packet that cuts into the same segments.
 * 3. The packet split in two at a byte the input names: coalescing one
 *    onto the other must stay in bounds whatever they are, and what joins
 *    is of the run's flow (gso_coalesce_same_flow()).
 * Any broken promise traps.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/gso.h"

#define MAX_SEGS 128
#define SEG_CAP 2048
#define BIG 70000

static uint8_t copy[BIG], merged[BIG], again[SEG_CAP];
static uint8_t segs[MAX_SEGS][SEG_CAP];
static size_t seg_len[MAX_SEGS];

static bool csum_ok(const uint8_t *p, size_t len)
{
	size_t l4 = p[0] >> 4 == 4 ? (p[0] & 0xfu) * 4 : 40;
	uint32_t sum;

	if (p[0] >> 4 == 4) {
		if (gso_csum_fold(gso_csum_add(0, p, l4)) != 0xffff)
			return false;
		sum = gso_csum_add(0, p + 12, 8);
	} else {
		sum = gso_csum_add(0, p + 8, 32);
	}
	/* Pseudo header: protocol and length as big-endian words, added in memory order. */
	{
		uint8_t w[4] = {0, 6, (uint8_t)((len - l4) >> 8), (uint8_t)(len - l4)};

		sum = gso_csum_add(sum, w, 4);
	}
	return gso_csum_fold(gso_csum_add(sum, p + l4, len - l4)) == 0xffff;
}

static size_t split(const struct gso_hdr *hdr, const uint8_t *pkt, size_t len)
{
	struct gso_seg seg;
	size_t n = 0;

	if (gso_seg_begin(&seg, hdr, pkt, len, MAX_SEGS))
		return 0;
	while (gso_seg_more(&seg)) {
		int r = gso_seg_next(&seg, segs[n], SEG_CAP);

		if (r < 0) {
			/* Too big for this harness's slots: nothing to compare. */
			return 0;
		}
		if ((size_t)r > SEG_CAP || !csum_ok(segs[n], (size_t)r))
			abort();
		seg_len[n++] = (size_t)r;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gso_hdr hdr, hdr2;
	struct gso_run run;
	size_t len, n, cut;
	uint32_t mlen;

	if (size < GSO_VNET_HDR_LEN || size - GSO_VNET_HDR_LEN > 65535)
		return 0;
	gso_hdr_decode(data, &hdr);
	data += GSO_VNET_HDR_LEN;
	len = size - GSO_VNET_HDR_LEN;

	memcpy(copy, data, len);
	gso_csum_finish(&hdr, copy, len);

	n = split(&hdr, data, len);
	if (n) {
		memcpy(merged, segs[0], seg_len[0]);
		mlen = (uint32_t)seg_len[0];
		if (!gso_coalesce_start(&run, merged, mlen)) {
			size_t i;

			for (i = 1; i < n; i++)
				if (gso_coalesce(&run, merged, &mlen, sizeof(merged), segs[i],
						 seg_len[i]))
					break;
			gso_coalesce_finish(&run, merged, mlen, &hdr2);
			/* A whole run cuts into the segments it was made of. */
			if (i == n && n > 1) {
				struct gso_seg seg;

				if (gso_seg_begin(&seg, &hdr2, merged, mlen, MAX_SEGS))
					abort();
				for (i = 0; gso_seg_more(&seg); i++) {
					int r = gso_seg_next(&seg, again, sizeof(again));

					if (r < 0 || (size_t)r != seg_len[i] ||
					    memcmp(again, segs[i], seg_len[i]))
						abort();
				}
				if (i != n)
					abort();
			}
		}
	}

	/* Two packets from one input: the first byte of the header picks the cut. */
	cut = len ? (hdr.hdr_len % len) : 0;
	memcpy(merged, data, cut);
	mlen = (uint32_t)cut;
	if (!gso_coalesce_start(&run, merged, mlen)) {
		/* A packet that joins is of the run's flow. */
		bool same = gso_coalesce_same_flow(&run, merged, data + cut, len - cut);

		if (gso_coalesce(&run, merged, &mlen, sizeof(merged), data + cut, len - cut) ==
			GSO_COALESCED &&
		    !same)
			abort();
		gso_coalesce_finish(&run, merged, mlen, &hdr2);
	}
	return 0;
}
