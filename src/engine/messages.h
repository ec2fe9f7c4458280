/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * WireGuard protocol v1: every wire format and protocol constant of the
 * engine, in one place (WireGuard paper §5.4 and §6;
 * drivers/net/wireguard/messages.h; wireguard-go device/constants.go).
 *
 * All multi-byte integers on the wire are little-endian: read them with
 * le32toh()/le64toh() and write them with htole32()/htole64(). The structs
 * are packed and describe the bytes exactly; a received datagram may be
 * viewed through one only after its length has been checked against the
 * MESSAGE_*_LEN of its type (message_length_valid()).
 */
#ifndef WARREN_ENGINE_MESSAGES_H
#define WARREN_ENGINE_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types: the first byte of a message, followed by three zero bytes. */
enum message_type {
	MESSAGE_INVALID = 0,
	MESSAGE_HANDSHAKE_INITIATION = 1,
	MESSAGE_HANDSHAKE_RESPONSE = 2,
	MESSAGE_HANDSHAKE_COOKIE = 3,
	MESSAGE_DATA = 4,
};

/* Key, hash, tag and nonce lengths, in bytes. */
enum noise_lengths {
	NOISE_PUBLIC_KEY_LEN = 32,
	NOISE_PRIVATE_KEY_LEN = 32,
	NOISE_SYMMETRIC_KEY_LEN = 32,
	NOISE_HASH_LEN = 32,
	NOISE_AUTHTAG_LEN = 16,
	/* ChaCha20-Poly1305 nonce: 4 zero bytes then the u64 LE counter. */
	NOISE_NONCE_LEN = 12,
	/* TAI64N: 8 bytes BE seconds (2^62 + 10 + Unix), 4 bytes BE nanoseconds. */
	NOISE_TIMESTAMP_LEN = 12,
};

#define noise_encrypted_len(plain_len) ((plain_len) + NOISE_AUTHTAG_LEN)

/* Noise_IKpsk2 names mixed into the initial chaining key and hash. */
#define NOISE_CONSTRUCTION "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
#define NOISE_IDENTIFIER "WireGuard v1 zx2c4 Jason@zx2c4.com"

/* mac1/mac2 and cookies (paper §5.4.4, §5.4.7; drivers/net/wireguard/messages.h). */
enum cookie_values {
	COOKIE_MAC_LEN = 16, /* mac1, mac2 and the cookie itself */
	COOKIE_LEN = 16,
	COOKIE_NONCE_LEN = 24, /* XChaCha20-Poly1305 nonce of a cookie reply */
	COOKIE_SECRET_LEN = 32,
	COOKIE_KEY_LEN = 32, /* mac1 key and cookie encryption key */
	COOKIE_SECRET_MAX_AGE_S = 120,
	COOKIE_SECRET_LATENCY_S = 5,
};
#define COOKIE_LABEL_MAC1 "mac1----"
#define COOKIE_LABEL_COOKIE "cookie--"

#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

/* A received cookie is used for mac2 only while younger than this. */
#define COOKIE_VALIDITY_NS                                                                         \
	((uint64_t)(COOKIE_SECRET_MAX_AGE_S - COOKIE_SECRET_LATENCY_S) * NSEC_PER_SEC)
/* The checker's secret is regenerated when older than this. */
#define COOKIE_SECRET_MAX_AGE_NS ((uint64_t)COOKIE_SECRET_MAX_AGE_S * NSEC_PER_SEC)

/*
 * Timers and limits (paper §6.1; wireguard-go device/constants.go,
 * drivers/net/wireguard/messages.h). Times are
 * nanoseconds of the engine's monotonic clock (u64, passed in by the caller).
 */
#define REKEY_AFTER_MESSAGES (1ULL << 60)
/*
 * The Linux module's value; wireguard-go's RejectAfterMessages is
 * 2^64 - 2^13 - 1. Counters >= this are rejected.
 */
#define REJECT_AFTER_MESSAGES (UINT64_MAX - COUNTER_WINDOW_SIZE - 1)

enum timer_seconds {
	REKEY_AFTER_TIME_S = 120,
	REJECT_AFTER_TIME_S = 180,
	REKEY_ATTEMPT_TIME_S = 90,
	REKEY_TIMEOUT_S = 5,
	KEEPALIVE_TIMEOUT_S = 10,
};

