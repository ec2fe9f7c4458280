/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An interface address added exactly as `ip address add ADDR/LEN dev IF`
 * adds it, which is what wg-quick runs: no broadcast address (iproute2 sets
 * one only for `brd`), scope global. warren_rtnl_addr_add() differs there
 * (it sets `brd +`), so warren up uses this one to leave what wg-quick
 * leaves.
 */
#ifndef WARREN_OS_IFADDR_H
#define WARREN_OS_IFADDR_H

/*
 * Adds @addr/@prefix_len of @family (AF_INET, AF_INET6) to link @ifindex
 * (RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL). Returns 0 or -errno (-EEXIST),
 * recording "RTM_NEWADDR" for warren_strerror().
 */
int ifaddr_add(int ifindex, int family, const void *addr, unsigned int prefix_len);

#endif
