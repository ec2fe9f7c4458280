// SPDX-License-Identifier: GPL-2.0-only
/*
 * The routes of `warren up` (wg-quick's add_route and add_default): one per
 * allowed IP, in the main table or Table's, and a default route through a
 * fwmark table with its two rules and firewall; and deleting those rules
 * again. Contracts in quick.h.
 */
#include "cli/quick.h"

#include "os/fibrule.h"
#include "os/rtnl_query.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <warren/rtnl.h>

/* wg-quick's first fwmark table for a default route (its default port). */
#define WG_QUICK_FIRST_TABLE 51820

static bool has_default_route(const struct uapi_device *dev)
{
	for (size_t i = 0; i < dev->n_peers; i++)
		for (size_t j = 0; j < dev->peers[i].n_allowed_ips; j++)
			if (!dev->peers[i].allowed_ips[j].cidr)
				return true;
	return false;
}

/* wg-quick's add_default(): a default route through fwmark and two rules. */
static int add_default(struct quick *q, const struct wgconf_ip *r)
{
	struct uapi_device dev;
	struct warren_rtnl_route route = {.family = r->family, .ifindex = q->ifindex};
	struct fibrule not_mark = {
	    .family = r->family, .invert = true, .has_fwmark = true, .suppress_prefixlen = -1};
	struct fibrule suppress = {
	    .family = r->family, .table = RT_TABLE_MAIN, .suppress_prefixlen = 0};
	const char *p = r->family == AF_INET6 ? "-6" : "-4";
	char ip[INET6_ADDRSTRLEN];
	uint32_t table;
	int ret;

	ret = quick_get_device(q, &dev);
	if (ret)
		return ret;
	table = dev.fwmark;
	uapi_device_free(&dev);
	if (!table) {
		char req[64];
		bool used;

		for (table = WG_QUICK_FIRST_TABLE;; table++) {
			ret = rtnl_query_table_used(table, &used);
			if (ret) {
				quick_die("%s", warren_strerror(ret));
				return ret;
			}
			if (!used)
				break;
		}
		quick_note("wg set %s fwmark %u", q->ifname, table);
		snprintf(req, sizeof(req), "set=1\nfwmark=%u\n\n", table);
		ret = uapi_set(q->ifname, req, strlen(req));
		if (ret) {
			quick_die("Unable to modify interface: %s", strerror(-ret));
			return ret;
		}
	}
	route.table = table;
	quick_note("ip %s route add %s/%u dev %s table %u", p,
		   quick_ip_str(ip, r->family, &r->addr), r->cidr, q->ifname, table);
	ret = warren_rtnl_route_add(q->rtnl, &route);
	if (ret)
		goto err;
	not_mark.table = table;
	not_mark.fwmark = table;
	quick_note("ip %s rule add not fwmark %u table %u", p, table, table);
	ret = fibrule_add(&not_mark);
	if (ret)
		goto err;
	quick_note("ip %s rule add table main suppress_prefixlength 0", p);
	ret = fibrule_add(&suppress);
	if (ret)
		goto err;
	quick_add_firewall(q, r->family, table);
	return 0;
err:
	quick_die("%s", warren_strerror(ret));
	return ret;
}

static int add_route(struct quick *q, const struct wgconf_ip *r)
{
	struct warren_rtnl_route route = {
	    .family = r->family,
	    .dst = &r->addr,
	    .dst_len = r->cidr,
	    .ifindex = q->ifindex,
	};
	const char *p = r->family == AF_INET6 ? "-6" : "-4";
	char ip[INET6_ADDRSTRLEN];
	bool covered;
	int ret;

	if (q->conf.table == WGCONF_TABLE_OFF)
		return 0;
	quick_ip_str(ip, r->family, &r->addr);
	if (q->conf.table == WGCONF_TABLE_ID || q->conf.table == WGCONF_TABLE_NAME) {
		route.table = q->table;
		quick_note("ip %s route add %s/%u dev %s table %u", p, ip, r->cidr, q->ifname,
			   q->table);
	} else if (!r->cidr) {
		return add_default(q, r);
	} else {
		ret = rtnl_query_route_covered(r->family, q->ifindex, &r->addr, r->cidr, &covered);
		if (ret)
			goto err;
		if (covered)
			return 0;
		quick_note("ip %s route add %s/%u dev %s", p, ip, r->cidr, q->ifname);
	}
	ret = warren_rtnl_route_add(q->rtnl, &route);
	if (!ret)
		return 0;
err:
	quick_die("%s", warren_strerror(ret));
	return ret;
}

/*
 * wg-quick's order, `sort -nr -k 2 -t /` under LC_ALL=C: longest prefix
 * first, and among equal lengths the text "ADDR/LEN" in reverse byte order
 * (sort's last resort, reversed too), so "::/0" before "0.0.0.0/0".
 */
static int route_order(const struct wgconf_ip *x, const struct wgconf_ip *y)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (x->cidr != y->cidr)
		return (int)y->cidr - (int)x->cidr;
	inet_ntop(x->family, &x->addr, a, sizeof(a));
	inet_ntop(y->family, &y->addr, b, sizeof(b));
	return strcmp(b, a);
}

