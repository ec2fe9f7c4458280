// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's text, client side. Contracts in uapi_text.h.
 */
#include "core/uapi_text.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "core/secret.h"
#include "core/value.h"

/* The longest line worth reading: an extension key with a long value. */
#define UAPI_LINE_MAX 4096

/* The UAPI's numbers (core/value.h); -EPROTO for a bad one, as the reply is broken. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	return value_uint(s, strlen(s), max, VALUE_UAPI, out) ? -EPROTO : 0;
}

/* An optional '-', then a number at most INT64_MAX (last_handshake_time_*, errno). */
static int parse_i64(const char *s, int64_t *out)
{
	uint64_t v;
	bool neg = *s == '-';

	if (parse_u64(s + neg, (uint64_t)INT64_MAX, &v))
		return -EPROTO;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int parse_endpoint(const char *s, union sockaddr_inet *out)
{
	struct value_endpoint ep;

	return value_endpoint(s, strlen(s), VALUE_UAPI, &ep, &out->sa, sizeof(*out)) ? -EPROTO : 0;
}

static int parse_allowed_ip(const char *s, struct wgconf_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	return value_prefix(s, strlen(s), VALUE_UAPI, &ip->family, &ip->addr, &ip->cidr) ? -EPROTO
											 : 0;
}

/*
 * Appends a zeroed element of @size to *@v (count *@n). Returns it or NULL.
 * Peers hold preshared keys, so arrays grow through secret_array_push().
 */
static void *grow(void *v, size_t *n, size_t size)
{
	void **p = v;
	char *nv = secret_array_push(*p, n, size);

	if (!nv)
		return NULL;
	*p = nv;
	return nv + (*n - 1) * size;
}

static int add_extra(struct uapi_extra **v, size_t *n, const char *key, const char *value)
{
	struct uapi_extra *e = grow(v, n, sizeof(**v));

	if (!e)
		return -ENOMEM;
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->key || !e->value)
		return -ENOMEM;
	return 0;
}

static int parse_key(const char *value, uint8_t key[KEY_LEN], bool *nonzero)
{
	if (value_key(key, value, strlen(value), VALUE_UAPI))
		return -EPROTO;
	if (nonzero)
		*nonzero = !key_is_zero(key);
	return 0;
}

/* One `key=value' line of a get reply. *@err_seen is set by errno=. */
static int parse_line(struct uapi_device *dev, char *line, int *daemon_err, bool *err_seen)
{
	struct uapi_peer *peer = dev->n_peers ? &dev->peers[dev->n_peers - 1] : NULL;
	char *value = strchr(line, '=');
	uint64_t u;
	int64_t i;

	if (!value || value == line || *err_seen)
		return -EPROTO;
	*value++ = '\0';

	if (!strcmp(line, "errno")) {
		if (parse_i64(value, &i) || i < INT_MIN + 1 || i > INT_MAX)
			return -EPROTO;
		*daemon_err = i < 0 ? (int)i : -(int)i;
		*err_seen = true;
		return 0;
	}
	if (!strcmp(line, "public_key")) {
		peer = grow(&dev->peers, &dev->n_peers, sizeof(*dev->peers));
		if (!peer)
			return -ENOMEM;
		return parse_key(value, peer->public_key, NULL);
	}
	if (!peer) {
		if (!strcmp(line, "private_key"))
			return parse_key(value, dev->private_key, &dev->has_private_key);
		if (!strcmp(line, "listen_port")) {
			if (parse_u64(value, UINT16_MAX, &u))
				return -EPROTO;
			dev->listen_port = (uint16_t)u;
			return 0;
		}
		if (!strcmp(line, "fwmark")) {
			if (parse_u64(value, UINT32_MAX, &u))
				return -EPROTO;
			dev->fwmark = (uint32_t)u;
			return 0;
		}
		return add_extra(&dev->extra, &dev->n_extra, line, value);
	}
	if (!strcmp(line, "preshared_key"))
		return parse_key(value, peer->preshared_key, &peer->has_preshared_key);
	if (!strcmp(line, "endpoint"))
		return parse_endpoint(value, &peer->endpoint);
	if (!strcmp(line, "last_handshake_time_sec"))
		return parse_i64(value, &peer->last_handshake_sec);
	if (!strcmp(line, "last_handshake_time_nsec"))
		return parse_i64(value, &peer->last_handshake_nsec);
	if (!strcmp(line, "rx_bytes"))
		return parse_u64(value, UINT64_MAX, &peer->rx_bytes);
	if (!strcmp(line, "tx_bytes"))
		return parse_u64(value, UINT64_MAX, &peer->tx_bytes);
	if (!strcmp(line, "persistent_keepalive_interval")) {
		if (parse_u64(value, UINT16_MAX, &u))
			return -EPROTO;
		peer->persistent_keepalive = (uint16_t)u;
		return 0;
	}
	if (!strcmp(line, "allowed_ip")) {
		struct wgconf_ip *ip =
		    grow(&peer->allowed_ips, &peer->n_allowed_ips, sizeof(*peer->allowed_ips));

		if (!ip)
			return -ENOMEM;
		return parse_allowed_ip(value, ip);
	}
	if (!strcmp(line, "protocol_version"))
		return strcmp(value, "1") ? -EPROTO : 0;
	return add_extra(&peer->extra, &peer->n_extra, line, value);
}

