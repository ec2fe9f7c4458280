// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ip address add` over rtnetlink. Contract in ifaddr.h.
 */
#include "os/ifaddr.h"

#include "os/nlreq.h"

#include <errno.h>
#include <netinet/in.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

int ifaddr_add(int ifindex, int family, const void *addr, unsigned int prefix_len)
{
	size_t size = family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	if ((family != AF_INET && family != AF_INET6) || prefix_len > size * 8)
		return -EINVAL;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, size, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, size, addr);
	return nlreq_run(nlh, "RTM_NEWADDR", NULL, NULL);
}
