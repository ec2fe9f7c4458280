/* SPDX-License-Identifier: GPL-2.0-only
 *
 * Policy routing rules (`ip rule`) over rtnetlink: the ones wg-quick adds to
 * send everything but the tunnel's own packets through the tunnel:
 *
 *	ip rule add not fwmark T table T
 *	ip rule add table main suppress_prefixlength 0
 *
 * in the calling thread's network namespace.
 */
#ifndef WARREN_OS_FIBRULE_H
#define WARREN_OS_FIBRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fibrule {
	int family;	   /* AF_INET or AF_INET6 */
	uint32_t priority; /* 0 with !has_priority: the kernel picks, as `ip rule add` */
	bool has_priority;
	uint32_t table; /* 254 is main */
	bool has_fwmark;
	uint32_t fwmark;
	uint32_t fwmask;	/* 0 means all ones */
	bool invert;		/* `not` */
	int suppress_prefixlen; /* -1: none */
};

/* Adds @rule (RTM_NEWRULE, FR_ACT_TO_TBL). Returns 0 or -errno (-EEXIST). */
int fibrule_add(const struct fibrule *rule);

/*
 * Deletes the first rule that matches @rule (RTM_DELRULE), as fibrule_list()
 * gave it, priority included. Returns 0 or -errno (-ENOENT when none).
 */
int fibrule_del(const struct fibrule *rule);

/*
 * Deletes every rule of @family that looks up @table, and, if @suppress_main,
 * every `lookup main suppress_prefixlength 0' rule: what wg-quick's down
 * deletes. *@deleted (may be NULL) counts them. Returns 0 or -errno.
 */
int fibrule_flush(int family, uint32_t table, bool suppress_main, unsigned int *deleted);

/* Lists the rules of @family into a new array *@rules (free()); 0 or -errno. */
int fibrule_list(int family, struct fibrule **rules, size_t *n);

#endif
