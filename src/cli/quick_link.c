// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device's own settings in `warren up`, over rtnetlink: its addresses
 * (wg-quick's add_addr), its MTU and up state (set_mtu_up) and, for an L2
 * device, its bridge. Contracts in quick.h.
 */
#include "cli/quick.h"

#include "engine/messages.h"
#include "os/rtnl_query.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <warren/rtnl.h>

static int add_addr(struct quick *q, const struct wgconf_ip *a)
{
	char ip[INET6_ADDRSTRLEN];
	int ret;

	quick_note("ip -%c address add %s/%u dev %s", a->family == AF_INET6 ? '6' : '4',
		   quick_ip_str(ip, a->family, &a->addr), a->cidr, q->ifname);
	ret = warren_rtnl_addr_add(q->rtnl, q->ifindex, a->family, &a->addr, a->cidr,
				   WARREN_RTNL_ADDR_NO_BROADCAST);
	if (ret)
		quick_die("%s", warren_strerror(ret));
	return ret;
}

int quick_add_addresses(struct quick *q)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < q->conf.n_addresses; i++)
		ret = add_addr(q, &q->conf.addresses[i]);
	return ret;
}

/*
 * The largest MTU of the routes to the @n endpoints @eps (family 0: none),
 * as wg-quick's `ip route get` of each; else the default route's; else
 * 1500. -EINTR when a signal stops up.
 */
static int endpoint_mtu(const union sockaddr_inet *eps, size_t n, unsigned int *mtu)
{
	unsigned int m;
	int ret;

	ret = rtnl_query_routes_mtu(eps, n, &quick_interrupted, mtu);
	if (ret == -EINTR)
		return ret;
	if (!*mtu && !rtnl_query_default_mtu(&m))
		*mtu = m;
	if (!*mtu)
		*mtu = ETH_DATA_LEN; /* wg-quick's last resort, 1500 */
	return 0;
}

struct port_check {
	const struct quick *q;
	unsigned int mtu;
};

/*
 * A bridge forwards no frame longer than the out port's MTU and counts
 * none of them: a port whose MTU is larger than the segment's loses its
 * longer frames to peers without a word, so say so.
 */
static void check_port(const char *name, unsigned int mtu, void *arg)
{
	const struct port_check *c = arg;

	if (mtu <= c->mtu || !strcmp(name, c->q->ifname))
		return;
	fprintf(stderr,
		"Warning: `%s' in bridge `%s' has MTU %u, more than the segment's %u (`%s'): "
		"the bridge drops, uncounted, its frames longer than %u bytes to other hosts. "
		"warren leaves the MTUs as they are: set MTU %u on `%s', or MTU = %u in the "
		"config.\n",
		name, c->q->conf.bridge, mtu, c->mtu, c->q->ifname, c->mtu + ETH_HLEN, c->mtu, name,
		mtu);
}

/* Warns about each port of the Bridge whose MTU is over @mtu, the TAP device's. */
static void check_bridge_ports(struct quick *q, unsigned int mtu)
{
	struct port_check c = {.q = q, .mtu = mtu};
	int master;

	if (!q->conf.tap || !q->conf.bridge[0])
		return;
	master = warren_rtnl_ifindex(q->rtnl, q->conf.bridge);
	if (master > 0)
		rtnl_query_ports(master, check_port, &c);
}

/* The MTU up sets: MTU, or the endpoints' route MTU minus the tunnel's overhead. */
static int wanted_mtu(struct quick *q, unsigned int *mtu)
{
	struct uapi_device dev;
	int ret;

	*mtu = q->conf.mtu;
	if (*mtu)
		return 0;
	/*
	 * An L2 segment has Ethernet's MTU whatever the underlay's: what
	 * does not fit one datagram is fragmented (docs/l2.md "MTU").
	 */
	if (q->conf.tap) {
		*mtu = TUNNEL_L2_DEFAULT_MTU;
		return 0;
	}
	/* up has the endpoints it set: 100k of them need no `wg show' again. */
	if (q->eps) {
		ret = endpoint_mtu(q->eps, q->conf.n_peers, mtu);
	} else {
		union sockaddr_inet *eps;

		ret = quick_get_device(q, &dev);
		if (ret)
			return ret;
		eps = calloc(dev.n_peers + 1, sizeof(*eps));
		for (size_t i = 0; eps && i < dev.n_peers; i++)
			eps[i] = dev.peers[i].endpoint;
		ret = eps ? endpoint_mtu(eps, dev.n_peers, mtu) : -ENOMEM;
		if (ret == -ENOMEM)
			quick_die("%s", strerror(ENOMEM));
		free(eps);
		uapi_device_free(&dev);
	}
	if (!ret)
		*mtu -= TUNNEL_OVERHEAD;
	return ret;
}

