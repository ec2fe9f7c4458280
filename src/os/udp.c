// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batched UDP over one dual-stack socket. The mmsghdr, iovec, address and
 * control-message arrays live in the socket (one set per direction), so a
 * batch costs one system call and no allocation.
 */
#include "os/udp.h"

#include <errno.h>
#include <netinet/udp.h>
#include <string.h>
#include <unistd.h>

#include "os/error.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#define UDP_SOCKET_BUFFER (7 << 20)

#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/*
 * Big socket buffers, as wireguard-go asks for: a burst of batches must not
 * be dropped while a worker is busy. Beyond rmem_max only with
 * CAP_NET_ADMIN (the FORCE options); failing both is not fatal.
 */
static void grow_buffers(int fd)
{
	int size = UDP_SOCKET_BUFFER;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

int udp_open(struct udp_socket *s, uint16_t port, uint32_t fwmark)
{
	return udp_open_flags(s, port, fwmark, 0);
}

int udp_open_flags(struct udp_socket *s, uint16_t port, uint32_t fwmark, unsigned int flags)
{
	struct sockaddr_in6 addr = {
	    .sin6_family = AF_INET6,
	    .sin6_port = htons(port),
	    .sin6_addr = IN6ADDR_ANY_INIT,
	};
	socklen_t len = sizeof(addr);
	int off = 0, on = 1, segment = 0, ret;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (s->fd < 0)
		return error_record("socket(AF_INET6, SOCK_DGRAM)", errno);
	if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off))) {
		ret = error_record("setsockopt(IPV6_V6ONLY)", errno);
		goto err_close;
	}
	if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on))) {
		ret = error_record("setsockopt(IPV6_RECVPKTINFO)", errno);
		goto err_close;
	}
	if ((flags & UDP_OPEN_REUSEPORT) &&
	    setsockopt(s->fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on))) {
		ret = error_record("setsockopt(SO_REUSEPORT)", errno);
		goto err_close;
	}
	if (flags & UDP_OPEN_FRAGMENT) {
		int dont4 = IP_PMTUDISC_DONT, dont6 = IPV6_PMTUDISC_DONT;

		/* SOL_IP on an AF_INET6 UDP socket: for its v4-mapped traffic. */
		if (setsockopt(s->fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont4, sizeof(dont4))) {
			ret = error_record("setsockopt(IP_MTU_DISCOVER)", errno);
			goto err_close;
		}
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &dont6, sizeof(dont6))) {
			ret = error_record("setsockopt(IPV6_MTU_DISCOVER)", errno);
			goto err_close;
		}
	}
	grow_buffers(s->fd);
	if (fwmark) {
		ret = udp_set_fwmark(s, fwmark);
		if (ret)
			goto err_close;
	}
	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr))) {
		ret = error_record("bind(UDP)", errno);
		goto err_close;
	}
	if (getsockname(s->fd, (struct sockaddr *)&addr, &len)) {
		ret = error_record("getsockname(UDP)", errno);
		goto err_close;
	}
	s->port = ntohs(addr.sin6_port);
	/* Kernels since 4.18 know the option; reading it is harmless. */
	len = sizeof(segment);
	s->gso = !getsockopt(s->fd, SOL_UDP, UDP_SEGMENT, &segment, &len);
	return 0;

err_close:
	close(s->fd);
	s->fd = -1;
	return ret;
}

void udp_close(struct udp_socket *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int udp_set_fwmark(struct udp_socket *s, uint32_t fwmark)
{
	if (setsockopt(s->fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)))
		return error_record("setsockopt(SO_MARK)", errno);
	return 0;
}

int udp_enable_gro(struct udp_socket *s)
{
	int on = 1;

	if (setsockopt(s->fd, SOL_UDP, UDP_GRO, &on, sizeof(on)))
		return error_record("setsockopt(UDP_GRO)", errno);
	s->gro = true;
	return 0;
}

/* A kernel source address as the caller wants it: v4-mapped -> AF_INET. */
static void addr_from_kernel(union sockaddr_inet *out, const struct sockaddr_in6 *in)
{
	if (in->sin6_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&in->sin6_addr)) {
		memset(&out->in4, 0, sizeof(out->in4));
		out->in4.sin_family = AF_INET;
		out->in4.sin_port = in->sin6_port;
		memcpy(&out->in4.sin_addr, &in->sin6_addr.s6_addr[12], 4);
	} else if (in->sin6_family == AF_INET) {
		memcpy(&out->in4, in, sizeof(out->in4));
	} else {
		out->in6 = *in;
	}
}

/* A destination for the AF_INET6 socket: AF_INET -> v4-mapped. */
static void addr_to_kernel(struct sockaddr_in6 *out, const union sockaddr_inet *in)
{
	if (in->sa.sa_family == AF_INET) {
		memset(out, 0, sizeof(*out));
		out->sin6_family = AF_INET6;
		out->sin6_port = in->in4.sin_port;
		out->sin6_addr.s6_addr[10] = 0xff;
		out->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&out->sin6_addr.s6_addr[12], &in->in4.sin_addr, 4);
	} else {
		*out = in->in6;
	}
}

