// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keys of a config, by section: what each one accepts and where in
 * struct wgconf it goes. wgconf_key_line() holds `wg setconf`'s keys
 * (wireguard-tools config.c, process_line()) and warren's L2 keys of
 * [Peer]; wgconf_quick_line() wg-quick's keys of [Interface] and warren's
 * L2 ones there. Values are read by core/value.c; the lists of wg-quick
 * (Address, DNS) and of L2 (AllowedMACs, StaticMACs) by list_read().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/secret.h"
#include "core/value.h"
#include "core/wgconf_reader.h"

static int list_read(struct wgconf_reader *r, const char *value,
		     int (*item_fn)(struct wgconf_reader *r, char *item, void *ctx), void *ctx);

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int strings_add(struct wgconf_strings *s, const char *str)
{
	char *copy = strdup(str);
	char **v;

	if (!copy)
		return -ENOMEM;
	v = secret_array_push(s->v, &s->n, sizeof(*s->v));
	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	s->v = v;
	s->v[s->n - 1] = copy;
	return 0;
}

/*
 * Appends *@ip to the array *@v of *@n (grown only here, as
 * secret_array_push() requires). 0 or -ENOMEM.
 */
static int ip_push(struct wgconf_ip **v, size_t *n, const struct wgconf_ip *ip)
{
	struct wgconf_ip *grown = secret_array_push(*v, n, sizeof(**v));

	if (!grown)
		return -ENOMEM;
	*v = grown;
	grown[*n - 1] = *ip;
	return 0;
}

/* The same for MACs. */
static int mac_push(struct wgconf_mac **v, size_t *n, const struct wgconf_mac *mac)
{
	struct wgconf_mac *grown = secret_array_push(*v, n, sizeof(**v));

	if (!grown)
		return -ENOMEM;
	*v = grown;
	grown[*n - 1] = *mac;
	return 0;
}

/* wg-quick's booleans: "true" or "false", in any case. */
static bool parse_bool(const char *s, bool *out)
{
	if (!strcasecmp(s, "true"))
		*out = true;
	else if (!strcasecmp(s, "false"))
		*out = false;
	else
		return false;
	return true;
}