int quick_set_mtu_up(struct quick *q)
{
	unsigned int mtu;
	int ret;

	ret = wanted_mtu(q, &mtu);
	if (ret)
		return ret;
	quick_note("ip link set mtu %u up dev %s", mtu, q->ifname);
	check_bridge_ports(q, mtu);
	ret = warren_rtnl_link_set_mtu(q->rtnl, q->ifindex, mtu);
	if (!ret)
		ret = warren_rtnl_link_set_up(q->rtnl, q->ifindex, true);
	if (ret)
		quick_die("%s", warren_strerror(ret));
	return ret;
}

int quick_sync_mtu(struct quick *q, unsigned int *old_mtu, unsigned int *new_mtu)
{
	int ret;

	ret = wanted_mtu(q, new_mtu);
	if (!ret)
		ret = warren_rtnl_link_get_mtu(q->rtnl, q->ifindex, old_mtu);
	if (!ret && *old_mtu != *new_mtu) {
		quick_note("ip link set mtu %u dev %s", *new_mtu, q->ifname);
		ret = warren_rtnl_link_set_mtu(q->rtnl, q->ifindex, *new_mtu);
	}
	if (ret)
		quick_die("%s", warren_strerror(ret));
	return ret;
}

static bool same_addr(const struct wgconf_ip *a, const struct rtnl_query_addr *b)
{
	return a->family == b->family && a->cidr == b->prefix_len &&
	       !memcmp(&a->addr, &b->addr, a->family == AF_INET6 ? 16 : 4);
}

int quick_sync_addresses(struct quick *q, unsigned int *added, unsigned int *removed)
{
	struct rtnl_query_addr *addrs = NULL;
	char ip[INET6_ADDRSTRLEN];
	size_t n = 0;
	int ret;

	*added = *removed = 0;
	ret = rtnl_query_addrs(q->ifindex, &addrs, &n);
	if (ret) {
		quick_die("%s", warren_strerror(ret));
		return ret;
	}
	/* The link's global addresses the config no longer has go. */
	for (size_t i = 0; !ret && i < n; i++) {
		bool keep = addrs[i].scope != RT_SCOPE_UNIVERSE;

		for (size_t j = 0; !keep && j < q->conf.n_addresses; j++)
			keep = same_addr(&q->conf.addresses[j], &addrs[i]);
		if (keep)
			continue;
		quick_note("ip -%c address delete %s/%u dev %s",
			   addrs[i].family == AF_INET6 ? '6' : '4',
			   quick_ip_str(ip, addrs[i].family, &addrs[i].addr), addrs[i].prefix_len,
			   q->ifname);
		ret = warren_rtnl_addr_del(q->rtnl, q->ifindex, addrs[i].family, &addrs[i].addr,
					   addrs[i].prefix_len);
		if (ret)
			quick_die("%s", warren_strerror(ret));
		else
			++*removed;
	}
	for (size_t j = 0; !ret && j < q->conf.n_addresses; j++) {
		bool have = false;

		for (size_t i = 0; !have && i < n; i++)
			have = same_addr(&q->conf.addresses[j], &addrs[i]);
		if (have)
			continue;
		ret = add_addr(q, &q->conf.addresses[j]);
		if (!ret)
			++*added;
	}
	free(addrs);
	return ret;
}

/* Bridge = BR: the TAP device joins that existing Linux bridge. */
int quick_set_bridge(struct quick *q)
{
	int master, ret;

	if (!q->conf.bridge[0])
		return 0;
	quick_note("ip link set %s master %s", q->ifname, q->conf.bridge);
	master = warren_rtnl_ifindex(q->rtnl, q->conf.bridge);
	ret = master > 0 ? warren_rtnl_link_set_master(q->rtnl, q->ifindex, master)
			 : (master ? master : -ENODEV);
	if (ret)
		quick_die("Unable to put `%s' into bridge `%s': %s", q->ifname, q->conf.bridge,
			  warren_strerror(ret));
	return ret;
}
