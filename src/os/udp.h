/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tunnel's outer transport: one dual-stack UDP socket (AF_INET6 with
 * IPV6_V6ONLY off, so IPv4 peers arrive as v4-mapped addresses), moved in
 * batches with recvmmsg/sendmmsg, optionally with UDP segmentation offload
 * on send (UDP_SEGMENT) and coalesced receive (UDP_GRO).
 *
 * Addresses cross this interface as plain sockaddr_in or sockaddr_in6:
 * v4-mapped sources are returned as AF_INET, and AF_INET destinations are
 * mapped before sending, so the engine never sees ::ffff:a.b.c.d.
 *
 * A socket's receive state and its send state are separate: one thread may
 * receive while another sends; two threads must not both receive (or both
 * send) on one struct udp_socket.
 */
#ifndef WARREN_OS_UDP_H
#define WARREN_OS_UDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/sockaddr.h"

/* Largest batch of one udp_recv/udp_send call. */
#define UDP_BATCH_MAX 128

/*
 * One datagram. The buffer stays the caller's.
 * Receive: @data/@cap in; @len, @peer, @gso_size and @arrived_at out.
 *   @gso_size is the size of each coalesced segment when UDP_GRO merged
 *   several datagrams into this buffer (all but the last of exactly that
 *   size), else 0. @arrived_at is our address the datagram was sent to.
 * Send: @data, @len and @peer in; a nonzero @gso_size asks the kernel to
 *   cut @len into datagrams of that size (UDP_SEGMENT; the socket must
 *   report gso). When @send_from has a family, it is the source address
 *   (a peer's "sticky" source: reply from the address it wrote to); if the
 *   kernel refuses it (the address is gone), the message is sent again
 *   with the kernel's choice and @send_from.family is cleared to say so.
 *   @cap and @arrived_at are unused. Receiving never touches @send_from.
 */
struct udp_local {
	int family;  /* AF_INET, AF_INET6, or 0: none */
	int ifindex; /* the interface it arrived on; used on send for IPv6 link-local */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
};

struct udp_msg {
	void *data;
	uint32_t cap;
	uint32_t len;
	uint16_t gso_size;
	union sockaddr_inet peer;
	struct udp_local arrived_at;
	struct udp_local send_from;
	/*
	 * Out of udp_send(): the errno with which the kernel refused this
	 * datagram on its own (no route, unreachable, filtered), else 0. The
	 * datagram is counted in tx_errors and not sent.
	 */
	int error;
};

struct udp_stats {
	uint64_t rx_truncated; /* datagram larger than its buffer: dropped */
	uint64_t tx_errors;    /* send refused for one message (unreachable, too big): dropped */
	uint64_t tx_source_cleared; /* a send_from the kernel refused: sent without it */
	/*
	 * Datagrams the kernel dropped because the socket's receive buffer
	 * was full, as SO_RXQ_OVFL reports it with the next datagram that
	 * gets in (the socket's sk_drops, so also a checksum the kernel
	 * found wrong): the highest count seen.
	 */
	uint64_t rx_overflow;
	/* UDP_OFFLOAD (not drops): */
	uint64_t rx_gro_buffers;  /* buffers that held more than one datagram */
	uint64_t rx_gro_segments; /* the datagrams in them */
	uint64_t tx_gso_sends;	  /* UDP_SEGMENT sends of more than one datagram */
	uint64_t tx_gso_segments; /* the datagrams in them */
	/*
	 * Runs the kernel refused as one UDP_SEGMENT send (EIO: the route's
	 * device cannot checksum; EINVAL, EMSGSIZE: too big for the path, or
	 * an old kernel), sent again one datagram at a time.
	 */
	uint64_t tx_gso_fallbacks;
};

/*
 * One direction's system-call arrays. Receive: entry i is datagram i. Send:
 * iov[i] is datagram i, and hdr, addr and cmsg entry h is one message of
 * sendmmsg, which carries the datagrams first[h] .. first[h] + count[h] - 1
 * (more than one: a UDP_SEGMENT run).
 */
struct udp_scratch {
	struct mmsghdr hdr[UDP_BATCH_MAX];
	struct iovec iov[UDP_BATCH_MAX];
	struct sockaddr_in6 addr[UDP_BATCH_MAX];
	/* room for UDP_GRO / UDP_SEGMENT, IPV6_PKTINFO and SO_RXQ_OVFL per datagram */
	union {
		char buf[128];
		struct cmsghdr align;
	} cmsg[UDP_BATCH_MAX];
	uint8_t first[UDP_BATCH_MAX + 1];
	uint8_t count[UDP_BATCH_MAX];
};

