// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config reader. Each line is cut at '#', then looked at twice, as the
 * reference tools do: wg-quick trims the key and value around the first '='
 * and claims its own keys in "[Interface]"; everything else goes to wg's
 * grammar, which first deletes every whitespace character of the line.
 */
#include "core/wgconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "core/log.h"
#include "core/secret.h"
#include "core/value.h"

enum section {
	SECTION_NONE,
	SECTION_INTERFACE,
	SECTION_PEER,
};

/* The C locale's isspace(): what both wg and bash's [[:space:]] strip. */
static bool is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int list_read(struct wgconf_reader *r, const char *value,
		     int (*item_fn)(struct wgconf_reader *r, char *item, void *ctx), void *ctx);
static bool ifname_ok(const char *s, size_t len);

/* A copy of s[0..len) without leading and trailing whitespace. */
static char *dup_trimmed(const char *s, size_t len)
{
	char *out;

	while (len && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && is_space((unsigned char)s[len - 1]))
		len--;
	out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

/* A copy of s[0..len) with every whitespace character removed. */
static char *dup_compact(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t n = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (!is_space((unsigned char)s[i]))
			out[n++] = s[i];
	}
	out[n] = '\0';
	return out;
}

/* A string that may hold a key, with the length to wipe when freed. */
struct wiped_str {
	char *s;
	size_t len;
};

/* Records @s with its length now, before parsing cuts it with NULs. */
static char *wiped(struct wiped_str *w, char *s)
{
	w->s = s;
	w->len = s ? strlen(s) : 0;
	return s;
}

__attribute__((format(printf, 3, 4))) static int fail(struct wgconf_reader *r, const char *value,
						      const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->error, sizeof(r->error), "%s:%u: %s: `%s'", r->file, r->line, what, value);
	return -EINVAL;
}

__attribute__((format(printf, 2, 3))) static void warning(struct wgconf_reader *r, const char *fmt,
							  ...)
{
	char what[256], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s:%u: Warning: %s", r->file, r->line, what);
	if (r->warn)
		r->warn(r->warn_arg, msg);
	else
		pr_info("%s", msg);
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

static void strings_free(struct wgconf_strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
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
		return fail(r, shown, "Key is not the correct length or format");
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
		return fail(r, shown, "Port is not a number 0-65535");
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
	if (value_endpoint(value, strlen(value), VALUE_NAME, &v, (struct sockaddr *)&ep->addr,
			   sizeof(ep->addr)))
		return fail(r, shown, "%s", v.fault);
	h = strndup(v.host, v.host_len);
	if (!h)
		return -ENOMEM;
	ep->host = h;
	ep->port = v.port;
	ep->numeric = v.numeric;
	peer->has_endpoint = true;
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
			return fail(r, entry, "AllowedIP is not in the correct format");
		if (mask_host_bits(&ip))
			warning(r, "AllowedIP has nonzero host part: %s", entry);
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
		return fail(r, item,
			    "AllowedMACs entry is not a MAC address with an optional /1-48");
	return mac_push(&p->allowed_macs, &p->n_allowed_macs, &m);
}

/* StaticMACs items (list_read): unicast MACs, appended to the peer @ctx's. */
static int static_mac_item(struct wgconf_reader *r, char *item, void *ctx)
{
	struct wgconf_peer *p = ctx;
	struct wgconf_mac m = {.bits = MAC_BITS};

	if (mac_parse(item, m.mac, NULL) || mac_is_multicast(m.mac) || mac_is_zero(m.mac))
		return fail(r, item, "StaticMACs entry is not a unicast MAC address");
	return mac_push(&p->static_macs, &p->n_static_macs, &m);
}

/*
 * A line of `wg setconf`'s grammar; @compact has no whitespace left, @key
 * and @value are as written (trimmed), for messages.
 */
static int wg_line(struct wgconf_reader *r, const char *compact, const char *key, const char *value)
{
	struct wgconf *c = r->conf;
	const char *eq = strchr(compact, '=');
	const char *v;
	size_t klen;

	if (!eq)
		return fail(r, compact, "Expected `Key = Value'");
	klen = (size_t)(eq - compact);
	v = eq + 1;
#define KEY(name) (klen == sizeof(name) - 1 && !strncasecmp(compact, name, klen))
	if (!*v) /* wg does not know a key without a value */
		return fail(r, compact, "Value missing");
	if (r->section == SECTION_INTERFACE) {
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
				return fail(r, value, "Fwmark is neither 0/off nor 0-0xffffffff");
			c->fwmark = (uint32_t)mark;
			c->has_fwmark = true;
			return 0;
		}
	} else if (r->section == SECTION_PEER) {
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
		if (!(r->flags & WGCONF_SETCONF) && KEY("AllowedMACs"))
			return list_read(r, v, allowed_mac_item, p);
		if (!(r->flags & WGCONF_SETCONF) && KEY("StaticMACs"))
			return list_read(r, v, static_mac_item, p);
		if (KEY("PersistentKeepalive")) {
			uint64_t k;

			if (value_uint(v, strlen(v), UINT16_MAX, VALUE_OFF, &k))
				return fail(
				    r, value,
				    "Persistent keepalive interval is neither 0/off nor 1-65535");
			p->persistent_keepalive = (uint16_t)k;
			p->has_persistent_keepalive = true;
			return 0;
		}
	} else {
		return fail(r, key, "Key outside a section, expected [Interface] or [Peer] first");
	}
#undef KEY
	return fail(r, key, "Key unknown in %s section",
		    r->section == SECTION_PEER ? "[Peer]" : "[Interface]");
}

