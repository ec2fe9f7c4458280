// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSS clamping (core/mss.h) on any frame. Input: 2 bytes of IP MTU, then
 * an Ethernet frame, copied to a buffer of exactly its length so that
 * ASan sees any read past it. A frame that was clamped once is left alone
 * the second time, and only the MSS and the checksum may have changed:
 * at most 4 bytes differ. Any broken promise traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t ip_mtu;
	uint8_t *frame;
	size_t len, diff = 0;

	if (size < 2)
		return 0;
	ip_mtu = (uint16_t)(data[0] << 8 | data[1]);
	len = size - 2;
	frame = malloc(len ? len : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 2, len);
	if (mss_clamp_frame(frame, len, ip_mtu)) {
		if (mss_clamp_frame(frame, len, ip_mtu))
			__builtin_trap();
		for (size_t i = 0; i < len; i++)
			diff += frame[i] != data[2 + i];
		if (diff > 4)
			__builtin_trap();
	}
	free(frame);
	return 0;
}
