// SPDX-License-Identifier: GPL-2.0-only
/*
 * SaveConfig: the config file written back from the device on `warren
 * down`. Contract in quick.h.
 */
#include "cli/quick.h"

#include "core/mac.h"
#include "core/secret.h"
#include "engine/crypto.h"
#include "os/rtnl_query.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sys/stat.h>
#include <warren/rtnl.h>

/* An endpoint as `wg showconf` prints it (getnameinfo, numeric, with a scope). */
struct saved_host {
	char text[NI_MAXHOST];
	struct wgconf_mac *macs; /* the peer's runtime AllowedMACs, then StaticMACs */
};

/*
 * An L2 peer's AllowedMACs and StaticMACs as the daemon holds them now
 * (its get reply's allowed_mac= and mac=...,static lines, which runtime
 * sets may have changed since the config was read), into one array in
 * @host (freed by save_free). 0 or -ENOMEM.
 */
static int runtime_macs(const struct uapi_peer *from, struct wgconf_peer *p,
			struct saved_host *host)
{
	size_t n_allowed = 0, n_static = 0;

	host->macs = calloc(from->n_extra ? from->n_extra : 1, sizeof(*host->macs));
	if (!host->macs)
		return -ENOMEM;
	/* Allowed first, static after them: two passes keep each in order. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < from->n_extra; i++) {
			const struct uapi_extra *e = &from->extra[i];
			struct wgconf_mac *m = &host->macs[n_allowed + n_static];
			char text[MAC_TEXT_LEN];
			size_t len = strlen(e->value);

			if (!pass && !strcmp(e->key, "allowed_mac") &&
			    !mac_parse(e->value, m->mac, &m->bits)) {
				n_allowed++;
			} else if (pass && !strcmp(e->key, "mac") && len > MAC_TEXT_LEN - 1 &&
				   !strcmp(e->value + len - strlen(",static"), ",static")) {
				/* mac=MAC,age,rx,tx,static: the address is the first field */
				memcpy(text, e->value, MAC_TEXT_LEN - 1);
				text[MAC_TEXT_LEN - 1] = '\0';
				if (!mac_parse(text, m->mac, NULL)) {
					m->bits = MAC_BITS;
					n_static++;
				}
			}
		}
	}
	p->allowed_macs = host->macs;
	p->n_allowed_macs = n_allowed;
	p->static_macs = host->macs + n_allowed;
	p->n_static_macs = n_static;
	return 0;
}

/*
 * The configuration to write, built from the device, the link and the
 * wg-quick keys of q->conf (borrowed, not copied). Fills @c, whose
 * addresses and peers arrays and @hosts the caller frees (save_free).
 */
static int save_build(struct quick *q, const struct uapi_device *dev, struct wgconf *c,
		      struct saved_host **hosts)
{
	struct rtnl_query_addr *addrs = NULL;
	struct warren_rtnl_link link;
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	if (q->ifindex > 0 && !rtnl_query_addrs(q->ifindex, &addrs, &n)) {
		c->addresses = calloc(n ? n : 1, sizeof(*c->addresses));
		if (!c->addresses) {
			free(addrs);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			struct wgconf_ip *ip = &c->addresses[c->n_addresses];

			if (addrs[i].scope != RT_SCOPE_UNIVERSE)
				continue;
			ip->family = addrs[i].family;
			memcpy(&ip->addr, &addrs[i].addr, sizeof(ip->addr));
			ip->cidr = addrs[i].prefix_len;
			c->n_addresses++;
		}
		free(addrs);
	}
	c->dns = q->conf.dns;
	c->n_dns = q->conf.n_dns;
	c->dns_search = q->conf.dns_search;
	/* As wg-quick: the link's MTU, when the config set one. */
	if (q->conf.mtu && !warren_rtnl_link_get(q->rtnl, q->ifname, &link))
		c->mtu = link.mtu;
	c->table = q->conf.table;
	c->table_id = q->conf.table_id;
	c->table_name = q->conf.table_name;
	memcpy(c->hooks, q->conf.hooks, sizeof(c->hooks));
	c->save_config = q->conf.save_config;
	c->tap = q->conf.tap;
	memcpy(c->bridge, q->conf.bridge, sizeof(c->bridge));
	c->mac_ageing = q->conf.mac_ageing;
	c->has_hub = q->conf.has_hub;
	c->hub = q->conf.hub;

