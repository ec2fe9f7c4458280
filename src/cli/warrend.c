// SPDX-License-Identifier: GPL-2.0-only
/*
 * warrend: the userspace WireGuard daemon, with wireguard-go's command line
 * and environment, so that wg-quick runs it as
 * WG_QUICK_USERSPACE_IMPLEMENTATION=warrend.
 *
 *   warrend [-f|--foreground] [--user USER [--group GROUP]] [--low-port] IFNAME
 *   warrend --version
 *
 *   WG_PROCESS_FOREGROUND=1  same as -f
 *   LOG_LEVEL=verbose|debug|error|silent   (default: error)
 *   WG_TUN_FD, WG_UAPI_FD, WARREN_MODE: see daemon/launch.h
 *   WARREN_LOW_PORT, WARREN_SECCOMP: see daemon/sandbox.h
 *
 * --user, --group and --low-port are warren's (docs/security.md): once the
 * device is set up, warrend runs as USER (and GROUP, else USER's group)
 * with CAP_NET_ADMIN only, plus CAP_NET_BIND_SERVICE with --low-port (a
 * listen port below 1024), as OpenVPN's --user and --group.
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
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include "core/log.h"
#include "daemon/launch.h"
#include "daemon/sandbox.h"

#ifndef WARREN_VERSION
#define WARREN_VERSION "0"
#endif

static void usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [-f/--foreground] [--user USER [--group GROUP]] [--low-port] "
		"INTERFACE-NAME\n",
		prog);
}

enum { OPT_USER = 256, OPT_GROUP, OPT_LOW_PORT };

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"foreground", no_argument, NULL, 'f'},
	    {"user", required_argument, NULL, OPT_USER},
	    {"group", required_argument, NULL, OPT_GROUP},
	    {"low-port", no_argument, NULL, OPT_LOW_PORT},
	    {NULL, 0, NULL, 0},
	};
	const char *ifname, *env, *user = NULL, *group = NULL;
	enum log_level level = LOG_LEVEL_ERROR;
	struct sandbox sandbox;
	bool foreground = false, low_port = false;
	int opt;

	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("warrend v%s\n\nUserspace WireGuard daemon for Linux (warren).\n",
		       WARREN_VERSION);
		return 0;
	}
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+f", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			foreground = true;
			break;
		case OPT_USER:
			user = optarg;
			break;
		case OPT_GROUP:
			group = optarg;
			break;
		case OPT_LOW_PORT:
			low_port = true;
			break;
		default:
			usage(argv[0]);
			return 1;
		}
	}
	if (optind != argc - 1 || (group && !user)) {
		usage(argv[0]);
		return 1;
	}
	ifname = argv[optind];
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
	if (sandbox_init(&sandbox) || (user && sandbox_set_user(&sandbox, user, group)))
		return 1;
	if (low_port)
		sandbox.low_port = true;
	signal(SIGPIPE, SIG_IGN);
	return launch_run(ifname, foreground, &sandbox);
}
