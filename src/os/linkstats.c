// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTM_GETSTATS for one link's IFLA_STATS_LINK_64 (linkstats.h), over
 * nlreq.c's request loop.
 */
#include "os/linkstats.h"

#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "os/error.h"
#include "os/nlreq.h"

struct stats_query {
	struct rtnl_link_stats64 *st;
	int ifindex;
	bool found;
};

static int stats_answer(const struct nlmsghdr *nlh, void *data)
{
	struct stats_query *q = data;
	const struct if_stats_msg *ifsm;
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWSTATS || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifsm))
		return MNL_CB_OK;
	ifsm = mnl_nlmsg_get_payload(nlh);
	if (ifsm->ifindex != (uint32_t)q->ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifsm))
	{
		if (mnl_attr_get_type(attr) != IFLA_STATS_LINK_64 ||
		    mnl_attr_get_payload_len(attr) < sizeof(*q->st))
			continue;
		memcpy(q->st, mnl_attr_get_payload(attr), sizeof(*q->st));
		q->found = true;
	}
	return MNL_CB_OK;
}

int linkstats_get(int ifindex, struct rtnl_link_stats64 *st)
{
	char req[NLREQ_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct stats_query q = {.st = st, .ifindex = ifindex};
	struct if_stats_msg *ifsm;
	struct nlmsghdr *nlh;
	int ret;

	if (ifindex <= 0)
		return error_record("RTM_GETSTATS", EINVAL);
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETSTATS;
	ifsm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifsm));
	ifsm->family = AF_UNSPEC;
	ifsm->ifindex = (uint32_t)ifindex;
	ifsm->filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
	ret = nlreq_run(nlh, "RTM_GETSTATS", stats_answer, &q);
	if (ret)
		return ret;
	if (!q.found)
		return error_record("RTM_GETSTATS", ENODEV);
	return 0;
}
