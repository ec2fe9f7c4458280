// SPDX-License-Identifier: GPL-2.0-only
/*
 * The routes of `warren up` (wg-quick's add_route and add_default): one per
 * allowed IP, in the main table or Table's, and a default route through a
 * fwmark table with its two rules and firewall; and deleting those rules
 * again. Contracts in quick.h.
 *
 * wg-quick sorts the allowed IPs with sort(1) and asks `ip route show dev
 * IF match PREFIX` before each route. Here the text of each address is made
 * once and sorted once, and the device's routes are read in one dump: up is
 * O(n log n) in allowed IPs, where each question of wg-quick's reads the
 * whole routing table again.
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

/* An allowed IP and its text "ADDR/LEN", as `wg show allowed-ips` prints it. */
struct route_ip {
	struct wgconf_ip ip;
	char text[INET6_ADDRSTRLEN + 4];
};

/*
 * The prefixes of the main table's routes through the device, sorted by
 * prefix_cmp(), and which lengths occur in each family: what covered()
 * looks in.
 */
struct cover {
	struct rtnl_query_prefix *v;
	size_t n;
	bool len_used[2][129];
};

static const char *ip_flag(int family)
{
	return family == AF_INET6 ? "-6" : "-4";
}

static bool has_default_route(const struct uapi_device *dev)
{
	for (size_t i = 0; i < dev->n_peers; i++)
		for (size_t j = 0; j < dev->peers[i].n_allowed_ips; j++)
			if (!dev->peers[i].allowed_ips[j].cidr)
				return true;
	return false;
}

/* wg-quick's first free table from 51820: one dump, not one per table tried. */
static int free_table(uint32_t *table)
{
	uint32_t *used;
	size_t n;
	int ret;

	ret = rtnl_query_tables(&used, &n);
	if (ret)
		return ret;
	for (*table = WG_QUICK_FIRST_TABLE; rtnl_query_table_in(used, n, *table); ++*table)
		;
	free(used);
	return 0;
}

/*
 * wg-quick's add_default(): a default route through fwmark table *@fwmark
 * (the device's, or the first free one from 51820, then set on the device)
 * and two rules; q->rules_table records them for the undo.
 */
static int add_default(struct quick *q, const struct route_ip *r, uint32_t *fwmark)
{
	struct warren_rtnl_route route = {.family = r->ip.family, .ifindex = q->ifindex};
	struct fibrule not_mark = {
	    .family = r->ip.family, .invert = true, .has_fwmark = true, .suppress_prefixlen = -1};
	struct fibrule suppress = {
	    .family = r->ip.family, .table = RT_TABLE_MAIN, .suppress_prefixlen = 0};
	const char *p = ip_flag(r->ip.family);
	uint32_t table = *fwmark;
	int ret;

	if (!table) {
		char req[64];

		ret = free_table(&table);
		if (ret)
			goto err;
		quick_note("wg set %s fwmark %u", q->ifname, table);
		snprintf(req, sizeof(req), "set=1\nfwmark=%u\n\n", table);
		ret = uapi_set(q->ifname, req, strlen(req));
		if (ret) {
			quick_die("Unable to modify interface: %s", strerror(-ret));
			return ret;
		}
		*fwmark = table;
	}
	route.table = table;
	quick_note("ip %s route add %s dev %s table %u", p, r->text, q->ifname, table);
	ret = warren_rtnl_route_add(q->rtnl, &route);
	if (ret)
		goto err;
	q->rules_table = table;
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
	quick_add_firewall(q, r->ip.family, table);
	return 0;
err:
	quick_die("%s", warren_strerror(ret));
	return ret;
}

