// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren show -j: the facts of wg show as JSON for scripts (docs/up.md); the
 * daemon's extension keys in "extensions", numbers kept as numbers, and the
 * L2 lists as arrays. Contracts in show.h.
 */
#include "cli/show.h"

#include "engine/crypto.h"
#include "core/secret.h"

#include <stdlib.h>
#include <string.h>
#include <netdb.h>

/*
 * An extension's value: a number when it is decimal digits that fit, else
 * a string (docs/up.md).
 */
static void print_json_number_or_string(struct json_writer *jw, const char *val)
{
	size_t len = strlen(val);

	if (len && len < 20 && strspn(val, "0123456789") == len)
		json_u64(jw, strtoull(val, NULL, 10));
	else
		json_string(jw, val);
}

/* "allowed_macs": [...] and "macs": [{...}], only when the peer has them. */
static void print_json_l2_lists(struct json_writer *jw, const struct uapi_extra *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].key, "allowed_mac"))
			continue;
		if (!k++) {
			json_key(jw, "allowed_macs");
			json_array_begin_line(jw);
		}
		json_string(jw, v[i].value);
	}
	if (k)
		json_array_end(jw);
	k = 0;
	for (size_t i = 0; i < n; i++) {
		struct show_mac_line m;

		if (strcmp(v[i].key, "mac") || !show_parse_mac_line(v[i].value, &m))
			continue;
		if (!k++) {
			json_key(jw, "macs");
			json_array_begin(jw);
		}
		json_object_begin_line(jw);
		json_key(jw, "mac");
		json_string(jw, m.mac);
		json_key(jw, "age_ms");
		json_u64(jw, m.age_ms);
		json_key(jw, "rx_frames");
		json_u64(jw, m.rx);
		json_key(jw, "tx_frames");
		json_u64(jw, m.tx);
		json_key(jw, "static");
		json_bool(jw, m.is_static);
		json_object_end(jw);
	}
	if (k)
		json_array_end(jw);
}

static void print_json_extensions(struct json_writer *jw, const struct uapi_extra *v, size_t n)
{
	json_key(jw, "extensions");
	json_object_begin(jw);
	for (size_t i = 0; i < n; i++) {
		if (show_is_l2_list(v[i].key))
			continue;
		json_key(jw, v[i].key);
		print_json_number_or_string(jw, v[i].value);
	}
	json_object_end(jw);
	print_json_l2_lists(jw, v, n);
}

void show_json(struct json_writer *jw, const char *name, struct uapi_device *dev)
{
	char ip[INET6_ADDRSTRLEN], prefix[INET6_ADDRSTRLEN + 4], ep[NI_MAXHOST + 16];
	uint8_t pub[KEY_LEN];

	json_object_begin(jw);
	json_key(jw, "interface");
	json_string(jw, name);
	if (dev->has_private_key && !crypto_x25519_public(pub, dev->private_key)) {
		json_key(jw, "public_key");
		json_string(jw, show_key(pub));
	}
	json_key(jw, "listen_port");
	json_u64(jw, dev->listen_port);
	json_key(jw, "fwmark");
	json_u64(jw, dev->fwmark);
	print_json_extensions(jw, dev->extra, dev->n_extra);
	json_key(jw, "peers");
	json_array_begin(jw);
	show_sort_peers(dev);
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *p = &dev->peers[i];

		json_object_begin(jw);
		json_key(jw, "public_key");
		json_string(jw, show_key(p->public_key));
		json_key(jw, "preshared_key");
		json_bool(jw, p->has_preshared_key);
		json_key(jw, "endpoint");
		if (p->endpoint.sa.sa_family)
			json_string(jw, uapi_text_endpoint(ep, sizeof(ep), &p->endpoint));
		else
			json_null(jw);
		json_key(jw, "allowed_ips");
		json_array_begin_line(jw);
		for (size_t j = 0; j < p->n_allowed_ips; j++) {
			snprintf(prefix, sizeof(prefix), "%s/%u", show_ip(ip, &p->allowed_ips[j]),
				 p->allowed_ips[j].cidr);
			json_string(jw, prefix);
		}
		json_array_end(jw);
		json_key(jw, "latest_handshake");
		json_i64(jw, p->last_handshake_sec);
		json_key(jw, "rx_bytes");
		json_u64(jw, p->rx_bytes);
		json_key(jw, "tx_bytes");
		json_u64(jw, p->tx_bytes);
		json_key(jw, "persistent_keepalive");
		json_u64(jw, p->persistent_keepalive);
		print_json_extensions(jw, p->extra, p->n_extra);
		json_object_end(jw);
	}
	json_array_end(jw);
	json_object_end(jw);
	secret_wipe(pub, sizeof(pub));
}
