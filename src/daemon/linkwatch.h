/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TUN device's life as rtnetlink tells it, and the UDP bind that
 * follows it as wireguard-go's does: the worker's socket is open from the
 * start (a random port), closed whenever a link message says the device is
 * not running (IFF_RUNNING) and opened again, on the remembered port, when
 * it runs; nothing is sent while it is closed. An MTU change goes to the
 * engine. A deleted device (RTM_DELLINK, or gone when notifications were
 * lost) stops the loop with linkwatch.gone set.
 */
#ifndef WARREN_DAEMON_LINKWATCH_H
#define WARREN_DAEMON_LINKWATCH_H

#include <stdbool.h>

#include "daemon/worker.h"
#include "os/loop.h"

struct mnl_socket;

struct linkwatch {
	struct worker *worker;
	int ifindex;
	const char *ifname; /* for log lines */
	struct mnl_socket *nl;
	struct loop_watch watch;
	bool up;   /* the link runs: the worker's socket is bound */
	bool gone; /* the device was deleted: the loop was stopped */
};

/*
 * Subscribes to the link messages of @ifindex on @worker's loop. The
 * worker's socket is taken to be bound (lw->up). 0 or -errno.
 */
int linkwatch_open(struct linkwatch *lw, struct worker *worker, int ifindex, const char *ifname);

/* Ends the subscription. Accepts a linkwatch never opened (zeroed). */
void linkwatch_close(struct linkwatch *lw);

#endif