/* Family, then length, then address: the order covered() searches. */
static int prefix_cmp(const void *a, const void *b)
{
	const struct rtnl_query_prefix *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* The main table's routes through the device, read once. */
static int cover_read(struct quick *q, struct cover *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = rtnl_query_link_routes(q->ifindex, RT_TABLE_MAIN, &c->v, &c->n);
	if (ret) {
		quick_die("%s", warren_strerror(ret));
		return ret;
	}
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), prefix_cmp);
	for (size_t i = 0; i < c->n; i++)
		c->len_used[c->v[i].family == AF_INET6][c->v[i].len] = true;
	return 0;
}

/*
 * wg-quick's `ip route show dev IF match PREFIX` is not empty: a route of
 * @c contains @ip. One lookup per prefix length that @c holds.
 */
static bool covered(const struct cover *c, const struct wgconf_ip *ip)
{
	size_t size = ip->family == AF_INET6 ? 16 : 4;
	struct rtnl_query_prefix key;
	bool v6 = ip->family == AF_INET6;

	for (unsigned int len = 0; len <= ip->cidr && len <= size * 8; len++) {
		if (!c->len_used[v6][len])
			continue;
		memset(&key, 0, sizeof(key));
		key.family = (uint8_t)ip->family;
		key.len = (uint8_t)len;
		memcpy(key.addr, &ip->addr, len / 8);
		if (len % 8)
			key.addr[len / 8] = ((const uint8_t *)&ip->addr)[len / 8] &
					    (uint8_t)(0xff << (8 - len % 8));
		if (bsearch(&key, c->v, c->n, sizeof(key), prefix_cmp))
			return true;
	}
	return false;
}

/*
 * wg-quick's add_route(). The routes added before @r need not be looked
 * at: in route_order() none is shorter, and none is the same.
 */
static int add_route(struct quick *q, const struct route_ip *r, const struct cover *c,
		     uint32_t *fwmark)
{
	struct warren_rtnl_route route = {
	    .family = r->ip.family,
	    .dst = &r->ip.addr,
	    .dst_len = r->ip.cidr,
	    .ifindex = q->ifindex,
	};
	const char *p = ip_flag(r->ip.family);
	int ret;

	if (q->conf.table == WGCONF_TABLE_OFF)
		return 0;
	if (q->conf.table == WGCONF_TABLE_ID || q->conf.table == WGCONF_TABLE_NAME) {
		route.table = q->table;
		quick_note("ip %s route add %s dev %s table %u", p, r->text, q->ifname, q->table);
	} else if (!r->ip.cidr) {
		return add_default(q, r, fwmark);
	} else {
		if (covered(c, &r->ip))
			return 0;
		quick_note("ip %s route add %s dev %s", p, r->text, q->ifname);
	}
	ret = warren_rtnl_route_add(q->rtnl, &route);
	if (!ret)
		return 0;
	quick_die("%s", warren_strerror(ret));
	return ret;
}

/*
 * wg-quick's order, `sort -nr -k 2 -t /` under LC_ALL=C: longest prefix
 * first, and among equal lengths the text "ADDR/LEN" in reverse byte order
 * (sort's last resort, reversed too), so "::/0" before "0.0.0.0/0". The
 * order is the text's, not the addresses' ("9.0.0.0/8" before
 * "10.0.0.0/8"), so that the lines read as wg-quick's; the text is made
 * once per address, never per comparison.
 */
static int route_order(const void *a, const void *b)
{
	const struct route_ip *x = a, *y = b;

	if (x->ip.cidr != y->ip.cidr)
		return (int)y->ip.cidr - (int)x->ip.cidr;
	return strcmp(y->text, x->text);
}

/* The allowed IPs of one peer, of the config or of the daemon. */
struct ip_span {
	const struct wgconf_ip *v;
	size_t n;
};

/*
 * Every allowed IP of the @n_spans @spans into a new array *@all of *@n,
 * in route_order(), each once (the daemon holds each once; wg-quick would
 * skip a repeat as covered).
 */
