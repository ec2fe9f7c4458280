/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A link's counters as the kernel keeps them (struct rtnl_link_stats64,
 * what `ip -s link` prints), read with one RTM_GETSTATS request. For the
 * drops the kernel makes on a device's behalf, which no daemon sees: a
 * TUN device's tx_dropped grows when its queue is full because the reader
 * is too slow (drivers/net/tun.c tun_net_xmit).
 */
#ifndef WARREN_OS_LINKSTATS_H
#define WARREN_OS_LINKSTATS_H

#include <linux/if_link.h>

/*
 * Fills @st with the counters of link @ifindex in the caller's network
 * namespace. Returns 0 or -errno (recorded: "RTM_GETSTATS"), -ENODEV when
 * there is no such link.
 */
int linkstats_get(int ifindex, struct rtnl_link_stats64 *st);

#endif
