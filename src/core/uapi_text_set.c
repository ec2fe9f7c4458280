// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's set requests, client side: `wg setconf', `wg addconf' and
 * `wg syncconf' of a config, and a device's get reply turned back into a
 * config (`wg showconf'). The get reply's parser is uapi_text.c.
 * Contracts in uapi_text.h.
 */
#include "core/uapi_text.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>

#include "core/secret.h"
#include "core/value.h"

static const char *ip_text(char *buf, const struct wgconf_ip *ip)
{
	return inet_ntop(ip->family, &ip->addr, buf, INET6_ADDRSTRLEN);
}

static void write_key_line(FILE *out, const char *name, const uint8_t key[KEY_LEN])
{
	char hex[KEY_HEX_LEN + 1];

	key_to_hex(hex, key);
	fprintf(out, "%s=%s\n", name, hex);
	secret_wipe(hex, sizeof(hex));
}

static void write_allowed_ips(FILE *out, const struct wgconf_peer *p)
{
	char ip[INET6_ADDRSTRLEN];

	fputs("replace_allowed_ips=true\n", out);
	for (size_t j = 0; j < p->n_allowed_ips; j++)
		fprintf(out, "allowed_ip=%s/%u\n", ip_text(ip, &p->allowed_ips[j]),
			p->allowed_ips[j].cidr);
}

/* AllowedMACs, replaced when @replace or when there are any. */
static void write_allowed_macs(FILE *out, const struct wgconf_peer *p, bool replace)
{
	char mac[MAC_TEXT_LEN];

	if (replace || p->n_allowed_macs)
		fputs("replace_allowed_macs=true\n", out);
	for (size_t j = 0; j < p->n_allowed_macs; j++) {
		mac_format(p->allowed_macs[j].mac, mac);
		fprintf(out, "allowed_mac=%s/%u\n", mac, p->allowed_macs[j].bits);
	}
}

static void write_static_mac(FILE *out, const struct wgconf_mac *m)
{
	char mac[MAC_TEXT_LEN];

	mac_format(m->mac, mac);
	fprintf(out, "static_mac=%s\n", mac);
}

/* Every key of one peer of @conf, as `wg setconf' sends it. */
static void write_peer(FILE *out, const struct wgconf_peer *p, const union sockaddr_inet *endpoint)
{
	char ep[NI_MAXHOST + NI_MAXSERV + 4];

	write_key_line(out, "public_key", p->public_key);
	if (p->has_preshared_key)
		write_key_line(out, "preshared_key", p->preshared_key);
	if (endpoint->sa.sa_family)
		fprintf(out, "endpoint=%s\n", uapi_text_endpoint(ep, sizeof(ep), endpoint));
	if (p->has_persistent_keepalive)
		fprintf(out, "persistent_keepalive_interval=%u\n", p->persistent_keepalive);
	write_allowed_ips(out, p);
	write_allowed_macs(out, p, false);
	for (size_t j = 0; j < p->n_static_macs; j++)
		write_static_mac(out, &p->static_macs[j]);
}

/* warren's L2 device keys (docs/l2.md), only when the config has them. */
static void write_l2_device(FILE *out, const struct wgconf *conf)
{
	if (conf->tap)
		fputs("mode=tap\n", out);
	if (conf->has_hub)
		fprintf(out, "hub=%s\n", conf->hub ? "true" : "false");
	if (conf->mac_ageing)
		fprintf(out, "mac_ageing=%" PRIu32 "\n", conf->mac_ageing);
	if (conf->has_clamp_mss)
		fprintf(out, "clamp_mss=%s\n", conf->clamp_mss ? "true" : "false");
}

/*
 * A request of the config's keys: every device key with @all_keys (a zero
 * private key, port 0 and fwmark 0 for those it leaves out, as `wg
 * setconf' sends them), else those it has; replace_peers=true with
 * @replace_peers; then every peer.
 */