static int collect_ips(const struct ip_span *spans, size_t n_spans, struct route_ip **all,
		       size_t *n)
{
	struct route_ip *v;
	size_t total = 0, k = 0;
	char ip[INET6_ADDRSTRLEN];

	*all = NULL;
	*n = 0;
	for (size_t i = 0; i < n_spans; i++)
		total += spans[i].n;
	if (!total)
		return 0;
	v = calloc(total, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n_spans; i++) {
		for (size_t j = 0; j < spans[i].n; j++, k++) {
			v[k].ip = spans[i].v[j];
			snprintf(v[k].text, sizeof(v[k].text), "%s/%u",
				 quick_ip_str(ip, v[k].ip.family, &v[k].ip.addr), v[k].ip.cidr);
		}
	}
	qsort(v, total, sizeof(*v), route_order);
	k = 0;
	for (size_t i = 0; i < total; i++)
		if (!k || route_order(&v[k - 1], &v[i]))
			v[k++] = v[i];
	*all = v;
	*n = k;
	return 0;
}

/* collect_ips() of the allowed IPs the daemon holds. */
static int device_ips(const struct uapi_device *dev, struct route_ip **all, size_t *n)
{
	struct ip_span *spans = calloc(dev->n_peers + 1, sizeof(*spans));
	int ret;

	if (!spans)
		return -ENOMEM;
	for (size_t i = 0; i < dev->n_peers; i++)
		spans[i] = (struct ip_span){dev->peers[i].allowed_ips, dev->peers[i].n_allowed_ips};
	ret = collect_ips(spans, dev->n_peers, all, n);
	free(spans);
	return ret;
}

/*
 * collect_ips() of the config's allowed IPs: what `wg show allowed-ips'
 * lists once up has set them (host bits cleared, a repeat in another peer
 * the same prefix), without reading back 100k peers.
 */
static int config_ips(const struct wgconf *conf, struct route_ip **all, size_t *n)
{
	struct ip_span *spans = calloc(conf->n_peers + 1, sizeof(*spans));
	int ret;

	if (!spans)
		return -ENOMEM;
	for (size_t i = 0; i < conf->n_peers; i++)
		spans[i] =
		    (struct ip_span){conf->peers[i].allowed_ips, conf->peers[i].n_allowed_ips};
	ret = collect_ips(spans, conf->n_peers, all, n);
	free(spans);
	return ret;
}

/* Whether the sorted @v (@n) holds @r. */
static bool has_ip(const struct route_ip *v, size_t n, const struct route_ip *r)
{
	return n && bsearch(r, v, n, sizeof(*v), route_order);
}

int quick_add_routes(struct quick *q)
{
	struct route_ip *all = NULL;
	struct cover c = {0};
	size_t n = 0;
	uint32_t fwmark;
	int ret;

	if (q->conf.table == WGCONF_TABLE_OFF)
		return 0;
	fwmark = q->conf.has_fwmark ? q->conf.fwmark : 0;
	ret = config_ips(&q->conf, &all, &n);
	if (ret == -ENOMEM)
		quick_die("%s", strerror(ENOMEM));
	if (!ret && q->conf.table == WGCONF_TABLE_AUTO)
		ret = cover_read(q, &c);
	for (size_t i = 0; i < n && !ret; i++) {
		if (quick_interrupted)
			ret = -EINTR;
		else
			ret = add_route(q, &all[i], &c, &fwmark);
	}
	free(c.v);
	free(all);
	return ret;
}

static bool has_default(const struct route_ip *v, size_t n, int family)
{
	for (size_t i = n; i-- > 0 && !v[i].ip.cidr;)
		if (!family || v[i].ip.family == family)
			return true;
	return false;
}

/*
 * The route add_route() made for @r, deleted; for a default route through
 * fwmark table @fwmark also its rules once no /0 of its family is left in
 * @after (@n), and the firewall once none is left at all.
 */
