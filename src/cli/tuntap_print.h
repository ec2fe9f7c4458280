/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The output of `warren tuntap show`: byte for byte that of iproute2 6.1's
 * `ip tuntap show` in text (plain, -d, -o) and JSON (-j, -j -p), except that
 * with -d -j each attached process is a {"name","pid"} object (iproute2 6.1
 * prints bare keys inside the array, which is not JSON; later iproute2
 * prints the same objects as here).
 */
#ifndef WARREN_CLI_TUNTAP_PRINT_H
#define WARREN_CLI_TUNTAP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/json.h"

/* A process with a queue of a device open. */
struct tuntap_holder {
	pid_t pid;
	char comm[64]; /* /proc/PID/comm, or "<NULL>" if unreadable */
};

/* One device as the kernel reports it (sysfs tun_flags, owner, group). */
struct tuntap_dev {
	const char *name;
	unsigned long flags; /* tun_flags: IFF_TUN, IFF_NO_PI, ... */
	long owner;	     /* -1: none */
	long group;	     /* -1: none */
	/* With details: the holders, in /proc order (one per open queue). */
	const struct tuntap_holder *holders;
	size_t n_holders;
};

/* How to print: the global options of `warren` that `show` heeds. */
struct tuntap_print_opts {
	bool json, pretty, details, oneline;
	const char *ifname_color; /* starts a coloured name (text only); NULL: none */
};

struct tuntap_printer {
	FILE *out; /* borrowed */
	bool json;
	bool details;
	const char *line_sep;	  /* "\n", or "\\" with -oneline */
	const char *ifname_color; /* NULL: none */
	struct json_writer jw;
};

/* Starts the listing (the JSON array). @out is borrowed. */
void tuntap_print_begin(struct tuntap_printer *pr, FILE *out, const struct tuntap_print_opts *opts);

/* Prints one device. */
void tuntap_print_dev(struct tuntap_printer *pr, const struct tuntap_dev *dev);

/* Ends the listing and flushes @out. */
void tuntap_print_end(struct tuntap_printer *pr);

#endif
