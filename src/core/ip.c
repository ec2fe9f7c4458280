// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <sys/socket.h>

#include "core/ip.h"

enum {
	IPV4_MIN_HEADER = 20,
	IPV6_HEADER = 40,
};

int ip_parse(const uint8_t *pkt, size_t len, struct ip_info *info)
{
	uint32_t total;

	if (len < 1)
		return -EPROTONOSUPPORT;
	switch (pkt[0] >> 4) {
	case 4:
		if (len < IPV4_MIN_HEADER)
			return -EBADMSG;
		total = (uint32_t)pkt[2] << 8 | pkt[3];
		if (total < (uint32_t)(pkt[0] & 0x0f) * 4 || (pkt[0] & 0x0f) < 5 || total > len)
			return -EBADMSG;
		info->family = AF_INET;
		info->src = pkt + 12;
		info->dst = pkt + 16;
		break;
	case 6:
		if (len < IPV6_HEADER)
			return -EBADMSG;
		total = IPV6_HEADER + ((uint32_t)pkt[4] << 8 | pkt[5]);
		if (total > len)
			return -EBADMSG;
		info->family = AF_INET6;
		info->src = pkt + 8;
		info->dst = pkt + 24;
		break;
	default:
		return -EPROTONOSUPPORT;
	}
	info->len = total;
	return 0;
}
