// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy routing rules over rtnetlink. Contracts in fibrule.h.
 */
#include "os/fibrule.h"

#include "os/error.h"
#include "os/nlreq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

static void put_rule(struct nlmsghdr *nlh, const struct fibrule *rule)
{
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = (uint8_t)rule->family;
	frh->action = FR_ACT_TO_TBL;
	frh->table = rule->table < 256 ? (uint8_t)rule->table : RT_TABLE_UNSPEC;
	if (rule->invert)
		frh->flags |= FIB_RULE_INVERT;
	mnl_attr_put_u32(nlh, FRA_TABLE, rule->table);
	if (rule->has_priority)
		mnl_attr_put_u32(nlh, FRA_PRIORITY, rule->priority);
	if (rule->has_fwmark) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, rule->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, rule->fwmask ? rule->fwmask : UINT32_MAX);
	}
	if (rule->suppress_prefixlen >= 0)
		mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, (uint32_t)rule->suppress_prefixlen);
}

int fibrule_add(const struct fibrule *rule)
{
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_NEWRULE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	put_rule(nlh, rule);
	return nlreq_run(nlh, "RTM_NEWRULE", NULL, NULL);
}

int fibrule_del(const struct fibrule *rule)
{
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_DELRULE;
	put_rule(nlh, rule);
	return nlreq_run(nlh, "RTM_DELRULE", NULL, NULL);
}

struct rule_dump {
	struct fibrule *v;
	size_t n;
};

static int rule_answer(const struct nlmsghdr *nlh, void *data)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct rule_dump *d = data;
	const struct nlattr *attr;
	struct fibrule r = {.suppress_prefixlen = -1}, *nv;

	if (nlh->nlmsg_type != RTM_NEWRULE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh))
		return MNL_CB_OK;
	r.family = frh->family;
	r.table = frh->table;
	r.invert = frh->flags & FIB_RULE_INVERT;
	if (frh->action != FR_ACT_TO_TBL)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*frh))
	{
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			continue;
		switch (mnl_attr_get_type(attr)) {
		case FRA_TABLE:
			r.table = mnl_attr_get_u32(attr);
			break;
		case FRA_PRIORITY:
			r.priority = mnl_attr_get_u32(attr);
			r.has_priority = true;
			break;
		case FRA_FWMARK:
			r.fwmark = mnl_attr_get_u32(attr);
			r.has_fwmark = true;
			break;
		case FRA_FWMASK:
			r.fwmask = mnl_attr_get_u32(attr);
			break;
		case FRA_SUPPRESS_PREFIXLEN:
			/* the kernel reports "none" as -1 */
			r.suppress_prefixlen = (int)mnl_attr_get_u32(attr);
			break;
		}
	}
	nv = realloc(d->v, (d->n + 1) * sizeof(*nv));
	if (!nv) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	d->v = nv;
	d->v[d->n++] = r;
	return MNL_CB_OK;
}

int fibrule_list(int family, struct fibrule **rules, size_t *n)
{
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;
	struct rule_dump d = {0};
	int ret;

	nlh->nlmsg_type = RTM_GETRULE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (uint8_t)family;
	ret = nlreq_run(nlh, "RTM_GETRULE", rule_answer, &d);
	if (ret) {
		free(d.v);
		return ret;
	}
	*rules = d.v;
	*n = d.n;
	return 0;
}

int fibrule_flush(int family, uint32_t table, bool suppress_main, unsigned int *deleted)
{
	struct fibrule *v;
	size_t n;
	int ret;

	if (deleted)
		*deleted = 0;
	ret = fibrule_list(family, &v, &n);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		bool ours = v[i].table == table || (suppress_main && v[i].table == RT_TABLE_MAIN &&
						    v[i].suppress_prefixlen == 0);

		if (!ours)
			continue;
		ret = fibrule_del(&v[i]);
		if (ret && ret != -ENOENT)
			break;
		ret = 0;
		if (deleted)
			(*deleted)++;
	}
	free(v);
	return ret;
}
