// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MAC table: a fixed pool of entries, found through a chained hash by
 * address, and kept on one of two lists: learned entries in order of last
 * seen (oldest first, so ageing and eviction both take from the head), or
 * static entries in the order added. Links are pool indices plus one, so
 * 0 is "none" and nothing is allocated after init.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mactable.h"

struct mactable_entry {
	uint8_t addr[MACTABLE_ADDR_LEN];
	bool is_static;
	struct peer *peer;
	uint64_t last_seen;
	uint64_t rx_frames, tx_frames;
	uint32_t hash_next;  /* chain, or the free list */
	uint32_t prev, next; /* the LRU or the static list */
};

static uint64_t mix(uint64_t x)
{
	/* SplitMix64's finalizer. */
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static size_t bucket_of(const struct mactable *t, const uint8_t *addr)
{
	uint64_t k = 0;

	for (int i = 0; i < MACTABLE_ADDR_LEN; i++)
		k = k << 8 | addr[i];
	return (size_t)(mix(k ^ t->seed) & t->bucket_mask);
}

static bool is_unicast(const uint8_t *addr)
{
	static const uint8_t zero[MACTABLE_ADDR_LEN];

	/* The I/G bit, the lowest of the first octet, marks group addresses. */
	return !(addr[0] & 1) && memcmp(addr, zero, MACTABLE_ADDR_LEN);
}

static struct mactable_entry *at(const struct mactable *t, uint32_t link)
{
	return link ? &t->entries[link - 1] : NULL;
}

static uint32_t link_of(const struct mactable *t, const struct mactable_entry *e)
{
	return (uint32_t)(e - t->entries) + 1;
}

/* The two lists. */

static void list_append(struct mactable *t, uint32_t *head, uint32_t *tail,
			struct mactable_entry *e)
{
	uint32_t l = link_of(t, e);

	e->prev = *tail;
	e->next = 0;
	if (*tail)
		at(t, *tail)->next = l;
	else
		*head = l;
	*tail = l;
}

static void list_unlink(struct mactable *t, uint32_t *head, uint32_t *tail,
			struct mactable_entry *e)
{
	if (e->prev)
		at(t, e->prev)->next = e->next;
	else
		*head = e->next;
	if (e->next)
		at(t, e->next)->prev = e->prev;
	else
		*tail = e->prev;
	e->prev = e->next = 0;
}

static void list_add(struct mactable *t, struct mactable_entry *e)
{
	if (e->is_static)
		list_append(t, &t->static_head, &t->static_tail, e);
	else
		list_append(t, &t->lru_head, &t->lru_tail, e);
}

static void list_del(struct mactable *t, struct mactable_entry *e)
{
	if (e->is_static)
		list_unlink(t, &t->static_head, &t->static_tail, e);
	else
		list_unlink(t, &t->lru_head, &t->lru_tail, e);
}

static struct mactable_entry *find(const struct mactable *t, const uint8_t *addr)
{
	struct mactable_entry *e;

	for (e = at(t, t->buckets[bucket_of(t, addr)]); e; e = at(t, e->hash_next))
		if (!memcmp(e->addr, addr, MACTABLE_ADDR_LEN))
			return e;
	return NULL;
}

static void entry_del(struct mactable *t, struct mactable_entry *e)
{
	uint32_t *link = &t->buckets[bucket_of(t, e->addr)], l = link_of(t, e);

	while (*link != l)
		link = &at(t, *link)->hash_next;
	*link = e->hash_next;
	list_del(t, e);
	e->hash_next = t->free_head;
	t->free_head = l;
	t->used--;
}

/* A free entry, hashed in for @addr and zeroed otherwise; NULL if none. */
static struct mactable_entry *entry_new(struct mactable *t, const uint8_t *addr)
{
	struct mactable_entry *e = at(t, t->free_head);
	size_t b;

	if (!e)
		return NULL;
	t->free_head = e->hash_next;
	memset(e, 0, sizeof(*e));
	memcpy(e->addr, addr, MACTABLE_ADDR_LEN);
	b = bucket_of(t, addr);
	e->hash_next = t->buckets[b];
	t->buckets[b] = link_of(t, e);
	t->used++;
	return e;
}

static bool expired(const struct mactable *t, const struct mactable_entry *e, uint64_t now)
{
	return !e->is_static && now > e->last_seen && now - e->last_seen >= t->ageing;
}

/* Drops learned entries not seen for the ageing time, oldest first. */
static void expire(struct mactable *t, uint64_t now)
{
	struct mactable_entry *e;

	while ((e = at(t, t->lru_head)) && expired(t, e, now)) {
		entry_del(t, e);
		t->stats.expired++;
	}
}

/* A free slot for a new entry, evicting the oldest learned one if need be. */
static bool make_room(struct mactable *t, uint64_t now)
{
	if (t->used < t->max_entries)
		return true;
	expire(t, now);
	if (t->used < t->max_entries)
		return true;
	if (!t->lru_head)
		return false;
	entry_del(t, at(t, t->lru_head));
	t->stats.evicted++;
	return true;
}

int mactable_init(struct mactable *t, size_t max_entries, uint64_t seed)
{
	size_t buckets = 16;

	memset(t, 0, sizeof(*t));
	if (!max_entries)
		max_entries = MACTABLE_DEFAULT_ENTRIES;
	if (max_entries > (size_t)1 << 31)
		return -EINVAL;
	while (buckets < max_entries)
		buckets *= 2;

	t->entries = calloc(max_entries, sizeof(*t->entries));
	if (!t->entries)
		goto err_entries;
	t->buckets = calloc(buckets, sizeof(*t->buckets));
	if (!t->buckets)
		goto err_buckets;

	for (size_t i = 0; i < max_entries; i++)
		t->entries[i].hash_next = i + 1 < max_entries ? (uint32_t)(i + 2) : 0;
	t->free_head = 1;
	t->bucket_mask = buckets - 1;
	t->max_entries = max_entries;
	t->seed = mix(seed);
	t->ageing = MACTABLE_DEFAULT_AGEING;
	return 0;

err_buckets:
	free(t->entries);
err_entries:
	memset(t, 0, sizeof(*t));
	return -ENOMEM;
}

void mactable_free(struct mactable *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

int mactable_set_ageing(struct mactable *t, uint64_t ageing_ns)
{
	if (!ageing_ns)
		return -EINVAL;
	t->ageing = ageing_ns;
	return 0;
}

enum mactable_learn_result mactable_learn(struct mactable *t, const uint8_t *addr,
					  struct peer *peer, uint64_t now)
{
	struct mactable_entry *e;

	if (!is_unicast(addr) || !peer || !t->max_entries) {
		t->stats.ignored++;
		return MACTABLE_IGNORED;
	}

	e = find(t, addr);
	if (e && expired(t, e, now)) {
		entry_del(t, e);
		t->stats.expired++;
		e = NULL;
	}
	if (e && e->is_static) {
		if (e->peer == peer)
			e->rx_frames++;
		else
			t->stats.refused++;
		return MACTABLE_STATIC;
	}
	if (e) {
		enum mactable_learn_result ret = MACTABLE_REFRESHED;

		if (e->peer != peer) {
			/* It roamed: what it did behind the old peer is history. */
			e->peer = peer;
			e->rx_frames = e->tx_frames = 0;
			t->stats.moved++;
			ret = MACTABLE_MOVED;
		}
		e->rx_frames++;
		if (now > e->last_seen)
			e->last_seen = now;
		/* Seen now: to the young end. */
		list_del(t, e);
		list_add(t, e);
		return ret;
	}

	if (!make_room(t, now)) {
		t->stats.refused++;
		return MACTABLE_REFUSED;
	}
	e = entry_new(t, addr);
	e->peer = peer;
	e->last_seen = now;
	e->rx_frames = 1;
	list_add(t, e);
	t->stats.learned++;
	return MACTABLE_NEW;
}

struct peer *mactable_lookup(struct mactable *t, const uint8_t *addr, uint64_t now)
{
	struct mactable_entry *e;

	if (!t->max_entries || !is_unicast(addr))
		return NULL;
	e = find(t, addr);
	if (!e)
		return NULL;
	if (expired(t, e, now)) {
		entry_del(t, e);
		t->stats.expired++;
		return NULL;
	}
	e->tx_frames++;
	return e->peer;
}

int mactable_add_static(struct mactable *t, const uint8_t *addr, struct peer *peer)
{
	struct mactable_entry *e;

	if (!is_unicast(addr) || !peer)
		return -EINVAL;
	if (!t->max_entries)
		return -ENOSPC;
	e = find(t, addr);
	if (e) {
		list_del(t, e);
	} else {
		/* Static entries do not age, so the time here is irrelevant:
		 * make_room() with now = 0 expires nothing and evicts. */
		if (!make_room(t, 0))
			return -ENOSPC;
		e = entry_new(t, addr);
	}
	e->peer = peer;
	e->is_static = true;
	list_add(t, e);
	return 0;
}

int mactable_remove(struct mactable *t, const uint8_t *addr)
{
	struct mactable_entry *e = t->max_entries ? find(t, addr) : NULL;

	if (!e)
		return -ENOENT;
	entry_del(t, e);
	return 0;
}

static void remove_from(struct mactable *t, uint32_t head, struct peer *peer)
{
	struct mactable_entry *e, *next;

	for (e = at(t, head); e; e = next) {
		next = at(t, e->next);
		if (!peer || e->peer == peer)
			entry_del(t, e);
	}
}

void mactable_remove_by_peer(struct mactable *t, struct peer *peer)
{
	if (!peer)
		return;
	remove_from(t, t->lru_head, peer);
	remove_from(t, t->static_head, peer);
}

void mactable_flush(struct mactable *t)
{
	remove_from(t, t->lru_head, NULL);
}

static int walk_list(const struct mactable *t, uint32_t head, uint64_t now, mactable_walk_fn fn,
		     void *ctx)
{
	const struct mactable_entry *e;

	for (e = at(t, head); e; e = at(t, e->next)) {
		struct mactable_info info = {
		    .is_static = e->is_static,
		    .peer = e->peer,
		    .age = e->is_static || now < e->last_seen ? 0 : now - e->last_seen,
		    .rx_frames = e->rx_frames,
		    .tx_frames = e->tx_frames,
		};
		int ret;

		memcpy(info.addr, e->addr, MACTABLE_ADDR_LEN);
		ret = fn(ctx, &info);
		if (ret)
			return ret;
	}
	return 0;
}

int mactable_walk(struct mactable *t, uint64_t now, mactable_walk_fn fn, void *ctx)
{
	int ret;

	if (!t->max_entries)
		return 0;
	expire(t, now);
	ret = walk_list(t, t->static_head, now, fn, ctx);
	if (ret)
		return ret;
	return walk_list(t, t->lru_head, now, fn, ctx);
}
