// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's events in the log (peer_log.h), worded as wireguard-go words
 * them (device/timers.go), so that a grep written for wireguard-go's log
 * finds the same lines, and peers named by log_peer_name(), which matches
 * the keys `warren show` and `wg show` print.
 */
#include "daemon/peer_log.h"

#include "core/log.h"
#include "engine/messages.h"

void peer_log_events(struct engine_output *out)
{
	for (unsigned i = 0; i < out->n_events; i++) {
		const struct engine_event *ev = &out->events[i];
		char peer[LOG_PEER_NAME_LEN];

		log_peer_name(peer, ev->public_key);
		switch (ev->type) {
		/* wireguard-go: expiredRetransmitHandshake, then SendHandshakeInitiation. */
		case ENGINE_EVENT_HANDSHAKE_SENT:
			if (ev->attempt > 1)
				pr_info("%s - Handshake did not complete after %llu seconds, "
					"retrying (try %u)",
					peer, (unsigned long long)(REKEY_TIMEOUT_NS / NSEC_PER_SEC),
					(unsigned)ev->attempt);
			pr_info("%s - Sending handshake initiation", peer);
			break;
		case ENGINE_EVENT_HANDSHAKE_COMPLETE:
			pr_info("%s - Handshake completed", peer);
			break;
		/*
		 * The engine gives up when the retransmit timer fires with
		 * handshake_attempts > MAX_TIMER_HANDSHAKES: after the first
		 * initiation and MAX_TIMER_HANDSHAKES + 1 retransmissions, the count
		 * wireguard-go and the kernel's wg_expired_retransmit_handshake log.
		 */
		case ENGINE_EVENT_HANDSHAKE_GAVE_UP:
			pr_info("%s - Handshake did not complete after %d attempts, giving up",
				peer, MAX_TIMER_HANDSHAKES + 2);
			break;
		case ENGINE_EVENT_KEYS_ZEROED:
			pr_info(
			    "%s - Removing all keys, since we haven't received a new one in %llu "
			    "seconds",
			    peer, (unsigned long long)(ZERO_KEY_MATERIAL_NS / NSEC_PER_SEC));
			break;
		case ENGINE_EVENT_ENDPOINT_CHANGED:
			pr_debug("%s - Endpoint changed (roaming)", peer);
			break;
		/* A misconfiguration, raised once per peer; the words as before (l2_mesh.sh). */
		case ENGINE_EVENT_PEER_SENDS_L2:
			pr_error("%s - sends L2 frames, this interface is L3", peer);
			break;
		case ENGINE_EVENT_PEER_SENDS_L3:
			pr_error("%s - sends IP packets, this interface is L2", peer);
			break;
		}
	}
	if (out->events_lost)
		pr_debug("%u peer events lost (more than %d in one batch)", out->events_lost,
			 ENGINE_EVENTS_MAX);
	out->n_events = 0;
	out->events_lost = 0;
}
