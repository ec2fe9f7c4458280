// SPDX-License-Identifier: GPL-2.0-only
/*
 * The value parsers of both grammars. Contracts in value.h. inet_pton()
 * wants a C string, so an address is first copied into a buffer of the
 * longest address text; anything longer is no address.
 */
#include "core/value.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hex_digit(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Digits in @base (10 or 16), at least one, the number at most @max. */
static int digits(const char *s, size_t len, unsigned int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = base == 16 ? hex_digit((unsigned char)s[i])
				   : (is_digit((unsigned char)s[i]) ? s[i] - '0' : -1);

		if (d < 0 || (uint64_t)d > max || v > (max - (uint64_t)d) / base)
			return -EINVAL;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

int value_uint(const char *s, size_t len, uint64_t max, unsigned int flags, uint64_t *out)
{
	if ((flags & VALUE_OFF) && len == 3 && !strncasecmp(s, "off", 3)) {
		*out = 0;
		return 0;
	}
	if ((flags & VALUE_HEX) && len > 2 && s[0] == '0' && s[1] == 'x')
		return digits(s + 2, len - 2, 16, max, out);
	return digits(s, len, 10, max, out);
}

int value_key(uint8_t key[KEY_LEN], const char *s, size_t len, unsigned int flags)
{
	if (flags & VALUE_UAPI)
		return key_decode_hex(key, s, len);
	return key_decode_base64(key, s, len);
}

/* s[0..len) as a C string in @buf; false if it does not fit or holds a NUL. */
static bool copy_str(char *buf, size_t size, const char *s, size_t len)
{
	if (len >= size || memchr(s, '\0', len))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

int value_addr(const char *s, size_t len, int *family, void *addr)
{
	char buf[INET6_ADDRSTRLEN];
	int af;

	if (!copy_str(buf, sizeof(buf), s, len))
		return -EINVAL;
	af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, buf, addr) != 1)
		return -EINVAL;
	*family = af;
	return 0;
}

/* A dotted IPv4 netmask to its prefix length, as `ip address add` takes. */
static int netmask(const char *s, size_t len, uint8_t *cidr)
{
	uint8_t mask[16];
	uint32_t m;
	int family;

	if (value_addr(s, len, &family, mask) || family != AF_INET)
		return -EINVAL;
	m = (uint32_t)mask[0] << 24 | (uint32_t)mask[1] << 16 | (uint32_t)mask[2] << 8 | mask[3];
	if (m & (~m >> 1))
		return -EINVAL; /* not contiguous */
	*cidr = (uint8_t)__builtin_popcount(m);
	return 0;
}

int value_prefix(const char *s, size_t len, unsigned int flags, int *family, void *addr,
		 uint8_t *cidr)
{
	/*
	 * The first '/' here, the last in netip.ParsePrefix: with two, the
	 * address or the length holds a '/', and neither reads as one.
	 */
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	uint8_t a[16] = {0};
	uint64_t bits;
	int af;

	if (value_addr(s, alen, &af, a))
		return -EINVAL;
	if (!slash) {
		if (flags & VALUE_UAPI)
			return -EINVAL;
		bits = af == AF_INET ? 32 : 128;
	} else if (digits(slash + 1, len - alen - 1, 10, af == AF_INET ? 32 : 128, &bits)) {
		uint8_t m;

		if ((flags & (VALUE_UAPI | VALUE_NETMASK)) != VALUE_NETMASK || af != AF_INET ||
		    netmask(slash + 1, len - alen - 1, &m))
			return -EINVAL;
		bits = m;
	}
	*family = af;
	memcpy(addr, a, af == AF_INET ? 4 : 16);
	*cidr = (uint8_t)bits;
	return 0;
}

