/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The values of WireGuard's two text grammars, one parser each: keys,
 * endpoints, IP prefixes and unsigned integers. The config file and
 * `wg set` (wg(8), wireguard-tools config.c) and the cross-platform UAPI
 * (wireguard-go device/uapi.go, which reads them with Go's strconv and
 * net/netip) write the same values differently; the differences are the
 * flags below, each saying which grammar wants it.
 *
 * Every parser reads exactly the @len bytes at @s, which need not end in a
 * NUL and are never read past; a NUL among them is an invalid character.
 * No allocation; nothing is written on failure unless said so. The only
 * lookup outside the text is an IPv6 zone's interface name (VALUE_UAPI).
 */
#ifndef WARREN_CORE_VALUE_H
#define WARREN_CORE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/key.h"

enum value_flags {
	/*
	 * The UAPI's grammar, as wireguard-go reads a set: keys are 64 hex
	 * digits (either case); an endpoint is netip.ParseAddrPort's
	 * (split at the last ':', IPv6 only in brackets, IPv4 only without,
	 * a non-empty %zone turned into the scope id: a number, or an
	 * interface name through if_nametoindex(), 0 when there is none); a
	 * prefix is netip.ParsePrefix's ("/N" required; leading zeros in N
	 * accepted, as by the wireguard-go the tests compare with).
	 *
	 * Without it, wg's grammar (config.c): keys are 44 characters of
	 * base64; an endpoint is "[host]:port" or "host:port" split at the
	 * last ':', with an IPv4 or IPv6 address either way; a prefix may
	 * leave out "/N" (the whole address).
	 */
	VALUE_UAPI = 1 << 0,
	/* Integers: "off", in any case, reads as 0 (wg's FwMark, PersistentKeepalive). */
	VALUE_OFF = 1 << 1,
	/* Integers: "0x" then hex digits in either case (wg's FwMark: strtoul base 16). */
	VALUE_HEX = 1 << 2,
	/*
	 * Prefixes, wg's grammar: an IPv4 "/a.b.c.d" contiguous netmask, as
	 * ip-address(8) takes (wg-quick's Address).
	 */
	VALUE_NETMASK = 1 << 3,
	/*
	 * Endpoints, wg's grammar: a host that is no address is a name left
	 * for getaddrinfo(): a DNS name ([A-Za-z0-9_.-]) or an IPv6 address
	 * with a %scope of those characters. Without it only addresses.
	 */
	VALUE_NAME = 1 << 4,
};

/*
 * A decimal number without sign or space, leading zeros allowed (Go's
 * strconv.ParseUint(s, 10, bits); wg's strtoul() after its digit check),
 * at most @max; VALUE_OFF and VALUE_HEX add wg's forms. Returns 0 and
 * *@out, or -EINVAL (also for the empty string).
 */
int value_uint(const char *s, size_t len, uint64_t max, unsigned int flags, uint64_t *out);

/*
 * A key: hex with VALUE_UAPI, else base64 (core/key.h). Returns 0 or
 * -EINVAL; @key is written only on success. Constant time in the key.
 */
int value_key(uint8_t key[KEY_LEN], const char *s, size_t len, unsigned int flags);

/*
 * An address without prefix or zone, IPv6 when it holds a ':', as
 * inet_pton() reads it (no leading zeros in IPv4, as netip.ParseAddr).
 * Sets *@family (AF_INET or AF_INET6) and @addr (16 bytes; IPv4 in the
 * first 4). Returns 0 or -EINVAL.
 */
int value_addr(const char *s, size_t len, int *family, void *addr);

/*
 * "ADDR/N" with N at most 32 or 128 by family; "ADDR" alone (the whole
 * address) in wg's grammar; VALUE_NETMASK adds "IPv4/a.b.c.d". Host bits
 * are kept. Sets *@family, @addr (as value_addr()) and *@cidr. Returns 0
 * or -EINVAL.
 */
int value_prefix(const char *s, size_t len, unsigned int flags, int *family, void *addr,
		 uint8_t *cidr);

/* What value_endpoint() read. */
struct value_endpoint {
	const char *host; /* into the input, without brackets */
	size_t host_len;
	uint16_t port;
	bool numeric; /* the host is an address: the sockaddr was written */
	/* On -EINVAL: what is wrong, in wireguard-tools' words (a static string). */
	const char *fault;
};

/*
 * An endpoint, "host:port", in the grammar of @flags (VALUE_UAPI,
 * VALUE_NAME). When the host is an address, writes a sockaddr_in or
 * sockaddr_in6 (with the port, and a VALUE_UAPI zone's scope id) into
 * @sa, which is zeroed over @salen first. Fills @ep. Returns 0, -EINVAL
 * with ep->fault set, or -ENOSPC when @salen is too small.
 */
int value_endpoint(const char *s, size_t len, unsigned int flags, struct value_endpoint *ep,
		   struct sockaddr *sa, socklen_t salen);

#endif
