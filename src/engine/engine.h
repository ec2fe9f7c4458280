/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The WireGuard engine: one interface's identity, peers and sessions, as a
 * library that does no I/O (sans-I/O). The caller (the daemon, a test, a
 * fuzzer) passes in received datagrams with their source address, plaintext
 * packets read from the TUN device, and the time; it gets back datagrams to
 * send with their destination, packets to write to the TUN device, events,
 * and the time at which it must call engine_tick() next.
 *
 * Buffers: every packet travels in a struct pktbuf (core/pktbuf.h).
 * engine_recv_batch() and engine_send_batch() consume the buffers they are
 * given: each one ends up in an output queue, staged on a peer, or freed
 * (a counted drop). Datagrams are sealed and opened in place, so buffers
 * for engine_send_batch() need PKTBUF_HEADROOM in front (16 bytes are used)
 * and 31 bytes of tailroom (padding and tag). Messages that the engine makes
 * itself (handshakes, keepalives, cookie replies) take buffers from the
 * output's pool; when it is empty they are dropped and counted. Packets
 * staged on a peer go back to their own pool when they are dropped or the
 * peer or engine is freed, so pools must outlive the engines that hold
 * their buffers.
 *
 * Time: struct engine_time carries the monotonic clock (timers, ages of
 * keys, rate limits) and the wall clock (TAI64N timestamps, last handshake
 * time). Both in nanoseconds; the monotonic clock never goes back.
 *
 * Threads and ownership: an engine is not thread-safe. One thread owns it
 * and makes every call, configuration included; the buffers in an output
 * belong to the caller once the call returns. Packets of one peer leave in
 * the order they were given (staged packets first), so per-peer order holds.
 * For several workers later: configuration takes a write lock, the datapath
 * a read lock plus a per-peer lock around staging, counters and keypair
 * slots, with one crypto_aead per worker per keypair direction and the send
 * counter reserved atomically; the API below stays as it is (each worker
 * passes its own output and pool).
 *
 * Under load: handshake messages are answered with cookie replies when the
 * engine is "under load", which is either forced by the caller
 * (engine_set_under_load(), e.g. when its handshake backlog is long) or
 * detected: more than the load threshold (default
 * ENGINE_DEFAULT_HANDSHAKE_LOAD, settable) handshake messages received in
 * the current one-second window. The state lasts one second after the
 * last time the condition held (UNDER_LOAD_AFTER_NS).
 */
#ifndef WARREN_ENGINE_ENGINE_H
#define WARREN_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pktbuf.h"

struct engine;
struct peer;

struct engine_time {
	uint64_t mono_ns; /* monotonic clock */
	uint64_t wall_ns; /* Unix time */
};