/* Where a datagram arrived (IPV6_PKTINFO, v4-mapped for IPv4), and GRO. */
static void read_cmsgs(struct msghdr *h, struct udp_msg *m)
{
	m->arrived_at.family = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int size;

			memcpy(&size, CMSG_DATA(c), sizeof(size));
			/* One segment is not a coalesced buffer. */
			if (size > 0 && size < 65536 && (uint32_t)size < m->len)
				m->gso_size = (uint16_t)size;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo info;
			struct udp_local *l = &m->arrived_at;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			l->ifindex = (int)info.ipi6_ifindex;
			if (IN6_IS_ADDR_V4MAPPED(&info.ipi6_addr)) {
				l->family = AF_INET;
				memcpy(&l->addr.v4, &info.ipi6_addr.s6_addr[12], 4);
			} else {
				l->family = AF_INET6;
				l->addr.v6 = info.ipi6_addr;
			}
		}
	}
}

int udp_recv(struct udp_socket *s, struct udp_msg *msgs, unsigned int n)
{
	struct udp_scratch *x = &s->rx;
	int got;

	if (n > UDP_BATCH_MAX)
		n = UDP_BATCH_MAX;
	for (unsigned int i = 0; i < n; i++) {
		x->iov[i].iov_base = msgs[i].data;
		x->iov[i].iov_len = msgs[i].cap;
		x->hdr[i].msg_hdr = (struct msghdr){
		    .msg_name = &x->addr[i],
		    .msg_namelen = sizeof(x->addr[i]),
		    .msg_iov = &x->iov[i],
		    .msg_iovlen = 1,
		    .msg_control = x->cmsg[i].buf,
		    .msg_controllen = sizeof(x->cmsg[i].buf),
		};
	}
	do {
		got = recvmmsg(s->fd, x->hdr, n, MSG_DONTWAIT, NULL);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN
							       : error_record("recvmmsg", errno);
	for (int i = 0; i < got; i++) {
		struct msghdr *h = &x->hdr[i].msg_hdr;
		struct udp_msg *m = &msgs[i];

		m->len = x->hdr[i].msg_len;
		m->gso_size = 0;
		addr_from_kernel(&m->peer, &x->addr[i]);
		if (h->msg_flags & MSG_TRUNC) {
			s->stats.rx_truncated++;
			m->len = 0;
			continue;
		}
		read_cmsgs(h, m);
	}
	return got;
}

static void add_cmsg(struct msghdr *h, size_t *used, int level, int type, const void *data,
		     size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)((char *)h->msg_control + *used);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
	*used += CMSG_SPACE(len);
}

/* Fills the tx scratch entry @i for @m. */
static void prepare_one(struct udp_scratch *x, unsigned int i, struct udp_msg *m)
{
	struct msghdr *h = &x->hdr[i].msg_hdr;
	size_t used = 0;

	addr_to_kernel(&x->addr[i], &m->peer);
	x->iov[i].iov_base = m->data;
	x->iov[i].iov_len = m->len;
	*h = (struct msghdr){
	    .msg_name = &x->addr[i],
	    .msg_namelen = sizeof(x->addr[i]),
	    .msg_iov = &x->iov[i],
	    .msg_iovlen = 1,
	    .msg_control = x->cmsg[i].buf,
	};
	if (m->gso_size) {
		uint16_t size = m->gso_size;

		add_cmsg(h, &used, SOL_UDP, UDP_SEGMENT, &size, sizeof(size));
	}
	if (m->send_from.family == AF_INET || m->send_from.family == AF_INET6) {
		struct in6_pktinfo info = {0};

		if (m->send_from.family == AF_INET) {
			info.ipi6_addr.s6_addr[10] = 0xff;
			info.ipi6_addr.s6_addr[11] = 0xff;
			memcpy(&info.ipi6_addr.s6_addr[12], &m->send_from.addr.v4, 4);
		} else {
			info.ipi6_addr = m->send_from.addr.v6;
			if (IN6_IS_ADDR_LINKLOCAL(&info.ipi6_addr))
				info.ipi6_ifindex = (unsigned int)m->send_from.ifindex;
		}
		add_cmsg(h, &used, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof(info));
	}
	h->msg_controllen = used;
	if (!used)
		h->msg_control = NULL;
}

int udp_send(struct udp_socket *s, struct udp_msg *msgs, unsigned int n)
{
	struct udp_scratch *x = &s->tx;
	unsigned int done = 0;

	if (n > UDP_BATCH_MAX)
		n = UDP_BATCH_MAX;
	for (unsigned int i = 0; i < n; i++)
		prepare_one(x, i, &msgs[i]);
	while (done < n) {
		int sent = sendmmsg(s->fd, x->hdr + done, n - done, MSG_DONTWAIT);

		if (sent > 0) {
			done += (unsigned int)sent;
			continue;
		}
		if (!sent)
			break;
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			break;
		/*
		 * The message at @done was refused on its own. With a source
		 * address, that is likely gone: retry with the kernel's choice.
		 * Otherwise (no route, too big, a queued ICMP error, filtered)
		 * drop it and go on.
		 */
		if (msgs[done].send_from.family) {
			msgs[done].send_from.family = 0;
			s->stats.tx_source_cleared++;
			prepare_one(x, done, &msgs[done]);
			continue;
		}
		s->stats.tx_errors++;
		done++;
	}
	if (!done && n)
		return -EAGAIN;
	return (int)done;
}
