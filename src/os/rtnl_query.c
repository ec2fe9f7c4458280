// SPDX-License-Identifier: GPL-2.0-only
/*
 * Route and address lookups over rtnetlink. Contracts in rtnl_query.h.
 */
#include "os/rtnl_query.h"

#include "os/error.h"
#include "os/nlreq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <warren/rtnl.h>

static size_t addr_size(int family)
{
	return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

/* What one route message says, for the questions here. */
struct route_info {
	int family;
	uint32_t table;
	unsigned int dst_len;
	uint8_t dst[16];
	int oif;
	unsigned int mtu; /* RTAX_MTU, 0 if none */
	bool cloned;
};

static void route_read(const struct nlmsghdr *nlh, struct route_info *ri)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *m;

	memset(ri, 0, sizeof(*ri));
	ri->family = rtm->rtm_family;
	ri->table = rtm->rtm_table;
	ri->dst_len = rtm->rtm_dst_len;
	ri->cloned = rtm->rtm_flags & RTM_F_CLONED;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm))
	{
		switch (mnl_attr_get_type(attr)) {
		case RTA_TABLE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				ri->table = mnl_attr_get_u32(attr);
			break;
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				ri->oif = (int)mnl_attr_get_u32(attr);
			break;
		case RTA_DST:
			if (mnl_attr_get_payload_len(attr) == addr_size(ri->family))
				memcpy(ri->dst, mnl_attr_get_payload(attr), addr_size(ri->family));
			break;
		case RTA_METRICS:
			mnl_attr_for_each_nested(m, attr)
			{
				if (mnl_attr_get_type(m) == RTAX_MTU &&
				    mnl_attr_validate(m, MNL_TYPE_U32) >= 0)
					ri->mtu = mnl_attr_get_u32(m);
			}
			break;
		}
	}
}

static int link_mtu(int ifindex, unsigned int *mtu)
{
	struct warren_rtnl *rtnl;
	int ret = warren_rtnl_open(&rtnl);

	if (ret)
		return ret;
	ret = warren_rtnl_link_get_mtu(rtnl, ifindex, mtu);
	warren_rtnl_close(rtnl);
	return ret;
}

static int route_mtu(const struct route_info *ri, unsigned int *mtu)
{
	if (ri->mtu) {
		*mtu = ri->mtu;
		return 0;
	}
	if (ri->oif > 0)
		return link_mtu(ri->oif, mtu);
	return -ENETUNREACH;
}

static int get_answer(const struct nlmsghdr *nlh, void *data)
{
	struct route_info *ri = data;

	if (nlh->nlmsg_type == RTM_NEWROUTE &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct rtmsg))
		route_read(nlh, ri);
	return MNL_CB_OK;
}

int rtnl_query_route_mtu(int family, const void *dst, unsigned int *mtu)
{
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_info ri = {0};
	struct rtmsg *rtm;
	int ret;

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = family == AF_INET6 ? 128 : 32;
	mnl_attr_put(nlh, RTA_DST, addr_size(family), dst);
	ret = nlreq_run(nlh, "RTM_GETROUTE", get_answer, &ri);
	if (ret)
		return ret;
	return route_mtu(&ri, mtu);
}

/* The MTUs of the links seen so far: most endpoints share a few. */
struct mtu_cache {
	struct warren_rtnl *rtnl;
	struct {
		int ifindex;
		unsigned int mtu;
	} v[16];
	size_t n, next;
};

static int cached_link_mtu(struct mtu_cache *c, int ifindex, unsigned int *mtu)
{
	int ret;

	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].ifindex == ifindex) {
			*mtu = c->v[i].mtu;
			return 0;
		}
	}
	if (!c->rtnl) {
		ret = warren_rtnl_open(&c->rtnl);
		if (ret)
			return ret;
	}
	ret = warren_rtnl_link_get_mtu(c->rtnl, ifindex, mtu);
	if (ret)
		return ret;
	c->v[c->next].ifindex = ifindex;
	c->v[c->next].mtu = *mtu;
	c->next = (c->next + 1) % (sizeof(c->v) / sizeof(c->v[0]));
	if (c->n < sizeof(c->v) / sizeof(c->v[0]))
		c->n++;
	return 0;
}

