/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `warren up --foreground': warren stays as the service's main process
 * between up and down (systemd's Type=notify, warren@.service). It tells
 * the service manager when the interface is up, watches the daemon, and
 * re-resolves the peers' Endpoint host names, moving a peer whose name now
 * points elsewhere.
 */
#ifndef WARREN_CLI_QUICK_SERVICE_H
#define WARREN_CLI_QUICK_SERVICE_H

#include <signal.h>

struct quick;

/* What ended quick_serve(). */
enum quick_serve_end {
	QUICK_SERVE_STOP,    /* SIGTERM or SIGINT: take the interface down */
	QUICK_SERVE_IF_GONE, /* the daemon stopped answering (device deleted, crash) */
	QUICK_SERVE_ERROR,   /* a bad WARREN_RERESOLVE_INTERVAL (reported) */
};

/*
 * Runs from the end of a successful `up' until a signal to stop: sends
 * READY=1 and STATUS= (sd_notify), then every few seconds checks that the
 * daemon answers and re-resolves host names: each one every
 * $WARREN_RERESOLVE_INTERVAL seconds (120; 0: never), and at most every 30
 * s the names of peers without a handshake in the last 135 s (never, or
 * failing); SIGHUP re-resolves every name at once (RELOADING=1, then
 * READY=1). A peer whose name resolves to an address that is not its
 * endpoint is moved when the name's answer changed or its handshakes fail
 * (an answer that did not change leaves a roamed peer alone); each move is
 * logged and counted in STATUS=. SIGINT, SIGTERM and SIGHUP are blocked
 * while it runs; @interrupted is up's flag, set by a signal that came
 * before. Sends STOPPING=1 before it returns.
 */
enum quick_serve_end quick_serve(struct quick *q, volatile sig_atomic_t *interrupted);

#endif