static bool name_chars(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (!is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

/* wg's grammar, VALUE_NAME: a DNS name, or IPv6 with a %scope (fe80::1%eth0). */
static bool host_name_ok(const char *h, size_t len)
{
	const char *pct = memchr(h, '%', len);
	uint8_t a[16];
	int family;

	if (!pct)
		return name_chars(h, len);
	return !value_addr(h, (size_t)(pct - h), &family, a) && family == AF_INET6 &&
	       name_chars(pct + 1, len - (size_t)(pct + 1 - h));
}

static int refuse(struct value_endpoint *ep, const char *fault)
{
	ep->fault = fault;
	return -EINVAL;
}

/* An IPv6 zone to its scope id: a number, else an interface's index (0: none). */
static uint32_t zone_scope(const char *zone, size_t len)
{
	char name[IF_NAMESIZE];
	uint64_t id;

	if (!digits(zone, len, 10, UINT32_MAX, &id))
		return (uint32_t)id;
	if (!copy_str(name, sizeof(name), zone, len))
		return 0;
	return if_nametoindex(name);
}

/*
 * Writes the address @a of @family with @port into @sa (zeroed over
 * @salen first). -ENOSPC when it does not fit.
 */
static int put_sockaddr(struct sockaddr *sa, socklen_t salen, int family, const uint8_t *a,
			uint16_t port, uint32_t scope)
{
	if (salen < (family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
		return -ENOSPC;
	memset(sa, 0, salen);
	if (family == AF_INET) {
		struct sockaddr_in *in4 = (struct sockaddr_in *)sa;

		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		memcpy(&in4->sin_addr, a, 4);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, a, 16);
		in6->sin6_scope_id = scope;
	}
	return 0;
}

/* netip.ParseAddrPort (Go's splitAddrPort, then ParseAddr). */
static int endpoint_netip(const char *s, size_t len, struct value_endpoint *ep, struct sockaddr *sa,
			  socklen_t salen)
{
	const char *colon = memrchr(s, ':', len), *host = s, *zone = NULL;
	size_t hlen, zlen = 0;
	uint64_t port;
	uint8_t a[16];
	int family;
	bool v6 = false;

	if (!colon)
		return refuse(ep, "Unable to find port of endpoint");
	hlen = (size_t)(colon - s);
	if (digits(colon + 1, len - hlen - 1, 10, UINT16_MAX, &port))
		return refuse(ep, "Port of endpoint is not a number 0-65535");
	if (hlen && host[0] == '[') {
		if (hlen < 2 || host[hlen - 1] != ']')
			return refuse(ep, "Unable to find matching brace of endpoint");
		host++;
		hlen -= 2;
		v6 = true;
		zone = memchr(host, '%', hlen);
		if (zone) {
			zlen = hlen - (size_t)(zone + 1 - host);
			hlen = (size_t)(zone - host);
			zone++;
			if (!zlen)
				return refuse(ep, "Endpoint zone is empty");
		}
	}
	ep->host = host;
	ep->host_len = hlen;
	ep->port = (uint16_t)port;
	if (value_addr(host, hlen, &family, a) || (family == AF_INET6) != v6)
		return refuse(ep, v6 ? "Endpoint host is not an IPv6 address"
				     : "Endpoint host is not an IPv4 address");
	ep->numeric = true;
	return put_sockaddr(sa, salen, family, a, ep->port, zone ? zone_scope(zone, zlen) : 0);
}

/* wireguard-tools config.c parse_endpoint(), before its getaddrinfo(). */
static int endpoint_wg(const char *s, size_t len, unsigned int flags, struct value_endpoint *ep,
		       struct sockaddr *sa, socklen_t salen)
{
	const char *host = s, *port;
	size_t hlen, plen;
	uint64_t p;
	uint8_t a[16];
	int family;

	if (len && s[0] == '[') {
		const char *end = memchr(s, ']', len);

		if (!end)
			return refuse(ep, "Unable to find matching brace of endpoint");
		if ((size_t)(end - s) + 2 >= len || end[1] != ':')
			return refuse(ep, "Unable to find port of endpoint");
		host = s + 1;
		hlen = (size_t)(end - host);
		port = end + 2;
	} else {
		const char *colon = memrchr(s, ':', len);

		if (!colon || (size_t)(colon - s) + 1 == len)
			return refuse(ep, "Unable to find port of endpoint");
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	plen = len - (size_t)(port - s);
	if (!hlen)
		return refuse(ep, "Unable to find host of endpoint");
	if (digits(port, plen, 10, UINT16_MAX, &p))
		return refuse(ep, "Port of endpoint is not a number 0-65535");
	ep->host = host;
	ep->host_len = hlen;
	ep->port = (uint16_t)p;
	if (!value_addr(host, hlen, &family, a)) {
		ep->numeric = true;
		return put_sockaddr(sa, salen, family, a, ep->port, 0);
	}
	if (!(flags & VALUE_NAME) || !host_name_ok(host, hlen))
		/* getaddrinfo() would refuse it; say so before resolving. */
		return refuse(ep, "Endpoint host is neither an IP address nor a host name");
	return 0;
}

int value_endpoint(const char *s, size_t len, unsigned int flags, struct value_endpoint *ep,
		   struct sockaddr *sa, socklen_t salen)
{
	memset(ep, 0, sizeof(*ep));
	if (memchr(s, '\0', len))
		return refuse(ep, "Endpoint holds a NUL byte");
	if (flags & VALUE_UAPI)
		return endpoint_netip(s, len, ep, sa, salen);
	return endpoint_wg(s, len, flags, ep, sa, salen);
}
