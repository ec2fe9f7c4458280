// SPDX-License-Identifier: GPL-2.0-only
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "engine/keypair.h"
#include "engine/messages.h"

struct keypair *keypair_new(const struct noise_keys *keys, struct peer *peer)
{
	struct keypair *kp = calloc(1, sizeof(*kp));

	if (!kp)
		return NULL;
	if (crypto_aead_init(&kp->sender, keys->send_key, true))
		goto err_sender;
	if (crypto_aead_init(&kp->receiver, keys->recv_key, false))
		goto err_receiver;
	kp->entry.kind = INDEX_KEYPAIR;
	kp->entry.peer = peer;
	replay_init(&kp->replay);
	kp->birth_ns = keys->created_ns;
	kp->remote_index = keys->remote_index;
	kp->initiator = keys->initiator;
	kp->sending_valid = true;
	kp->receiving_valid = true;
	return kp;

err_receiver:
	crypto_aead_free(&kp->sender);
err_sender:
	free(kp);
	return NULL;
}

void keypair_free(struct keypair *kp, struct index_table *t)
{
	if (!kp)
		return;
	index_remove(t, &kp->entry);
	crypto_aead_free(&kp->sender);
	crypto_aead_free(&kp->receiver);
	secret_wipe(kp, sizeof(*kp));
	free(kp);
}

static uint32_t padded_len(uint32_t len, uint32_t mtu)
{
	uint32_t padded =
	    (len + MESSAGE_PADDING_MULTIPLE - 1) & ~(uint32_t)(MESSAGE_PADDING_MULTIPLE - 1);

	if (mtu && padded > mtu)
		padded = len > mtu ? len : mtu;
	return padded;
}

int keypair_seal(struct keypair *kp, struct pktbuf *buf, uint64_t counter, uint32_t mtu)
{
	uint32_t len = buf->len, padded = padded_len(len, mtu);
	struct message_data *msg;
	uint8_t *pad;
	int ret;

	if (pktbuf_headroom(buf) < sizeof(*msg) ||
	    pktbuf_tailroom(buf) < padded - len + NOISE_AUTHTAG_LEN)
		return -ENOSPC;
	pad = pktbuf_put(buf, padded - len);
	memset(pad, 0, padded - len);
	ret = crypto_aead_seal(&kp->sender, counter, pktbuf_data(buf), padded, NULL, 0);
	if (ret)
		return ret;
	pktbuf_put(buf, NOISE_AUTHTAG_LEN);
	msg = (struct message_data *)pktbuf_push(buf, sizeof(*msg));
	msg->header.type = htole32(MESSAGE_DATA);
	msg->key_idx = htole32(kp->remote_index);
	msg->counter = htole64(counter);
	return 0;
}

int keypair_open(struct keypair *kp, struct pktbuf *buf, uint64_t *counter)
{
	const struct message_data *msg = (const struct message_data *)pktbuf_data(buf);
	uint64_t c = le64toh(msg->counter);
	int ret;

	pktbuf_pull(buf, sizeof(*msg));
	ret = crypto_aead_open(&kp->receiver, c, pktbuf_data(buf), buf->len, NULL, 0);
	if (ret)
		return ret;
	buf->len -= NOISE_AUTHTAG_LEN;
	*counter = c;
	return 0;
}

bool keypair_can_send(const struct keypair *kp, uint64_t now)
{
	return kp && kp->sending_valid && now - kp->birth_ns < REJECT_AFTER_TIME_NS &&
	       kp->send_counter < REJECT_AFTER_MESSAGES;
}

bool keypair_can_receive(const struct keypair *kp, uint64_t now)
{
	return kp->receiving_valid && now - kp->birth_ns < REJECT_AFTER_TIME_NS &&
	       kp->replay.next < REJECT_AFTER_MESSAGES;
}

void keypairs_add(struct keypairs *kps, struct keypair *kp, struct index_table *t)
{
	if (kp->initiator) {
		/*
		 * The response confirmed the keys: use them now. A pending
		 * "next" (we were also a responder) becomes previous rather
		 * than being thrown away; the old current goes.
		 */
		if (kps->next) {
			keypair_free(kps->previous, t);
			kps->previous = kps->next;
			kps->next = NULL;
			keypair_free(kps->current, t);
		} else {
			keypair_free(kps->previous, t);
			kps->previous = kps->current;
		}
		kps->current = kp;
	} else {
		/* Unconfirmed: wait in "next" for the first packet under it. */
		keypair_free(kps->next, t);
		kps->next = kp;
		keypair_free(kps->previous, t);
		kps->previous = NULL;
	}
}

bool keypairs_received_with(struct keypairs *kps, struct keypair *kp, struct index_table *t)
{
	if (!kp || kp != kps->next)
		return false;
	keypair_free(kps->previous, t);
	kps->previous = kps->current;
	kps->current = kp;
	kps->next = NULL;
	return true;
}

void keypairs_clear(struct keypairs *kps, struct index_table *t)
{
	keypair_free(kps->previous, t);
	keypair_free(kps->current, t);
	keypair_free(kps->next, t);
	kps->previous = kps->current = kps->next = NULL;
}

void keypairs_expire(struct keypairs *kps)
{
	if (kps->current)
		kps->current->sending_valid = false;
	if (kps->next)
		kps->next->sending_valid = false;
}
