/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Read-only questions to rtnetlink that `warren up` asks before it changes
 * anything, the netlink forms of wg-quick's `ip route get`, `ip route show`
 * and `ip address show`. All act in the caller's network namespace.
 */
#ifndef WARREN_OS_RTNL_QUERY_H
#define WARREN_OS_RTNL_QUERY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core/sockaddr.h"

/*
 * The MTU of the route to @dst (`ip route get`): the route's mtu metric, or
 * its output device's MTU. Returns 0 with *@mtu set, or -errno
 * (-ENETUNREACH when there is no route).
 */
int rtnl_query_route_mtu(int family, const void *dst, unsigned int *mtu);

/*
 * The largest MTU of the routes to the @n addresses of @dsts (those of
 * family 0 skipped, as those without a route), each as
 * rtnl_query_route_mtu() on one socket, into *@mtu (0 when none has a
 * route). When *@stop (may be NULL) becomes non-zero, stops with -EINTR.
 * 0 or -errno.
 */
int rtnl_query_routes_mtu(const union sockaddr_inet *dsts, size_t n,
			  const volatile sig_atomic_t *stop, unsigned int *mtu);

/*
 * The MTU of the first IPv4 default route of the main table (`ip route show
 * default`), as above. Returns 0 with *@mtu set, or -ENOENT if none.
 */
int rtnl_query_default_mtu(unsigned int *mtu);

/*
 * The routing tables that hold any IPv4 or IPv6 route (`ip route show table
 * all`), from one dump of each family: a new sorted array *@tables of *@n
 * distinct ids (free()). 0 or -errno.
 */
int rtnl_query_tables(uint32_t **tables, size_t *n);

/* True when the sorted @tables of rtnl_query_tables() hold @table. */
bool rtnl_query_table_in(const uint32_t *tables, size_t n, uint32_t table);

/* A route's destination prefix. */
struct rtnl_query_prefix {
	uint8_t family;
	uint8_t len;
	uint8_t addr[16]; /* 4 bytes for AF_INET; host bits clear, as the kernel keeps them */
};

/*
 * The destinations of the routes of @table through link @ifindex, both
 * families, cloned (cached) routes left out: `ip route show table T dev IF`,
 * from one dump of each family. A new array *@v of *@n (free()); 0 or -errno.
 */
int rtnl_query_link_routes(int ifindex, uint32_t table, struct rtnl_query_prefix **v, size_t *n);

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