	c->has_listen_port = c->has_fwmark = true;
	c->listen_port = dev->listen_port;
	c->fwmark = dev->fwmark;
	c->has_private_key = dev->has_private_key;
	memcpy(c->private_key, dev->private_key, KEY_LEN);
	if (!dev->n_peers)
		return 0;
	c->peers = calloc(dev->n_peers, sizeof(*c->peers));
	*hosts = calloc(dev->n_peers, sizeof(**hosts));
	if (!c->peers || !*hosts)
		return -ENOMEM;
	c->n_peers = dev->n_peers;
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *from = &dev->peers[i];
		struct wgconf_peer *p = &c->peers[i];
		const union sockaddr_inet *ep = &from->endpoint;

		p->has_public_key = true;
		memcpy(p->public_key, from->public_key, KEY_LEN);
		p->has_preshared_key = from->has_preshared_key;
		memcpy(p->preshared_key, from->preshared_key, KEY_LEN);
		p->allowed_ips = from->allowed_ips;
		p->n_allowed_ips = from->n_allowed_ips;
		p->has_persistent_keepalive = true;
		p->persistent_keepalive = from->persistent_keepalive;
		/* An L2 interface's MAC lists as the daemon holds them now. */
		if (c->tap && runtime_macs(from, p, &(*hosts)[i]))
			return -ENOMEM;
		if (ep->sa.sa_family &&
		    !getnameinfo(&ep->sa, sockaddr_inet_len(ep), (*hosts)[i].text,
				 sizeof((*hosts)[i].text), NULL, 0, NI_DGRAM | NI_NUMERICHOST)) {
			p->has_endpoint = true;
			p->endpoint.host = (*hosts)[i].text;
			p->endpoint.port = ntohs(ep->sa.sa_family == AF_INET6 ? ep->in6.sin6_port
									      : ep->in4.sin_port);
		}
	}
	return 0;
}

static void save_free(struct wgconf *c, struct saved_host *hosts)
{
	for (size_t i = 0; hosts && i < c->n_peers; i++)
		free(hosts[i].macs);
	free(c->addresses);
	secret_free(c->peers, c->n_peers * sizeof(*c->peers));
	free(hosts);
	secret_wipe(c, sizeof(*c));
}

/*
 * wg-quick's quick_save_config(): the [Interface] of wg-quick, then `wg
 * showconf', written by wgconf_write as SaveConfig leaves it.
 */
int quick_save_config(struct quick *q)
{
	char tmp[PATH_MAX], iobuf[BUFSIZ];
	struct saved_host *hosts = NULL;
	struct uapi_device dev;
	struct wgconf saved;
	mode_t old_umask;
	FILE *f;
	int ret, fd;

	quick_note("wg showconf %s", q->ifname);
	ret = quick_get_device(q, &dev);
	if (ret)
		return ret;
	ret = save_build(q, &dev, &saved, &hosts);
	if (ret) {
		quick_die("%s", strerror(-ret));
		goto out;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", q->config_file) >= (int)sizeof(tmp)) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	/*
	 * A new file of our own, 0600: not through a symlink or into a file
	 * someone made there first (a stale one from a crash is replaced).
	 */
	old_umask = umask(077);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && !unlink(tmp))
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	umask(old_umask);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		quick_die("Could not write configuration file: %s: %s", tmp, strerror(errno));
		goto out;
	}
	/* stdio's copy of the private key stays in a buffer wiped below. */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	ret = wgconf_write(&saved, f, WGCONF_SAVECONFIG);
	fd = fileno(f);
	if (!ret)
		ret = fsync(fd) ? -errno : 0;
	if (fclose(f) && !ret)
		ret = -EIO;
	secret_wipe(iobuf, sizeof(iobuf));
	if (!ret && rename(tmp, q->config_file))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		quick_die("Could not write configuration file: %s", strerror(-ret));
	}
out:
	save_free(&saved, hosts);
	uapi_device_free(&dev);
	return ret;
}
