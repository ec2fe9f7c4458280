// SPDX-License-Identifier: GPL-2.0-only
/*
 * The global options of `warren`, before the command word, with iproute2
 * 6.1's names, prefixes and order of matching (ip/ip.c). Contracts in
 * command.h.
 */
#include "cli/command.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/netns.h"

#ifndef WARREN_VERSION
#define WARREN_VERSION "0"
#endif

struct cli_options cli_options;

int cli_matches(const char *arg, const char *word)
{
	size_t len = strlen(arg);

	if (!len || len > strlen(word))
		return 1;
	return memcmp(word, arg, len);
}

void cli_print_version(void)
{
	printf("warren utility, warren-%s\n", WARREN_VERSION);
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

enum color_opt { COLOR_NEVER, COLOR_AUTO, COLOR_ALWAYS };

/* iproute2's matches_color(): -c[olor][=always|auto|never]. */
static bool matches_color(const char *opt, enum color_opt *val)
{
	const char *eq = strchr(opt, '=');
	size_t len = eq ? (size_t)(eq - opt) : strlen(opt);
	char word[sizeof("-color")];

	if (len >= sizeof(word))
		return false;
	memcpy(word, opt, len);
	word[len] = '\0';
	if (cli_matches(word, "-color"))
		return false;
	if (!eq || !eq[1] || !strcmp(eq + 1, "always"))
		*val = COLOR_ALWAYS;
	else if (!strcmp(eq + 1, "auto"))
		*val = COLOR_AUTO;
	else if (!strcmp(eq + 1, "never"))
		*val = COLOR_NEVER;
	else
		return false;
	return true;
}

/*
 * iproute2 6.1's palette for interface names: cyan, bold when COLORFGBG
 * says the background is dark (its last field 0-6 or 8).
 */
static const char *ifname_color(enum color_opt color)
{
	const char *bg = getenv("COLORFGBG");
	bool dark;

	if (cli_options.json || color == COLOR_NEVER)
		return NULL;
	if (color == COLOR_AUTO && !isatty(STDOUT_FILENO))
		return NULL;
	bg = bg ? strrchr(bg, ';') : NULL;
	dark = bg && ((bg[1] >= '0' && bg[1] <= '6') || bg[1] == '8') && !bg[2];
	return dark ? "\033[1;36m" : "\033[36m";
}

static int enter_netns(const char *name)
{
	const char *step = "open";
	int err = netns_enter(name, &step);

	if (!err)
		return 0;
	if (!strcmp(step, "open"))
		fprintf(stderr, "Cannot open network namespace \"%s\": %s\n", name, strerror(-err));
	else if (!strcmp(step, "setns"))
		fprintf(stderr, "setting the network namespace \"%s\" failed: %s\n", name,
			strerror(-err));
	else
		fprintf(stderr, "%s failed: %s\n", step, strerror(-err));
	return err;
}

int cli_parse_options(int *argc, char ***argv, bool *help)
{
	int ac = *argc;
	char **av = *argv;
	enum color_opt color = COLOR_NEVER; /* Debian's iproute2 is built with colour off */

	while (ac > 1 && av[1][0] == '-' && av[1][1]) {
		const char *opt = av[1];

		if (!strcmp(opt, "--")) { /* ends the options, as with ip */
			ac--;
			av++;
			break;
		}
		if (!strcmp(opt, "--version")) { /* as wg and most GNU programs spell it */
			cli_print_version();
			return 0;
		}
		if (opt[1] == '-' && opt[2])
			opt++;
		/* The options that change nothing for warren's commands are
		 * accepted, as ip accepts them for `ip tuntap`. */
		if (!strcmp(opt, "-4") || !strcmp(opt, "-6") || !cli_matches(opt, "-human") ||
		    !cli_matches(opt, "-human-readable") || !cli_matches(opt, "-iec")) {
		} else if (!cli_matches(opt, "-stats") || !cli_matches(opt, "-statistics")) {
			cli_options.stats++;
		} else if (!cli_matches(opt, "-details")) {
			cli_options.details++;
		} else if (!cli_matches(opt, "-resolve")) {
		} else if (!cli_matches(opt, "-oneline")) {
			cli_options.oneline++;
		} else if (!cli_matches(opt, "-Version")) {
			cli_print_version();
			return 0;
		} else if (!cli_matches(opt, "-json")) {
			cli_options.json++;
		} else if (!cli_matches(opt, "-pretty")) {
			cli_options.pretty++;
		} else if (matches_color(opt, &color)) {
		} else if (!cli_matches(opt, "-help")) {
			*help = true;
			return -1;
		} else if (!cli_matches(opt, "-netns")) {
			if (ac < 3) {
				fprintf(stderr,
					"Command line is not complete. Try option \"help\"\n");
				return 255;
			}
			if (enter_netns(av[2]))
				return 255;
			ac--;
			av++;
		} else if (!cli_matches(opt, "-Numeric")) {
		} else {
			fprintf(stderr, "Option \"%s\" is unknown, try \"warren -help\".\n", opt);
			return 255;
		}
		ac--;
		av++;
	}
	cli_options.ifname_color = ifname_color(color);
	*argc = ac;
	*argv = av;
	return -1;
}
