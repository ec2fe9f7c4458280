// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's events in the log (peer_log.h), worded as wireguard-go words
 * them (device/timers.go), so that a grep written for wireguard-go's log
 * finds the same lines, and peers named by log_peer_name(), which matches
 * the keys `warren show` and `wg show` print.
 */
#include "daemon/peer_log.h"

#include <string.h>

#include "core/log.h"
#include "core/secret.h"
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

/* wireguard-go's words for what failed to leave (device/send.go). */
static const char *message_name(const uint8_t *data, size_t len)
{
	switch (len ? data[0] : 0) {
	case MESSAGE_HANDSHAKE_INITIATION:
		return "handshake initiation";
	case MESSAGE_HANDSHAKE_RESPONSE:
		return "handshake response";
	case MESSAGE_HANDSHAKE_COOKIE:
		return "cookie reply";
	default:
		return "data packets";
	}
}

void peer_log_refused(struct peer_log_refusals *r, const struct engine *engine,
		      const union sockaddr_inet *endpoint, const uint8_t *data, size_t len, int err,
		      uint64_t now_ns)
{
	char name[LOG_PEER_NAME_LEN] = "peer(?)";
	struct engine_peer_info info;

	if (now_ns < r->quiet_until_ns) {
		r->unlogged++;
		return;
	}
	/* A walk over the peers, at most once a second: never per packet. */
	for (const struct peer *p = engine_peer_first(engine); p; p = engine_peer_next(p)) {
		engine_peer_get_info(p, &info);
		if (sockaddr_inet_equal(&info.endpoint, endpoint)) {
			log_peer_name(name, info.public_key);
			break;
		}
	}
	secret_wipe(&info, sizeof(info)); /* it holds the preshared key */
	if (r->unlogged)
		pr_error("%s - Failed to send %s: %s (%lu more refused in the last second)", name,
			 message_name(data, len), strerror(err), r->unlogged);
	else
		pr_error("%s - Failed to send %s: %s", name, message_name(data, len),
			 strerror(err));
	r->unlogged = 0;
	r->quiet_until_ns = now_ns + NSEC_PER_SEC;
}
