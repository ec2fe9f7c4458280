// SPDX-License-Identifier: GPL-2.0-only
/*
 * DNS = ...: the name servers and search domains of a config handed to
 * resolvconf(8), as wg-quick's set_dns/unset_dns. Contracts in quick.h.
 */
#include "cli/quick.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

/* resolvconf's interface name: wg-quick's resolvconf_iface_prefix(). */
static void resolvconf_iface(char *buf, size_t len, const char *ifname)
{
	FILE *f = fopen("/etc/resolvconf/interface-order", "re");
	char line[256];

	snprintf(buf, len, "%s", ifname);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					"0123456789-");

		if (n && line[n] == '*' && (line[n + 1] == '\n' || !line[n + 1])) {
			snprintf(buf, len, "%.*s.%s", (int)n, line, ifname);
			break;
		}
	}
	fclose(f);
}

int quick_set_dns(struct quick *q)
{
	char iface[128], ip[INET6_ADDRSTRLEN], *text = NULL;
	size_t text_len = 0;
	FILE *f;
	int ret;

	if (!q->conf.n_dns)
		return 0;
	/*
	 * Fail closed, as wg-quick does (its resolvconf call fails and up
	 * undoes itself): a full tunnel whose DNS servers were dropped would
	 * send every name lookup outside it.
	 */
	if (!quick_have_program("resolvconf")) {
		quick_die("%s: DNS is set but resolvconf(8) is not installed (install openresolv "
			  "or resolvconf, or remove DNS)",
			  q->config_file);
		return -ENOENT;
	}
	f = open_memstream(&text, &text_len);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < q->conf.n_dns; i++)
		fprintf(f, "nameserver %s\n",
			inet_ntop(q->conf.dns[i].family, &q->conf.dns[i].addr, ip, sizeof(ip)));
	for (size_t i = 0; i < q->conf.dns_search.n; i++)
		fprintf(f, "%s%s", i ? " " : "search ", q->conf.dns_search.v[i]);
	if (q->conf.dns_search.n)
		fputc('\n', f);
	fclose(f);
	resolvconf_iface(iface, sizeof(iface), q->ifname);
	{
		char *argv[] = {"resolvconf", "-a", iface, "-m", "0", "-x", NULL};

		quick_note("resolvconf -a %s -m 0 -x", iface);
		ret = quick_run(argv, text, false);
	}
	free(text);
	if (ret) {
		quick_die("resolvconf -a %s failed with status %d", iface, ret < 0 ? 255 : ret);
		return -EIO;
	}
	q->have_set_dns = true;
	return 0;
}

void quick_unset_dns(struct quick *q)
{
	char iface[128];
	char *argv[] = {"resolvconf", "-d", iface, "-f", NULL};

	if (!q->conf.n_dns || !quick_have_program("resolvconf"))
		return;
	resolvconf_iface(iface, sizeof(iface), q->ifname);
	quick_note("resolvconf -d %s -f", iface);
	quick_run(argv, NULL, false);
}
