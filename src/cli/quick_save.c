// SPDX-License-Identifier: GPL-2.0-only
/*
 * SaveConfig: the config file written back from the device on `warren
 * down`. Contract in quick.h.
 */
#include "cli/quick.h"

#include "engine/crypto.h"
#include "os/rtnl_query.h"

#include <errno.h>
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

/* wg-quick's quick_save_config(): the [Interface] of wg-quick, then `wg showconf'. */
int quick_save_config(struct quick *q)
{
	char tmp[PATH_MAX], ip[INET6_ADDRSTRLEN], b64[KEY_BASE64_LEN + 1], ep[NI_MAXHOST + 16];
	static const char *const hook_names[] = { "PreUp", "PostUp", "PreDown", "PostDown" };
	struct rtnl_query_addr *addrs = NULL;
	struct warren_rtnl_link link;
	struct uapi_device dev;
	size_t n = 0;
	mode_t old_umask;
	FILE *f;
	int ret, fd;

	quick_note("wg showconf %s", q->ifname);
	ret = quick_get_device(q, &dev);
	if (ret)
		return ret;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", q->config_file) >= (int)sizeof(tmp)) {
		ret = -ENAMETOOLONG;
		goto out;
	}
	old_umask = umask(077);
	f = fopen(tmp, "we");
	umask(old_umask);
	if (!f) {
		ret = -errno;
		quick_die("Could not write configuration file: %s: %s", tmp, strerror(errno));
		goto out;
	}
	fputs("[Interface]\n", f);
	if (q->ifindex > 0 && !rtnl_query_addrs(q->ifindex, &addrs, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (addrs[i].scope != RT_SCOPE_UNIVERSE)
				continue;
			fprintf(f, "Address = %s/%u\n", quick_ip_str(ip, addrs[i].family, &addrs[i].addr),
				addrs[i].prefix_len);
		}
		free(addrs);
	}
	for (size_t i = 0; i < q->conf.n_dns; i++)
		fprintf(f, "DNS = %s\n", quick_ip_str(ip, q->conf.dns[i].family, &q->conf.dns[i].addr));
	for (size_t i = 0; i < q->conf.dns_search.n; i++)
		fprintf(f, "DNS = %s\n", q->conf.dns_search.v[i]);
	if (q->conf.mtu && !warren_rtnl_link_get(q->rtnl, q->ifname, &link))
		fprintf(f, "MTU = %u\n", link.mtu);
	if (q->conf.table == WGCONF_TABLE_OFF)
		fputs("Table = off\n", f);
	else if (q->conf.table == WGCONF_TABLE_ID)
		fprintf(f, "Table = %u\n", q->conf.table_id);
	else if (q->conf.table == WGCONF_TABLE_NAME)
		fprintf(f, "Table = %s\n", q->conf.table_name);
	if (q->conf.save_config)
		fputs("SaveConfig = true\n", f);
	for (int h = 0; h < WGCONF_HOOK_COUNT; h++)
		for (size_t i = 0; i < q->conf.hooks[h].n; i++)
			fprintf(f, "%s = %s\n", hook_names[h], q->conf.hooks[h].v[i]);
	if (dev.listen_port)
		fprintf(f, "ListenPort = %u\n", dev.listen_port);
	if (dev.fwmark)
		fprintf(f, "FwMark = 0x%x\n", dev.fwmark);
	if (dev.has_private_key) {
		key_to_base64(b64, dev.private_key);
		fprintf(f, "PrivateKey = %s\n", b64);
	}
	for (size_t i = 0; i < dev.n_peers; i++) {
		const struct uapi_peer *p = &dev.peers[i];

		key_to_base64(b64, p->public_key);
		fprintf(f, "\n[Peer]\nPublicKey = %s\n", b64);
		if (p->has_preshared_key) {
			key_to_base64(b64, p->preshared_key);
			fprintf(f, "PresharedKey = %s\n", b64);
		}
		for (size_t j = 0; j < p->n_allowed_ips; j++)
			fprintf(f, "%s%s/%u", j ? ", " : "AllowedIPs = ",
				quick_ip_str(ip, p->allowed_ips[j].family, &p->allowed_ips[j].addr),
				p->allowed_ips[j].cidr);
		if (p->n_allowed_ips)
			fputc('\n', f);
		if (p->endpoint.sa.sa_family)
			fprintf(f, "Endpoint = %s\n", uapi_text_endpoint(ep, sizeof(ep), &p->endpoint));
		if (p->persistent_keepalive)
			fprintf(f, "PersistentKeepalive = %u\n", p->persistent_keepalive);
	}
	crypto_wipe(b64, sizeof(b64));
	fd = fileno(f);
	ret = fflush(f) || fsync(fd) ? -errno : 0;
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, q->config_file))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		quick_die("Could not write configuration file: %s", strerror(-ret));
	}
out:
	uapi_device_free(&dev);
	return ret;
}