int rtnl_query_routes_mtu(const union sockaddr_inet *dsts, size_t n,
			  const volatile sig_atomic_t *stop, unsigned int *mtu)
{
	struct mtu_cache cache = {0};
	struct mnl_socket *nl;
	unsigned int seq = (unsigned int)time(NULL);
	void *buf;
	int ret = 0;

	*mtu = 0;
	buf = malloc(NLREQ_RECV_SIZE);
	if (!buf)
		return error_record("malloc", ENOMEM);
	ret = nlreq_open(&nl, 0, 0);
	if (ret)
		goto err_free_buf;
	for (size_t i = 0; i < n; i++) {
		int family = dsts[i].sa.sa_family;
		const void *dst = family == AF_INET6 ? (const void *)&dsts[i].in6.sin6_addr
						     : (const void *)&dsts[i].in4.sin_addr;
		char req[NLREQ_BUF_SIZE];
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
		struct route_info ri = {0};
		struct rtmsg *rtm;
		unsigned int m;

		if (stop && *stop) {
			ret = -EINTR;
			break;
		}
		if (family != AF_INET && family != AF_INET6)
			continue;
		nlh->nlmsg_type = RTM_GETROUTE;
		rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = (uint8_t)family;
		rtm->rtm_dst_len = family == AF_INET6 ? 128 : 32;
		mnl_attr_put(nlh, RTA_DST, addr_size(family), dst);
		/* No route to this one (ENETUNREACH, ...): as wg-quick, the next. */
		if (nlreq_exchange(nl, ++seq, buf, NLREQ_RECV_SIZE, nlh, "RTM_GETROUTE", get_answer,
				   &ri))
			continue;
		if (ri.mtu)
			m = ri.mtu;
		else if (ri.oif <= 0 || cached_link_mtu(&cache, ri.oif, &m))
			continue;
		if (m > *mtu)
			*mtu = m;
	}
	warren_rtnl_close(cache.rtnl);
	mnl_socket_close(nl);
err_free_buf:
	free(buf);
	return ret;
}

/* A dump of every route of one family, passed to @fn until it returns true. */
struct route_walk {
	bool (*fn)(const struct route_info *ri, void *arg);
	void *arg;
	bool stop;
};

static int walk_answer(const struct nlmsghdr *nlh, void *data)
{
	struct route_walk *w = data;
	struct route_info ri;

	if (w->stop || nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct rtmsg))
		return MNL_CB_OK;
	route_read(nlh, &ri);
	if (!ri.cloned && w->fn(&ri, w->arg))
		w->stop = true;
	return MNL_CB_OK;
}

static int route_walk(int family, bool (*fn)(const struct route_info *, void *), void *arg)
{
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_walk w = {.fn = fn, .arg = arg};
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	return nlreq_run(nlh, "RTM_GETROUTE", walk_answer, &w);
}

struct default_query {
	struct route_info ri;
	bool found;
};

static bool is_main_default(const struct route_info *ri, void *arg)
{
	struct default_query *q = arg;

	if (ri->table != RT_TABLE_MAIN || ri->dst_len)
		return false;
	q->ri = *ri;
	q->found = true;
	return true;
}

int rtnl_query_default_mtu(unsigned int *mtu)
{
	struct default_query q = {.found = false};
	int ret = route_walk(AF_INET, is_main_default, &q);

	if (ret)
		return ret;
	if (!q.found)
		return -ENOENT;
	return route_mtu(&q.ri, mtu);
}

/* A growing array of @size-byte items, for the dumps below. */
struct grow {
	void *v;
	size_t n, cap, size;
	int err;
};

static void *grow_push(struct grow *g)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		void *nv = realloc(g->v, cap * g->size);

		if (!nv) {
			g->err = error_record("realloc", ENOMEM);
			return NULL;
		}
		g->v = nv;
		g->cap = cap;
	}
	return (char *)g->v + g->n++ * g->size;
}

static bool note_table(const struct route_info *ri, void *arg)
{
	struct grow *g = arg;
	const uint32_t *last = g->n ? (const uint32_t *)g->v + g->n - 1 : NULL;
	uint32_t *t;

	/* A dump lists a table's routes together: most repeats are the last one. */
	if (last && *last == ri->table)
		return false;
	t = grow_push(g);
	if (!t)
		return true;
	*t = ri->table;
	return false;
}