#define REKEY_AFTER_TIME_NS ((uint64_t)REKEY_AFTER_TIME_S * NSEC_PER_SEC)
#define REJECT_AFTER_TIME_NS ((uint64_t)REJECT_AFTER_TIME_S * NSEC_PER_SEC)
#define REKEY_ATTEMPT_TIME_NS ((uint64_t)REKEY_ATTEMPT_TIME_S * NSEC_PER_SEC)
#define REKEY_TIMEOUT_NS ((uint64_t)REKEY_TIMEOUT_S * NSEC_PER_SEC)
/* Retransmit and new-handshake timers add a random jitter in [0, this). */
#define REKEY_TIMEOUT_JITTER_MAX_NS (NSEC_PER_SEC / 3)
#define KEEPALIVE_TIMEOUT_NS ((uint64_t)KEEPALIVE_TIMEOUT_S * NSEC_PER_SEC)
/* New-handshake timer: armed when data is sent and nothing came back. */
#define NEW_HANDSHAKE_TIMEOUT_NS (KEEPALIVE_TIMEOUT_NS + REKEY_TIMEOUT_NS)
/* On receive, the initiator rekeys once when its keypair is this old (165 s). */
#define REKEY_AFTER_TIME_RECV_NS (REJECT_AFTER_TIME_NS - KEEPALIVE_TIMEOUT_NS - REKEY_TIMEOUT_NS)
/* All key material of a peer is zeroed after this long without a handshake. */
#define ZERO_KEY_MATERIAL_NS (REJECT_AFTER_TIME_NS * 3)

/* Retransmissions of one handshake attempt before giving up. */
#define MAX_TIMER_HANDSHAKES (REKEY_ATTEMPT_TIME_S / REKEY_TIMEOUT_S)

/*
 * A responder accepts at most this many initiations per second per peer:
 * an initiation less than 20 ms after the last accepted one is dropped.
 */
enum { INITIATIONS_PER_SECOND = 50 };
#define INITIATION_MIN_INTERVAL_NS (NSEC_PER_SEC / INITIATIONS_PER_SECOND)

/* Outgoing packets held per peer while a handshake is pending; oldest dropped. */
enum { MAX_STAGED_PACKETS = 128 };

/* Handshake load: above this many queued handshakes we are "under load". */
enum {
	MAX_QUEUED_INCOMING_HANDSHAKES = 4096,
	UNDER_LOAD_QUEUE_THRESHOLD = MAX_QUEUED_INCOMING_HANDSHAKES / 8, /* 512 */
};
/* The under-load state lasts this long after the queue drops back. */
#define UNDER_LOAD_AFTER_NS NSEC_PER_SEC

/* Per-source token bucket for handshakes with a valid mac2 (drivers/net/wireguard/ratelimiter.c).
 */
enum {
	RATELIMITER_PACKETS_PER_SECOND = 20,
	RATELIMITER_PACKETS_BURSTABLE = 5,
	RATELIMITER_IPV6_PREFIX_BITS = 64,
};

/* Replay window: RFC 6479 bitmap (drivers/net/wireguard/messages.h, COUNTER_*). */
enum counter_values {
	COUNTER_BITS_TOTAL = 8192,
	COUNTER_REDUNDANT_BITS = 64, /* one machine word on 64-bit */
	COUNTER_WINDOW_SIZE = COUNTER_BITS_TOTAL - COUNTER_REDUNDANT_BITS, /* 8128 */
};

/* Transport padding: plaintext is padded to a multiple of this (never past the MTU). */
enum { MESSAGE_PADDING_MULTIPLE = 16 };

enum { MAX_PEERS = 1U << 20 };

/* Wire formats. */

struct message_header {
	/* u32 LE: the type in the low byte, three zero bytes. */
	uint32_t type;
} __attribute__((packed));

struct message_macs {
	uint8_t mac1[COOKIE_MAC_LEN];
	uint8_t mac2[COOKIE_MAC_LEN];
} __attribute__((packed));

