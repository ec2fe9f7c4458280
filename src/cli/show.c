// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren show [IFNAME | all | interfaces] [-j]: `wg show` for the
 * interfaces of userspace daemons (warrend, wireguard-go), read over their
 * UAPI sockets. The text layout is wg's, colours included (WG_COLOR_MODE,
 * WG_HIDE_KEYS as wg reads them); keys a daemon adds to its get reply
 * (warrend's drop counters) follow the fields wg knows, one per line. The
 * L2 extension's per-peer `mac=` and `allowed_mac=` lines (docs/l2.md)
 * become a table of MACs and one list, the device's MAC table counters
 * (`l2_macs_learned=` ...) one `mac table:` line. -j prints the same facts
 * as JSON for scripts (docs/up.md); the counters stay numbers in
 * "extensions".
 */
#include "cli/command.h"

#include "core/json.h"
#include "core/mac.h"
#include "core/uapi_text.h"
#include "engine/crypto.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>

static bool color;

#define C(code) (color ? "\x1b[" code "m" : "")
#define RESET C("0")
#define BOLD C("1")
#define GREEN C("32")
#define YELLOW C("33")
#define CYAN C("36")
#define RED C("31")

static void pick_color(void)
{
	const char *mode = getenv("WG_COLOR_MODE");

	if (mode && !strcmp(mode, "always"))
		color = true;
	else if (mode && !strcmp(mode, "never"))
		color = false;
	else
		color = isatty(STDOUT_FILENO) && getenv("TERM") && strcmp(getenv("TERM"), "dumb");
}

/* Public keys only: the text stays in a static buffer. */
static const char *b64(const uint8_t key[KEY_LEN])
{
	static char buf[KEY_BASE64_LEN + 1];

	key_to_base64(buf, key);
	return buf;
}

/*
 * A private or preshared key's line: "(hidden)" unless WG_HIDE_KEYS=never,
 * as wg prints it; the base64 is wiped once printed.
 */
static void print_secret(const char *label, const uint8_t key[KEY_LEN])
{
	const char *var = getenv("WG_HIDE_KEYS");
	char text[KEY_BASE64_LEN + 1];

	if (!var || strcmp(var, "never")) {
		printf("  %s%s%s: (hidden)\n", BOLD, label, RESET);
		return;
	}
	key_to_base64(text, key);
	printf("  %s%s%s: %s\n", BOLD, label, RESET, text);
	crypto_wipe(text, sizeof(text));
}

static size_t pretty_time(char *buf, size_t len, unsigned long long left)
{
	static const struct {
		const char *unit;
		unsigned long long secs;
	} units[] = {{"year", 365 * 24 * 3600ULL},
		     {"day", 24 * 3600ULL},
		     {"hour", 3600},
		     {"minute", 60},
		     {"second", 1}};
	size_t off = 0;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		unsigned long long v = left / units[i].secs;
		int n;

		left %= units[i].secs;
		if (!v || off >= len)
			continue;
		n = snprintf(buf + off, len - off, "%s%llu %s%s%s%s", off ? ", " : "", v, CYAN,
			     units[i].unit, v == 1 ? "" : "s", RESET);
		if (n > 0)
			off += (size_t)n;
	}
	return off < len ? off : len - 1;
}

static void print_ago(int64_t sec)
{
	char buf[512];
	time_t now = time(NULL);

	if (now == sec) {
		fputs("Now", stdout);
	} else if (now < sec) {
		printf("(%sSystem clock wound backward; connection problems may ensue.%s)", RED,
		       RESET);
	} else {
		pretty_time(buf, sizeof(buf), (unsigned long long)(now - sec));
		printf("%s ago", buf);
	}
}

static void print_bytes(uint64_t b)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)b;
	int u = -1;

	if (b < 1024) {
		printf("%u %sB%s", (unsigned int)b, CYAN, RESET);
		return;
	}
	while (u < 3 && (u < 0 || v >= 1024)) {
		v /= 1024;
		u++;
		if (v < 1024)
			break;
	}
	printf("%.2f %s%s%s", v, CYAN, units[u], RESET);
}

static const char *ip_text(char *buf, const struct wgconf_ip *ip)
{
	return inet_ntop(ip->family, &ip->addr, buf, INET6_ADDRSTRLEN);
}

/* wg's order: the most recent handshake first, peers without one last. */
static int peer_cmp(const void *a, const void *b)
{
	const struct uapi_peer *x = a, *y = b;
	bool xz = !x->last_handshake_sec && !x->last_handshake_nsec;
	bool yz = !y->last_handshake_sec && !y->last_handshake_nsec;

	if (xz != yz)
		return xz ? 1 : -1;
	if (x->last_handshake_sec != y->last_handshake_sec)
		return x->last_handshake_sec < y->last_handshake_sec ? 1 : -1;
	if (x->last_handshake_nsec != y->last_handshake_nsec)
		return x->last_handshake_nsec < y->last_handshake_nsec ? 1 : -1;
	return 0;
}

