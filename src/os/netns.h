/* SPDX-License-Identifier: GPL-2.0-only
 *
 * Entering a named network namespace, as `ip -n NAME` and `ip netns exec`
 * do: the namespace that `ip netns add NAME` pinned at /run/netns/NAME.
 */
#ifndef WARREN_OS_NETNS_H
#define WARREN_OS_NETNS_H

/* Where `ip netns add` pins named network namespaces. */
#define NETNS_RUN_DIR "/run/netns"

/*
 * Moves the calling process into the network namespace @name and into a
 * private mount namespace with its own /sys, so that /sys/class/net lists
 * that namespace's links, as iproute2's netns_switch() does. Call it while
 * the process has one thread. Returns 0 or -errno; *@failed (may be NULL)
 * names the step that failed ("open", "setns", "unshare", "mount").
 */
int netns_enter(const char *name, const char **failed);

#endif