/* The next item of a list_read() list, NUL-terminated in place; 0 at the end. */
static int list_next(char **cursor, char **item)
{
	char *s = *cursor;

	while (*s == ',' || is_space((unsigned char)*s))
		s++;
	if (!*s)
		return 0;
	*item = s;
	while (*s && *s != ',' && !is_space((unsigned char)*s))
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
		return fail(r, item, "Address is not an IP address with an optional /prefix");
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
		return fail(r, item, "DNS server is not an IP address");
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
 * A wg-quick key in [Interface]: returns 1 when @key is not one of them,
 * else 0 or -errno. @value is trimmed, @raw_value is the trimmed rest of the
 * uncut line after its first '='.
 */
static int quick_line(struct wgconf_reader *r, const char *key, char *value, const char *raw_value)
{
	struct wgconf *c = r->conf;

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
			return fail(r, value, "MTU is not a number 68-65535");
		return 0;
	}
	if (!strcasecmp(key, "Table")) {
		uint32_t id;

		free(c->table_name);
		c->table_name = NULL;
		/* wg-quick compares these two case-sensitively ("Off" is a name). */
		if (!*value || !strcmp(value, "auto")) {
			c->table = WGCONF_TABLE_AUTO;
		} else if (!strcmp(value, "off")) {
			c->table = WGCONF_TABLE_OFF;
		} else if (is_digit((unsigned char)value[0])) {
			if (!parse_u32(value, UINT32_MAX, &id))
				return fail(r, value,
					    "Table is neither auto, off, a name nor 0-4294967295");
			c->table = WGCONF_TABLE_ID;
			c->table_id = id;
		} else if (table_name_ok(value)) {
			c->table_name = strdup(value);
			if (!c->table_name)
				return -ENOMEM;
			c->table = WGCONF_TABLE_NAME;
		} else {
			return fail(r, value,
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
			return fail(r, value, "Mode is neither tun nor tap");
		return 0;
	}
	if (!strcasecmp(key, "Bridge")) {
		if (!*value) {
			c->bridge[0] = '\0';
			return 0;
		}
		if (!ifname_ok(value, strlen(value)))
			return fail(r, value, "Bridge is not an interface name");
		snprintf(c->bridge, sizeof(c->bridge), "%s", value);
		return 0;
	}
	if (!strcasecmp(key, "MACAgeing")) {
		if (!parse_u32(value, UINT32_MAX, &c->mac_ageing) || !c->mac_ageing)
			return fail(r, value, "MACAgeing is not a number of seconds 1-4294967295");
		return 0;
	}
	if (!strcasecmp(key, "Hub")) {
		if (!parse_bool(value, &c->hub))
			return fail(r, value, "Hub is neither true nor false");
		c->has_hub = true;
		return 0;
	}
	if (!strcasecmp(key, "SaveConfig")) {
		if (!parse_bool(value, &c->save_config))
			return fail(r, value, "SaveConfig is neither true nor false");
		return 0;
	}
	for (int h = 0; h < WGCONF_HOOK_COUNT; h++) {
		if (!strcasecmp(key, hook_names[h]))
			return strings_add(&c->hooks[h], raw_value) ? -ENOMEM : 0;
	}
	return 1;
}

static int section_line(struct wgconf_reader *r, const char *compact, const char *trimmed)
{
	struct wgconf *c = r->conf;

	/* wg-quick claims its keys only under a header written exactly so. */
	r->quick_section = !strcasecmp(trimmed, "[Interface]");
	if (!strcasecmp(compact, "[Interface]")) {
		r->section = SECTION_INTERFACE;
		return 0;
	}
	if (!strcasecmp(compact, "[Peer]")) {
		struct wgconf_peer *p = secret_array_push(c->peers, &c->n_peers, sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->peers = p;
		c->peers[c->n_peers - 1].line = r->line;
		r->section = SECTION_PEER;
		return 0;
	}
	r->section = SECTION_NONE;
	return fail(r, trimmed, "Section unknown, expected [Interface] or [Peer]");
}

void wgconf_read_init(struct wgconf_reader *r, struct wgconf *conf, const char *file,
		      unsigned int flags, wgconf_warn_fn warn_fn, void *warn_arg)
{
	memset(r, 0, sizeof(*r));
	memset(conf, 0, sizeof(*conf));
	r->conf = conf;
	r->file = file;
	r->flags = flags;
	r->warn = warn_fn;
	r->warn_arg = warn_arg;
}

int wgconf_read_line(struct wgconf_reader *r, const char *line)
{
	size_t len = strcspn(line, "#"), raw_len = strcspn(line, "\n");
	char *compact = NULL, *trimmed = NULL, *key = NULL, *value = NULL, *raw_value = NULL;
	/* Any of these may hold a PrivateKey or PresharedKey as base64. */
	struct wiped_str secrets[4] = {{0}};
	const char *eq;
	int ret;

	r->line++;
	if (len > raw_len)
		len = raw_len;
	compact = wiped(&secrets[0], dup_compact(line, len));
	trimmed = wiped(&secrets[1], dup_trimmed(line, len));
	if (!compact || !trimmed) {
		ret = -ENOMEM;
		goto out;
	}
	ret = 0;
	if (!*compact)
		goto out;
	if (compact[0] == '[' || trimmed[0] == '[') {
		ret = section_line(r, compact, trimmed);
		goto out;
	}
	eq = strchr(trimmed, '=');
	if (eq && r->quick_section && r->section == SECTION_INTERFACE &&
	    !(r->flags & WGCONF_SETCONF)) {
		const char *raw_eq = memchr(line, '=', raw_len);

		key = dup_trimmed(trimmed, (size_t)(eq - trimmed));
		value = wiped(&secrets[2], dup_trimmed(eq + 1, strlen(eq + 1)));
		raw_value = wiped(&secrets[3],
				  dup_trimmed(raw_eq + 1, raw_len - (size_t)(raw_eq + 1 - line)));
		if (!key || !value || !raw_value) {
			ret = -ENOMEM;
			goto out;
		}
		ret = quick_line(r, key, value, raw_value);
		if (ret <= 0)
			goto out;
	}
	if (!key) {
		key = dup_trimmed(trimmed, eq ? (size_t)(eq - trimmed) : strlen(trimmed));
		if (!key) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = wg_line(r, compact, key, eq ? eq + 1 + strspn(eq + 1, " \t\v\f\r") : trimmed);
out:
	if (ret == -ENOMEM)
		snprintf(r->error, sizeof(r->error), "%s:%u: %s", r->file, r->line,
			 strerror(ENOMEM));
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		secret_free(secrets[i].s, secrets[i].len);
	free(key);
	return ret;
}

int wgconf_read_finish(struct wgconf_reader *r)
{
	for (size_t i = 0; i < r->conf->n_peers; i++) {
		if (!r->conf->peers[i].has_public_key) {
			r->line = r->conf->peers[i].line;
			return fail(r, "[Peer]", "Peer is missing a PublicKey");
		}
	}
	return 0;
}

static void set_error(char *error, size_t error_len, const char *msg)
{
	if (error && error_len)
		snprintf(error, error_len, "%s", msg);
}

int wgconf_read_string(struct wgconf *conf, const char *file, const char *text, size_t len,
		       unsigned int flags, char *error, size_t error_len)
{
	struct wgconf_reader r;
	char *line = malloc(len + 1);
	size_t pos = 0;
	int ret = 0;

	wgconf_read_init(&r, conf, file, flags, NULL, NULL);
	if (!line) {
		set_error(error, error_len, strerror(ENOMEM));
		return -ENOMEM;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		/* A NUL ends the line for wg's getline()-based reader too. */
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		ret = wgconf_read_line(&r, line);
		if (ret)
			break;
	}
	OPENSSL_cleanse(line, len + 1);
	free(line);
	if (!ret)
		ret = wgconf_read_finish(&r);
	if (ret) {
		set_error(error, error_len, r.error);
		wgconf_free(conf);
	}
	return ret;
}

int wgconf_read_file(struct wgconf *conf, const char *path, unsigned int flags, char *error,
		     size_t error_len)
{
	struct wgconf_reader r;
	char *line = NULL, iobuf[BUFSIZ];
	size_t cap = 0;
	ssize_t n;
	int ret = 0;
	FILE *f;

	wgconf_read_init(&r, conf, path, flags, NULL, NULL);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		if (error && error_len)
			snprintf(error, error_len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	/*
	 * The file holds the private key: stdio reads it into our buffer,
	 * wiped below, and getline() starts big enough not to move a line.
	 */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	line = malloc(LINE_MAX);
	cap = line ? LINE_MAX : 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		ret = wgconf_read_line(&r, line);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(r.error, sizeof(r.error), "%s: %s", path, strerror(EIO));
	}
	secret_free(line, cap);
	fclose(f);
	OPENSSL_cleanse(iobuf, sizeof(iobuf));
	if (!ret)
		ret = wgconf_read_finish(&r);
	if (ret) {
		set_error(error, error_len, r.error);
		wgconf_free(conf);
	}
	return ret;
}

bool wgconf_world_accessible(const char *path)
{
	struct stat file, dir;
	char *copy, *slash;
	int ret;

	if (stat(path, &file))
		return false;
	copy = strdup(path);
	if (!copy)
		return false;
	slash = strrchr(copy, '/');
	if (!slash)
		ret = stat(".", &dir);
	else if (slash == copy)
		ret = stat("/", &dir);
	else {
		*slash = '\0';
		ret = stat(copy, &dir);
	}
	free(copy);
	if (ret)
		return false;
	return (file.st_mode & dir.st_mode & 0007) != 0;
}

/* wg-quick's interface names: 1-15 of [A-Za-z0-9_=+.-]. */
static bool ifname_ok(const char *s, size_t len)
{
	if (!len || len > 15)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (!is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !strchr("_=+.-", c))
			return false;
	}
	return true;
}

int wgconf_locate(const char *arg, char **path, char ifname[16], char *error, size_t error_len)
{
	const char *base, *dot;
	size_t len = strlen(arg);

	if (ifname_ok(arg, len)) {
		if (asprintf(path, "/etc/wireguard/%s.conf", arg) < 0)
			return -ENOMEM;
		memcpy(ifname, arg, len + 1);
		return 0;
	}
	base = strrchr(arg, '/');
	base = base ? base + 1 : arg;
	dot = len >= 5 ? arg + len - 5 : NULL;
	if (!dot || dot < base || strcmp(dot, ".conf") || !ifname_ok(base, (size_t)(dot - base))) {
		if (error && error_len)
			snprintf(error, error_len,
				 "The config file must be a valid interface name, followed by "
				 ".conf: `%s'",
				 arg);
		return -EINVAL;
	}
	*path = strdup(arg);
	if (!*path)
		return -ENOMEM;
	memcpy(ifname, base, (size_t)(dot - base));
	ifname[dot - base] = '\0';
	return 0;
}

void wgconf_free(struct wgconf *conf)
{
	if (!conf)
		return;
	free(conf->addresses);
	free(conf->dns);
	strings_free(&conf->dns_search);
	free(conf->table_name);
	for (int h = 0; h < WGCONF_HOOK_COUNT; h++)
		strings_free(&conf->hooks[h]);
	for (size_t i = 0; i < conf->n_peers; i++) {
		free(conf->peers[i].endpoint.host);
		free(conf->peers[i].allowed_ips);
		free(conf->peers[i].allowed_macs);
		free(conf->peers[i].static_macs);
	}
	secret_free(conf->peers, conf->n_peers * sizeof(*conf->peers));
	OPENSSL_cleanse(conf, sizeof(*conf));
}
