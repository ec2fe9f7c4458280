// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren reload CONFIG_FILE | INTERFACE: what a service's ExecReload runs.
 * Re-reads the wg-quick config of a running interface and applies its
 * differences without dropping sessions: the WireGuard part as `wg
 * syncconf' (conf_sync(): only what differs is sent, so unchanged peers
 * keep their sessions; a FwMark the config leaves out is kept, as up may
 * have set it for a default route), then the addresses, the MTU and the
 * routes of the allowed IPs that came or went, as a wg-quick user does by
 * hand. Each change is noted as its "[#] ..." command, and a summary ends
 * on stdout. What it cannot change (Mode, and Table, DNS, Bridge, hooks,
 * whose old values it does not know) is in docs/up.md.
 */
#include "cli/command.h"
#include "cli/conf.h"
#include "cli/quick.h"

#include "os/uapi_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <warren/rtnl.h>

static int usage(FILE *f)
{
	fprintf(f, "Usage: warren reload [ CONFIG_FILE | INTERFACE ]\n\n"
		   "  Applies the differences between the configuration file and the running\n"
		   "  interface without dropping sessions: peers, keys, addresses, MTU and\n"
		   "  the routes of changed AllowedIPs.\n");
	return f == stdout ? 0 : 1;
}

/* Peers, keys, and the routes of the allowed IPs that changed. */
static int reload_wg(struct quick *q, const union sockaddr_inet *eps,
		     struct uapi_sync_report *report, unsigned int *routes_added,
		     unsigned int *routes_removed)
{
	struct uapi_device before = {0}, after = {0};
	int ret;

	ret = quick_get_device(q, &before);
	if (ret)
		return ret;
	ret = conf_check_mode(q->config_file, &q->conf, &before, q->ifname);
	if (!ret)
		ret = conf_sync(q->ifname, &q->conf, eps, &before, UAPI_SYNC_KEEP_FWMARK, report,
				"/dev/fd/63");
	if (ret)
		goto out;
	/* In L2 mode allowed IPs mean nothing (docs/l2.md): no routes. */
	if (q->conf.tap)
		goto out;
	ret = quick_get_device(q, &after);
	if (!ret)
		ret = quick_sync_routes(q, &before, &after, routes_added, routes_removed);
out:
	uapi_device_free(&after);
	uapi_device_free(&before);
	return ret;
}

int cmd_reload(int argc, char **argv)
{
	struct quick q = {0};
	struct uapi_sync_report report = {0};
	union sockaddr_inet *eps = NULL;
	unsigned int addr_added = 0, addr_removed = 0, route_added = 0, route_removed = 0;
	unsigned int old_mtu = 0, new_mtu = 0;
	char summary[160];
	int ret = 1;

	if (argc == 1 && (cli_is_help(argv[0]) || !strcmp(argv[0], "help")))
		return usage(stdout);
	if (argc != 1)
		return usage(stderr);
	if (quick_read_config(&q, argv[0]))
		goto out;
	if (quick_resolve_table(&q))
		goto out;
	if (!uapi_alive(q.ifname)) {
		quick_die("`%s' is not a WireGuard interface", q.ifname);
		goto out;
	}
	q.ifindex = warren_rtnl_ifindex(q.rtnl, q.ifname);
	if (q.ifindex <= 0) {
		quick_die("`%s': %s", q.ifname, warren_strerror(q.ifindex ? q.ifindex : -ENODEV));
		goto out;
	}
	if (quick_resolve_endpoints(&q, &eps))
		goto out;
	if (reload_wg(&q, eps, &report, &route_added, &route_removed) ||
	    quick_sync_addresses(&q, &addr_added, &addr_removed) ||
	    quick_sync_mtu(&q, &old_mtu, &new_mtu))
		goto out;
	printf("%s: %s; addresses: %u added, %u removed; routes: %u added, %u removed; mtu %u",
	       q.ifname, conf_sync_summary(summary, sizeof(summary), &report), addr_added,
	       addr_removed, route_added, route_removed, new_mtu);
	if (old_mtu != new_mtu)
		printf(" (was %u)", old_mtu);
	printf("\n");
	ret = 0;
out:
	free(eps);
	quick_free(&q);
	return ret;
}
