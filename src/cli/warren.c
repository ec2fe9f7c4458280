// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren: the command line. Global options come first, as with `ip`; then a
 * command word, dispatched from the table below.
 */
#include "cli/command.h"

#include <stdio.h>
#include <string.h>

struct cli_options cli_options;

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "tuntap", cmd_tuntap, "manage TUN/TAP devices, as `ip tuntap`" },
	{ "genkey", cmd_genkey, "print a new private key, as `wg genkey`" },
	{ "pubkey", cmd_pubkey, "print the public key of the private key on stdin" },
	{ "genpsk", cmd_genpsk, "print a new preshared key, as `wg genpsk`" },
	{ "up", cmd_up, "bring up a WireGuard interface from a wg-quick config" },
	{ "down", cmd_down, "take down an interface brought up by `warren up`" },
	{ "show", cmd_show, "show WireGuard interfaces, as `wg show`, with drop counters" },
};

int cli_matches(const char *arg, const char *word)
{
	size_t len = strlen(arg);

	if (!len || len > strlen(word))
		return 1;
	return memcmp(word, arg, len);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: warren [ OPTIONS ] COMMAND [ ARGUMENTS ]\n"
		   "where  OPTIONS := { -d[etails] | -j[son] | -p[retty] | -o[neline] }\n"
		   "       COMMAND := ");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "%s%s", i ? " | " : "{ ", commands[i].name);
	fprintf(f, " }\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	while (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		const char *opt = argv[1];

		if (!strcmp(opt, "--")) { /* ends the options, as with ip */
			argc--;
			argv++;
			break;
		}
		if (opt[1] == '-' && opt[2])
			opt++;
		if (!cli_matches(opt, "-help")) {
			usage(stdout);
			return 0;
		} else if (!cli_matches(opt, "-details")) {
			cli_options.details++;
		} else if (!cli_matches(opt, "-json")) {
			cli_options.json++;
		} else if (!cli_matches(opt, "-pretty")) {
			cli_options.pretty++;
		} else if (!cli_matches(opt, "-oneline")) {
			cli_options.oneline++;
		} else {
			fprintf(stderr,
				"Option \"%s\" is unknown, try \"warren -help\".\n",
				opt);
			return 255;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage(stderr);
		return 255;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 2, argv + 2);
	}
	fprintf(stderr, "Object \"%s\" is unknown, try \"warren help\".\n", argv[1]);
	return 255;
}
