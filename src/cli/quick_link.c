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
#include <arpa/inet.h>
#include <linux/if_ether.h>
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

/* The largest MTU of the routes to the peers' endpoints, as wg-quick. */
static unsigned int endpoint_mtu(const struct uapi_device *dev)
{
	unsigned int mtu = 0, m;

	for (size_t i = 0; i < dev->n_peers; i++) {
		const union sockaddr_inet *ep = &dev->peers[i].endpoint;
		const void *dst = ep->sa.sa_family == AF_INET6 ? (const void *)&ep->in6.sin6_addr
							       : (const void *)&ep->in4.sin_addr;

		if (!ep->sa.sa_family)
			continue;
		if (!rtnl_query_route_mtu(ep->sa.sa_family, dst, &m) && m > mtu)
			mtu = m;
	}
	if (!mtu && !rtnl_query_default_mtu(&m))
		mtu = m;
	return mtu ? mtu : ETH_DATA_LEN; /* wg-quick's last resort, 1500 */
}

int quick_set_mtu_up(struct quick *q)
{
	struct uapi_device dev;
	unsigned int mtu = q->conf.mtu;
	int ret;

	if (!mtu) {
		ret = quick_get_device(q, &dev);
		if (ret)
			return ret;
		/* L2 frames carry the L2 and Ethernet headers too (docs/l2.md "MTU"). */
		mtu = endpoint_mtu(&dev) - (q->conf.tap ? TUNNEL_L2_OVERHEAD : TUNNEL_OVERHEAD);
		uapi_device_free(&dev);
	}
	quick_note("ip link set mtu %u up dev %s", mtu, q->ifname);
	ret = warren_rtnl_link_set_mtu(q->rtnl, q->ifindex, mtu);
	if (!ret)
		ret = warren_rtnl_link_set_up(q->rtnl, q->ifindex, true);
	if (ret)
		quick_die("%s", warren_strerror(ret));
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