/* Why a packet was dropped: counted engine-wide and per peer where known. */
enum engine_drop {
	ENGINE_DROP_INVALID_MESSAGE,	 /* unknown type, wrong size for its type */
	ENGINE_DROP_NO_IDENTITY,	 /* no private key set */
	ENGINE_DROP_HANDSHAKE_MAC,	 /* mac1 wrong */
	ENGINE_DROP_HANDSHAKE_COOKIE,	 /* under load: answered with a cookie reply */
	ENGINE_DROP_HANDSHAKE_RATELIMIT, /* under load: source over its rate */
	ENGINE_DROP_HANDSHAKE_INVALID,	 /* did not authenticate, unknown peer, bad state */
	ENGINE_DROP_HANDSHAKE_REPLAY,	 /* initiation timestamp not newer, or < 20 ms apart */
	ENGINE_DROP_COOKIE_INVALID,	 /* cookie reply that does not decrypt or is unexpected */
	ENGINE_DROP_UNKNOWN_INDEX,	 /* receiver index names nothing */
	ENGINE_DROP_KEYPAIR_EXPIRED,	 /* keypair older than 180 s or invalidated */
	ENGINE_DROP_COUNTER_LIMIT,	 /* counter at or past REJECT_AFTER_MESSAGES */
	ENGINE_DROP_DECRYPT,		 /* transport tag wrong */
	ENGINE_DROP_REPLAY,		 /* counter seen or too old */
	ENGINE_DROP_INNER_NOT_IP,	 /* plaintext is not IPv4/IPv6 */
	ENGINE_DROP_INNER_LENGTH,	 /* IP length inconsistent with the plaintext */
	ENGINE_DROP_INNER_SOURCE,	 /* source outside the sending peer's allowed IPs */
	ENGINE_DROP_NO_ROUTE,		 /* outgoing: no peer's allowed IPs hold the destination */
	ENGINE_DROP_NO_ENDPOINT,	 /* outgoing: peer has no endpoint */
	ENGINE_DROP_TOO_BIG,		 /* longer than the MTU (L2: MTU + 14, both ways) */
	ENGINE_DROP_STAGED_OVERFLOW,	 /* oldest staged packet pushed out by its own newest */
	ENGINE_DROP_STAGED_EVICTED,	 /* pushed out at the engine cap by a peer holding less */
	ENGINE_DROP_STAGED_GIVEUP,	 /* staged packets dropped after the handshake gave up */
	ENGINE_DROP_NO_BUFFER,		 /* pool empty, no room in a buffer */
	ENGINE_DROP_CRYPTO,		 /* the crypto library failed */
	ENGINE_DROP_DOWN,		 /* outgoing: the device is down (engine_set_down) */
	/* L2 mode (docs/l2.md); the first two also in L3 mode. */
	ENGINE_DROP_FRAME_ON_L3,     /* a warren L2 frame reached an L3 interface */
	ENGINE_DROP_IP_ON_L2,	     /* an IP packet (L3/stock peer) reached an L2 interface */
	ENGINE_DROP_FRAME_INVALID,   /* bad L2 header, runt frame, multicast/zero source */
	ENGINE_DROP_FRAME_FILTERED,  /* destination is on the side the frame came from */
	ENGINE_DROP_MAC_NOT_ALLOWED, /* source MAC outside the peer's allowed MACs */
	/* Handshake work bounds (engine/budget.h, engine/load.h); before any crypto. */
	ENGINE_DROP_HANDSHAKE_BUDGET, /* the handshake work budget is spent */
	ENGINE_DROP_COOKIE_RATELIMIT, /* under load: source over its rate of cookie replies */
	ENGINE_DROP_COUNT,
};

/* A stable lowercase name ("inner_source") for logs and `warren show`. */
const char *engine_drop_name(enum engine_drop reason);

enum engine_event_type {
	/* An initiation left; attempt counts from 1, retries as wireguard-go counts tries. */
	ENGINE_EVENT_HANDSHAKE_SENT,
	ENGINE_EVENT_HANDSHAKE_COMPLETE, /* a new keypair is confirmed and in use */
	/* No answer to 20 tries: the first and MAX_TIMER_HANDSHAKES + 1 retries. */
	ENGINE_EVENT_HANDSHAKE_GAVE_UP,
	ENGINE_EVENT_KEYS_ZEROED, /* ZERO_KEY_MATERIAL_NS (540 s) without a handshake: keys wiped */
	ENGINE_EVENT_ENDPOINT_CHANGED, /* roaming: an authenticated packet moved it */
	/*
	 * Mode mismatch, raised once per peer (again after engine_set_mode()):
	 * "peer sends L2 frames, this interface is L3" and "peer sends IP
	 * packets, this interface is L2". Its packets are dropped as
	 * ENGINE_DROP_FRAME_ON_L3 / ENGINE_DROP_IP_ON_L2.
	 */
	ENGINE_EVENT_PEER_SENDS_L2,
	ENGINE_EVENT_PEER_SENDS_L3,
};

struct engine_event {
	enum engine_event_type type;
	uint32_t attempt; /* ENGINE_EVENT_HANDSHAKE_SENT only */
	uint8_t public_key[32];
};

enum { ENGINE_EVENTS_MAX = 32 };

/*
 * What one call produced. The caller initializes it once with its pool,
 * takes (and empties) the queues after each call, and may reuse it.
 */
struct engine_output {
	struct pktbuf_pool *pool; /* in: buffers for messages the engine makes */
	struct pktbuf_queue tx;	  /* out: UDP payloads, buf->addr = destination */
	struct pktbuf_queue tun;  /* out: IP packets for the TUN device */
	struct engine_event events[ENGINE_EVENTS_MAX];
	unsigned n_events;
	unsigned events_lost; /* events that did not fit */
};

void engine_output_init(struct engine_output *out, struct pktbuf_pool *pool);
/* Frees whatever is still queued and forgets the events. */
void engine_output_reset(struct engine_output *out);

enum {
	/* Handshake messages per second above which the engine is under load. */
	ENGINE_DEFAULT_HANDSHAKE_LOAD = 1024,
};

