/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The process's capabilities (capabilities(7)), through the raw capget(2),
 * capset(2) and prctl(2) calls: reading them, keeping only a few, and
 * changing to another user without losing those few.
 */
#ifndef WARREN_OS_CAPABILITY_H
#define WARREN_OS_CAPABILITY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A set of capabilities: bit CAP_x (linux/capability.h) is 1ULL << CAP_x. */
#define CAPABILITY_BIT(cap) (1ULL << (cap))

/* The process's effective and permitted sets. 0 or -errno (recorded). */
int capability_get(uint64_t *effective, uint64_t *permitted);

/* Whether @cap is in the bounding set (a process can never gain more). */
bool capability_bounded(int cap);

/*
 * Narrows the process to @keep, in this order:
 *  - every capability outside @keep leaves the bounding set, so that no
 *    exec can bring it back (needs CAP_SETPCAP; without it the bounding
 *    set is left as the process got it and *@bounding_kept is true);
 *  - with @uid not (uid_t)-1, the real, effective and saved user ids
 *    become @uid and the group ids @gid, with no supplementary groups;
 *    PR_SET_KEEPCAPS carries the permitted set across the change;
 *  - the permitted and effective sets become @keep (less what the process
 *    did not have), the inheritable and ambient sets empty.
 * Returns 0, or -errno with the failed call recorded (error_record()); a
 * failure may leave the process between steps, and the caller must exit.
 */
int capability_restrict(uint64_t keep, uid_t uid, gid_t gid, bool *bounding_kept);

#endif