static int write_request(FILE *out, const struct wgconf *conf, const union sockaddr_inet *endpoints,
			 bool all_keys, bool replace_peers)
{
	static const uint8_t zero[KEY_LEN];

	fputs("set=1\n", out);
	if (conf->has_private_key || all_keys)
		write_key_line(out, "private_key",
			       conf->has_private_key ? conf->private_key : zero);
	if (conf->has_listen_port || all_keys)
		fprintf(out, "listen_port=%u\n", conf->listen_port);
	if (conf->has_fwmark || all_keys)
		fprintf(out, "fwmark=%" PRIu32 "\n", conf->fwmark);
	write_l2_device(out, conf);
	if (replace_peers)
		fputs("replace_peers=true\n", out);
	for (size_t i = 0; i < conf->n_peers; i++)
		write_peer(out, &conf->peers[i], &endpoints[i]);
	fputs("\n", out);
	return ferror(out) ? -EIO : 0;
}

int uapi_text_write_conf(FILE *out, const struct wgconf *conf, const union sockaddr_inet *endpoints,
			 unsigned int flags)
{
	bool replace = flags & UAPI_SET_REPLACE;

	return write_request(out, conf, endpoints, replace, replace);
}

int uapi_text_write_set(FILE *out, const struct wgconf *conf, const union sockaddr_inet *endpoints)
{
	return write_request(out, conf, endpoints, false, true);
}

/* ---- the device as a config, and the differences to a config ---- */

static const char *extra_value(const struct uapi_extra *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return v[i].value;
	return NULL;
}

bool uapi_device_is_tap(const struct uapi_device *dev)
{
	const char *mode = extra_value(dev->extra, dev->n_extra, "mode");

	return mode && !strcmp(mode, "tap");
}

/* A peer's L2 lists as the daemon holds them: its allowed_mac= and static mac= lines. */
struct peer_macs {
	struct wgconf_mac *allowed, *statics; /* one array: statics points into it */
	size_t n_allowed, n_static;
};

static int peer_macs_read(const struct uapi_peer *from, struct peer_macs *m)
{
	memset(m, 0, sizeof(*m));
	m->allowed = calloc(from->n_extra ? from->n_extra : 1, sizeof(*m->allowed));
	if (!m->allowed)
		return -ENOMEM;
	for (size_t i = 0; i < from->n_extra; i++) {
		const struct uapi_extra *e = &from->extra[i];
		struct wgconf_mac *w = &m->allowed[m->n_allowed];

		if (!strcmp(e->key, "allowed_mac") && !mac_parse(e->value, w->mac, &w->bits))
			m->n_allowed++;
	}
	m->statics = m->allowed + m->n_allowed;
	for (size_t i = 0; i < from->n_extra; i++) {
		const struct uapi_extra *e = &from->extra[i];
		struct wgconf_mac *w = &m->statics[m->n_static];
		size_t len = strlen(e->value);
		char text[MAC_TEXT_LEN];

		/* mac=MAC,AGE,RX,TX,static: the address is the first field. */
		if (strcmp(e->key, "mac") || len < MAC_TEXT_LEN - 1 + strlen(",static") ||
		    strcmp(e->value + len - strlen(",static"), ",static"))
			continue;
		memcpy(text, e->value, MAC_TEXT_LEN - 1);
		text[MAC_TEXT_LEN - 1] = '\0';
		if (!mac_parse(text, w->mac, NULL)) {
			w->bits = MAC_BITS;
			m->n_static++;
		}
	}
	return 0;
}

/* Copies @n elements of @size into a new array (one element at least). */
static void *dup_array(const void *v, size_t n, size_t size)
{
	void *out = calloc(n ? n : 1, size);

	if (out && n)
		memcpy(out, v, n * size);
	return out;
}