struct message_handshake_initiation {
	struct message_header header;
	uint32_t sender_index;
	uint8_t unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
	uint8_t encrypted_static[noise_encrypted_len(NOISE_PUBLIC_KEY_LEN)];
	uint8_t encrypted_timestamp[noise_encrypted_len(NOISE_TIMESTAMP_LEN)];
	struct message_macs macs;
} __attribute__((packed));

struct message_handshake_response {
	struct message_header header;
	uint32_t sender_index;
	uint32_t receiver_index;
	uint8_t unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
	uint8_t encrypted_nothing[noise_encrypted_len(0)];
	struct message_macs macs;
} __attribute__((packed));

struct message_handshake_cookie {
	struct message_header header;
	uint32_t receiver_index;
	uint8_t nonce[COOKIE_NONCE_LEN];
	uint8_t encrypted_cookie[noise_encrypted_len(COOKIE_MAC_LEN)];
} __attribute__((packed));

struct message_data {
	struct message_header header;
	uint32_t key_idx;
	uint64_t counter;
	uint8_t encrypted_data[];
} __attribute__((packed));

#define message_data_len(plain_len) (noise_encrypted_len(plain_len) + sizeof(struct message_data))

enum message_lengths {
	MESSAGE_HANDSHAKE_INITIATION_LEN = 148,
	MESSAGE_HANDSHAKE_RESPONSE_LEN = 92,
	MESSAGE_HANDSHAKE_COOKIE_LEN = 64,
	MESSAGE_DATA_HEADER_LEN = 16,
	MESSAGE_MINIMUM_LENGTH = 32, /* message_data_len(0): a keepalive */
	/* Offsets of mac1 and mac2 inside the two handshake messages. */
	MESSAGE_INITIATION_MAC1_OFFSET = 116,
	MESSAGE_INITIATION_MAC2_OFFSET = 132,
	MESSAGE_RESPONSE_MAC1_OFFSET = 60,
	MESSAGE_RESPONSE_MAC2_OFFSET = 76,
};

_Static_assert(sizeof(struct message_handshake_initiation) == MESSAGE_HANDSHAKE_INITIATION_LEN,
	       "initiation size");
_Static_assert(sizeof(struct message_handshake_response) == MESSAGE_HANDSHAKE_RESPONSE_LEN,
	       "response size");
_Static_assert(sizeof(struct message_handshake_cookie) == MESSAGE_HANDSHAKE_COOKIE_LEN,
	       "cookie reply size");
_Static_assert(sizeof(struct message_data) == MESSAGE_DATA_HEADER_LEN, "data header size");
_Static_assert(message_data_len(0) == MESSAGE_MINIMUM_LENGTH, "keepalive size");
_Static_assert(offsetof(struct message_handshake_initiation, macs) ==
		   MESSAGE_INITIATION_MAC1_OFFSET,
	       "initiation mac1 offset");
_Static_assert(offsetof(struct message_handshake_response, macs) == MESSAGE_RESPONSE_MAC1_OFFSET,
	       "response mac1 offset");

/*
 * warren extension, not WireGuard: L2 mode (docs/l2.md). The plaintext of a
 * transport message is a 2-byte warren L2 header, then one whole Ethernet
 * frame (destination, source, ethertype, payload; no FCS), then zero
 * padding:
 *
 *     byte 0: MESSAGE_L2_MAGIC (0xe1: "Ethernet", version 1)
 *     byte 1: how many padding bytes follow the frame (0-15)
 *
 * The first nibble 0xe is no IP version, so a stock WireGuard peer (kernel
 * or wireguard-go) drops the packet as "neither IPv4 nor IPv6", and a warren
 * L3 interface tells it apart from garbage (ENGINE_DROP_FRAME_ON_L3). With
 * the header the frame's IP header sits 32 bytes into the message, aligned.
 * Keepalives stay empty plaintext, as in WireGuard.
 */
enum message_l2_values {
	MESSAGE_L2_MAGIC = 0xe1,
	MESSAGE_L2_HEADER_LEN = 2,
	MESSAGE_L2_ETH_HEADER_LEN = 14, /* destination, source, ethertype */
	MESSAGE_L2_ADDR_LEN = 6,
};

struct message_l2_header {
	uint8_t magic;
	uint8_t padding;
} __attribute__((packed));