int uapi_text_parse_get(struct uapi_device *dev, const char *text, size_t len)
{
	char line[UAPI_LINE_MAX];
	bool err_seen = false, ended = false;
	int daemon_err = 0, ret = 0;
	size_t pos = 0;

	memset(dev, 0, sizeof(*dev));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t llen;

		if (!nl) {
			ret = -EPROTO;
			goto out;
		}
		llen = (size_t)(nl - (text + pos));
		if (!llen) {
			ended = true;
			break;
		}
		if (llen >= sizeof(line) || memchr(text + pos, '\0', llen)) {
			ret = -EPROTO;
			goto out;
		}
		memcpy(line, text + pos, llen);
		line[llen] = '\0';
		ret = parse_line(dev, line, &daemon_err, &err_seen);
		if (ret)
			goto out;
		pos += llen + 1;
	}
	if (!ended || !err_seen) {
		ret = -EPROTO;
		goto out;
	}
	ret = daemon_err;
out:
	/* The last line copied may have been private_key=. */
	secret_wipe(line, sizeof(line));
	if (ret)
		uapi_device_free(dev);
	return ret;
}

static void extra_free(struct uapi_extra *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

void uapi_device_free(struct uapi_device *dev)
{
	if (!dev)
		return;
	for (size_t i = 0; i < dev->n_peers; i++) {
		free(dev->peers[i].allowed_ips);
		extra_free(dev->peers[i].extra, dev->peers[i].n_extra);
	}
	secret_free(dev->peers, dev->n_peers * sizeof(*dev->peers));
	extra_free(dev->extra, dev->n_extra);
	secret_wipe(dev, sizeof(*dev));
}

int uapi_text_parse_errno(const char *text, size_t len)
{
	char line[32];
	int64_t v;

	if (len < 9 || len > sizeof(line) || memcmp(text, "errno=", 6) ||
	    memcmp(text + len - 2, "\n\n", 2))
		return -EPROTO;
	memcpy(line, text + 6, len - 8);
	line[len - 8] = '\0';
	if (parse_i64(line, &v) || v < INT_MIN + 1 || v > INT_MAX)
		return -EPROTO;
	return v < 0 ? (int)v : -(int)v;
}

char *uapi_text_endpoint(char *buf, size_t len, const union sockaddr_inet *addr)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	if (getnameinfo(&addr->sa, sockaddr_inet_len(addr), host, sizeof(host), serv, sizeof(serv),
			NI_DGRAM | NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(buf, len, "(invalid)");
		return buf;
	}
	snprintf(buf, len,
		 addr->sa.sa_family == AF_INET6 && strchr(host, ':') ? "[%s]:%s" : "%s:%s", host,
		 serv);
	return buf;
}