/* A peer's `mac=MAC,AGE_MS,RX_FRAMES,TX_FRAMES[,static]` line (docs/l2.md). */
struct mac_line {
	char mac[MAC_TEXT_LEN];
	uint64_t age_ms, rx, tx;
	bool is_static;
};

static bool is_l2_list(const char *key)
{
	return !strcmp(key, "mac") || !strcmp(key, "allowed_mac");
}

static bool parse_mac_line(const char *value, struct mac_line *m)
{
	int end = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(value, "%17[0-9a-fA-F:],%" SCNu64 ",%" SCNu64 ",%" SCNu64 "%n", m->mac,
		   &m->age_ms, &m->rx, &m->tx, &end) != 4 ||
	    !end)
		return false;
	if (!strcmp(value + end, ",static"))
		m->is_static = true;
	else if (value[end])
		return false;
	return true;
}

/* "allowed macs: A/48, B/24" and the "macs:" table, one MAC per line. */
static void print_l2_lists(const struct uapi_extra *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].key, "allowed_mac"))
			continue;
		if (!k++)
			printf("  %sallowed macs%s: ", BOLD, RESET);
		else
			fputs(", ", stdout);
		fputs(v[i].value, stdout);
	}
	if (k)
		putchar('\n');
	k = 0;
	for (size_t i = 0; i < n; i++) {
		struct mac_line m;

		if (strcmp(v[i].key, "mac"))
			continue;
		if (k++)
			fputs("        ", stdout);
		else
			printf("  %smacs%s: ", BOLD, RESET);
		if (!parse_mac_line(v[i].value, &m)) {
			printf("%s\n", v[i].value);
			continue;
		}
		printf("%s (", m.mac);
		if (m.is_static)
			fputs("static", stdout);
		else if (m.age_ms < 1000)
			fputs("now", stdout);
		else
			printf("%" PRIu64 " s ago", m.age_ms / 1000);
		printf(", rx %" PRIu64 ", tx %" PRIu64 ")\n", m.rx, m.tx);
	}
}

/* The MAC table's counters, l2_macs_<what>=N (docs/l2.md): one line in text. */
#define MAC_TABLE_PREFIX "l2_macs_"

static bool is_mac_table_counter(const char *key)
{
	return !strncmp(key, MAC_TABLE_PREFIX, strlen(MAC_TABLE_PREFIX));
}

/* "mac table: local 1, learned 5, moved 1, ..." in the daemon's order. */
static void print_mac_table(const struct uapi_extra *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_mac_table_counter(v[i].key))
			continue;
		if (!k++)
			printf("  %smac table%s: ", BOLD, RESET);
		else
			fputs(", ", stdout);
		printf("%s %s", v[i].key + strlen(MAC_TABLE_PREFIX), v[i].value);
	}
	if (k)
		putchar('\n');
}

static void print_extra(const struct uapi_extra *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (is_l2_list(v[i].key) || is_mac_table_counter(v[i].key))
			continue;
		printf("  %s", BOLD);
		for (const char *s = v[i].key; *s; s++)
			putchar(*s == '_' ? ' ' : *s);
		printf("%s: %s\n", RESET, v[i].value);
	}
	print_mac_table(v, n);
}

static void pretty_print(const char *name, struct uapi_device *dev)
{
	char ip[INET6_ADDRSTRLEN], ep[NI_MAXHOST + 16];
	uint8_t pub[KEY_LEN];

	printf("%s%s%sinterface%s: %s%s%s\n", RESET, GREEN, BOLD, RESET, GREEN, name, RESET);
	if (dev->has_private_key && !crypto_x25519_public(pub, dev->private_key))
		printf("  %spublic key%s: %s\n", BOLD, RESET, b64(pub));
	if (dev->has_private_key)
		print_secret("private key", dev->private_key);
	if (dev->listen_port)
		printf("  %slistening port%s: %u\n", BOLD, RESET, dev->listen_port);
	if (dev->fwmark)
		printf("  %sfwmark%s: 0x%x\n", BOLD, RESET, dev->fwmark);
	print_extra(dev->extra, dev->n_extra);
	if (dev->n_peers) {
		qsort(dev->peers, dev->n_peers, sizeof(*dev->peers), peer_cmp);
		putchar('\n');
	}
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *p = &dev->peers[i];

		printf("%s%speer%s: %s%s%s\n", YELLOW, BOLD, RESET, YELLOW, b64(p->public_key),
		       RESET);
		if (p->has_preshared_key)
			print_secret("preshared key", p->preshared_key);
		if (p->endpoint.sa.sa_family)
			printf("  %sendpoint%s: %s\n", BOLD, RESET,
			       uapi_text_endpoint(ep, sizeof(ep), &p->endpoint));
		printf("  %sallowed ips%s: ", BOLD, RESET);
		for (size_t j = 0; j < p->n_allowed_ips; j++)
			printf("%s%s/%s%u%s", ip_text(ip, &p->allowed_ips[j]), CYAN, RESET,
			       p->allowed_ips[j].cidr, j + 1 < p->n_allowed_ips ? ", " : "\n");
		if (!p->n_allowed_ips)
			puts("(none)");
		if (p->last_handshake_sec) {
			printf("  %slatest handshake%s: ", BOLD, RESET);
			print_ago(p->last_handshake_sec);
			putchar('\n');
		}
		if (p->rx_bytes || p->tx_bytes) {
			printf("  %stransfer%s: ", BOLD, RESET);
			print_bytes(p->rx_bytes);
			fputs(" received, ", stdout);
			print_bytes(p->tx_bytes);
			fputs(" sent\n", stdout);
		}
		if (p->persistent_keepalive) {
			char buf[256];

			pretty_time(buf, sizeof(buf), p->persistent_keepalive);
			printf("  %spersistent keepalive%s: every %s\n", BOLD, RESET, buf);
		}
		print_extra(p->extra, p->n_extra);
		print_l2_lists(p->extra, p->n_extra);
		if (i + 1 < dev->n_peers)
			putchar('\n');
	}
	crypto_wipe(pub, sizeof(pub));
}

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
		struct mac_line m;

		if (strcmp(v[i].key, "mac") || !parse_mac_line(v[i].value, &m))
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
		if (is_l2_list(v[i].key))
			continue;
		json_key(jw, v[i].key);
		print_json_number_or_string(jw, v[i].value);
	}
	json_object_end(jw);
	print_json_l2_lists(jw, v, n);
}

