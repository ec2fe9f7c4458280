// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MAC table: addresses in a hashpool, an entry beside each slot, kept
 * on one of two lists: learned entries in order of last seen (oldest
 * first, so ageing and eviction both take from the head), or static
 * entries in the order added. List links are slots plus one, so 0 is
 * "none" and nothing is allocated after init.
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
	uint32_t prev, next; /* the LRU or the static list */
};

/* The pool's key for @addr: the 48 bits in the low word. */
static struct hashpool_key key_of(const uint8_t *addr)
{
	return (struct hashpool_key){
	    .lo = (uint64_t)addr[0] << 40 | (uint64_t)addr[1] << 32 | (uint64_t)addr[2] << 24 |
		  (uint64_t)addr[3] << 16 | (uint64_t)addr[4] << 8 | addr[5],
	};
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
	int slot = hashpool_find(&t->pool, key_of(addr));

	return slot >= 0 ? &t->entries[slot] : NULL;
}

static void entry_del(struct mactable *t, struct mactable_entry *e)
{
	list_del(t, e);
	hashpool_remove(&t->pool, link_of(t, e) - 1);
}

/* A free entry for @addr (not in the table), zeroed otherwise; NULL if none. */
static struct mactable_entry *entry_new(struct mactable *t, const uint8_t *addr)
{
	struct mactable_entry *e;
	int slot = hashpool_insert(&t->pool, key_of(addr));

	if (slot < 0)
		return NULL;
	e = &t->entries[slot];
	memset(e, 0, sizeof(*e));
	memcpy(e->addr, addr, MACTABLE_ADDR_LEN);
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
	if (!hashpool_full(&t->pool))
		return true;
	expire(t, now);
	if (!hashpool_full(&t->pool))
		return true;
	if (!t->lru_head)
		return false;
	entry_del(t, at(t, t->lru_head));
	t->stats.evicted++;
	return true;
}

int mactable_init(struct mactable *t, size_t max_entries, uint64_t seed)
{
	int err;

	memset(t, 0, sizeof(*t));
	if (!max_entries)
		max_entries = MACTABLE_DEFAULT_ENTRIES;
	err = hashpool_init(&t->pool, max_entries, seed);
	if (err)
		return err;
	t->entries = calloc(max_entries, sizeof(*t->entries));
	if (!t->entries) {
		hashpool_free(&t->pool);
		return -ENOMEM;
	}
	t->ageing = MACTABLE_DEFAULT_AGEING;
	return 0;
}

void mactable_free(struct mactable *t)
{
	if (!t)
		return;
	hashpool_free(&t->pool);
	free(t->entries);
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

	if (!is_unicast(addr) || !peer || !t->pool.capacity) {
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

	if (!t->pool.capacity || !is_unicast(addr))
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
	if (!t->pool.capacity)
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
	struct mactable_entry *e = t->pool.capacity ? find(t, addr) : NULL;

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

	if (!t->pool.capacity)
		return 0;
	expire(t, now);
	ret = walk_list(t, t->static_head, now, fn, ctx);
	if (ret)
		return ret;
	return walk_list(t, t->lru_head, now, fn, ctx);
}
