// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren show { IFNAME | all } FIELD: the lines scripts read from `wg show
 * IFNAME FIELD`, byte for byte: tab-separated, "(none)" for a missing key,
 * endpoint or allowed IP, "off" for no fwmark or keepalive, keys in base64
 * and never hidden. With `all`, every line starts with the interface's name
 * and a tab, on every peer line as wg prints it since b4f6b4f ("show: fix
 * show all endpoints output"; wg 1.0.20210914 prefixed only the first
 * endpoint line). Contracts in show.h.
 */
#include "cli/show.h"

#include "engine/crypto.h"
#include "core/secret.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <netdb.h>
#include <sys/socket.h>

static const char *const fields[] = {
    "public-key",
    "private-key",
    "listen-port",
    "fwmark",
    "peers",
    "preshared-keys",
    "endpoints",
    "allowed-ips",
    "latest-handshakes",
    "transfer",
    "persistent-keepalive",
    "dump",
};

bool show_field_is_known(const char *field)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(field, fields[i]))
			return true;
	return false;
}

static void prefix(const char *name, bool with_interface)
{
	if (with_interface)
		printf("%s\t", name);
}

/* A secret's base64, wiped once printed; "(none)" when the daemon has none. */
static void print_key_or_none(const uint8_t key[KEY_LEN], bool have_it, char end)
{
	char text[KEY_BASE64_LEN + 1];

	if (!have_it) {
		printf("(none)%c", end);
		return;
	}
	key_to_base64(text, key);
	printf("%s%c", text, end);
	secret_wipe(text, sizeof(text));
}

static void print_public_key(const struct uapi_device *dev, char end)
{
	uint8_t pub[KEY_LEN];

	if (dev->has_private_key && !crypto_x25519_public(pub, dev->private_key))
		printf("%s%c", show_key(pub), end);
	else
		printf("(none)%c", end);
	secret_wipe(pub, sizeof(pub));
}

static void print_fwmark(uint32_t fwmark)
{
	if (fwmark)
		printf("0x%x\n", fwmark);
	else
		puts("off");
}

static void print_endpoint(const struct uapi_peer *p, char end)
{
	char ep[NI_MAXHOST + 16];

	if (p->endpoint.sa.sa_family == AF_INET || p->endpoint.sa.sa_family == AF_INET6)
		printf("%s%c", uapi_text_endpoint(ep, sizeof(ep), &p->endpoint), end);
	else
		printf("(none)%c", end);
}

/* The prefixes joined by @sep, then @end; "(none)" and @end for none. */
static void print_allowed_ips(const struct uapi_peer *p, char sep, char end)
{
	char ip[INET6_ADDRSTRLEN];

	if (!p->n_allowed_ips)
		printf("(none)%c", end);
	for (size_t j = 0; j < p->n_allowed_ips; j++)
		printf("%s/%u%c", show_ip(ip, &p->allowed_ips[j]), p->allowed_ips[j].cidr,
		       j + 1 < p->n_allowed_ips ? sep : end);
}

static void print_keepalive(uint16_t interval)
{
	if (interval)
		printf("%u\n", interval);
	else
		puts("off");
}

static void print_dump(const char *name, const struct uapi_device *dev, bool with_interface)
{
	prefix(name, with_interface);
	print_key_or_none(dev->private_key, dev->has_private_key, '\t');
	print_public_key(dev, '\t');
	printf("%u\t", dev->listen_port);
	print_fwmark(dev->fwmark);
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *p = &dev->peers[i];

		prefix(name, with_interface);
		printf("%s\t", show_key(p->public_key));
		print_key_or_none(p->preshared_key, p->has_preshared_key, '\t');
		print_endpoint(p, '\t');
		print_allowed_ips(p, ',', '\t');
		printf("%llu\t%" PRIu64 "\t%" PRIu64 "\t",
		       (unsigned long long)p->last_handshake_sec, p->rx_bytes, p->tx_bytes);
		print_keepalive(p->persistent_keepalive);
	}
}

bool show_field(const char *name, const struct uapi_device *dev, const char *field,
		bool with_interface)
{
	if (!show_field_is_known(field))
		return false;
	if (!strcmp(field, "dump")) {
		print_dump(name, dev, with_interface);
		return true;
	}
	if (!strcmp(field, "public-key") || !strcmp(field, "private-key") ||
	    !strcmp(field, "listen-port") || !strcmp(field, "fwmark")) {
		prefix(name, with_interface);
		if (!strcmp(field, "public-key"))
			print_public_key(dev, '\n');
		else if (!strcmp(field, "private-key"))
			print_key_or_none(dev->private_key, dev->has_private_key, '\n');
		else if (!strcmp(field, "listen-port"))
			printf("%u\n", dev->listen_port);
		else
			print_fwmark(dev->fwmark);
		return true;
	}
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *p = &dev->peers[i];

		prefix(name, with_interface);
		printf("%s%s", show_key(p->public_key), strcmp(field, "peers") ? "\t" : "\n");
		if (!strcmp(field, "preshared-keys"))
			print_key_or_none(p->preshared_key, p->has_preshared_key, '\n');
		else if (!strcmp(field, "endpoints"))
			print_endpoint(p, '\n');
		else if (!strcmp(field, "allowed-ips"))
			print_allowed_ips(p, ' ', '\n');
		else if (!strcmp(field, "latest-handshakes"))
			printf("%llu\n", (unsigned long long)p->last_handshake_sec);
		else if (!strcmp(field, "transfer"))
			printf("%" PRIu64 "\t%" PRIu64 "\n", p->rx_bytes, p->tx_bytes);
		else if (!strcmp(field, "persistent-keepalive"))
			print_keepalive(p->persistent_keepalive);
	}
	return true;
}