static void print_json_device(struct json_writer *jw, const char *name, struct uapi_device *dev)
{
	char ip[INET6_ADDRSTRLEN], prefix[INET6_ADDRSTRLEN + 4], ep[NI_MAXHOST + 16];
	uint8_t pub[KEY_LEN];

	json_object_begin(jw);
	json_key(jw, "interface");
	json_string(jw, name);
	if (dev->has_private_key && !crypto_x25519_public(pub, dev->private_key)) {
		json_key(jw, "public_key");
		json_string(jw, b64(pub));
	}
	json_key(jw, "listen_port");
	json_u64(jw, dev->listen_port);
	json_key(jw, "fwmark");
	json_u64(jw, dev->fwmark);
	print_json_extensions(jw, dev->extra, dev->n_extra);
	json_key(jw, "peers");
	json_array_begin(jw);
	qsort(dev->peers, dev->n_peers, sizeof(*dev->peers), peer_cmp);
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *p = &dev->peers[i];

		json_object_begin(jw);
		json_key(jw, "public_key");
		json_string(jw, b64(p->public_key));
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
			snprintf(prefix, sizeof(prefix), "%s/%u", ip_text(ip, &p->allowed_ips[j]),
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
	crypto_wipe(pub, sizeof(pub));
}

static int usage(void)
{
	fprintf(stderr, "Usage: warren show [ INTERFACE | all | interfaces ] [ -j ]\n");
	return 1;
}

int cmd_show(int argc, char **argv)
{
	const char *which = NULL;
	struct json_writer jw;
	bool json = cli_options.json > 0;
	char **names = NULL;
	size_t n = 0, shown = 0;
	int ret = 1, err;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json") ||
		    !strcmp(argv[i], "-json"))
			json = true;
		else if (!which && argv[i][0] != '-')
			which = argv[i];
		else
			return usage();
	}
	pick_color();
	if (!which || !strcmp(which, "all") || !strcmp(which, "interfaces")) {
		err = uapi_list(&names, &n);
		if (err) {
			fprintf(stderr, "Unable to list interfaces: %s\n", strerror(-err));
			return 1;
		}
		if (which && !strcmp(which, "interfaces") && !json) {
			for (size_t i = 0; i < n; i++)
				printf("%s%c", names[i], i + 1 < n ? ' ' : '\n');
			uapi_list_free(names, n);
			return 0;
		}
	} else {
		names = calloc(1, sizeof(*names));
		if (!names || !(names[0] = strdup(which))) {
			free(names);
			return 1;
		}
		n = 1;
	}
	if (json) {
		json_init(&jw, stdout, JSON_INDENTED);
		json_array_begin(&jw);
	}
	ret = 0;
	for (size_t i = 0; i < n; i++) {
		struct uapi_device dev;

		err = uapi_get(names[i], &dev);
		if (err) {
			fprintf(stderr, "Unable to access interface %s: %s\n", names[i],
				strerror(err == -ENOENT || err == -ECONNREFUSED ? ENODEV : -err));
			ret = 1;
			continue;
		}
		if (json) {
			print_json_device(&jw, names[i], &dev);
		} else {
			if (shown)
				putchar('\n');
			pretty_print(names[i], &dev);
		}
		shown++;
		uapi_device_free(&dev);
	}
	if (json) {
		json_array_end(&jw);
		json_finish(&jw);
	}
	uapi_list_free(names, n);
	return ret;
}
