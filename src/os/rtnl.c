// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink requests over libmnl: one request at a time, each acknowledged,
 * through the os layer's one request loop (nlreq_exchange). Contracts in
 * include/warren/rtnl.h.
 */
#include <warren/rtnl.h>

#include "os/error.h"
#include "os/nlreq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

/* Large enough for any request below. */
#define RTNL_SEND_SIZE 512

struct warren_rtnl {
	struct mnl_socket *nl;
	unsigned int seq;
	/* Answers to the requests below: one link at most. */
	char buf[NLREQ_RECV_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
};

int warren_rtnl_open(struct warren_rtnl **rtnl)
{
	struct warren_rtnl *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return error_record("calloc", ENOMEM);
	ret = nlreq_open(&r->nl, 0, 0);
	if (ret)
		goto err_free;
	r->seq = (unsigned int)time(NULL);
	*rtnl = r;
	return 0;

err_free:
	free(r);
	return ret;
}

void warren_rtnl_close(struct warren_rtnl *rtnl)
{
	if (!rtnl)
		return;
	mnl_socket_close(rtnl->nl);
	free(rtnl);
}

/* One request on @rtnl's socket: the os layer's loop, with the handle's buffer. */
static int transact(struct warren_rtnl *rtnl, struct nlmsghdr *nlh, const char *call, mnl_cb_t cb,
		    void *data)
{
	return nlreq_exchange(rtnl->nl, ++rtnl->seq, rtnl->buf, sizeof(rtnl->buf), nlh, call, cb,
			      data);
}

static size_t addr_size(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	default:
		return 0;
	}
}

/* Links */

struct link_query {
	struct warren_rtnl_link *link;
	bool found;
};

static int link_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		break;
	case IFLA_MTU:
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int link_answer(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {NULL};
	struct link_query *q = data;
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi))) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr, tb) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	memset(q->link, 0, sizeof(*q->link));
	q->link->ifindex = ifi->ifi_index;
	q->link->flags = ifi->ifi_flags;
	if (tb[IFLA_IFNAME]) {
		strncpy(q->link->name, mnl_attr_get_str(tb[IFLA_IFNAME]), IFNAMSIZ - 1);
	}
	if (tb[IFLA_MTU])
		q->link->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_MASTER])
		q->link->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	q->found = true;
	return MNL_CB_OK;
}

/* RTM_GETLINK of @ifindex, or of @name if @ifindex is 0. */
static int link_get(struct warren_rtnl *rtnl, int ifindex, const char *name,
		    struct warren_rtnl_link *link)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct link_query q = {.link = link};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	if (!ifindex && (!name || !*name || strlen(name) >= IFNAMSIZ))
		return error_record("RTM_GETLINK", EINVAL);
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	ret = transact(rtnl, nlh, "RTM_GETLINK", link_answer, &q);
	if (ret)
		return ret;
	if (!q.found)
		return error_record("RTM_GETLINK", ENODEV);
	return 0;
}

int warren_rtnl_link_get(struct warren_rtnl *rtnl, const char *name, struct warren_rtnl_link *link)
{
	return link_get(rtnl, 0, name, link);
}

int warren_rtnl_ifindex(struct warren_rtnl *rtnl, const char *name)
{
	struct warren_rtnl_link link;
	int ret;

	ret = link_get(rtnl, 0, name, &link);
	return ret ? ret : link.ifindex;
}

int warren_rtnl_link_get_mtu(struct warren_rtnl *rtnl, int ifindex, unsigned int *mtu)
{
	struct warren_rtnl_link link;
	int ret;

	if (ifindex <= 0)
		return error_record("RTM_GETLINK", EINVAL);
	ret = link_get(rtnl, ifindex, NULL, &link);
	if (ret)
		return ret;
	*mtu = link.mtu;
	return 0;
}

/* Starts an RTM_NEWLINK request for @ifindex in @req. */
static struct nlmsghdr *link_request(char *req, int ifindex, struct ifinfomsg **ifi)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);

	nlh->nlmsg_type = RTM_NEWLINK;
	*ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifi));
	(*ifi)->ifi_family = AF_UNSPEC;
	(*ifi)->ifi_index = ifindex;
	return nlh;
}

int warren_rtnl_link_set_up(struct warren_rtnl *rtnl, int ifindex, bool up)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return error_record("RTM_NEWLINK", EINVAL);
	nlh = link_request(req, ifindex, &ifi);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return transact(rtnl, nlh, "RTM_NEWLINK", NULL, NULL);
}

int warren_rtnl_link_set_mtu(struct warren_rtnl *rtnl, int ifindex, unsigned int mtu)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return error_record("RTM_NEWLINK", EINVAL);
	nlh = link_request(req, ifindex, &ifi);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return transact(rtnl, nlh, "RTM_NEWLINK", NULL, NULL);
}

