/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Read-only questions to rtnetlink that `warren up` asks before it changes
 * anything, the netlink forms of wg-quick's `ip route get`, `ip route show`
 * and `ip address show`. All act in the caller's network namespace.
 */
#ifndef WARREN_OS_RTNL_QUERY_H
#define WARREN_OS_RTNL_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/*
 * The MTU of the route to @dst (`ip route get`): the route's mtu metric, or
 * its output device's MTU. Returns 0 with *@mtu set, or -errno
 * (-ENETUNREACH when there is no route).
 */
int rtnl_query_route_mtu(int family, const void *dst, unsigned int *mtu);

/*
 * The MTU of the first IPv4 default route of the main table (`ip route show
 * default`), as above. Returns 0 with *@mtu set, or -ENOENT if none.
 */
int rtnl_query_default_mtu(unsigned int *mtu);

/* Sets *@used when routing table @table holds any IPv4 or IPv6 route. */
int rtnl_query_table_used(uint32_t table, bool *used);

/*
 * Sets *@covered when the main table has a route through link @ifindex whose
 * prefix contains @dst/@dst_len (`ip route show dev IF match PREFIX`).
 */
int rtnl_query_route_covered(int family, int ifindex, const void *dst, unsigned int dst_len,
			     bool *covered);

struct rtnl_query_addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint8_t prefix_len;
	uint8_t scope; /* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, ... */
};

/* Lists the addresses of link @ifindex, IPv4 first, into a new array (free()). */
int rtnl_query_addrs(int ifindex, struct rtnl_query_addr **addrs, size_t *n);

/*
 * Calls @fn with the name and MTU of every link whose master (a bridge) is
 * @master, in the caller's namespace. 0 or -errno.
 */
int rtnl_query_ports(int master, void (*fn)(const char *name, unsigned int mtu, void *arg),
		     void *arg);

#endif