/* Returns 0 and a new engine without identity or peers, or -ENOMEM / -EIO. */
int engine_new(struct engine **engine);
/* Frees the engine, its peers and their staged packets; wipes keys. NULL ok. */
void engine_free(struct engine *engine);

/*
 * The datapath. Each consumes the @n buffers in @bufs (the array itself
 * stays the caller's) and appends to @out.
 *
 * engine_recv_batch: each buffer is one received UDP payload with
 * buf->addr set to its source. Opened packets for the TUN device land in
 * out->tun (trimmed to their IP length); handshake answers in out->tx.
 *
 * engine_send_batch: each buffer is one IP packet from the TUN device. It
 * is routed by its destination through the allowed IPs, sealed in place
 * and queued on out->tx, or staged on its peer while a handshake runs
 * (which this may start).
 */
void engine_recv_batch(struct engine *engine, struct pktbuf **bufs, size_t n,
		       struct engine_time now, struct engine_output *out);
void engine_send_batch(struct engine *engine, struct pktbuf **bufs, size_t n,
		       struct engine_time now, struct engine_output *out);

/*
 * Sends @n packets to @peer directly, without routing by destination (for
 * callers that chose the peer themselves). Same rules as engine_send_batch.
 */
void engine_send_to_peer(struct engine *engine, struct peer *peer, struct pktbuf **bufs, size_t n,
			 struct engine_time now, struct engine_output *out);

/* Runs the timers due at @now (retransmissions, keepalives, key zeroing). */
void engine_tick(struct engine *engine, struct engine_time now, struct engine_output *out);

/*
 * The monotonic time at which engine_tick() must run next, or UINT64_MAX
 * when no timer is armed. Valid until the next call into the engine.
 * O(1) but for deadlines that moved later since (timerq.h): it settles
 * those it meets at the top of the queue, hence the non-const engine.
 */
uint64_t engine_next_deadline(struct engine *engine);

/* Under load: see the top of this file. */
void engine_set_under_load(struct engine *engine, bool forced);
void engine_set_handshake_load(struct engine *engine, uint32_t per_second);

/*
 * Configuration (the UAPI's `set`). Keys are 32 raw bytes.
 *
 * engine_set_private_key: NULL removes the identity. The key is clamped.
 * Removes a peer whose public key equals our new public key, and expires
 * every current keypair (a new handshake follows on the next packet).
 * Returns 0 or -EINVAL.
 */
int engine_set_private_key(struct engine *engine, const uint8_t key[32]);
/* Copies the clamped private key and public key; false when none is set. */
bool engine_get_private_key(const struct engine *engine, uint8_t key[32]);
bool engine_get_public_key(const struct engine *engine, uint8_t key[32]);

/* Stored for `get`; the daemon applies them to its socket. */
void engine_set_listen_port(struct engine *engine, uint16_t port);
uint16_t engine_get_listen_port(const struct engine *engine);
void engine_set_fwmark(struct engine *engine, uint32_t fwmark);

/*
 * The device is down (its link down, its socket closed): datagrams are
 * dropped as ENGINE_DROP_DOWN instead of being queued and counted in the
 * peer's tx_bytes, as wireguard-go sends and counts nothing while down.
 */
void engine_set_down(struct engine *engine, bool down);
uint32_t engine_get_fwmark(const struct engine *engine);
/*
 * The TUN device's MTU: padding never goes past it (0 = no limit). In L2
 * mode the TAP device's MTU: frames may be 14 bytes longer (the Ethernet
 * header), and padding stops at the frame's MTU + 14 + the L2 header.
 */
void engine_set_mtu(struct engine *engine, uint32_t mtu);

/*
 * Caps the packets staged (waiting for a handshake) over all peers, as
 * each peer's own cap (MAX_STAGED_PACKETS) does not bound the total: peers
 * with unreachable endpoints would otherwise hold every buffer of the
 * caller's pool. 0 (the default) means no engine-wide cap. At the cap a
 * new packet is always staged, and the total stays: the peer holding the
 * most staged packets loses its oldest, counted against it as
 * ENGINE_DROP_STAGED_EVICTED, or ENGINE_DROP_STAGED_OVERFLOW when that is
 * the new packet's own peer (ties included). So each of n peers with
 * staged packets keeps at least min(MAX_STAGED_PACKETS, limit / n), and a
 * peer's first packet always starts its handshake, whatever the others
 * hold. Lowering the cap drops nothing already staged. engine_staged() is
 * the current total.
 */
void engine_set_staged_limit(struct engine *engine, size_t limit);
size_t engine_staged(const struct engine *engine);

