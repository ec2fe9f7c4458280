/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transport keypairs and a peer's three slots for them
 * (WireGuard paper §5.4.5 and §6; key confirmation as in
 * drivers/net/wireguard/noise.c, wg_noise_received_with_keypair()).
 *
 * A keypair is one session: a sealing and an opening ChaCha20-Poly1305
 * context, each keyed once when the keypair is made and reused for every
 * packet; the send counter; the replay window of the receive direction;
 * its birth time; and its receiver-index entry.
 *
 * Slots: "current" is what we send with. The initiator's new keypair
 * becomes current at once (the response confirmed it). The responder's
 * waits in "next" until the first packet arrives under it
 * (keypairs_received_with()), then becomes current. "previous" keeps the
 * old current so that packets in flight still open.
 *
 * Ownership: the slots own their keypairs; a keypair leaving them is
 * removed from the index table, wiped and freed. Nothing here locks: one
 * owner (the engine's thread) serializes all calls for a peer. Each
 * crypto_aead is used by one thread at a time.
 */
#ifndef WARREN_ENGINE_KEYPAIR_H
#define WARREN_ENGINE_KEYPAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pktbuf.h"
#include "engine/crypto.h"
#include "engine/index.h"
#include "engine/noise.h"
#include "engine/replay.h"

struct keypair {
	struct index_entry entry; /* kind INDEX_KEYPAIR; local index */
	struct crypto_aead sender;
	struct crypto_aead receiver;
	uint64_t send_counter; /* next counter to use */
	struct replay replay;
	uint64_t birth_ns;     /* monotonic */
	uint32_t remote_index; /* host order */
	bool initiator;
	bool sending_valid;
	bool receiving_valid;
};

struct keypairs {
	struct keypair *previous;
	struct keypair *current;
	struct keypair *next;
};

/*
 * Makes a keypair from derived session keys for @peer: keys its two AEAD
 * contexts (the caller wipes @keys afterwards). The keypair is not yet in
 * the index table. Returns it or NULL (-ENOMEM).
 */
struct keypair *keypair_new(const struct noise_keys *keys, struct peer *peer);

/* Removes @kp from @t if there, wipes and frees it. NULL is fine. */
void keypair_free(struct keypair *kp, struct index_table *t);

/*
 * Seals the plaintext in @buf in place into a transport message: pads it
 * with zeros to a multiple of 16 (never past @mtu, 0 = no limit), appends
 * the tag and pushes the 16-byte header with @counter. @buf needs 16 bytes
 * of headroom and 31 of tailroom. Returns 0 or -ENOSPC / a crypto -errno.
 */
int keypair_seal(struct keypair *kp, struct pktbuf *buf, uint64_t counter, uint32_t mtu);

/*
 * Opens the transport message in @buf (whose length was checked, whose
 * receiver index named @kp) in place: on success @buf holds the padded
 * plaintext and *counter the message's counter, which the caller still
 * checks against the replay window. Returns 0 or -EBADMSG.
 */
int keypair_open(struct keypair *kp, struct pktbuf *buf, uint64_t *counter);

/* Whether @kp may send at @now: valid, younger than 180 s, counter below the limit. */
bool keypair_can_send(const struct keypair *kp, uint64_t now);
/* Whether @kp may receive at @now: valid and younger than 180 s. */
bool keypair_can_receive(const struct keypair *kp, uint64_t now);

/*
 * Installs a new keypair (consumed; it is linked into @t by the caller
 * beforehand) into the slots by the key-confirmation rule. Keypairs that
 * fall out are freed.
 */
void keypairs_add(struct keypairs *kps, struct keypair *kp, struct index_table *t);

/*
 * Key confirmation: called after a packet under @kp opened and passed the
 * replay check. If @kp is "next" it becomes current and the old current
 * previous; returns true then (the handshake is complete for a responder).
 */
bool keypairs_received_with(struct keypairs *kps, struct keypair *kp, struct index_table *t);

/* Frees all three slots (key material zeroed). */
void keypairs_clear(struct keypairs *kps, struct index_table *t);

/* Stops sending with current and next (after a private key change). */
void keypairs_expire(struct keypairs *kps);

#endif
