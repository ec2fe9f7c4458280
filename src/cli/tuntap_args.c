// SPDX-License-Identifier: GPL-2.0-only
/*
 * `warren tuntap` argument parsing, keyword for keyword that of iproute2's
 * ip/iptuntap.c. Contracts in tuntap_args.h.
 */
#include "cli/tuntap_args.h"

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_tun.h>

const char tuntap_usage_text[] =
    "Usage: warren tuntap { add | del | show | list | lst | help } [ dev PHYS_DEV ]\n"
    "       [ mode { tun | tap } ] [ user USER ] [ group GROUP ]\n"
    "       [ one_queue ] [ pi ] [ vnet_hdr ] [ multi_queue ] [ name NAME ]\n"
    "\n"
    "Where: USER  := { STRING | NUMBER }\n"
    "       GROUP := { STRING | NUMBER }\n";

/*
 * iproute2's matches(): true when @word is a non-empty prefix of @keyword.
 * (Same as cli_matches() of warren.c, kept here so that this file links
 * into the unit tests on its own.)
 */
static bool matches(const char *word, const char *keyword)
{
	size_t len = strlen(word);

	return len && len <= strlen(keyword) && !memcmp(word, keyword, len);
}

struct parser {
	int argc;
	char **argv;
	char *msg;
	size_t msg_len;
};

__attribute__((format(printf, 2, 3))) static enum tuntap_parse fail(struct parser *p,
								    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->msg, p->msg_len, fmt, ap);
	va_end(ap);
	return TUNTAP_PARSE_ERROR;
}

/* iproute2's NEXT_ARG(): false (and the message set) if no word follows. */
static bool next_arg(struct parser *p)
{
	p->argv++;
	if (--p->argc <= 0) {
		fail(p, "Command line is not complete. Try option \"help\"");
		return false;
	}
	return true;
}

/* The kernel's dev_valid_name() as iproute2 checks it (check_ifname()). */
static bool ifname_is_valid(const char *name)
{
	if (!*name || strlen(name) >= IFNAMSIZ)
		return false;
	for (; *name; name++) {
		if (*name == '/' || isspace((unsigned char)*name))
			return false;
	}
	return true;
}

/*
 * A number if strtol() takes the whole non-empty word, truncated to the
 * 32-bit id as iproute2 truncates it; else a name.
 */
static bool parse_id(const char *word, unsigned int *id)
{
	char *end;
	long v;

	if (!*word)
		return false;
	v = strtol(word, &end, 10);
	if (*end)
		return false;
	*id = (unsigned int)(unsigned long)v;
	return true;
}

static enum tuntap_parse parse_mode(struct parser *p, struct tuntap_args *args)
{
	const char *word = *p->argv;
	unsigned int want, other;

	if (matches(word, "tun")) {
		want = IFF_TUN;
		other = IFF_TAP;
	} else if (matches(word, "tap")) {
		want = IFF_TAP;
		other = IFF_TUN;
	} else {
		return fail(p, "Unknown tunnel mode \"%s\"", word);
	}
	if (args->iff & other)
		return fail(p, "You managed to ask for more than one tunnel mode.");
	args->iff |= want;
	return TUNTAP_PARSE_OK;
}

static enum tuntap_parse parse_user(struct parser *p, struct tuntap_args *args)
{
	const char *word = *p->argv;
	struct passwd *pw;
	unsigned int id;

	if (parse_id(word, &id)) {
		args->user = id;
		return TUNTAP_PARSE_OK;
	}
	pw = getpwnam(word);
	if (!pw)
		return fail(p, "invalid user \"%s\"", word);
	args->user = pw->pw_uid;
	return TUNTAP_PARSE_OK;
}

static enum tuntap_parse parse_group(struct parser *p, struct tuntap_args *args)
{
	const char *word = *p->argv;
	struct group *gr;
	unsigned int id;

	if (parse_id(word, &id)) {
		args->group = id;
		return TUNTAP_PARSE_OK;
	}
	gr = getgrnam(word);
	if (!gr)
		return fail(p, "invalid group \"%s\"", word);
	args->group = gr->gr_gid;
	return TUNTAP_PARSE_OK;
}

/*
 * The options of add and del, tried in iproute2's order: the first keyword
 * that the word is a prefix of wins. "user" and "group" are keywords of add
 * only; for del they are names, as in iproute2.
 */
