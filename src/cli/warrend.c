// SPDX-License-Identifier: GPL-2.0-only
/*
 * warrend: the userspace WireGuard daemon, with wireguard-go's command line
 * and environment, so that wg-quick runs it as
 * WG_QUICK_USERSPACE_IMPLEMENTATION=warrend.
 *
 *   warrend [-f|--foreground] IFNAME      warrend --version
 *
 *   WG_PROCESS_FOREGROUND=1  same as -f
 *   LOG_LEVEL=verbose|debug|error|silent   (default: error)
 *   WG_TUN_FD, WG_UAPI_FD, WARREN_MODE: see daemon/launch.h
 *
 * This file is the command line; what it launches, and how, is
 * daemon/launch.c's. It creates the TUN device (MTU 1420, or 1404 for TAP:
 * messages.h's TUNNEL_DEFAULT_MTU and TUNNEL_L2_DEFAULT_MTU) and
 * /var/run/wireguard/IFNAME.sock, then goes to the background: the parent
 * exits 0 once the child has the device, the socket and the rest of its
 * setup in place, 1 if any of it failed. It exits 0 on SIGINT/SIGTERM,
 * when the device is deleted or the socket file removed, leaving neither
 * behind: the socket file is removed and the TUN queue closed, which
 * deletes a device that is not persistent. A device from WG_TUN_FD is
 * never deleted otherwise (as with wireguard-go): a persistent one, or one
 * whose queue another process holds, stays. A WG_TUN_FD or WG_UAPI_FD that
 * is not a number, not open, or not a TUN queue or a listening unix socket
 * is reported, with its value, and exits 1.
 *
 * Unlike wireguard-go, a usage error exits 1 (wireguard-go exits 0).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include "core/log.h"
#include "daemon/launch.h"

#ifndef WARREN_VERSION
#define WARREN_VERSION "0"
#endif

static void usage(const char *prog)
{
	fprintf(stderr, "Usage: %s [-f/--foreground] INTERFACE-NAME\n", prog);
}

int main(int argc, char **argv)
{
	const char *ifname, *env;
	enum log_level level = LOG_LEVEL_ERROR;
	bool foreground = false;

	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("warrend v%s\n\nUserspace WireGuard daemon for Linux (warren).\n",
		       WARREN_VERSION);
		return 0;
	}
	if (argc == 3 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--foreground"))) {
		foreground = true;
		ifname = argv[2];
	} else if (argc == 2 && argv[1][0] != '-') {
		ifname = argv[1];
	} else {
		usage(argv[0]);
		return 1;
	}
	env = getenv("WG_PROCESS_FOREGROUND");
	if (env && !strcmp(env, "1"))
		foreground = true;
	env = getenv("LOG_LEVEL");
	if (env && log_level_parse(env, &level))
		level = LOG_LEVEL_ERROR;
	log_set_level(level);
	if (strlen(ifname) >= IFNAMSIZ || !*ifname || strchr(ifname, '/')) {
		fprintf(stderr, "warrend: invalid interface name `%s'\n", ifname);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	return launch_run(ifname, foreground);
}
