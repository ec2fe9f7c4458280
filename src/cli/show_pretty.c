// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren show IFNAME: wg show's pretty text, colours included (WG_COLOR_MODE,
 * WG_HIDE_KEYS as wg reads them); keys a daemon adds to its get reply
 * (warrend's drop counters) follow the fields wg knows, one per line. The
 * L2 extension's per-peer `mac=` and `allowed_mac=` lines (docs/l2.md)
 * become a table of MACs and one list, the device's MAC table counters
 * (`l2_macs_learned=` ...) one `mac table:` line. Contracts in show.h.
 */
#include "cli/show.h"

#include "core/mac.h"
#include "engine/crypto.h"
#include "core/secret.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
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
	secret_wipe(text, sizeof(text));
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
		struct show_mac_line m;

		if (strcmp(v[i].key, "mac"))
			continue;
		if (k++)
			fputs("        ", stdout);
		else
			printf("  %smacs%s: ", BOLD, RESET);
		if (!show_parse_mac_line(v[i].value, &m)) {
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
		if (show_is_l2_list(v[i].key) || is_mac_table_counter(v[i].key))
			continue;
		printf("  %s", BOLD);
		for (const char *s = v[i].key; *s; s++)
			putchar(*s == '_' ? ' ' : *s);
		printf("%s: %s\n", RESET, v[i].value);
	}
	print_mac_table(v, n);
}

void show_pretty(const char *name, struct uapi_device *dev)
{
	char ip[INET6_ADDRSTRLEN], ep[NI_MAXHOST + 16];
	uint8_t pub[KEY_LEN];

	pick_color();
	printf("%s%s%sinterface%s: %s%s%s\n", RESET, GREEN, BOLD, RESET, GREEN, name, RESET);
	if (dev->has_private_key && !crypto_x25519_public(pub, dev->private_key))
		printf("  %spublic key%s: %s\n", BOLD, RESET, show_key(pub));
	if (dev->has_private_key)
		print_secret("private key", dev->private_key);
	if (dev->listen_port)
		printf("  %slistening port%s: %u\n", BOLD, RESET, dev->listen_port);
	if (dev->fwmark)
		printf("  %sfwmark%s: 0x%x\n", BOLD, RESET, dev->fwmark);
	print_extra(dev->extra, dev->n_extra);
	if (dev->n_peers) {
		show_sort_peers(dev);
		putchar('\n');
	}
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct uapi_peer *p = &dev->peers[i];

		printf("%s%speer%s: %s%s%s\n", YELLOW, BOLD, RESET, YELLOW, show_key(p->public_key),
		       RESET);
		if (p->has_preshared_key)
			print_secret("preshared key", p->preshared_key);
		if (p->endpoint.sa.sa_family)
			printf("  %sendpoint%s: %s\n", BOLD, RESET,
			       uapi_text_endpoint(ep, sizeof(ep), &p->endpoint));
		printf("  %sallowed ips%s: ", BOLD, RESET);
		for (size_t j = 0; j < p->n_allowed_ips; j++)
			printf("%s%s/%s%u%s", show_ip(ip, &p->allowed_ips[j]), CYAN, RESET,
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
	secret_wipe(pub, sizeof(pub));
}
