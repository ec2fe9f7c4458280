// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren set IF ...: `wg set', through the daemon's UAPI. The grammar is
 * wg's (wireguard-tools config_read_cmd()): device keys first, then
 * `peer KEY' and that peer's keys, each word turned into its UAPI line as
 * it is read. Values are read by core/value.h's parsers, in wg's grammar.
 * warren's extensions (docs/up.md): `hub true|false' and `mac-ageing
 * SECONDS' for the device, `allowed-macs MAC[/BITS],...' (replacing the
 * peer's list; "" clears it) and `static-macs MAC,...' (added) for a peer.
 * Keys read from files are wiped at the one exit label.
 */
#include "cli/command.h"

#include "core/key.h"
#include "core/mac.h"
#include "core/secret.h"
#include "core/uapi_text.h"
#include "core/value.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

static const char usage_text[] =
    "Usage: warren set <interface> [listen-port <port>] [fwmark <mark>] "
    "[private-key <file path>] [hub true|false] [mac-ageing <seconds>] "
    "[peer <base64 public key> [remove] [preshared-key <file path>] "
    "[endpoint <ip>:<port>] [persistent-keepalive <interval seconds>] "
    "[allowed-ips [+|-]<ip1>/<cidr1>[,[+|-]<ip2>/<cidr2>]...] "
    "[allowed-macs <mac>[/<bits>][,...]] [static-macs <mac>[,...]] ]...\n";

/*
 * wg's parse_keyfile(): 44 characters of base64 and nothing but
 * whitespace after them; an empty file (or /dev/null) is the zero key,
 * which removes the key. 0 or -1, reported.
 */
static int read_keyfile(uint8_t key[KEY_LEN], const char *path)
{
	char text[KEY_BASE64_LEN + 1], iobuf[BUFSIZ];
	int c, ret = -1;
	size_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	n = fread(text, 1, KEY_BASE64_LEN, f);
	if (!n && feof(f) && !ferror(f)) {
		memset(key, 0, KEY_LEN);
		ret = 0;
		goto out;
	}
	if (n != KEY_BASE64_LEN) {
		fprintf(stderr, "%s: Invalid length key in key file\n", path);
		goto out;
	}
	while ((c = getc(f)) != EOF) {
		if (c != ' ' && (c < '\t' || c > '\r')) {
			fprintf(stderr, "%s: Found trailing character in key file: `%c'\n", path,
				c);
			goto out;
		}
	}
	if (value_key(key, text, KEY_BASE64_LEN, 0)) {
		fprintf(stderr, "%s: Key is not the correct length or format\n", path);
		goto out;
	}
	ret = 0;
out:
	fclose(f);
	secret_wipe(text, sizeof(text));
	secret_wipe(iobuf, sizeof(iobuf));
	return ret;
}

/* wg's parse_endpoint(): an address, or a name resolved (the first answer). */
static int endpoint_line(FILE *out, const char *arg)
{
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_protocol = IPPROTO_UDP};
	struct value_endpoint v;
	union sockaddr_inet sa;
	struct addrinfo *res;
	char host[NI_MAXHOST], port[8], text[NI_MAXHOST + NI_MAXSERV + 4];
	int ret;

	if (value_endpoint(arg, strlen(arg), VALUE_NAME, &v, &sa.sa, sizeof(sa))) {
		fprintf(stderr, "%s: `%s'\n", v.fault, arg);
		return -1;
	}
	if (!v.numeric) {
		snprintf(host, sizeof(host), "%.*s", (int)v.host_len, v.host);
		snprintf(port, sizeof(port), "%u", v.port);
		ret = getaddrinfo(host, port, &hints, &res);
		if (ret) {
			fprintf(stderr, "%s: `%s'\n", gai_strerror(ret), arg);
			return -1;
		}
		memset(&sa, 0, sizeof(sa));
		if (res->ai_addrlen <= sizeof(sa))
			memcpy(&sa, res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
	}
	fprintf(out, "endpoint=%s\n", uapi_text_endpoint(text, sizeof(text), &sa));
	return 0;
}

/*
 * wg's parse_allowedips() with current wg's +/- prefixes: a list without
 * whitespace; without a prefix the peer's list is replaced (once per
 * peer, *@replaced), "" clears it.
 */
static int allowed_ips_lines(FILE *out, const char *arg, bool *replaced)
{
	char *list = malloc(strlen(arg) + 1), *item, *next;
	char ip[INET6_ADDRSTRLEN];
	int ret = -1;
	size_t n = 0;

	if (!list)
		return -1;
	for (const char *s = arg; *s; s++)
		if (*s != ' ' && (*s < '\t' || *s > '\r'))
			list[n++] = *s;
	list[n] = '\0';
	if (!n) {
		if (!*replaced)
			fputs("replace_allowed_ips=true\n", out);
		*replaced = true;
		ret = 0;
		goto out;
	}
	for (item = list; item; item = next) {
		char sign = *item == '+' || *item == '-' ? *item++ : 0;
		struct wgconf_ip a = {0};

		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (value_prefix(item, strlen(item), 0, &a.family, &a.addr, &a.cidr)) {
			fprintf(stderr, "AllowedIP is not in the correct format: `%s'\n", item);
			goto out;
		}
		if (!sign && !*replaced) {
			fputs("replace_allowed_ips=true\n", out);
			*replaced = true;
		}
		inet_ntop(a.family, &a.addr, ip, sizeof(ip));
		fprintf(out, "allowed_ip=%s%s/%u\n", sign == '-' ? "-" : "", ip, a.cidr);
	}
	ret = 0;
out:
	free(list);
	return ret;
}

/* allowed-macs (replaced) and static-macs (added): MAC[/BITS] lists. */
static int mac_lines(FILE *out, const char *arg, bool allowed)
{
	char *list = strdup(arg), *item, *save = NULL, text[MAC_TEXT_LEN];
	uint8_t mac[MAC_LEN], bits = MAC_BITS;
	int ret = 0;

	if (!list)
		return -1;
	if (allowed)
		fputs("replace_allowed_macs=true\n", out);
	for (item = strtok_r(list, ", \t", &save); item; item = strtok_r(NULL, ", \t", &save)) {
		if (mac_parse(item, mac, allowed ? &bits : NULL) || (allowed && !bits) ||
		    (!allowed && (mac_is_multicast(mac) || mac_is_zero(mac)))) {
			fprintf(stderr, "%s entry is not a %s: `%s'\n",
				allowed ? "AllowedMACs" : "StaticMACs",
				allowed ? "MAC address with an optional /1-48"
					: "unicast MAC address",
				item);
			ret = -1;
			break;
		}
		mac_format(mac, text);
		if (allowed)
			fprintf(out, "allowed_mac=%s/%u\n", text, bits);
		else
			fprintf(out, "static_mac=%s\n", text);
	}
	free(list);
	return ret;
}

/* An unsigned number of wg's grammar (@flags: VALUE_OFF, VALUE_HEX), at most @max. */
static int number(const char *arg, uint64_t max, unsigned int flags, const char *what,
		  uint64_t *out)
{
	if (!value_uint(arg, strlen(arg), max, flags, out))
		return 0;
	fprintf(stderr, "%s: `%s'\n", what, arg);
	return -1;
}

static const char mac_ageing_fault[] = "MACAgeing is not a number of seconds 1-4294967295";

/* A key's UAPI line: NAME=HEX. */
static void key_to_hex_line(FILE *out, const char *name, const uint8_t key[KEY_LEN])
{
	char hex[KEY_HEX_LEN + 1];

	key_to_hex(hex, key);
	fprintf(out, "%s=%s\n", name, hex);
	secret_wipe(hex, sizeof(hex));
}

/* Reads the words of `wg set' into the UAPI request @out. 0 or -1, reported. */
static int set_lines(FILE *out, int argc, char **argv)
{
	uint8_t key[KEY_LEN];
	bool peer = false, replaced = false;
	uint64_t v;
	int ret = -1;

	fputs("set=1\n", out);
	while (argc > 0) {
		const char *word = argv[0], *arg = argc >= 2 ? argv[1] : NULL;
		int used = 2;

		if (!strcmp(word, "listen-port") && arg && !peer) {
			if (number(arg, 65535, 0, "Port is not a number 0-65535", &v))
				goto out;
			fprintf(out, "listen_port=%u\n", (unsigned int)v);
		} else if (!strcmp(word, "fwmark") && arg && !peer) {
			if (number(arg, UINT32_MAX, VALUE_OFF | VALUE_HEX,
				   "Fwmark is neither 0/off nor 0-0xffffffff", &v))
				goto out;
			fprintf(out, "fwmark=%u\n", (unsigned int)v);
		} else if (!strcmp(word, "private-key") && arg && !peer) {
			if (read_keyfile(key, arg))
				goto out;
			key_to_hex_line(out, "private_key", key);
		} else if (!strcmp(word, "hub") && arg && !peer) {
			if (strcmp(arg, "true") && strcmp(arg, "false")) {
				fprintf(stderr, "Hub is neither true nor false: `%s'\n", arg);
				goto out;
			}
			fprintf(out, "hub=%s\n", arg);
		} else if (!strcmp(word, "mac-ageing") && arg && !peer) {
			if (number(arg, UINT32_MAX, 0, mac_ageing_fault, &v))
				goto out;
			if (!v) {
				fprintf(stderr, "%s: `%s'\n", mac_ageing_fault, arg);
				goto out;
			}
			fprintf(out, "mac_ageing=%u\n", (unsigned int)v);
		} else if (!strcmp(word, "peer") && arg) {
			if (value_key(key, arg, strlen(arg), 0)) {
				fprintf(stderr, "Key is not the correct length or format: `%s'\n",
					arg);
				goto out;
			}
			key_to_hex_line(out, "public_key", key);
			peer = true;
			replaced = false;
		} else if (!strcmp(word, "remove") && peer) {
			fputs("remove=true\n", out);
			used = 1;
		} else if (!strcmp(word, "endpoint") && arg && peer) {
			if (endpoint_line(out, arg))
				goto out;
		} else if (!strcmp(word, "allowed-ips") && arg && peer) {
			if (allowed_ips_lines(out, arg, &replaced))
				goto out;
		} else if (!strcmp(word, "persistent-keepalive") && arg && peer) {
			if (number(arg, 65535, VALUE_OFF,
				   "Persistent keepalive interval is neither 0/off nor 1-65535",
				   &v))
				goto out;
			fprintf(out, "persistent_keepalive_interval=%u\n", (unsigned int)v);
		} else if (!strcmp(word, "preshared-key") && arg && peer) {
			if (read_keyfile(key, arg))
				goto out;
			key_to_hex_line(out, "preshared_key", key);
		} else if ((!strcmp(word, "allowed-macs") || !strcmp(word, "static-macs")) && arg &&
			   peer) {
			if (mac_lines(out, arg, word[0] == 'a'))
				goto out;
		} else {
			fprintf(stderr, "Invalid argument: %s\n", word);
			goto out;
		}
		argc -= used;
		argv += used;
	}
	fputs("\n", out);
	ret = ferror(out) ? -1 : 0;
out:
	secret_wipe(key, sizeof(key));
	return ret;
}

int cmd_set(int argc, char **argv)
{
	struct secret_buf req = {0};
	FILE *f;
	int ret = 1, err;

	if (argc == 1 && cli_is_help(argv[0])) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 1;
	}
	f = secret_stream(&req); /* the request may hold private_key= */
	if (!f) {
		fprintf(stderr, "warren: %s\n", strerror(ENOMEM));
		return 1;
	}
	err = set_lines(f, argc - 1, argv + 1);
	if (fclose(f) || err)
		goto out;
	err = uapi_set(argv[0], req.data, req.len);
	if (err) {
		fprintf(stderr, "Unable to modify interface `%s': %s\n", argv[0],
			err == -ENOENT || err == -ECONNREFUSED ? "No such device" : strerror(-err));
		goto out;
	}
	ret = 0;
out:
	secret_buf_free(&req);
	return ret;
}