struct udp_socket {
	int fd;
	uint16_t port;	      /* the bound port, also when 0 (ephemeral) was asked */
	bool gso;	      /* the kernel takes UDP_SEGMENT on send */
	bool gro;	      /* UDP_GRO is enabled on this socket */
	bool gso_runs;	      /* udp_send joins runs of datagrams (UDP_OPEN_OFFLOAD) */
	uint32_t gso_refused; /* runs refused since the last one the kernel took */
	struct udp_stats stats;
	struct udp_scratch rx, tx;
};

/*
 * Opens a nonblocking dual-stack socket bound to [::]:@port (0 picks one;
 * the result is in s->port), with SO_MARK @fwmark when nonzero. Probes
 * UDP_SEGMENT support, turns on IPV6_RECVPKTINFO (for arrived_at, IPv4
 * datagrams included) and asks for 7 MiB socket buffers. Returns 0 or
 * -errno, with the failing call recorded (warren_strerror()).
 * udp_close releases an opened socket; calling it again, or after udp_open
 * failed, does nothing.
 */
int udp_open(struct udp_socket *s, uint16_t port, uint32_t fwmark);
void udp_close(struct udp_socket *s);

enum udp_open_flags {
	/*
	 * SO_REUSEPORT: several sockets (one per worker thread) bind the same
	 * port and the kernel spreads datagrams over them by flow hash. Open
	 * the first with the wanted port (or 0), the others with its s->port;
	 * all must ask for it.
	 */
	UDP_OPEN_REUSEPORT = 1 << 0,
	/*
	 * A datagram longer than the path MTU leaves as IP fragments, made
	 * here (IPv4 and IPv6), and IPv4 never sets DF, so a router with a
	 * smaller MTU fragments too instead of dropping: IP_PMTUDISC_DONT
	 * and IPV6_PMTUDISC_DONT. For L2 segments (docs/l2.md "MTU"); an L3
	 * socket keeps the kernel's default, as wireguard-go's.
	 */
	UDP_OPEN_FRAGMENT = 1 << 1,
	/*
	 * UDP segmentation offload both ways, where the kernel has it: UDP_GRO
	 * on receive (every receive buffer must then hold 64 KiB; a buffer
	 * may come back holding several datagrams, gso_size apart), and on
	 * send udp_send joins runs of consecutive datagrams to one
	 * destination into one UDP_SEGMENT message (core/udpgso.h says
	 * which). A run the kernel refuses goes again one datagram at a time
	 * (stats.tx_gso_fallbacks); after EIO (the device cannot checksum)
	 * or UDP_GSO_REFUSALS refusals in a row, runs stop for this socket.
	 */
	UDP_OPEN_OFFLOAD = 1 << 2,
};

/* Refusals of UDP_SEGMENT in a row after which udp_send stops making runs. */
#define UDP_GSO_REFUSALS 64

/* udp_open with @flags from enum udp_open_flags. */
int udp_open_flags(struct udp_socket *s, uint16_t port, uint32_t fwmark, unsigned int flags);

/* Sets or clears (0) SO_MARK. 0 or -errno. */
int udp_set_fwmark(struct udp_socket *s, uint32_t fwmark);

/*
 * Asks for coalesced receive. Only worthwhile when every receive buffer has
 * room for 64 KiB. 0 (s->gro set) or -errno (-ENOPROTOOPT: kernel lacks it).
 */
int udp_enable_gro(struct udp_socket *s);

/*
 * Receives up to @n (at most UDP_BATCH_MAX) datagrams without blocking.
 * Returns how many of @msgs were filled (a truncated datagram is counted in
 * stats, and returned with len 0), or -EAGAIN when none is waiting, or
 * another -errno. With UDP_GRO a message may hold several datagrams of
 * @gso_size bytes (core/udpgso.h udpgso_split_count cuts it).
 */
int udp_recv(struct udp_socket *s, struct udp_msg *msgs, unsigned int n);

/*
 * Sends @msgs[0..n) without blocking, in order. Returns how many messages
 * were consumed: sent, or dropped and counted in stats.tx_errors when the
 * kernel refused that one message. Fewer than @n means the socket buffer is
 * full (wait for EPOLLOUT); -EAGAIN when nothing could be sent. With
 * s->gso_runs, runs of @msgs (each with gso_size 0) to one destination
 * leave as one UDP_SEGMENT message each; the count is still of @msgs.
 */
int udp_send(struct udp_socket *s, struct udp_msg *msgs, unsigned int n);

#endif
