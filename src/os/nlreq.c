// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink requests and notifications. Contracts in nlreq.h.
 */
#include "os/nlreq.h"

#include "os/error.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

/*
 * Reads, without waiting, what is left of the answer to request @seq after
 * a failure part way (a callback refused a message, a datagram was larger
 * than the buffer: ENOSPC), up to the message that ends it: NLMSG_ERROR (the
 * ACK or the kernel's error) or a dump's NLMSG_DONE. Left queued, that end
 * would be read by the socket's next request as its own answer (EPROTO).
 * Nothing waits: the kernel queues a request's answers before sendmsg()
 * returns, and each further part of a dump before recvmsg() returns.
 */
static void drain(struct mnl_socket *nl, unsigned int seq, void *buf, size_t size)
{
	int fd = mnl_socket_get_fd(nl);

	for (;;) {
		ssize_t n = recv(fd, buf, size, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = buf;
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		/* A truncated datagram is read as far as it goes. */
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq == seq &&
			    (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE))
				return;
		}
	}
}

int nlreq_exchange(struct mnl_socket *nl, unsigned int seq, void *buf, size_t size,
		   struct nlmsghdr *nlh, const char *call, mnl_cb_t cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(nl);
	ssize_t len;
	int ret;

	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return error_record(call, errno);
	for (;;) {
		len = mnl_socket_recvfrom(nl, buf, size);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			goto err_drain;
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, cb, data);
		if (ret < 0)
			goto err_drain;
		if (ret == MNL_CB_STOP)
			return 0;
	}

err_drain:
	/* After the kernel's own error (its NLMSG_ERROR ended the answer) this finds nothing. */
	ret = error_record(call, errno);
	drain(nl, seq, buf, size);
	return ret;
}

int nlreq_open(struct mnl_socket **nlp, unsigned int groups, int flags)
{
	struct mnl_socket *nl;
	int ret;

	nl = mnl_socket_open2(NETLINK_ROUTE, flags | SOCK_CLOEXEC);
	if (!nl)
		return error_record("socket(NETLINK_ROUTE)", errno);
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		ret = error_record("bind(NETLINK_ROUTE)", errno);
		goto err_close;
	}
	*nlp = nl;
	return 0;

err_close:
	mnl_socket_close(nl);
	return ret;
}

int nlreq_run(struct nlmsghdr *nlh, const char *call, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl;
	void *buf;
	int ret;

	buf = malloc(NLREQ_RECV_SIZE);
	if (!buf)
		return error_record(call, ENOMEM);
	ret = nlreq_open(&nl, 0, 0);
	if (ret)
		goto err_free_buf;
	ret =
	    nlreq_exchange(nl, (unsigned int)time(NULL), buf, NLREQ_RECV_SIZE, nlh, call, cb, data);
	mnl_socket_close(nl);
err_free_buf:
	free(buf);
	return ret;
}

int nlreq_subscribe(struct mnl_socket **nlp, unsigned int groups)
{
	return nlreq_open(nlp, groups, SOCK_NONBLOCK);
}

int nlreq_notification(struct mnl_socket *nl, void *buf, size_t size, mnl_cb_t cb, void *data)
{
	struct sockaddr_nl from;
	socklen_t from_len = sizeof(from);
	ssize_t n = recvfrom(mnl_socket_get_fd(nl), buf, size, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &from_len);

	if (n < 0 && errno == ENOBUFS)
		return -ENOBUFS;
	if (n <= 0)
		return 0;
	/* Only the kernel speaks for links: a process with CAP_NET_ADMIN could
	 * otherwise send a forged "deleted" or "down" here. */
	if (from_len != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid)
		return 1;
	return mnl_cb_run(buf, (size_t)n, 0, 0, cb, data) == MNL_CB_STOP ? 0 : 1;
}