/* Every allowed IP of @dev into a new array *@all of *@n, in route_order(). */
static int collect_ips(const struct uapi_device *dev, struct wgconf_ip **all, size_t *n)
{
	struct wgconf_ip *v = NULL, *nv;

	*n = 0;
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *p = &dev->peers[i];

		if (!p->n_allowed_ips)
			continue;
		nv = realloc(v, (*n + p->n_allowed_ips) * sizeof(*v));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		memcpy(v + *n, p->allowed_ips, p->n_allowed_ips * sizeof(*v));
		*n += p->n_allowed_ips;
	}
	for (size_t i = 1; i < *n; i++) {
		struct wgconf_ip t = v[i];
		size_t j = i;

		for (; j > 0 && route_order(&v[j - 1], &t) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	*all = v;
	return 0;
}

/* Routes for every allowed IP the daemon holds, longest prefixes first. */
int quick_add_routes(struct quick *q)
{
	struct wgconf_ip *all = NULL;
	struct uapi_device dev;
	size_t n = 0;
	int ret;

	ret = quick_get_device(q, &dev);
	if (ret)
		return ret;
	ret = collect_ips(&dev, &all, &n);
	for (size_t i = 0; i < n && !ret; i++)
		ret = add_route(q, &all[i]);
	free(all);
	uapi_device_free(&dev);
	return ret;
}

static bool has_ip(const struct wgconf_ip *v, size_t n, const struct wgconf_ip *ip)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].family == ip->family && v[i].cidr == ip->cidr &&
		    !memcmp(&v[i].addr, &ip->addr, ip->family == AF_INET6 ? 16 : 4))
			return true;
	return false;
}

static bool has_default(const struct wgconf_ip *v, size_t n, int family)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].cidr && (!family || v[i].family == family))
			return true;
	return false;
}

/*
 * The route add_route() made for @r, deleted; for a default route through
 * fwmark table @fwmark also its rules once no /0 of its family is left in
 * @after (@n), and the firewall once none is left at all.
 */
static int del_route(struct quick *q, const struct wgconf_ip *r, uint32_t fwmark,
		     const struct wgconf_ip *after, size_t n)
{
	struct warren_rtnl_route route = {
	    .family = r->family, .dst = &r->addr, .dst_len = r->cidr, .ifindex = q->ifindex};
	const char *p = r->family == AF_INET6 ? "-6" : "-4";
	char ip[INET6_ADDRSTRLEN], table[24] = "";
	bool fwmark_default = q->conf.table == WGCONF_TABLE_AUTO && !r->cidr;
	int ret;

	if (q->conf.table == WGCONF_TABLE_OFF)
		return 0;
	if (q->conf.table != WGCONF_TABLE_AUTO)
		route.table = q->table;
	else if (fwmark_default)
		route.table = fwmark;
	if (route.table)
		snprintf(table, sizeof(table), " table %u", route.table);
	quick_note("ip %s route delete %s/%u dev %s%s", p, quick_ip_str(ip, r->family, &r->addr),
		   r->cidr, q->ifname, table);
	ret = warren_rtnl_route_del(q->rtnl, &route);
	if (ret && ret != -ESRCH) { /* -ESRCH: covered by another route, none was made */
		quick_die("%s", warren_strerror(ret));
		return ret;
	}
	if (fwmark_default && fwmark && !has_default(after, n, r->family)) {
		quick_note("ip %s rule delete table %u (and main suppress_prefixlength 0)", p,
			   fwmark);
		fibrule_flush(r->family, fwmark, true, NULL);
		if (!has_default(after, n, 0))
			quick_remove_firewall(q);
	}
	return 0;
}

int quick_sync_routes(struct quick *q, const struct uapi_device *before,
		      const struct uapi_device *after, unsigned int *added, unsigned int *removed)
{
	struct wgconf_ip *old = NULL, *now = NULL;
	size_t n_old = 0, n_now = 0;
	int ret;

	*added = *removed = 0;
	ret = collect_ips(before, &old, &n_old);
	if (!ret)
		ret = collect_ips(after, &now, &n_now);
	for (size_t i = 0; !ret && i < n_old; i++) {
		if (has_ip(now, n_now, &old[i]) || has_ip(old, i, &old[i]))
			continue;
		ret = del_route(q, &old[i], before->fwmark, now, n_now);
		if (!ret)
			++*removed;
	}
	for (size_t i = 0; !ret && i < n_now; i++) {
		if (has_ip(old, n_old, &now[i]) || has_ip(now, i, &now[i]))
			continue;
		ret = add_route(q, &now[i]);
		if (!ret)
			++*added;
	}
	if (ret == -ENOMEM)
		quick_die("%s", strerror(ENOMEM));
	free(old);
	free(now);
	return ret;
}

void quick_del_default_rules(struct quick *q)
{
	struct uapi_device dev;

	if (uapi_get(q->ifname, &dev))
		return;
	if (dev.fwmark && has_default_route(&dev)) {
		for (int f = 0; f < 2; f++) {
			int family = f ? AF_INET6 : AF_INET;
			unsigned int n;

			if (!fibrule_flush(family, dev.fwmark, true, &n) && n)
				quick_note("ip %s rule delete table %u (%u rules, and main "
					   "suppress_prefixlength 0)",
					   f ? "-6" : "-4", dev.fwmark, n);
		}
	}
	uapi_device_free(&dev);
}