static int device_peer_conf(const struct uapi_peer *from, struct wgconf_peer *p, bool tap)
{
	const union sockaddr_inet *ep = &from->endpoint;
	char host[NI_MAXHOST];

	p->has_public_key = true;
	memcpy(p->public_key, from->public_key, KEY_LEN);
	p->has_preshared_key = from->has_preshared_key;
	memcpy(p->preshared_key, from->preshared_key, KEY_LEN);
	p->has_persistent_keepalive = true;
	p->persistent_keepalive = from->persistent_keepalive;
	p->has_allowed_ips = true;
	p->allowed_ips = dup_array(from->allowed_ips, from->n_allowed_ips, sizeof(*p->allowed_ips));
	if (!p->allowed_ips)
		return -ENOMEM;
	p->n_allowed_ips = from->n_allowed_ips;
	if (tap) {
		struct peer_macs m;

		if (peer_macs_read(from, &m))
			return -ENOMEM;
		p->allowed_macs = dup_array(m.allowed, m.n_allowed, sizeof(*m.allowed));
		p->static_macs = dup_array(m.statics, m.n_static, sizeof(*m.statics));
		free(m.allowed);
		if (!p->allowed_macs || !p->static_macs)
			return -ENOMEM;
		p->n_allowed_macs = m.n_allowed;
		p->n_static_macs = m.n_static;
	}
	/* As wg showconf: getnameinfo's numeric text, an IPv6 scope included. */
	if (ep->sa.sa_family && !getnameinfo(&ep->sa, sockaddr_inet_len(ep), host, sizeof(host),
					     NULL, 0, NI_DGRAM | NI_NUMERICHOST)) {
		p->endpoint.host = strdup(host);
		if (!p->endpoint.host)
			return -ENOMEM;
		p->has_endpoint = true;
		p->endpoint.port =
		    ntohs(ep->sa.sa_family == AF_INET6 ? ep->in6.sin6_port : ep->in4.sin_port);
	}
	return 0;
}