/* A decimal number, at most @max (core/value.h, wg's grammar). */
static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (value_uint(s, strlen(s), max, 0, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "IP" or "IP/N"; @netmask also allows "IPv4/a.b.c.d". */
static bool parse_prefix(const char *s, struct wgconf_ip *ip, bool netmask)
{
	return !value_prefix(s, strlen(s), netmask ? VALUE_NETMASK : 0, &ip->family, &ip->addr,
			     &ip->cidr);
}

/* Clears the host part; true if there was one. */
static bool mask_host_bits(struct wgconf_ip *ip)
{
	uint8_t *b = ip->family == AF_INET ? (uint8_t *)&ip->addr.v4 : ip->addr.v6.s6_addr;
	unsigned int bytes = ip->family == AF_INET ? 4 : 16;
	bool had = false;

	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int keep = ip->cidr >= 8 * (i + 1) ? 8
				    : ip->cidr > 8 * i	    ? ip->cidr - 8 * i
							    : 0;
		uint8_t mask = (uint8_t)(0xff00 >> keep);

		if (b[i] & ~mask)
			had = true;
		b[i] &= mask;
	}
	return had;
}

/*
 * A key in base64. A bad secret key (@secret: PrivateKey, PresharedKey) is
 * not quoted back: most of it may be right, and errors end up in logs.
 */
static int parse_key(struct wgconf_reader *r, uint8_t key[KEY_LEN], const char *value,
		     const char *shown, bool secret)
{
	if (!value_key(key, value, strlen(value), 0))
		return 0;
	if (!secret)
		return wgconf_fail(r, shown, "Key is not the correct length or format");
	snprintf(r->error, sizeof(r->error),
		 "%s:%u: Key is not the correct length or format: a secret of %zu characters, "
		 "not shown (a key is 44 characters of base64)",
		 r->file, r->line, strlen(shown));
	return -EINVAL;
}

static int parse_port(struct wgconf_reader *r, const char *value, const char *shown, uint16_t *port)
{
	uint32_t v;

	if (!parse_u32(value, 65535, &v))
		return wgconf_fail(r, shown, "Port is not a number 0-65535");
	*port = (uint16_t)v;
	return 0;
}

static int parse_endpoint(struct wgconf_reader *r, struct wgconf_peer *peer, const char *value,
			  const char *shown)
{
	struct wgconf_endpoint *ep = &peer->endpoint;
	struct value_endpoint v;
	char *h;

	free(ep->host);
	memset(ep, 0, sizeof(*ep));
	if (value_endpoint(value, strlen(value), VALUE_NAME, &v, &ep->addr.sa, sizeof(ep->addr)))
		return wgconf_fail(r, shown, "%s", v.fault);
	h = strndup(v.host, v.host_len);
	if (!h)
		return -ENOMEM;
	ep->host = h;
	ep->port = v.port;
	ep->numeric = v.numeric;
	peer->has_endpoint = true;
	peer->endpoint_line = r->line;
	return 0;
}

static int parse_allowed_ips(struct wgconf_reader *r, struct wgconf_peer *peer, char *value)
{
	char *save = NULL, *entry;

	peer->has_allowed_ips = true;
	/* wg splits at every comma: an empty entry is an error, not skipped. */
	for (entry = value;; entry = save) {
		struct wgconf_ip ip = {0};

		save = strchr(entry, ',');
		if (save)
			*save++ = '\0';
		if (!parse_prefix(entry, &ip, false))
			return wgconf_fail(r, entry, "AllowedIP is not in the correct format");
		if (mask_host_bits(&ip))
			wgconf_warning(r, "AllowedIP has nonzero host part: %s", entry);
		if (ip_push(&peer->allowed_ips, &peer->n_allowed_ips, &ip))
			return -ENOMEM;
		if (!save)
			return 0;
	}
}

/* AllowedMACs items (list_read): MAC[/1-48], appended to the peer @ctx's. */
static int allowed_mac_item(struct wgconf_reader *r, char *item, void *ctx)
{
	struct wgconf_peer *p = ctx;
	struct wgconf_mac m = {.bits = MAC_BITS};

	if (mac_parse(item, m.mac, &m.bits) || !m.bits)
		return wgconf_fail(r, item,
				   "AllowedMACs entry is not a MAC address with an optional /1-48");
	return mac_push(&p->allowed_macs, &p->n_allowed_macs, &m);
}

/* StaticMACs items (list_read): unicast MACs, appended to the peer @ctx's. */
static int static_mac_item(struct wgconf_reader *r, char *item, void *ctx)
{
	struct wgconf_peer *p = ctx;
	struct wgconf_mac m = {.bits = MAC_BITS};

	if (mac_parse(item, m.mac, NULL) || mac_is_multicast(m.mac) || mac_is_zero(m.mac))
		return wgconf_fail(r, item, "StaticMACs entry is not a unicast MAC address");
	return mac_push(&p->static_macs, &p->n_static_macs, &m);
}

/*
 * A line of `wg setconf`'s grammar; @compact has no whitespace left, @key
 * and @value are as written (trimmed), for messages.
 */
int wgconf_key_line(struct wgconf_reader *r, const char *compact, const char *key,
		    const char *value)
{
	struct wgconf *c = r->conf;
	const char *eq = strchr(compact, '=');
	bool l2_keys = !(r->flags & WGCONF_SETCONF) || (r->flags & WGCONF_L2);
	const char *v;
	size_t klen;

	if (!eq)
		return wgconf_fail(r, compact, "Expected `Key = Value'");
	klen = (size_t)(eq - compact);
	v = eq + 1;
#define KEY(name) (klen == sizeof(name) - 1 && !strncasecmp(compact, name, klen))
	if (!*v) /* wg does not know a key without a value */
		return wgconf_fail(r, compact, "Value missing");
	if (r->section == WGCONF_SECTION_INTERFACE) {
		if (KEY("PrivateKey")) {
			int ret = parse_key(r, c->private_key, v, value, true);

			c->has_private_key |= !ret;
			return ret;
		}
		if (KEY("ListenPort")) {
			int ret = parse_port(r, v, value, &c->listen_port);

			c->has_listen_port |= !ret;
			return ret;
		}
		if (KEY("FwMark")) {
			uint64_t mark;

			if (value_uint(v, strlen(v), UINT32_MAX, VALUE_OFF | VALUE_HEX, &mark))
				return wgconf_fail(r, value,
						   "Fwmark is neither 0/off nor 0-0xffffffff");
			c->fwmark = (uint32_t)mark;
			c->has_fwmark = true;
			return 0;
		}
	} else if (r->section == WGCONF_SECTION_PEER) {
		struct wgconf_peer *p = &c->peers[c->n_peers - 1];

		if (KEY("PublicKey")) {
			int ret = parse_key(r, p->public_key, v, value, false);

			p->has_public_key |= !ret;
			return ret;
		}
		if (KEY("PresharedKey")) {
			int ret = parse_key(r, p->preshared_key, v, value, true);

			p->has_preshared_key |= !ret;
			return ret;
		}
		if (KEY("AllowedIPs")) {
			char *copy = strdup(v);
			int ret;

			if (!copy)
				return -ENOMEM;
			ret = parse_allowed_ips(r, p, copy);
			free(copy);
			return ret;
		}
		if (KEY("Endpoint"))
			return parse_endpoint(r, p, v, value);
		if (l2_keys && KEY("AllowedMACs"))
			return list_read(r, v, allowed_mac_item, p);
		if (l2_keys && KEY("StaticMACs"))
			return list_read(r, v, static_mac_item, p);
		if (KEY("PersistentKeepalive")) {
			uint64_t k;

			if (value_uint(v, strlen(v), UINT16_MAX, VALUE_OFF, &k))
				return wgconf_fail(
				    r, value,
				    "Persistent keepalive interval is neither 0/off nor 1-65535");
			p->persistent_keepalive = (uint16_t)k;
			p->has_persistent_keepalive = true;
			return 0;
		}
	} else {
		return wgconf_fail(r, key,
				   "Key outside a section, expected [Interface] or [Peer] first");
	}
#undef KEY
	return wgconf_fail(r, key, "Key unknown in %s section",
			   r->section == WGCONF_SECTION_PEER ? "[Peer]" : "[Interface]");
}

/* The next item of a list_read() list, NUL-terminated in place; 0 at the end. */
static int list_next(char **cursor, char **item)
{
	char *s = *cursor;

	while (*s == ',' || wgconf_is_space((unsigned char)*s))
		s++;
	if (!*s)
		return 0;
	*item = s;
	while (*s && *s != ',' && !wgconf_is_space((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	*cursor = s;
	return 1;
}

/*
 * Address, DNS, AllowedMACs and StaticMACs: a list split at commas and
 * whitespace, empty items skipped. Calls @item_fn on each item (in a copy
 * of @value) until it fails; returns its error, 0 or -ENOMEM.
 */
static int list_read(struct wgconf_reader *r, const char *value,
		     int (*item_fn)(struct wgconf_reader *r, char *item, void *ctx), void *ctx)
{
	char *copy = strdup(value), *cursor = copy, *item;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	while (!ret && list_next(&cursor, &item))
		ret = item_fn(r, item, ctx);
	free(copy);
	return ret;
}

/* Address items (list_read): IP[/prefix], appended to the config's. */
static int address_item(struct wgconf_reader *r, char *item, void *ctx)
{
	struct wgconf *c = r->conf;
	struct wgconf_ip ip = {0};

	if (!parse_prefix(item, &ip, true))
		return wgconf_fail(r, item,
				   "Address is not an IP address with an optional /prefix");
	return ip_push(&c->addresses, &c->n_addresses, &ip);
}

/*
 * DNS items (list_read): as wg-quick reads them, digits and dots or a ':'
 * make a server, anything else a search domain.
 */
static int dns_item(struct wgconf_reader *r, char *item, void *ctx)
{
	struct wgconf *c = r->conf;
	struct wgconf_ip ip = {0};

	if (strspn(item, "0123456789.") != strlen(item) && !strchr(item, ':'))
		return strings_add(&c->dns_search, item);
	if (value_addr(item, strlen(item), &ip.family, &ip.addr))
		return wgconf_fail(r, item, "DNS server is not an IP address");
	ip.cidr = ip.family == AF_INET ? 32 : 128;
	return ip_push(&c->dns, &c->n_dns, &ip);
}

static bool table_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		int c = (unsigned char)*s;

		if (!is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !strchr("_.-", c))
			return false;
	}
	return true;
}

static const char *const hook_names[WGCONF_HOOK_COUNT] = {
    [WGCONF_PRE_UP] = "PreUp",
    [WGCONF_POST_UP] = "PostUp",
    [WGCONF_PRE_DOWN] = "PreDown",
    [WGCONF_POST_DOWN] = "PostDown",
};

const char *wgconf_hook_key(enum wgconf_hook hook)
{
	return hook_names[hook];
}

/*
 * User and Group: a name as useradd(8) allows (letters, digits, '_', '.',
 * '-', a '$' at the end), not starting with '-', so that it can never read
 * as an option of warrend; or a number.
 */
static bool id_name_ok(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= WGCONF_ID_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		int ch = (unsigned char)s[i];

		if (!is_digit(ch) && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !strchr("_.-", ch) && !(ch == '$' && i == len - 1))
			return false;
	}
	return true;
}

/*
 * A wg-quick key in [Interface]: returns 1 when @key is not one of them,
 * else 0 or -errno. @value is trimmed, @raw_value is the trimmed rest of the
 * uncut line after its first '='.
 */
int wgconf_quick_line(struct wgconf_reader *r, const char *key, char *value, const char *raw_value)
{
	struct wgconf *c = r->conf;

	/* The setconf grammar with WGCONF_L2: only the L2 keys the UAPI knows. */
	if ((r->flags & WGCONF_SETCONF) && strcasecmp(key, "Mode") &&
	    strcasecmp(key, "MACAgeing") && strcasecmp(key, "Hub") && strcasecmp(key, "ClampMSS"))
		return 1;
	if (!strcasecmp(key, "Address"))
		return list_read(r, value, address_item, NULL);
	if (!strcasecmp(key, "DNS"))
		return list_read(r, value, dns_item, NULL);
	if (!strcasecmp(key, "MTU")) {
		if (!*value) {
			c->mtu = 0;
			return 0;
		}
		if (!parse_u32(value, 65535, &c->mtu) || c->mtu < 68)
			return wgconf_fail(r, value, "MTU is not a number 68-65535");
		return 0;
	}
	if (!strcasecmp(key, "Table")) {
		uint32_t id;

		free(c->table_name);
		c->table_name = NULL;
		c->table_line = r->line;
		/* wg-quick compares these two case-sensitively ("Off" is a name). */
		if (!*value || !strcmp(value, "auto")) {
			c->table = WGCONF_TABLE_AUTO;
		} else if (!strcmp(value, "off")) {
			c->table = WGCONF_TABLE_OFF;
		} else if (is_digit((unsigned char)value[0])) {
			if (!parse_u32(value, UINT32_MAX, &id))
				return wgconf_fail(
				    r, value,
				    "Table is neither auto, off, a name nor 0-4294967295");
			c->table = WGCONF_TABLE_ID;
			c->table_id = id;
		} else if (table_name_ok(value)) {
			c->table_name = strdup(value);
			if (!c->table_name)
				return -ENOMEM;
			c->table = WGCONF_TABLE_NAME;
		} else {
			return wgconf_fail(r, value,
					   "Table is neither auto, off, a name nor 0-4294967295");
		}
		return 0;
	}
	if (!strcasecmp(key, "Mode")) {
		if (!strcasecmp(value, "tap"))
			c->tap = true;
		else if (!strcasecmp(value, "tun"))
			c->tap = false;
		else
			return wgconf_fail(r, value, "Mode is neither tun nor tap");
		c->mode_line = r->line;
		return 0;
	}
	if (!strcasecmp(key, "Bridge")) {
		if (!*value) {
			c->bridge[0] = '\0';
			return 0;
		}
		if (!wgconf_ifname_ok(value, strlen(value)))
			return wgconf_fail(r, value, "Bridge is not an interface name");
		snprintf(c->bridge, sizeof(c->bridge), "%s", value);
		return 0;
	}
	if (!strcasecmp(key, "MACAgeing")) {
		if (!parse_u32(value, UINT32_MAX, &c->mac_ageing) || !c->mac_ageing)
			return wgconf_fail(r, value,
					   "MACAgeing is not a number of seconds 1-4294967295");
		return 0;
	}
	if (!strcasecmp(key, "Hub")) {
		if (!parse_bool(value, &c->hub))
			return wgconf_fail(r, value, "Hub is neither true nor false");
		c->has_hub = true;
		return 0;
	}
	if (!strcasecmp(key, "ClampMSS")) {
		/* tinc says yes/no; on/off and true/false read as well. */
		if (!strcasecmp(value, "on") || !strcasecmp(value, "yes"))
			c->clamp_mss = true;
		else if (!strcasecmp(value, "off") || !strcasecmp(value, "no"))
			c->clamp_mss = false;
		else if (!parse_bool(value, &c->clamp_mss))
			return wgconf_fail(r, value, "ClampMSS is neither on nor off");
		c->has_clamp_mss = true;
		return 0;
	}
	if (!strcasecmp(key, "User") || !strcasecmp(key, "Group")) {
		bool user = !strcasecmp(key, "User");
		char *dst = user ? c->user : c->group;

		if (*value && !id_name_ok(value))
			return wgconf_fail(r, value,
					   user ? "User is not a user name or number"
						: "Group is not a group name or number");
		snprintf(dst, WGCONF_ID_MAX, "%s", value);
		return 0;
	}
	if (!strcasecmp(key, "SaveConfig")) {
		if (!parse_bool(value, &c->save_config))
			return wgconf_fail(r, value, "SaveConfig is neither true nor false");
		return 0;
	}
	for (int h = 0; h < WGCONF_HOOK_COUNT; h++) {
		if (!strcasecmp(key, hook_names[h]))
			return strings_add(&c->hooks[h], raw_value) ? -ENOMEM : 0;
	}
	return 1;
}
