/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The commands of the `warren` binary. Each lives in its own file
 * (tuntap.c, ...) and is dispatched from the const table in warren.c.
 * A command returns the process exit status.
 */
#ifndef WARREN_CLI_COMMAND_H
#define WARREN_CLI_COMMAND_H

#include <stdbool.h>

/* Global options given before the command word, as `ip` takes them. */
struct cli_options {
	int details; /* -d, -details */
	int json;    /* -j, -json */
	int pretty;  /* -p, -pretty */
	int oneline; /* -o, -oneline */
	int stats;   /* -s, -stats, -statistics: accepted; no command shows more yet */
	/* -c[olor][=always|auto|never], NO_COLOR: the escape sequence that
	 * starts an interface name, NULL when output is not coloured. */
	const char *ifname_color;
};

/* Set by cli_parse_options() (options.c) before any command runs. */
extern struct cli_options cli_options;

/*
 * Reads the global options at @argv[1] on into cli_options, entering a
 * network namespace for -netns, and leaves *@argc and *@argv at the
 * command word (as argv[1]). Returns -1 to go on, or the exit status when
 * the options end the program (-Version, a bad option). *@help is set for
 * -help: the caller prints its usage and exits with 0.
 */
int cli_parse_options(int *argc, char ***argv, bool *help);

/* "warren utility, warren-VERSION": -V, --version and `warren version`. */
void cli_print_version(void);

/*
 * True for -h and --help. Every command given one of them as its only
 * argument prints its usage on stdout and exits 0; warren.c sees to it for
 * a command that prints its usage on stderr with status 1 instead.
 */
bool cli_is_help(const char *arg);

/* iproute2's matches(): 0 when @arg is a non-empty prefix of @word. */
int cli_matches(const char *arg, const char *word);

int cmd_tuntap(int argc, char **argv);
int cmd_genkey(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);
int cmd_genpsk(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_showconf(int argc, char **argv);
int cmd_setconf(int argc, char **argv);
int cmd_addconf(int argc, char **argv);
int cmd_syncconf(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_strip(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_reload(int argc, char **argv);

#endif
