// SPDX-License-Identifier: GPL-2.0-only
/*
 * What an instance of `warren up` leaves when it and its daemon are killed
 * (kill -9, a crash, the OOM killer): the device goes with the daemon's TUN
 * file, and its routes with the device, but the policy rules of a default
 * route, the nftables tables and the DNS entry stay, and so does the
 * daemon's socket. wg-quick would add the rules again beside the old ones
 * and fail to take them down. Contracts in quick.h.
 */
#include "cli/quick.h"

#include "os/fibrule.h"
#include "os/rtnl_query.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/rtnetlink.h>
#include <warren/error.h>

/* add_default()'s first rule: `not fwmark T table T', the mask all ones. */
static bool is_fwmark_rule(const struct fibrule *r)
{
	return r->invert && r->has_fwmark && r->fwmark == r->table &&
	       (!r->fwmask || r->fwmask == UINT32_MAX) && r->suppress_prefixlen < 0;
}

static bool is_suppress_rule(const struct fibrule *r)
{
	return !r->invert && !r->has_fwmark && r->table == RT_TABLE_MAIN && !r->suppress_prefixlen;
}

/* The rules of a dead instance, of one family, in the order they go. */
struct dead_rules {
	struct fibrule *v;
	size_t n;
};

/*
 * The rules of add_default() whose fwmark table holds no route: a living
 * instance's table holds its default route, so these are a dead one's.
 * With each `not fwmark T' goes the `suppress_prefixlength 0' rule added
 * right after it, which the kernel numbered one below it (a rule added
 * without a priority gets one less than the first numbered rule); other
 * such rules belong to others and stay. Into @d, which owns the list.
 */
static int find_dead_rules(int family, const uint32_t *used, size_t n_used, struct dead_rules *d)
{
	struct fibrule *v;
	size_t n;
	int ret;

	d->n = 0;
	ret = fibrule_list(family, &v, &n);
	if (ret)
		return ret;
	d->v = v; /* reused in place: at most as many as listed */
	for (size_t i = 0; i < n; i++) {
		struct fibrule mark = v[i];

		if (!is_fwmark_rule(&mark) || rtnl_query_table_in(used, n_used, mark.table))
			continue;
		d->v[d->n++] = mark;
		for (size_t j = 0; mark.has_priority && j < n; j++) {
			if (is_suppress_rule(&v[j]) && v[j].has_priority &&
			    v[j].priority + 1 == mark.priority) {
				d->v[d->n++] = v[j];
				break;
			}
		}
	}
	return 0;
}

static void del_dead_rules(int family, const struct dead_rules *d)
{
	const char *p = family == AF_INET6 ? "-6" : "-4";

	for (size_t i = 0; i < d->n; i++) {
		if (is_fwmark_rule(&d->v[i]))
			quick_note("ip %s rule delete priority %u not fwmark %u table %u", p,
				   d->v[i].priority, d->v[i].fwmark, d->v[i].table);
		else
			quick_note(
			    "ip %s rule delete priority %u table main suppress_prefixlength 0", p,
			    d->v[i].priority);
		fibrule_del(&d->v[i]);
	}
}

/* A socket file no daemon answers on. */
static bool stale_socket(const struct quick *q, char *path, size_t len)
{
	struct stat st;

	return !uapi_socket_path(path, len, q->ifname) && !lstat(path, &st) &&
	       S_ISSOCK(st.st_mode) && !uapi_alive(q->ifname);
}

unsigned int quick_clean_leftovers(struct quick *q, bool down)
{
	struct dead_rules rules[2] = {{0}};
	static const int family[2] = {AF_INET, AF_INET6};
	unsigned int tables, found;
	char sock[128];
	bool stale;
	uint32_t *used;
	size_t n_used;
	int ret;

	stale = stale_socket(q, sock, sizeof(sock));
	tables = quick_firewall_tables(q);
	/* For down, the rules need a sign of this interface: its socket or tables. */
	if (down && !stale && !tables)
		return 0;
	ret = rtnl_query_tables(&used, &n_used);
	if (!ret) {
		for (int f = 0; !ret && f < 2; f++)
			ret = find_dead_rules(family[f], used, n_used, &rules[f]);
		free(used);
	}
	if (ret)
		quick_die("%s", warren_strerror(ret));
	found = stale + (tables != 0) + (unsigned int)(rules[0].n + rules[1].n);
	if (down || tables || rules[0].n || rules[1].n)
		fprintf(stderr,
			"Warning: an earlier `%s' was not taken down (killed?): removing "
			"what it left\n",
			q->ifname);
	/* In del_if()'s order: DNS, firewall, rules, then the socket of the device. */
	if (down)
		quick_unset_dns(q);
	quick_remove_firewall(q);
	for (int f = 0; f < 2; f++) {
		del_dead_rules(family[f], &rules[f]);
		free(rules[f].v);
	}
	if (stale)
		unlink(sock); /* as warrend would replace it */
	return found;
}
