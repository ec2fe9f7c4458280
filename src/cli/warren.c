// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren: the command line. Global options come first, as with `ip`
 * (options.c); then a command word, matched by prefix in the order of the
 * table below (as `ip` matches its objects: `warren tunt` is tuntap, and
 * `tap` is its alias).
 */
#include "cli/command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help; /* NULL: an alias, not listed */
} commands[] = {
    {"tuntap", cmd_tuntap, "manage TUN/TAP devices, as `ip tuntap`"},
    {"tap", cmd_tuntap, NULL},
    {"genkey", cmd_genkey, "print a new private key, as `wg genkey`"},
    {"pubkey", cmd_pubkey, "print the public key of the private key on stdin"},
    {"genpsk", cmd_genpsk, "print a new preshared key, as `wg genpsk`"},
    {"up", cmd_up, "bring up a WireGuard interface from a wg-quick config"},
    {"down", cmd_down, "take down an interface brought up by `warren up`"},
    {"show", cmd_show, "show WireGuard interfaces, as `wg show`, with drop counters"},
    {"showconf", cmd_showconf, "print an interface's config, as `wg showconf`, L2 keys too"},
    {"set", cmd_set, "change an interface's keys, as `wg set`"},
    {"setconf", cmd_setconf, "apply a config file to an interface, as `wg setconf`"},
    {"addconf", cmd_addconf, "add a config file's peers to an interface, as `wg addconf`"},
    {"syncconf", cmd_syncconf, "apply only a config file's differences, as `wg syncconf`"},
    {"strip", cmd_strip, "print a wg-quick config without wg-quick's keys"},
    {"save", cmd_save, "write an interface's state into its config, as `wg-quick save`"},
    {"reload", cmd_reload, "apply a changed wg-quick config without dropping sessions"},
    {"help", cmd_help, "print this help"},
    {"version", cmd_version, "print the version, as -V and --version"},
};

enum { N_COMMANDS = sizeof(commands) / sizeof(commands[0]) };

static void usage(FILE *f)
{
	fprintf(f, "Usage: warren [ OPTIONS ] COMMAND [ ARGUMENTS ]\n"
		   "where  OPTIONS := { -d[etails] | -j[son] | -p[retty] | -o[neline] |\n"
		   "                    -s[tatistics] | -c[olor] | -n[etns] name | -V[ersion] |\n"
		   "                    --version | -h[elp] }\n"
		   "       COMMAND := ");
	for (size_t i = 0, n = 0; i < N_COMMANDS; i++)
		if (commands[i].help)
			fprintf(f, "%s%s", n++ ? " | " : "{ ", commands[i].name);
	fprintf(f, " }\n\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i].help)
			fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

/* `warren version`, as `wg version`. */
static int cmd_version(int argc, char **argv)
{
	if (argc > 1 || (argc == 1 && !cli_is_help(argv[0]))) {
		fputs("Usage: warren version\n", stderr);
		return 1;
	}
	if (argc == 1)
		puts("Usage: warren version");
	else
		cli_print_version();
	return 0;
}

int main(int argc, char **argv)
{
	bool help = false;
	int ret = cli_parse_options(&argc, &argv, &help);

	if (ret >= 0)
		return ret;
	if (help) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage(stderr);
		return 255;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (cli_matches(argv[1], commands[i].name))
			continue;
		return commands[i].fn(argc - 2, argv + 2);
	}
	fprintf(stderr, "Object \"%s\" is unknown, try \"warren help\".\n", argv[1]);
	return 1;
}