static enum tuntap_parse parse_options(struct parser *p, struct tuntap_args *args)
{
	bool add = args->cmd == TUNTAP_CMD_ADD;
	enum tuntap_parse ret;

	args->iff = IFF_NO_PI;
	while (p->argc > 0) {
		const char *word = *p->argv;

		if (matches(word, "mode")) {
			if (!next_arg(p))
				return TUNTAP_PARSE_ERROR;
			ret = parse_mode(p, args);
		} else if (add && matches(word, "user")) {
			if (!next_arg(p))
				return TUNTAP_PARSE_ERROR;
			ret = parse_user(p, args);
		} else if (add && matches(word, "group")) {
			if (!next_arg(p))
				return TUNTAP_PARSE_ERROR;
			ret = parse_group(p, args);
		} else if (matches(word, "pi")) {
			args->iff &= ~(unsigned int)IFF_NO_PI;
			ret = TUNTAP_PARSE_OK;
		} else if (matches(word, "one_queue")) {
			args->iff |= IFF_ONE_QUEUE;
			ret = TUNTAP_PARSE_OK;
		} else if (matches(word, "vnet_hdr")) {
			args->iff |= IFF_VNET_HDR;
			ret = TUNTAP_PARSE_OK;
		} else if (matches(word, "multi_queue")) {
			args->iff |= IFF_MULTI_QUEUE;
			ret = TUNTAP_PARSE_OK;
		} else if (matches(word, "dev")) {
			/* "dev" may replace an earlier name, as in iproute2. */
			if (!next_arg(p))
				return TUNTAP_PARSE_ERROR;
			if (!ifname_is_valid(*p->argv))
				return fail(
				    p,
				    "Error: argument \"%s\" is wrong: \"dev\" not a valid ifname",
				    *p->argv);
			strcpy(args->name, *p->argv);
			ret = TUNTAP_PARSE_OK;
		} else {
			if (matches(word, "name")) {
				if (!next_arg(p))
					return TUNTAP_PARSE_ERROR;
			} else if (matches(word, "help")) {
				return TUNTAP_PARSE_USAGE;
			}
			if (args->name[0])
				return fail(
				    p,
				    "Error: either \"name\" is duplicate, or \"%s\" is a garbage.",
				    *p->argv);
			if (!ifname_is_valid(*p->argv))
				return fail(
				    p,
				    "Error: argument \"%s\" is wrong: \"name\" not a valid ifname",
				    *p->argv);
			strcpy(args->name, *p->argv);
			ret = TUNTAP_PARSE_OK;
		}
		if (ret != TUNTAP_PARSE_OK)
			return ret;
		p->argc--;
		p->argv++;
	}

	if (add && !(args->iff & (IFF_TUN | IFF_TAP))) {
		fail(p, "You failed to specify a tunnel mode");
		return TUNTAP_PARSE_NO_MODE;
	}
	return TUNTAP_PARSE_OK;
}

enum tuntap_parse tuntap_args_parse(int argc, char **argv, struct tuntap_args *args, char *msg,
				    size_t msg_len)
{
	struct parser p = {.argc = argc, .argv = argv, .msg = msg, .msg_len = msg_len};

	memset(args, 0, sizeof(*args));
	args->user = (uid_t)-1;
	args->group = (gid_t)-1;
	if (msg_len)
		msg[0] = '\0';

	if (argc <= 0) {
		args->cmd = TUNTAP_CMD_SHOW;
		return TUNTAP_PARSE_OK;
	}
	if (matches(argv[0], "add")) {
		args->cmd = TUNTAP_CMD_ADD;
	} else if (matches(argv[0], "delete")) {
		args->cmd = TUNTAP_CMD_DEL;
	} else if (matches(argv[0], "show") || matches(argv[0], "lst") ||
		   matches(argv[0], "list")) {
		args->cmd = TUNTAP_CMD_SHOW;
		return TUNTAP_PARSE_OK;
	} else if (matches(argv[0], "help")) {
		return TUNTAP_PARSE_USAGE;
	} else {
		return fail(&p, "Command \"%s\" is unknown, try \"warren tuntap help\".", argv[0]);
	}
	p.argc--;
	p.argv++;
	return parse_options(&p, args);
}
