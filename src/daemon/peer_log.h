/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's log of what happens to peers: the engine's events as lines
 * that name each peer as wireguard-go does, "peer(abcd…wxyz) - ...".
 */
#ifndef WARREN_DAEMON_PEER_LOG_H
#define WARREN_DAEMON_PEER_LOG_H

#include "engine/engine.h"

/*
 * Logs each event of @out and forgets them (n_events and events_lost go to
 * 0). Handshakes completed, given up and keys wiped are info lines; a
 * peer of the wrong mode (L2/L3) is an error line.
 */
void peer_log_events(struct engine_output *out);

#endif