int warren_rtnl_link_set_master(struct warren_rtnl *rtnl, int ifindex, int master_ifindex)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (ifindex <= 0 || master_ifindex < 0)
		return error_record("RTM_NEWLINK", EINVAL);
	nlh = link_request(req, ifindex, &ifi);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_ifindex);
	return transact(rtnl, nlh, "RTM_NEWLINK", NULL, NULL);
}

int warren_rtnl_link_add(struct warren_rtnl *rtnl, const char *name, const char *kind)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct nlattr *info;

	if (!name || !*name || strlen(name) >= IFNAMSIZ || !kind || strlen(kind) > 64)
		return error_record("RTM_NEWLINK", EINVAL);
	nlh = link_request(req, 0, &ifi);
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	return transact(rtnl, nlh, "RTM_NEWLINK", NULL, NULL);
}

int warren_rtnl_link_delete(struct warren_rtnl *rtnl, int ifindex)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return error_record("RTM_DELLINK", EINVAL);
	nlh = link_request(req, ifindex, &ifi);
	nlh->nlmsg_type = RTM_DELLINK;
	return transact(rtnl, nlh, "RTM_DELLINK", NULL, NULL);
}

/* Addresses */

static int addr_modify(struct warren_rtnl *rtnl, uint16_t type, const char *call, int ifindex,
		       int family, const void *addr, unsigned int prefix_len,
		       unsigned int ifa_flags)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t size = addr_size(family);
	bool broadcast = !(ifa_flags & WARREN_RTNL_ADDR_NO_BROADCAST);
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;

	ifa_flags &= ~WARREN_RTNL_ADDR_NO_BROADCAST;
	if (!size || ifindex <= 0 || !addr || prefix_len > size * 8)
		return error_record(call, EINVAL);
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = type;
	if (type == RTM_NEWADDR)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix_len;
	ifa->ifa_flags = (uint8_t)ifa_flags;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, size, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, size, addr);
	if (type == RTM_NEWADDR && family == AF_INET && prefix_len < 31 && broadcast) {
		struct in_addr brd;

		memcpy(&brd, addr, sizeof(brd));
		brd.s_addr |= htonl(0xffffffffu >> prefix_len);
		mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), &brd);
	}
	if (ifa_flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, ifa_flags);
	return transact(rtnl, nlh, call, NULL, NULL);
}

int warren_rtnl_addr_add(struct warren_rtnl *rtnl, int ifindex, int family, const void *addr,
			 unsigned int prefix_len, unsigned int ifa_flags)
{
	return addr_modify(rtnl, RTM_NEWADDR, "RTM_NEWADDR", ifindex, family, addr, prefix_len,
			   ifa_flags);
}

int warren_rtnl_addr_del(struct warren_rtnl *rtnl, int ifindex, int family, const void *addr,
			 unsigned int prefix_len)
{
	return addr_modify(rtnl, RTM_DELADDR, "RTM_DELADDR", ifindex, family, addr, prefix_len, 0);
}

/* Routes */

static int route_modify(struct warren_rtnl *rtnl, uint16_t type, const char *call,
			const struct warren_rtnl_route *route)
{
	char req[RTNL_SEND_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t size = addr_size(route->family);
	uint32_t table = route->table ? route->table : RT_TABLE_MAIN;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (!size || route->dst_len > size * 8 || (route->dst_len && !route->dst) ||
	    route->ifindex < 0 || (type == RTM_NEWROUTE && !route->ifindex && !route->gateway))
		return error_record(call, EINVAL);
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = type;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)route->family;
	rtm->rtm_dst_len = (uint8_t)route->dst_len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	if (type == RTM_NEWROUTE) {
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
		rtm->rtm_protocol = RTPROT_BOOT;
		rtm->rtm_type = RTN_UNICAST;
		rtm->rtm_scope = route->gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	} else {
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	}
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (route->dst)
		mnl_attr_put(nlh, RTA_DST, size, route->dst);
	if (route->gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, size, route->gateway);
	if (route->ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)route->ifindex);
	if (route->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, route->metric);
	return transact(rtnl, nlh, call, NULL, NULL);
}

int warren_rtnl_route_add(struct warren_rtnl *rtnl, const struct warren_rtnl_route *route)
{
	return route_modify(rtnl, RTM_NEWROUTE, "RTM_NEWROUTE", route);
}

int warren_rtnl_route_del(struct warren_rtnl *rtnl, const struct warren_rtnl_route *route)
{
	return route_modify(rtnl, RTM_DELROUTE, "RTM_DELROUTE", route);
}
