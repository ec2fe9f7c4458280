/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command line of `warren tuntap`, parsed as iproute2's ip/iptuntap.c
 * parses `ip tuntap`: the same keywords, the same prefix matching in the same
 * order (so "m" is "mode" and "mu" is "multi_queue"), a bare word as the
 * name, USER and GROUP by name or number, no packet information unless "pi",
 * and the same error messages.
 *
 * One deliberate difference: `del` does not require a mode (the device's own
 * flags are used, see tuntap.c).
 */
#ifndef WARREN_CLI_TUNTAP_ARGS_H
#define WARREN_CLI_TUNTAP_ARGS_H

#include <stddef.h>
#include <sys/types.h>
#include <net/if.h>

enum tuntap_cmd {
	TUNTAP_CMD_ADD,
	TUNTAP_CMD_DEL,
	TUNTAP_CMD_SHOW,
};

/* What tuntap_args_parse() found. */
enum tuntap_parse {
	TUNTAP_PARSE_OK = 0,
	TUNTAP_PARSE_USAGE, /* "help": print the usage text, exit 255 */
	TUNTAP_PARSE_ERROR, /* message in the caller's buffer, exit 255 */
	/*
	 * add without a mode: message in the caller's buffer, exit 1 (this
	 * one iproute2 returns instead of exiting, and `ip` negates -1).
	 */
	TUNTAP_PARSE_NO_MODE,
};

struct tuntap_args {
	enum tuntap_cmd cmd;
	char name[IFNAMSIZ]; /* "" if no name was given */
	/*
	 * As iproute2 builds ifr_flags: IFF_TUN or IFF_TAP (neither if no
	 * mode was given), IFF_NO_PI unless "pi", IFF_ONE_QUEUE,
	 * IFF_VNET_HDR, IFF_MULTI_QUEUE.
	 */
	unsigned int iff;
	uid_t user;  /* (uid_t)-1: not given (also when given as -1) */
	gid_t group; /* (gid_t)-1: not given */
};

/*
 * Parses @argv[0..@argc-1], the words after "tuntap" (none means "show").
 * Returns TUNTAP_PARSE_OK with @args filled in, TUNTAP_PARSE_USAGE, or
 * TUNTAP_PARSE_ERROR with the message iproute2 prints (one line, no
 * newline; "ip" said as "warren") in @msg. Looks USER and GROUP names up
 * with getpwnam()/getgrnam(). Arguments after show/list/lst are ignored, as
 * iproute2 ignores them.
 */
enum tuntap_parse tuntap_args_parse(int argc, char **argv, struct tuntap_args *args, char *msg,
				    size_t msg_len);

/* iproute2's usage text of `ip tuntap`, with "ip" said as "warren". */
extern const char tuntap_usage_text[];

#endif