static int del_route(struct quick *q, const struct route_ip *r, uint32_t fwmark,
		     const struct route_ip *after, size_t n)
{
	struct warren_rtnl_route route = {.family = r->ip.family,
					  .dst = &r->ip.addr,
					  .dst_len = r->ip.cidr,
					  .ifindex = q->ifindex};
	const char *p = ip_flag(r->ip.family);
	char table[24] = "";
	bool fwmark_default = q->conf.table == WGCONF_TABLE_AUTO && !r->ip.cidr;
	int ret;

	if (q->conf.table == WGCONF_TABLE_OFF)
		return 0;
	if (q->conf.table != WGCONF_TABLE_AUTO)
		route.table = q->table;
	else if (fwmark_default)
		route.table = fwmark;
	if (route.table)
		snprintf(table, sizeof(table), " table %u", route.table);
	quick_note("ip %s route delete %s dev %s%s", p, r->text, q->ifname, table);
	ret = warren_rtnl_route_del(q->rtnl, &route);
	if (ret && ret != -ESRCH) { /* -ESRCH: covered by another route, none was made */
		quick_die("%s", warren_strerror(ret));
		return ret;
	}
	if (fwmark_default && fwmark && !has_default(after, n, r->ip.family)) {
		quick_note("ip %s rule delete table %u (and main suppress_prefixlength 0)", p,
			   fwmark);
		fibrule_flush(r->ip.family, fwmark, true, NULL);
		if (!has_default(after, n, 0))
			quick_remove_firewall(q);
	}
	return 0;
}

int quick_sync_routes(struct quick *q, const struct uapi_device *before,
		      const struct uapi_device *after, unsigned int *added, unsigned int *removed)
{
	struct route_ip *old = NULL, *now = NULL;
	size_t n_old = 0, n_now = 0;
	struct cover c = {0};
	uint32_t fwmark = after->fwmark;
	int ret;

	*added = *removed = 0;
	ret = device_ips(before, &old, &n_old);
	if (!ret)
		ret = device_ips(after, &now, &n_now);
	if (ret == -ENOMEM)
		quick_die("%s", strerror(ENOMEM));
	for (size_t i = 0; !ret && i < n_old; i++) {
		if (has_ip(now, n_now, &old[i]))
			continue;
		ret = del_route(q, &old[i], before->fwmark, now, n_now);
		if (!ret)
			++*removed;
	}
	/* What covers a new prefix is read after the deletions, as wg-quick would. */
	if (!ret && q->conf.table == WGCONF_TABLE_AUTO)
		ret = cover_read(q, &c);
	for (size_t i = 0; !ret && i < n_now; i++) {
		if (has_ip(old, n_old, &now[i]))
			continue;
		ret = add_route(q, &now[i], &c, &fwmark);
		if (!ret)
			++*added;
	}
	free(c.v);
	free(old);
	free(now);
	return ret;
}

void quick_find_default_rules(struct quick *q)
{
	struct uapi_device dev;

	if (q->conf.table != WGCONF_TABLE_AUTO || uapi_get(q->ifname, &dev))
		return;
	if (dev.fwmark && has_default_route(&dev))
		q->rules_table = dev.fwmark;
	uapi_device_free(&dev);
}

/*
 * wg-quick's del_if() for one family: every rule that looks up @table, then
 * every `lookup main suppress_prefixlength 0', each with wg-quick's line.
 */
static void del_rules(int family, uint32_t table)
{
	struct fibrule *v;
	size_t n;

	if (fibrule_list(family, &v, &n))
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			bool suppress = v[i].table == RT_TABLE_MAIN && !v[i].suppress_prefixlen;

			if (pass ? !suppress : v[i].table != table)
				continue;
			if (pass)
				quick_note("ip %s rule delete table main suppress_prefixlength 0",
					   ip_flag(family));
			else
				quick_note("ip %s rule delete table %u", ip_flag(family), table);
			fibrule_del(&v[i]);
		}
	}
	free(v);
}

void quick_del_default_rules(struct quick *q)
{
	if (!q->rules_table)
		return;
	del_rules(AF_INET, q->rules_table);
	del_rules(AF_INET6, q->rules_table);
	q->rules_table = 0;
}