_Static_assert(sizeof(struct message_l2_header) == MESSAGE_L2_HEADER_LEN, "l2 header size");

/*
 * What the tunnel adds around an inner packet on the wire, for the larger
 * underlay header (IPv6 40 + UDP 8), the data header and the tag: the MTU of
 * a tunnel is its underlay's MTU minus this, as wg-quick(8) computes it
 * (route MTU - 80). An L2 frame also carries the L2 header and its Ethernet
 * header. The defaults are for a 1500-byte underlay.
 *
 * An L2 segment's TAP MTU is Ethernet's own, 1500, so that VMs need no
 * setting (docs/l2.md "MTU"): a frame longer than TUNNEL_L2_FIT_MTU + 14
 * makes a datagram that the kernel sends as IPv4 or IPv6 fragments, and
 * TCP's MSS is clamped so that TCP segments fit one datagram.
 */
enum tunnel_overhead {
	TUNNEL_UNDERLAY_MTU = 1500,
	TUNNEL_UNDERLAY_HEADER_V4 = 20 + 8,
	TUNNEL_UNDERLAY_HEADER_MAX = 40 + 8,
	TUNNEL_OVERHEAD = TUNNEL_UNDERLAY_HEADER_MAX + MESSAGE_DATA_HEADER_LEN + NOISE_AUTHTAG_LEN,
	TUNNEL_L2_OVERHEAD = TUNNEL_OVERHEAD + MESSAGE_L2_HEADER_LEN + MESSAGE_L2_ETH_HEADER_LEN,
	TUNNEL_DEFAULT_MTU = TUNNEL_UNDERLAY_MTU - TUNNEL_OVERHEAD,   /* 1420 */
	TUNNEL_L2_FIT_MTU = TUNNEL_UNDERLAY_MTU - TUNNEL_L2_OVERHEAD, /* 1404 */
	TUNNEL_L2_DEFAULT_MTU = 1500,
};

/*
 * Room a packet needs behind it to be sealed in place: padding up to
 * MESSAGE_PADDING_MULTIPLE - 1 bytes and the tag, rounded up to 32.
 */
enum { MESSAGE_SEAL_TAILROOM = MESSAGE_PADDING_MULTIPLE + NOISE_AUTHTAG_LEN };

/* Whether the first plaintext byte @b0 says "warren L2 frame" (any version). */
static inline bool message_l2_is_frame(uint8_t b0)
{
	return (b0 & 0xf0) == (MESSAGE_L2_MAGIC & 0xf0);
}

/*
 * The type of a received datagram, or MESSAGE_INVALID when its length is
 * wrong for its type (types 1-3 exact, type 4 at least 32 bytes), the three
 * padding bytes are not zero, or the type is unknown. Reads only within len.
 */
static inline enum message_type message_classify(const void *data, size_t len)
{
	const uint8_t *b = data;

	if (len < sizeof(struct message_header) || b[1] || b[2] || b[3])
		return MESSAGE_INVALID;
	switch (b[0]) {
	case MESSAGE_HANDSHAKE_INITIATION:
		return len == MESSAGE_HANDSHAKE_INITIATION_LEN ? MESSAGE_HANDSHAKE_INITIATION
							       : MESSAGE_INVALID;
	case MESSAGE_HANDSHAKE_RESPONSE:
		return len == MESSAGE_HANDSHAKE_RESPONSE_LEN ? MESSAGE_HANDSHAKE_RESPONSE
							     : MESSAGE_INVALID;
	case MESSAGE_HANDSHAKE_COOKIE:
		return len == MESSAGE_HANDSHAKE_COOKIE_LEN ? MESSAGE_HANDSHAKE_COOKIE
							   : MESSAGE_INVALID;
	case MESSAGE_DATA:
		return len >= MESSAGE_MINIMUM_LENGTH ? MESSAGE_DATA : MESSAGE_INVALID;
	default:
		return MESSAGE_INVALID;
	}
}

_Static_assert(TUNNEL_OVERHEAD == 80 && TUNNEL_L2_OVERHEAD == 96, "tunnel overhead");
_Static_assert(TUNNEL_L2_FIT_MTU == 1404, "L2 MTU that fits one datagram");

#endif /* WARREN_ENGINE_MESSAGES_H */
