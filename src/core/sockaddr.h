/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An IPv4 or IPv6 socket address: the one type for a peer's endpoint, a
 * datagram's source and destination, and an endpoint in UAPI or config
 * text. sa.sa_family says which member holds it (AF_UNSPEC: none). As the
 * Linux module's union endpoint (drivers/net/wireguard/peer.h) holds one.
 */
#ifndef WARREN_CORE_SOCKADDR_H
#define WARREN_CORE_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

union sockaddr_inet {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

/*
 * Whether @a and @b are the same endpoint: family, address, port, and for
 * IPv6 the scope. Two addresses of no family are equal.
 */
bool sockaddr_inet_equal(const union sockaddr_inet *a, const union sockaddr_inet *b);

/* The length of @a's member for bind(), sendto() and getnameinfo(); 0 for none. */
static inline socklen_t sockaddr_inet_len(const union sockaddr_inet *a)
{
	switch (a->sa.sa_family) {
	case AF_INET:
		return sizeof(a->in4);
	case AF_INET6:
		return sizeof(a->in6);
	default:
		return 0;
	}
}

#endif /* WARREN_CORE_SOCKADDR_H */