int uapi_text_device_conf(const struct uapi_device *dev, struct wgconf *c)
{
	const char *v;
	uint64_t u;

	memset(c, 0, sizeof(*c));
	c->has_private_key = dev->has_private_key;
	memcpy(c->private_key, dev->private_key, KEY_LEN);
	c->has_listen_port = c->has_fwmark = true;
	c->listen_port = dev->listen_port;
	c->fwmark = dev->fwmark;
	c->tap = uapi_device_is_tap(dev);
	if (c->tap) {
		v = extra_value(dev->extra, dev->n_extra, "hub");
		if (v) {
			c->has_hub = true;
			c->hub = !strcmp(v, "true");
		}
		v = extra_value(dev->extra, dev->n_extra, "mac_ageing");
		if (v && !value_uint(v, strlen(v), UINT32_MAX, VALUE_UAPI, &u))
			c->mac_ageing = (uint32_t)u;
		v = extra_value(dev->extra, dev->n_extra, "clamp_mss");
		if (v) {
			c->has_clamp_mss = true;
			c->clamp_mss = !strcmp(v, "true");
		}
	}
	if (dev->n_peers) {
		c->peers = calloc(dev->n_peers, sizeof(*c->peers));
		if (!c->peers)
			return -ENOMEM;
		c->n_peers = dev->n_peers;
	}
	for (size_t i = 0; i < dev->n_peers; i++) {
		if (device_peer_conf(&dev->peers[i], &c->peers[i], c->tap)) {
			wgconf_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

static int ip_cmp(const void *x, const void *y)
{
	const struct wgconf_ip *a = x, *b = y;

	if (a->family != b->family)
		return a->family - b->family;
	if (a->cidr != b->cidr)
		return (int)a->cidr - (int)b->cidr;
	return memcmp(&a->addr, &b->addr, a->family == AF_INET6 ? 16 : 4);
}

static int mac_cmp(const void *x, const void *y)
{
	const struct wgconf_mac *a = x, *b = y;
	int r = memcmp(a->mac, b->mac, MAC_LEN);

	return r ? r : (int)a->bits - (int)b->bits;
}

/*
 * Whether two lists hold the same elements, in any order. -ENOMEM, 0 or 1.
 * Sorted copies: the daemon's order is its own (a trie walk).
 */
static int same_set(const void *a, size_t na, const void *b, size_t nb, size_t size,
		    int (*cmp)(const void *, const void *))
{
	char *sa, *sb;
	int same = 1;

	if (na != nb)
		return 0;
	if (!na)
		return 1;
	sa = dup_array(a, na, size);
	sb = dup_array(b, nb, size);
	if (!sa || !sb) {
		same = -ENOMEM;
		goto out;
	}
	qsort(sa, na, size, cmp);
	qsort(sb, nb, size, cmp);
	for (size_t i = 0; i < na && same == 1; i++)
		if (cmp(sa + i * size, sb + i * size))
			same = 0;
out:
	free(sa);
	free(sb);
	return same;
}

static bool has_mac(const struct wgconf_mac *v, size_t n, const struct wgconf_mac *m)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(v[i].mac, m->mac, MAC_LEN))
			return true;
	return false;
}

/*
 * The lines that take @now to @p, into @out (a memory stream, so that a
 * peer without any is left out). Sets *@recreate when a static MAC went.
 */
static int peer_diff(FILE *out, const struct wgconf_peer *p, const union sockaddr_inet *endpoint,
		     const struct uapi_peer *now, bool tap, bool *recreate)
{
	static const uint8_t zero[KEY_LEN];
	char ep[NI_MAXHOST + NI_MAXSERV + 4];
	const uint8_t *psk = p->has_preshared_key ? p->preshared_key : zero;
	const uint8_t *had = now->has_preshared_key ? now->preshared_key : zero;
	uint16_t keepalive = p->has_persistent_keepalive ? p->persistent_keepalive : 0;
	struct peer_macs m = {0};
	int same;

	*recreate = false;
	if (CRYPTO_memcmp(psk, had, KEY_LEN))
		write_key_line(out, "preshared_key", psk);
	if (endpoint->sa.sa_family && !sockaddr_inet_equal(endpoint, &now->endpoint))
		fprintf(out, "endpoint=%s\n", uapi_text_endpoint(ep, sizeof(ep), endpoint));
	if (keepalive != now->persistent_keepalive)
		fprintf(out, "persistent_keepalive_interval=%u\n", keepalive);
	same = same_set(p->allowed_ips, p->n_allowed_ips, now->allowed_ips, now->n_allowed_ips,
			sizeof(*p->allowed_ips), ip_cmp);
	if (same < 0)
		return same;
	if (!same)
		write_allowed_ips(out, p);
	if (!tap)
		return 0;
	if (peer_macs_read(now, &m))
		return -ENOMEM;
	same = same_set(p->allowed_macs, p->n_allowed_macs, m.allowed, m.n_allowed,
			sizeof(*m.allowed), mac_cmp);
	if (same == 0)
		write_allowed_macs(out, p, true);
	for (size_t j = 0; j < m.n_static; j++)
		if (!has_mac(p->static_macs, p->n_static_macs, &m.statics[j]))
			*recreate = true;
	for (size_t j = 0; j < p->n_static_macs; j++)
		if (!has_mac(m.statics, m.n_static, &p->static_macs[j]))
			write_static_mac(out, &p->static_macs[j]);
	free(m.allowed);
	return same < 0 ? same : 0;
}

static const struct uapi_peer *find_peer(const struct uapi_device *dev, const uint8_t key[KEY_LEN])
{
	for (size_t i = 0; i < dev->n_peers; i++)
		if (!memcmp(dev->peers[i].public_key, key, KEY_LEN))
			return &dev->peers[i];
	return NULL;
}

static bool conf_has_peer(const struct wgconf *conf, const uint8_t key[KEY_LEN])
{
	for (size_t i = 0; i < conf->n_peers; i++)
		if (!memcmp(conf->peers[i].public_key, key, KEY_LEN))
			return true;
	return false;
}

/* The device keys that differ; returns how many. */
static unsigned int device_diff(FILE *out, const struct wgconf *conf, const struct uapi_device *dev,
				unsigned int flags)
{
	static const uint8_t zero[KEY_LEN];
	const uint8_t *key = conf->has_private_key ? conf->private_key : zero;
	const uint8_t *had = dev->has_private_key ? dev->private_key : zero;
	const char *v;
	unsigned int n = 0;
	uint64_t u;

	if (CRYPTO_memcmp(key, had, KEY_LEN) && ++n)
		write_key_line(out, "private_key", key);
	if (conf->has_listen_port && conf->listen_port != dev->listen_port && ++n)
		fprintf(out, "listen_port=%u\n", conf->listen_port);
	if ((conf->has_fwmark || !(flags & UAPI_SYNC_KEEP_FWMARK)) && conf->fwmark != dev->fwmark &&
	    ++n)
		fprintf(out, "fwmark=%" PRIu32 "\n", conf->fwmark);
	if (!conf->tap || !uapi_device_is_tap(dev))
		return n;
	v = extra_value(dev->extra, dev->n_extra, "hub");
	if (conf->has_hub && (!v || strcmp(v, conf->hub ? "true" : "false")) && ++n)
		fprintf(out, "hub=%s\n", conf->hub ? "true" : "false");
	v = extra_value(dev->extra, dev->n_extra, "mac_ageing");
	if (conf->mac_ageing &&
	    (!v || value_uint(v, strlen(v), UINT32_MAX, VALUE_UAPI, &u) || u != conf->mac_ageing) &&
	    ++n)
		fprintf(out, "mac_ageing=%" PRIu32 "\n", conf->mac_ageing);
	v = extra_value(dev->extra, dev->n_extra, "clamp_mss");
	if (conf->has_clamp_mss && (!v || strcmp(v, conf->clamp_mss ? "true" : "false")) && ++n)
		fprintf(out, "clamp_mss=%s\n", conf->clamp_mss ? "true" : "false");
	return n;
}

int uapi_text_write_sync(FILE *out, const struct wgconf *conf, const union sockaddr_inet *endpoints,
			 const struct uapi_device *dev, unsigned int flags,
			 struct uapi_sync_report *report)
{
	struct uapi_sync_report r = {0};
	bool tap = conf->tap && uapi_device_is_tap(dev);
	struct secret_buf lines = {0};
	int ret = 0;

	fputs("set=1\n", out);
	r.device = device_diff(out, conf, dev, flags);
	for (size_t i = 0; i < dev->n_peers; i++) {
		if (conf_has_peer(conf, dev->peers[i].public_key))
			continue;
		write_key_line(out, "public_key", dev->peers[i].public_key);
		fputs("remove=true\n", out);
		r.removed++;
	}
	for (size_t i = 0; i < conf->n_peers; i++) {
		const struct wgconf_peer *p = &conf->peers[i];
		const struct uapi_peer *now = find_peer(dev, p->public_key);
		bool recreate;
		FILE *f;

		if (!now) {
			write_peer(out, p, &endpoints[i]);
			r.added++;
			continue;
		}
		/* The peer's lines hold its preshared key: a wiped buffer. */
		f = secret_stream(&lines);
		if (!f) {
			ret = -ENOMEM;
			goto out;
		}
		ret = peer_diff(f, p, &endpoints[i], now, tap, &recreate);
		if (fclose(f) && !ret)
			ret = -ENOMEM;
		if (ret)
			goto out;
		if (recreate) {
			write_key_line(out, "public_key", p->public_key);
			fputs("remove=true\n", out);
			write_peer(out, p, &endpoints[i]);
			r.recreated++;
		} else if (lines.len) {
			write_key_line(out, "public_key", p->public_key);
			fwrite(lines.data, 1, lines.len, out);
			r.updated++;
		}
		secret_buf_free(&lines);
	}
	fputs("\n", out);
	if (ferror(out))
		ret = -EIO;
out:
	secret_buf_free(&lines);
	if (report)
		*report = r;
	return ret;
}
