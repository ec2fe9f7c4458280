// SPDX-License-Identifier: GPL-2.0-only
/*
 * One-shot rtnetlink exchanges. Contracts in nlreq.h.
 */
#include "os/nlreq.h"

#include "os/error.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

/* A dump's messages come in batches of up to 32 KiB. */
#define NLREQ_RECV_SIZE 32768

int nlreq_run(struct nlmsghdr *nlh, const char *call, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl;
	unsigned int portid, seq = (unsigned int)time(NULL);
	char *buf;
	ssize_t len;
	int ret;

	buf = malloc(NLREQ_RECV_SIZE);
	if (!buf)
		return error_record(call, ENOMEM);
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl) {
		ret = error_record("socket(NETLINK_ROUTE)", errno);
		goto err_free;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = error_record("bind(NETLINK_ROUTE)", errno);
		goto err_close;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = error_record(call, errno);
		goto err_close;
	}
	for (;;) {
		len = mnl_socket_recvfrom(nl, buf, NLREQ_RECV_SIZE);
		if (len < 0) {
			ret = error_record(call, errno);
			goto err_close;
		}
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, cb, data);
		if (ret < 0) {
			ret = error_record(call, errno);
			goto err_close;
		}
		if (ret == MNL_CB_STOP)
			break;
	}
	ret = 0;
err_close:
	mnl_socket_close(nl);
err_free:
	free(buf);
	return ret;
}
