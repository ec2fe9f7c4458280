// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config writer: a struct wgconf back to text, wg-quick's keys as its
 * SaveConfig writes them, then `wg showconf`'s text. Contract in wgconf.h.
 */
#include "core/wgconf.h"
#include "core/secret.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void write_ip(FILE *f, const char *key, const struct wgconf_ip *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(ip->family, &ip->addr, buf, sizeof(buf)))
		fprintf(f, "%s = %s/%u\n", key, buf, ip->cidr);
}

static void write_key(FILE *f, const char *name, const uint8_t key[KEY_LEN])
{
	char b64[KEY_BASE64_LEN + 1];

	key_to_base64(b64, key);
	fprintf(f, "%s = %s\n", name, b64);
	secret_wipe(b64, sizeof(b64));
}

/* The L2 keys of [Interface]; Bridge only in wg-quick's grammar (@bridge). */
static void write_l2(const struct wgconf *c, FILE *f, bool bridge)
{
	if (c->tap)
		fputs("Mode = tap\n", f);
	if (bridge && c->bridge[0])
		fprintf(f, "Bridge = %s\n", c->bridge);
	if (c->mac_ageing)
		fprintf(f, "MACAgeing = %u\n", c->mac_ageing);
	if (c->has_hub)
		fprintf(f, "Hub = %s\n", c->hub ? "true" : "false");
	if (c->has_clamp_mss)
		fprintf(f, "ClampMSS = %s\n", c->clamp_mss ? "on" : "off");
}

static void write_quick(const struct wgconf *c, FILE *f)
{
	char buf[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < c->n_addresses; i++)
		write_ip(f, "Address", &c->addresses[i]);
	for (size_t i = 0; i < c->n_dns; i++) {
		if (inet_ntop(c->dns[i].family, &c->dns[i].addr, buf, sizeof(buf)))
			fprintf(f, "DNS = %s\n", buf);
	}
	for (size_t i = 0; i < c->dns_search.n; i++)
		fprintf(f, "DNS = %s\n", c->dns_search.v[i]);
	if (c->mtu)
		fprintf(f, "MTU = %u\n", c->mtu);
	if (c->table == WGCONF_TABLE_OFF)
		fputs("Table = off\n", f);
	else if (c->table == WGCONF_TABLE_ID)
		fprintf(f, "Table = %u\n", c->table_id);
	else if (c->table == WGCONF_TABLE_NAME)
		fprintf(f, "Table = %s\n", c->table_name);
	write_l2(c, f, true);
	if (c->user[0])
		fprintf(f, "User = %s\n", c->user);
	if (c->group[0])
		fprintf(f, "Group = %s\n", c->group);
	if (c->save_config)
		fputs("SaveConfig = true\n", f);
	for (int h = 0; h < WGCONF_HOOK_COUNT; h++) {
		for (size_t i = 0; i < c->hooks[h].n; i++)
			fprintf(f, "%s = %s\n", wgconf_hook_key((enum wgconf_hook)h),
				c->hooks[h].v[i]);
	}
}

/* AllowedMACs and StaticMACs, warren extensions: one line per list. */
static void write_macs(FILE *f, const char *key, const struct wgconf_mac *m, size_t n)
{
	char text[MAC_TEXT_LEN];

	for (size_t i = 0; i < n; i++) {
		mac_format(m[i].mac, text);
		fprintf(f, "%s%s", i ? ", " : key, text);
		if (m[i].bits != MAC_BITS)
			fprintf(f, "/%u", m[i].bits);
	}
	if (n)
		fputs("\n", f);
}

static void write_endpoint(FILE *f, const struct wgconf_endpoint *ep)
{
	char buf[INET6_ADDRSTRLEN];
	const char *host = ep->host;

	/* Numeric hosts as `wg showconf` prints them (inet_ntop's form). */
	if (ep->numeric &&
	    inet_ntop(ep->addr.in4.sin_family,
		      ep->addr.in4.sin_family == AF_INET ? (const void *)&ep->addr.in4.sin_addr
							 : (const void *)&ep->addr.in6.sin6_addr,
		      buf, sizeof(buf)))
		host = buf;
	fprintf(f, strchr(host, ':') ? "Endpoint = [%s]:%u\n" : "Endpoint = %s:%u\n", host,
		ep->port);
}

int wgconf_write(const struct wgconf *c, FILE *f, unsigned int flags)
{
	fputs("[Interface]\n", f);
	if (!(flags & WGCONF_SETCONF))
		write_quick(c, f);
	else if (flags & WGCONF_L2)
		write_l2(c, f, false);
	/* From here on, byte for byte what `wg showconf` prints. */
	if (c->has_listen_port && c->listen_port)
		fprintf(f, "ListenPort = %u\n", c->listen_port);
	if (c->has_fwmark && c->fwmark)
		fprintf(f, "FwMark = 0x%x\n", c->fwmark);
	if (c->has_private_key)
		write_key(f, "PrivateKey", c->private_key);
	if (c->n_peers || !(flags & WGCONF_SAVECONFIG))
		fputs("\n", f);
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct wgconf_peer *p = &c->peers[i];
		char buf[INET6_ADDRSTRLEN];

		fputs("[Peer]\n", f);
		if (p->has_public_key)
			write_key(f, "PublicKey", p->public_key);
		if (p->has_preshared_key)
			write_key(f, "PresharedKey", p->preshared_key);
		for (size_t j = 0; j < p->n_allowed_ips; j++) {
			const struct wgconf_ip *ip = &p->allowed_ips[j];

			if (!inet_ntop(ip->family, &ip->addr, buf, sizeof(buf)))
				continue;
			fprintf(f, "%s%s/%u", j ? ", " : "AllowedIPs = ", buf, ip->cidr);
		}
		if (p->n_allowed_ips)
			fputs("\n", f);
		if (p->has_endpoint)
			write_endpoint(f, &p->endpoint);
		if (p->has_persistent_keepalive && p->persistent_keepalive)
			fprintf(f, "PersistentKeepalive = %u\n", p->persistent_keepalive);
		if (!(flags & WGCONF_SETCONF) || (flags & WGCONF_L2)) {
			write_macs(f, "AllowedMACs = ", p->allowed_macs, p->n_allowed_macs);
			write_macs(f, "StaticMACs = ", p->static_macs, p->n_static_macs);
		}
		if (i + 1 < c->n_peers)
			fputs("\n", f);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}
