// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "engine/crypto.h"
#include "engine/peer.h"

int peer_table_init(struct peer_table *t)
{
	memset(t, 0, sizeof(*t));
	if (crypto_random(t->hash_key, sizeof(t->hash_key)))
		return -EIO;
	t->buckets = calloc(PEER_BUCKETS_MIN, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->mask = PEER_BUCKETS_MIN - 1;
	return 0;
}

void peer_table_free(struct peer_table *t)
{
	free(t->old_buckets);
	free(t->buckets);
	secret_wipe(t, sizeof(*t));
}

int peer_table_seed(struct peer_table *t, uint64_t *seed)
{
	/* One draw for many peers: each RAND_bytes costs a getpid() and more. */
	if (!t->seeds_left) {
		if (crypto_random(t->seeds, sizeof(t->seeds)))
			return -EIO;
		t->seeds_left = PEER_SEEDS;
	}
	*seed = t->seeds[--t->seeds_left];
	t->seeds[t->seeds_left] = 0;
	return 0;
}

static uint32_t key_hash(const struct peer_table *t, const uint8_t key[NOISE_PUBLIC_KEY_LEN],
			 uint32_t mask)
{
	/*
	 * Public keys are chosen by whoever configures the peers, so the
	 * hash only needs to be unpredictable to outsiders: mix the key's
	 * words with the table's secret (a keyed multiply-xorshift).
	 */
	uint64_t h = t->hash_key[0];

	for (size_t i = 0; i < NOISE_PUBLIC_KEY_LEN; i += 8) {
		uint64_t w;

		memcpy(&w, key + i, 8);
		h ^= w + t->hash_key[1];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return (uint32_t)(h >> 32) & mask;
}

struct peer *peer_new(struct engine *engine, const struct noise_static_identity *identity,
		      const uint8_t public_key[NOISE_PUBLIC_KEY_LEN], uint64_t seed)
{
	struct peer *peer = calloc(1, sizeof(*peer));

	if (!peer)
		return NULL;
	peer->engine = engine;
	memcpy(peer->public_key, public_key, NOISE_PUBLIC_KEY_LEN);
	if (noise_handshake_init(&peer->handshake, identity, public_key, NULL))
		goto err;
	if (cookie_maker_init(&peer->cookie, public_key))
		goto err;
	timers_init(&peer->timers, seed);
	peer->handshake_entry.kind = INDEX_HANDSHAKE;
	peer->handshake_entry.peer = peer;
	peer->endpoint.sa.sa_family = AF_UNSPEC;
	pktbuf_queue_init(&peer->staged);
	return peer;

err:
	noise_handshake_destroy(&peer->handshake);
	cookie_maker_clear(&peer->cookie);
	free(peer);
	return NULL;
}

void peer_free(struct peer *peer)
{
	if (!peer)
		return;
	pktbuf_queue_purge(&peer->staged);
	free(peer->allowed_macs);
	noise_handshake_destroy(&peer->handshake);
	cookie_maker_clear(&peer->cookie);
	secret_wipe(peer, sizeof(*peer));
	free(peer);
}

/*
 * Moves up to @n old buckets into the new ones, and frees the old ones
 * once empty. A grown table moves a little at each insert rather than all
 * at once: at a million peers the whole move would stop the datapath for
 * tens of milliseconds.
 */
static void move(struct peer_table *t, uint32_t n)
{
	for (; t->old_buckets && n; n--) {
		struct peer *p, *next;

		for (p = t->old_buckets[t->moved]; p; p = next) {
			struct peer **head = &t->buckets[key_hash(t, p->public_key, t->mask)];

			next = p->hash_next;
			p->hash_next = *head;
			*head = p;
		}
		t->old_buckets[t->moved] = NULL;
		if (t->moved++ == t->old_mask) {
			free(t->old_buckets);
			t->old_buckets = NULL;
			t->old_mask = t->moved = 0;
		}
	}
}

/* Doubles the buckets; on failure the table stays as it is (only slower). */
static void grow(struct peer_table *t)
{
	uint32_t mask = t->mask * 2 + 1;
	struct peer **buckets;

	move(t, UINT32_MAX); /* the last move is long done: one at a time */
	buckets = calloc((size_t)mask + 1, sizeof(*buckets));
	if (!buckets)
		return;
	t->old_buckets = t->buckets;
	t->old_mask = t->mask;
	t->moved = 0;
	t->buckets = buckets;
	t->mask = mask;
}

/* The link that points at @peer, in the new buckets or the old. */
static struct peer **link_of(struct peer_table *t, const struct peer *peer)
{
	struct peer **p = &t->buckets[key_hash(t, peer->public_key, t->mask)];

	while (*p && *p != peer)
		p = &(*p)->hash_next;
	if (*p || !t->old_buckets)
		return p;
	p = &t->old_buckets[key_hash(t, peer->public_key, t->old_mask)];
	while (*p && *p != peer)
		p = &(*p)->hash_next;
	return p;
}

void peer_table_insert(struct peer_table *t, struct peer *peer)
{
	struct peer **head;

	/* Four old buckets a new peer: done long before the next doubling. */
	move(t, 4);
	if (t->count >= t->mask && t->mask < UINT32_MAX / 4)
		grow(t);
	head = &t->buckets[key_hash(t, peer->public_key, t->mask)];

	peer->hash_next = *head;
	*head = peer;
	peer->list_next = NULL;
	peer->list_prev = t->last;
	if (t->last)
		t->last->list_next = peer;
	else
		t->first = peer;
	t->last = peer;
	t->count++;
}

void peer_table_remove(struct peer_table *t, struct peer *peer)
{
	struct peer **p = link_of(t, peer);

	if (*p)
		*p = peer->hash_next;
	if (peer->list_prev)
		peer->list_prev->list_next = peer->list_next;
	else
		t->first = peer->list_next;
	if (peer->list_next)
		peer->list_next->list_prev = peer->list_prev;
	else
		t->last = peer->list_prev;
	peer->hash_next = peer->list_prev = peer->list_next = NULL;
	t->count--;
}

struct peer *peer_table_lookup(const struct peer_table *t,
			       const uint8_t public_key[NOISE_PUBLIC_KEY_LEN])
{
	for (struct peer *p = t->buckets[key_hash(t, public_key, t->mask)]; p; p = p->hash_next)
		if (crypto_equal(p->public_key, public_key, NOISE_PUBLIC_KEY_LEN))
			return p;
	if (!t->old_buckets)
		return NULL;
	for (struct peer *p = t->old_buckets[key_hash(t, public_key, t->old_mask)]; p;
	     p = p->hash_next)
		if (crypto_equal(p->public_key, public_key, NOISE_PUBLIC_KEY_LEN))
			return p;
	return NULL;
}