static int table_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int rtnl_query_tables(uint32_t **tables, size_t *n)
{
	struct grow g = {.size = sizeof(uint32_t)};
	uint32_t *v;
	size_t k = 0;
	int ret;

	ret = route_walk(AF_INET, note_table, &g);
	if (!ret && !g.err)
		ret = route_walk(AF_INET6, note_table, &g);
	if (!ret)
		ret = g.err;
	if (ret) {
		free(g.v);
		return ret;
	}
	v = g.v;
	if (g.n)
		qsort(v, g.n, sizeof(*v), table_cmp);
	for (size_t i = 0; i < g.n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*tables = v;
	*n = k;
	return 0;
}

bool rtnl_query_table_in(const uint32_t *tables, size_t n, uint32_t table)
{
	return n && bsearch(&table, tables, n, sizeof(*tables), table_cmp);
}

struct link_routes {
	struct grow g;
	int ifindex;
	uint32_t table;
};

static bool note_route(const struct route_info *ri, void *arg)
{
	struct link_routes *l = arg;
	struct rtnl_query_prefix *p;

	if (ri->table != l->table || ri->oif != l->ifindex)
		return false;
	p = grow_push(&l->g);
	if (!p)
		return true;
	memset(p, 0, sizeof(*p));
	p->family = (uint8_t)ri->family;
	p->len = (uint8_t)ri->dst_len;
	memcpy(p->addr, ri->dst, addr_size(ri->family));
	return false;
}

int rtnl_query_link_routes(int ifindex, uint32_t table, struct rtnl_query_prefix **v, size_t *n)
{
	struct link_routes l = {.g = {.size = sizeof(**v)}, .ifindex = ifindex, .table = table};
	int ret;

	ret = route_walk(AF_INET, note_route, &l);
	if (!ret && !l.g.err)
		ret = route_walk(AF_INET6, note_route, &l);
	if (!ret)
		ret = l.g.err;
	if (ret) {
		free(l.g.v);
		return ret;
	}
	*v = l.g.v;
	*n = l.g.n;
	return 0;
}

struct addr_dump {
	int ifindex;
	struct rtnl_query_addr *v;
	size_t n;
};

static int addr_answer(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_dump *d = data;
	const struct nlattr *attr, *local = NULL, *address = NULL, *pick;
	struct rtnl_query_addr a = {0}, *nv;

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    (int)ifa->ifa_index != d->ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa))
	{
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = attr;
	}
	pick = local ? local : address;
	if (!pick || mnl_attr_get_payload_len(pick) != addr_size(ifa->ifa_family))
		return MNL_CB_OK;
	a.family = ifa->ifa_family;
	memcpy(&a.addr, mnl_attr_get_payload(pick), addr_size(a.family));
	a.prefix_len = ifa->ifa_prefixlen;
	a.scope = ifa->ifa_scope;
	nv = realloc(d->v, (d->n + 1) * sizeof(*nv));
	if (!nv) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	d->v = nv;
	d->v[d->n++] = a;
	return MNL_CB_OK;
}

int rtnl_query_addrs(int ifindex, struct rtnl_query_addr **addrs, size_t *n)
{
	static const int families[] = {AF_INET, AF_INET6};
	struct addr_dump d = {.ifindex = ifindex};
	int ret = 0;

	for (size_t i = 0; i < 2 && !ret; i++) {
		char buf[NLREQ_BUF_SIZE];
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct ifaddrmsg *ifa;

		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = (uint8_t)families[i];
		ret = nlreq_run(nlh, "RTM_GETADDR", addr_answer, &d);
	}
	if (ret) {
		free(d.v);
		return ret;
	}
	*addrs = d.v;
	*n = d.n;
	return 0;
}

/* A dump of every link, those whose IFLA_MASTER is @master passed to @fn. */
struct port_walk {
	int master;
	void (*fn)(const char *name, unsigned int mtu, void *arg);
	void *arg;
};

static int port_answer(const struct nlmsghdr *nlh, void *data)
{
	const struct port_walk *w = data;
	const struct nlattr *attr;
	const char *name = NULL;
	unsigned int mtu = 0;
	int master = 0;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			if (!mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
				name = mnl_attr_get_str(attr);
			break;
		case IFLA_MTU:
			if (!mnl_attr_validate(attr, MNL_TYPE_U32))
				mtu = mnl_attr_get_u32(attr);
			break;
		case IFLA_MASTER:
			if (!mnl_attr_validate(attr, MNL_TYPE_U32))
				master = (int)mnl_attr_get_u32(attr);
			break;
		}
	}
	if (name && master == w->master)
		w->fn(name, mtu, w->arg);
	return MNL_CB_OK;
}

int rtnl_query_ports(int master, void (*fn)(const char *name, unsigned int mtu, void *arg),
		     void *arg)
{
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct port_walk w = {.master = master, .fn = fn, .arg = arg};
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return nlreq_run(nlh, "RTM_GETLINK", port_answer, &w);
}
