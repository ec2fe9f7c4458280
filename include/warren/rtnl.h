/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libwarren: links, addresses and routes through rtnetlink.
 *
 * A struct warren_rtnl is one NETLINK_ROUTE socket, opened with
 * warren_rtnl_open() and closed with warren_rtnl_close(). It acts in the
 * network namespace the calling thread is in when it is opened. Each request
 * is sent with NLM_F_ACK and waits for the kernel's answer, so a return of 0
 * means the kernel applied it. Errors are negative errno values and record
 * the request type ("RTM_NEWADDR") as the failing call for
 * warren_strerror() (warren/error.h): "RTM_NEWADDR: File exists".
 *
 * A handle is not thread-safe: use one per thread, or serialise.
 * Links are named by interface index (see warren_rtnl_link_get() for a
 * name); addresses are binary, struct in_addr for AF_INET and struct
 * in6_addr for AF_INET6, in network byte order.
 */
#ifndef WARREN_RTNL_H
#define WARREN_RTNL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include <warren/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct warren_rtnl;

/* What warren_rtnl_link_get() reads back from RTM_GETLINK. */
struct warren_rtnl_link {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned int flags; /* IFF_UP, IFF_RUNNING, ... (ifi_flags) */
	unsigned int mtu;
	int master; /* ifindex of the master (bridge), 0 if none */
};

/* A route for warren_rtnl_route_add() / warren_rtnl_route_del(). */
struct warren_rtnl_route {
	int family;	      /* AF_INET or AF_INET6 */
	const void *dst;      /* destination prefix; NULL with dst_len 0: default */
	unsigned int dst_len; /* prefix length */
	const void *gateway;  /* next hop, or NULL for a route on the link */
	int ifindex;	      /* output device, or 0 (then gateway is needed) */
	uint32_t table;	      /* routing table, 0 for main (RT_TABLE_MAIN) */
	uint32_t metric;      /* RTA_PRIORITY, 0 for none */
};

/*
 * Opens a handle in *@rtnl. Returns 0 or -errno ("socket(NETLINK_ROUTE)",
 * "bind(NETLINK_ROUTE)"). The caller owns the handle and closes it with
 * warren_rtnl_close().
 */
int warren_rtnl_open(struct warren_rtnl **rtnl);

/* Closes and frees @rtnl; NULL is accepted. */
void warren_rtnl_close(struct warren_rtnl *rtnl);

/*
 * Reads link @name (RTM_GETLINK) into @link. Returns 0, -ENODEV if there is
 * no such link, or another -errno.
 */
int warren_rtnl_link_get(struct warren_rtnl *rtnl, const char *name, struct warren_rtnl_link *link);

/* Returns the interface index of link @name (> 0), or -errno (-ENODEV). */
int warren_rtnl_ifindex(struct warren_rtnl *rtnl, const char *name);

/* Brings link @ifindex up or down (IFF_UP, RTM_NEWLINK). */
int warren_rtnl_link_set_up(struct warren_rtnl *rtnl, int ifindex, bool up);

/* Sets / gets the MTU of link @ifindex (IFLA_MTU). */
int warren_rtnl_link_set_mtu(struct warren_rtnl *rtnl, int ifindex, unsigned int mtu);
int warren_rtnl_link_get_mtu(struct warren_rtnl *rtnl, int ifindex, unsigned int *mtu);

/*
 * Puts link @ifindex into bridge (or bond, VRF) @master_ifindex
 * (IFLA_MASTER); @master_ifindex 0 takes it out of its master.
 */
int warren_rtnl_link_set_master(struct warren_rtnl *rtnl, int ifindex, int master_ifindex);

/*
 * Creates link @name of a kind that needs no parameters ("bridge") with
 * RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL: -EEXIST if the name is taken,
 * -EOPNOTSUPP if the kernel lacks that kind. It is created down.
 */
int warren_rtnl_link_add(struct warren_rtnl *rtnl, const char *name, const char *kind);

/* Deletes link @ifindex (RTM_DELLINK); a TUN/TAP device goes, persist or not. */
int warren_rtnl_link_delete(struct warren_rtnl *rtnl, int ifindex);

/*
 * A flag of warren_rtnl_addr_add()'s @ifa_flags, above the kernel's IFA_F_*
 * bits and never sent: no broadcast address, as `ip address add` without
 * `brd` (and so wg-quick) adds it.
 */
#define WARREN_RTNL_ADDR_NO_BROADCAST (1u << 31)

/*
 * Adds address @addr/@prefix_len of @family (AF_INET, AF_INET6) to link
 * @ifindex (RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL: -EEXIST if present).
 * @ifa_flags are IFA_F_* flags (<linux/if_addr.h>) for IFA_FLAGS, e.g. IFA_F_NODAD to skip IPv6
 * duplicate address detection; 0 for none. For AF_INET the broadcast address
 * is set as `ip addr add ... brd +` would, unless the prefix is /31 or /32
 * or @ifa_flags has WARREN_RTNL_ADDR_NO_BROADCAST.
 */
int warren_rtnl_addr_add(struct warren_rtnl *rtnl, int ifindex, int family, const void *addr,
			 unsigned int prefix_len, unsigned int ifa_flags);

/* Removes address @addr/@prefix_len from link @ifindex (RTM_DELADDR). */
int warren_rtnl_addr_del(struct warren_rtnl *rtnl, int ifindex, int family, const void *addr,
			 unsigned int prefix_len);

/*
 * Adds @route (RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL: -EEXIST if present),
 * protocol "boot" as `ip route add`; scope link without a gateway, universe
 * with one.
 */
int warren_rtnl_route_add(struct warren_rtnl *rtnl, const struct warren_rtnl_route *route);

/*
 * Deletes the route matching @route (RTM_DELROUTE): prefix, table, and
 * gateway, device and metric where given. -ESRCH if there is none.
 */
int warren_rtnl_route_del(struct warren_rtnl *rtnl, const struct warren_rtnl_route *route);

#ifdef __cplusplus
}
#endif

#endif
