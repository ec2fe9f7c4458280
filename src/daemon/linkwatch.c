// SPDX-License-Identifier: GPL-2.0-only
/*
 * Link messages of the TUN device (linkwatch.h): wireguard-go's
 * EventUp/EventDown from every RTM_NEWLINK, its MTU, its deletion, read
 * from the os layer's rtnetlink subscription (os/nlreq.h).
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/epoll.h>

#include <libmnl/libmnl.h>
#include <warren/error.h>

#include "core/log.h"
#include "daemon/linkwatch.h"
#include "os/nlreq.h"

static int link_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static void gone(struct linkwatch *lw)
{
	lw->gone = true;
	loop_stop(lw->worker->loop);
}

/*
 * The link started running (bind, on the remembered port) or stopped
 * (unbind): wireguard-go's EventUp/EventDown, from every RTM_NEWLINK.
 */
static void link_updown(struct linkwatch *lw, bool up)
{
	struct worker *w = lw->worker;
	int err;

	if (up == lw->up)
		return;
	lw->up = up;
	if (!up) {
		pr_debug("Interface down: UDP socket closed");
		worker_unbind(w);
		return;
	}
	err = worker_bind(w, engine_get_listen_port(w->engine));
	if (err)
		pr_error("Unable to update bind: %s", warren_strerror(err));
	worker_flush(w);
}

static int link_msg(const struct nlmsghdr *nlh, void *data)
{
	struct linkwatch *lw = data;
	const struct ifinfomsg *ifm;
	const struct nlattr *tb[IFLA_MAX + 1] = {0};

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	if (ifm->ifi_index != lw->ifindex)
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		pr_info("TUN device %s was deleted", lw->ifname);
		gone(lw);
		return MNL_CB_STOP;
	}
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr, tb);
	if (tb[IFLA_MTU] && mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) >= 0)
		engine_set_mtu(lw->worker->engine, mnl_attr_get_u32(tb[IFLA_MTU]));
	link_updown(lw, ifm->ifi_flags & IFF_RUNNING);
	return MNL_CB_OK;
}

static void nl_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct linkwatch *lw = arg;
	static char buf[NLREQ_RECV_SIZE] __attribute__((aligned(4)));
	char name[IF_NAMESIZE];
	int ret;

	while ((ret = nlreq_notification(lw->nl, buf, sizeof(buf), link_msg, lw))) {
		/* Events were lost: look the device up instead. */
		if (ret == -ENOBUFS && !if_indextoname((unsigned)lw->ifindex, name)) {
			gone(lw);
			return;
		}
	}
	(void)loop;
	(void)fd;
	(void)events;
}

int linkwatch_open(struct linkwatch *lw, struct worker *worker, int ifindex, const char *ifname)
{
	int err;

	lw->worker = worker;
	lw->ifindex = ifindex;
	lw->ifname = ifname;
	lw->up = true;
	err = nlreq_subscribe(&lw->nl, RTMGRP_LINK);
	if (err)
		return err;
	lw->watch.fd = mnl_socket_get_fd(lw->nl);
	lw->watch.fn = nl_event;
	lw->watch.arg = lw;
	err = loop_add(worker->loop, &lw->watch, EPOLLIN);
	if (err)
		goto err_close;
	return 0;

err_close:
	mnl_socket_close(lw->nl);
	lw->nl = NULL;
	return err;
}

void linkwatch_close(struct linkwatch *lw)
{
	if (!lw->nl)
		return;
	loop_del(lw->worker->loop, &lw->watch);
	mnl_socket_close(lw->nl);
	lw->nl = NULL;
}
