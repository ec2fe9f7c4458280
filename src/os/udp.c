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

#include "core/udpgso.h"
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
	/* Kernel drops on receive come with the next datagram (udp.h rx_overflow). */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on))) {
		ret = error_record("setsockopt(SO_RXQ_OVFL)", errno);
		goto err_close;
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
	/* Without UDP_GRO (kernels before 5.0) nothing is coalesced: still fine. */
	if ((flags & UDP_OPEN_OFFLOAD) && setsockopt(s->fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0)
		s->gro = true;
	s->gso_runs = (flags & UDP_OPEN_OFFLOAD) && s->gso;
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

/*
 * Where a datagram arrived (IPV6_PKTINFO, v4-mapped for IPv4), GRO, and
 * the socket's drop count (SO_RXQ_OVFL).
 */
static void read_cmsgs(struct udp_socket *s, struct msghdr *h, struct udp_msg *m)
{
	m->arrived_at.family = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int size;

			memcpy(&size, CMSG_DATA(c), sizeof(size));
			/* One segment is not a coalesced buffer. */
			if (size > 0 && size < 65536 && (uint32_t)size < m->len) {
				m->gso_size = (uint16_t)size;
				s->stats.rx_gro_buffers++;
				s->stats.rx_gro_segments +=
				    udpgso_split_count(m->len, size, m->len);
			}
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
			   c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
			uint32_t drops;

			memcpy(&drops, CMSG_DATA(c), sizeof(drops));
			if (drops > s->stats.rx_overflow)
				s->stats.rx_overflow = drops;
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
		read_cmsgs(s, h, m);
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

/*
 * Fills the tx message @h for @count datagrams from @i on (@m is msgs[@i]),
 * cut at @gso_size by the kernel when nonzero.
 */
static void prepare(struct udp_scratch *x, unsigned int h, unsigned int i, unsigned int count,
		    struct udp_msg *m, uint16_t gso_size)
{
	struct msghdr *hdr = &x->hdr[h].msg_hdr;
	size_t used = 0;

	addr_to_kernel(&x->addr[h], &m->peer);
	for (unsigned int k = 0; k < count; k++) {
		x->iov[i + k].iov_base = m[k].data;
		x->iov[i + k].iov_len = m[k].len;
	}
	x->first[h] = (uint8_t)i;
	x->count[h] = (uint8_t)count;
	*hdr = (struct msghdr){
	    .msg_name = &x->addr[h],
	    .msg_namelen = sizeof(x->addr[h]),
	    .msg_iov = &x->iov[i],
	    .msg_iovlen = count,
	    .msg_control = x->cmsg[h].buf,
	};
	if (gso_size)
		add_cmsg(hdr, &used, SOL_UDP, UDP_SEGMENT, &gso_size, sizeof(gso_size));
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
		add_cmsg(hdr, &used, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof(info));
	}
	hdr->msg_controllen = used;
	if (!used)
		hdr->msg_control = NULL;
}

static bool same_local(const struct udp_local *a, const struct udp_local *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return !memcmp(&a->addr.v4, &b->addr.v4, sizeof(a->addr.v4));
	if (a->family == AF_INET6)
		return !memcmp(&a->addr.v6, &b->addr.v6, sizeof(a->addr.v6)) &&
		       a->ifindex == b->ifindex;
	return true;
}

/* How many of @m[0..n) leave as one UDP_SEGMENT message (core/udpgso.h). */
static unsigned int run_length(const struct udp_msg *m, unsigned int n)
{
	struct udpgso_run run;
	unsigned int k = 1;

	if (m[0].gso_size)
		return 1;
	udpgso_run_start(&run, m[0].len);
	while (k < n && !m[k].gso_size && sockaddr_inet_equal(&m[k].peer, &m[0].peer) &&
	       same_local(&m[k].send_from, &m[0].send_from) && udpgso_run_add(&run, m[k].len))
		k++;
	return k;
}

/*
 * Fills the tx messages from @h on for @msgs[@i..@n), in runs where
 * s->gso_runs allows, except one datagram a message below @singles_end.
 * Returns the number of messages; x->first[] ends with @n.
 */
static unsigned int plan(struct udp_socket *s, struct udp_msg *msgs, unsigned int n, unsigned int h,
			 unsigned int i, unsigned int singles_end)
{
	struct udp_scratch *x = &s->tx;

	while (i < n) {
		unsigned int count = 1;

		if (s->gso_runs && i >= singles_end)
			count = run_length(&msgs[i], n - i);
		prepare(x, h, i, count, &msgs[i],
			count > 1 ? (uint16_t)msgs[i].len : msgs[i].gso_size);
		h++;
		i += count;
	}
	x->first[h] = (uint8_t)n;
	return h;
}

/* The messages [@h, @h + @sent) left: counted, and runs are welcome again. */
static void sent_ok(struct udp_socket *s, unsigned int h, unsigned int sent)
{
	for (unsigned int k = h; k < h + sent; k++) {
		if (s->tx.count[k] < 2)
			continue;
		s->stats.tx_gso_sends++;
		s->stats.tx_gso_segments += s->tx.count[k];
		s->gso_refused = 0;
	}
}

int udp_send(struct udp_socket *s, struct udp_msg *msgs, unsigned int n)
{
	struct udp_scratch *x = &s->tx;
	unsigned int h = 0, nh;

	if (n > UDP_BATCH_MAX)
		n = UDP_BATCH_MAX;
	for (unsigned int i = 0; i < n; i++)
		msgs[i].error = 0;
	nh = plan(s, msgs, n, 0, 0, 0);
	while (h < nh) {
		int sent = sendmmsg(s->fd, x->hdr + h, nh - h, MSG_DONTWAIT);
		unsigned int i = x->first[h];

		if (sent > 0) {
			sent_ok(s, h, (unsigned int)sent);
			h += (unsigned int)sent;
			continue;
		}
		if (!sent)
			break;
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			break;
		/*
		 * A run refused as a whole: no checksum offload on the way out
		 * (EIO, for good), or too big for the path or this kernel
		 * (EINVAL, EMSGSIZE, ...). Its datagrams go again one by one.
		 */
		if (x->count[h] > 1) {
			s->stats.tx_gso_fallbacks++;
			if (errno == EIO || ++s->gso_refused >= UDP_GSO_REFUSALS)
				s->gso_runs = false;
			nh = plan(s, msgs, n, h, i, i + x->count[h]);
			continue;
		}
		/*
		 * The message at @i was refused on its own. With a source
		 * address, that is likely gone: retry with the kernel's choice.
		 * Otherwise (no route, too big, a queued ICMP error, filtered)
		 * drop it and go on.
		 */
		if (msgs[i].send_from.family) {
			msgs[i].send_from.family = 0;
			s->stats.tx_source_cleared++;
			prepare(x, h, i, 1, &msgs[i], msgs[i].gso_size);
			continue;
		}
		msgs[i].error = errno;
		s->stats.tx_errors++;
		h++;
	}
	if (!h && n)
		return -EAGAIN;
	return (int)x->first[h];
}
