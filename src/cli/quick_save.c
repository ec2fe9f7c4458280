// SPDX-License-Identifier: GPL-2.0-only
/*
 * SaveConfig: the config file written back from the device on `warren
 * down`. Contract in quick.h.
 */
#include "cli/quick.h"

#include "core/secret.h"
#include "os/rtnl_query.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sys/stat.h>
#include <warren/rtnl.h>

/*
 * The configuration to write: the device's state as `wg showconf` prints
 * it (uapi_text_device_conf(), an L2 peer's MAC lists as the daemon holds
 * them now, runtime sets included), the link's global addresses, and the
 * other wg-quick keys of q->conf, borrowed: save_free() gives them back
 * before it frees @c.
 */
static int save_build(struct quick *q, const struct uapi_device *dev, struct wgconf *c)
{
	struct rtnl_query_addr *addrs = NULL;
	struct warren_rtnl_link link;
	size_t n = 0;
	int ret;

	ret = uapi_text_device_conf(dev, c);
	if (ret)
		return ret;
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
	/* Mode, Hub and MACAgeing as the config has them; Bridge is no UAPI key. */
	c->tap = q->conf.tap;
	memcpy(c->bridge, q->conf.bridge, sizeof(c->bridge));
	c->mac_ageing = q->conf.mac_ageing;
	c->has_hub = q->conf.has_hub;
	c->hub = q->conf.hub;
	c->has_clamp_mss = q->conf.has_clamp_mss;
	c->clamp_mss = q->conf.clamp_mss;
	return 0;
}

static void save_free(struct wgconf *c)
{
	/* Borrowed from q->conf: not ours to free. */
	c->dns = NULL;
	c->n_dns = 0;
	memset(&c->dns_search, 0, sizeof(c->dns_search));
	c->table_name = NULL;
	memset(c->hooks, 0, sizeof(c->hooks));
	wgconf_free(c);
}

/*
 * wg-quick's quick_save_config(): the [Interface] of wg-quick, then `wg
 * showconf', written by wgconf_write as SaveConfig leaves it.
 */
int quick_save_config(struct quick *q)
{
	char tmp[PATH_MAX], iobuf[BUFSIZ];
	struct uapi_device dev;
	struct wgconf saved = {0};
	mode_t old_umask;
	FILE *f;
	int ret, fd;

	quick_note("wg showconf %s", q->ifname);
	ret = quick_get_device(q, &dev);
	if (ret)
		return ret;
	ret = save_build(q, &dev, &saved);
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
	save_free(&saved);
	uapi_device_free(&dev);
	return ret;
}