/*
 * Adds a peer for @public_key. Returns 0 and *peer, -EEXIST (and *peer the
 * existing one), -EINVAL for our own public key (the peer is not added,
 * as WireGuard ignores it), -ENOSPC past MAX_PEERS, -ENOMEM.
 */
int engine_peer_add(struct engine *engine, const uint8_t public_key[32], struct peer **peer);
struct peer *engine_peer_lookup(const struct engine *engine, const uint8_t public_key[32]);
/* Removes the peer: its keys wiped, staged packets and allowed IPs dropped. */
void engine_peer_remove(struct engine *engine, struct peer *peer);
/* Removes every peer (replace_peers). */
void engine_peers_clear(struct engine *engine);

/* NULL or all zeros clears the psk. */
void engine_peer_set_psk(struct engine *engine, struct peer *peer, const uint8_t psk[32]);
/* Returns 0 and the endpoint, or -EAFNOSUPPORT for a family other than IPv4/IPv6. */
int engine_peer_set_endpoint(struct engine *engine, struct peer *peer,
			     const union sockaddr_inet *endpoint);
/*
 * Sends @peer's staged packets now if a keypair can send them, otherwise
 * starts a handshake (at most one per REKEY_TIMEOUT); nothing without
 * staged packets. For the end of a peer's configuration (a new endpoint),
 * as wireguard-go's SendStagedPackets, rather than the retransmit timer.
 */
void engine_peer_send_staged(struct engine *engine, struct peer *peer, struct engine_time now,
			     struct engine_output *out);
/*
 * Sets the persistent keepalive interval in seconds (0 = off). Turning it
 * on sends a keepalive at once (into @out), as WireGuard does.
 */
void engine_peer_set_keepalive(struct engine *engine, struct peer *peer, uint16_t interval,
			       struct engine_time now, struct engine_output *out);

/* Allowed IPs: 0 or -errno of engine/allowedips.h. */
int engine_peer_allowedip_add(struct engine *engine, struct peer *peer, int family,
			      const uint8_t *addr, uint8_t cidr);
int engine_peer_allowedip_remove(struct engine *engine, struct peer *peer, int family,
				 const uint8_t *addr, uint8_t cidr);
void engine_peer_allowedips_clear(struct engine *engine, struct peer *peer);
/* Calls @fn(ctx, family, addr, cidr) per prefix in insertion order; stops at nonzero. */
int engine_peer_allowedips_walk(const struct engine *engine, const struct peer *peer,
				int (*fn)(void *ctx, int family, const uint8_t *addr, uint8_t cidr),
				void *ctx);

/* Peers in the order they were added; NULL after the last. */
struct peer *engine_peer_first(const struct engine *engine);
struct peer *engine_peer_next(const struct peer *peer);
size_t engine_peer_count(const struct engine *engine);

/*
 * L2 mode (warren extension, docs/l2.md). In L2 mode the buffers given to
 * engine_send_batch() and engine_send_to_peer() are whole Ethernet frames
 * read from a TAP device, and out->tun receives frames for it. A frame
 * from the TAP device goes to the one peer its destination MAC was learned
 * behind; broadcast, multicast and unknown unicast are flooded, one copy
 * from out->pool per peer that has an endpoint. Frames from a peer teach
 * the MAC table their source and go to the TAP device; in hub mode they
 * are also switched on to the other peers (never back to the sender).
 * Source MACs of frames from the TAP device are learned as "local", so
 * that frames for local hosts are not flooded to peers.
 *
 * engine_set_mode: returns 0, -EINVAL or -ENOMEM (the MAC table is
 * allocated on the first switch to L2). A change drops staged packets
 * (counted as staged_giveup), forgets learned MACs and re-arms the
 * mismatch events.
 */
enum engine_mode {
	ENGINE_MODE_L3, /* IP packets on a TUN device (WireGuard); the default */
	ENGINE_MODE_L2, /* Ethernet frames on a TAP device */
};
int engine_set_mode(struct engine *engine, enum engine_mode mode);
enum engine_mode engine_get_mode(const struct engine *engine);
/* Hub mode: frames from one peer are switched on to the others. Off by default. */
void engine_set_hub(struct engine *engine, bool hub);
bool engine_get_hub(const struct engine *engine);
/*
 * TCP MSS clamping (core/mss.h), on by default: the MSS option of TCP SYNs
 * in frames from the TAP device and from peers is lowered so that a full
 * segment fits one datagram on a 1500-byte underlay (TUNNEL_L2_FIT_MTU).
 */
