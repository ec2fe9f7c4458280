// SPDX-License-Identifier: GPL-2.0-only
/*
 * The firewall side of wg-quick's default route: src_valid_mark and the
 * nftables table "wg-quick-IFNAME" (add_default/remove_firewall).
 * Contracts in quick.h.
 */
#include "cli/quick.h"

#include "os/rtnl_query.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

static const char *const families[] = {"ip", "ip6"};

unsigned int quick_firewall_tables(struct quick *q)
{
	unsigned int have = 0;
	char table[32];

	if (!quick_have_program("nft"))
		return 0;
	snprintf(table, sizeof(table), "wg-quick-%s", q->ifname);
	for (size_t i = 0; i < 2; i++) {
		char *list[] = {"nft", "list", "table", (char *)families[i], table, NULL};

		if (!quick_run(list, NULL, true))
			have |= 1u << i;
	}
	return have;
}

/*
 * wg-quick's remove_firewall() for nftables: drops the tables
 * "wg-quick-IFNAME" that add_default() made, in one `nft -f' as wg-quick.
 * iptables rules are not made by warren (see docs/up.md), so none are
 * removed.
 */
unsigned int quick_remove_firewall(struct quick *q)
{
	unsigned int have = quick_firewall_tables(q), n = 0;
	char script[128] = "";
	char *argv[] = {"nft", "-f", "-", NULL};

	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(script);

		if (!(have & (1u << i)))
			continue;
		snprintf(script + len, sizeof(script) - len, "delete table %s wg-quick-%s\n",
			 families[i], q->ifname);
		n++;
	}
	if (n) {
		quick_note("nft -f /dev/fd/63");
		quick_run(argv, script, false);
	}
	return n;
}

/* wg-quick's src_valid_mark and nftables rules for a default route. */
void quick_add_firewall(struct quick *q, int family, uint32_t table)
{
	const char *pf = family == AF_INET6 ? "ip6" : "ip";
	struct rtnl_query_addr *addrs = NULL;
	char *text = NULL, ip[INET6_ADDRSTRLEN];
	size_t len = 0, n = 0;
	FILE *f;

	if (family == AF_INET) {
		int fd = open("/proc/sys/net/ipv4/conf/all/src_valid_mark", O_WRONLY | O_CLOEXEC);

		quick_note("sysctl -q net.ipv4.conf.all.src_valid_mark=1");
		if (fd < 0 || write(fd, "1\n", 2) != 2)
			fprintf(stderr,
				"Warning: cannot set net.ipv4.conf.all.src_valid_mark: %s\n",
				strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (!quick_have_program("nft")) {
		fprintf(stderr,
			"Warning: nft(8) is not installed: no rules drop packets for %s's "
			"addresses from other interfaces, nor keep the fwmark on replies\n",
			q->ifname);
		return;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return;
	fprintf(f, "add table %s wg-quick-%s\n", pf, q->ifname);
	fprintf(f,
		"add chain %s wg-quick-%s preraw { type filter hook prerouting priority -300; }\n",
		pf, q->ifname);
	fprintf(
	    f,
	    "add chain %s wg-quick-%s premangle { type filter hook prerouting priority -150; }\n",
	    pf, q->ifname);
	fprintf(
	    f,
	    "add chain %s wg-quick-%s postmangle { type filter hook postrouting priority -150; }\n",
	    pf, q->ifname);
	if (!rtnl_query_addrs(q->ifindex, &addrs, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (addrs[i].family != family)
				continue;
			fprintf(f,
				"add rule %s wg-quick-%s preraw iifname != \"%s\" %s daddr %s fib "
				"saddr "
				"type != local drop\n",
				pf, q->ifname, q->ifname, pf,
				quick_ip_str(ip, family, &addrs[i].addr));
		}
		free(addrs);
	}
	fprintf(f, "add rule %s wg-quick-%s postmangle meta l4proto udp mark %u ct mark set mark\n",
		pf, q->ifname, table);
	fprintf(f, "add rule %s wg-quick-%s premangle meta l4proto udp meta mark set ct mark\n", pf,
		q->ifname);
	if (!fclose(f)) {
		char *argv[] = {"nft", "-f", "-", NULL};

		quick_note("nft -f /dev/fd/63");
		if (quick_run(argv, text, false))
			fprintf(stderr,
				"Warning: nft failed; the firewall rules of %s are missing\n",
				q->ifname);
	}
	free(text);
	q->have_set_firewall = true;
}