void engine_set_clamp_mss(struct engine *engine, bool on);
bool engine_get_clamp_mss(const struct engine *engine);
/* How long a learned MAC lives after it was last seen; 0 or -EINVAL (0 ns), -ENOMEM. */
int engine_set_mac_ageing(struct engine *engine, uint64_t ageing_ns);
uint64_t engine_get_mac_ageing(const struct engine *engine);
/*
 * The MAC table's cap (0: the default, 4096). Past it the learned entry
 * seen longest ago is evicted (counted). Replaces the table: every entry,
 * static ones included, is forgotten, so call it before adding those.
 * Returns 0, -EINVAL or -ENOMEM (then the old table stays).
 */
int engine_set_mac_capacity(struct engine *engine, size_t entries);
/* A static MAC behind @peer (config). 0, -EINVAL (multicast/zero), -ENOSPC, -ENOMEM. */
int engine_peer_mac_add_static(struct engine *engine, struct peer *peer, const uint8_t mac[6]);
/* Forgets @mac, learned or static. 0 or -ENOENT. */
int engine_mac_remove(struct engine *engine, const uint8_t mac[6]);

/*
 * Allowed MACs of a peer: when a peer has any, frames from it whose source
 * MAC is outside all of them are dropped (mac_not_allowed). A prefix of
 * @bits (0-48) leading bits, e.g. an OUI is 24. Returns 0, -EINVAL, -ENOSPC
 * (past ENGINE_MAX_ALLOWED_MACS), -ENOMEM.
 */
enum { ENGINE_MAX_ALLOWED_MACS = 256 };
int engine_peer_allowedmac_add(struct engine *engine, struct peer *peer, const uint8_t mac[6],
			       uint8_t bits);
void engine_peer_allowedmacs_clear(struct engine *engine, struct peer *peer);
/* Calls @fn(ctx, mac, bits) in insertion order; stops at nonzero and returns it. */
int engine_peer_allowedmacs_walk(const struct engine *engine, const struct peer *peer,
				 int (*fn)(void *ctx, const uint8_t *mac, uint8_t bits), void *ctx);

/* One learned or static MAC behind a peer, for `show`. */
struct engine_mac_info {
	uint8_t mac[6];
	bool is_static;
	uint64_t age_ns;    /* since last seen; 0 for static entries */
	uint64_t rx_frames; /* frames from the peer with this source */
	uint64_t tx_frames; /* frames switched to this destination */
};
/*
 * Calls @fn for each MAC behind @peer (static ones first, then learned
 * ones, longest ago seen first); expired entries are dropped first (which
 * is why a const engine will do: nothing observable changes). Stops
 * at @fn's first nonzero return and returns it. @fn must not call into the
 * engine.
 */
int engine_peer_macs_walk(const struct engine *engine, const struct peer *peer,
			  uint64_t now_mono_ns,
			  int (*fn)(void *ctx, const struct engine_mac_info *info), void *ctx);

struct engine_l2_stats {
	uint64_t flooded;      /* frames flooded (from the TAP, or from a peer in hub mode) */
	uint64_t flood_copies; /* datagrams those floods became */
	uint64_t forwarded;    /* hub mode: unicast frames switched from one peer to another */
	uint64_t macs;	       /* entries in the MAC table now */
	uint64_t local_macs;   /* of those, learned from the TAP device */
	uint64_t learned, moved, expired, evicted, ignored, refused; /* the MAC table's */
	uint64_t mss_clamped; /* TCP SYNs whose MSS option was lowered */
	uint64_t fragmented;  /* frames sent in a datagram too long for one underlay packet */
};
void engine_l2_get_stats(const struct engine *engine, uint64_t now_mono_ns,
			 struct engine_l2_stats *stats);

/* What `get` reports about a peer. */
struct engine_peer_info {
	uint8_t public_key[32];
	uint8_t preshared_key[32];    /* zeros when none */
	union sockaddr_inet endpoint; /* AF_UNSPEC when none */
	uint64_t last_handshake_sec;  /* wall clock; 0 when never */
	uint32_t last_handshake_nsec;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint16_t persistent_keepalive_interval;
	uint64_t drops[ENGINE_DROP_COUNT];
};
void engine_peer_get_info(const struct peer *peer, struct engine_peer_info *info);

/* Engine-wide drop counters (every drop, whether or not a peer was known). */
uint64_t engine_drops(const struct engine *engine, enum engine_drop reason);

#endif
