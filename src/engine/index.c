// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "engine/crypto.h"
#include "engine/index.h"

static uint32_t bucket(uint32_t index)
{
	/* Indices are uniformly random: their low bits spread well. */
	return index & (INDEX_BUCKETS - 1);
}

void index_table_init(struct index_table *t)
{
	memset(t, 0, sizeof(*t));
}

static void unlink_entry(struct index_table *t, struct index_entry *entry)
{
	struct index_entry **p = &t->buckets[bucket(entry->index)];

	for (; *p; p = &(*p)->next) {
		if (*p == entry) {
			*p = entry->next;
			break;
		}
	}
	entry->next = NULL;
	entry->inserted = false;
	t->count--;
}

static void link_entry(struct index_table *t, struct index_entry *entry)
{
	struct index_entry **head = &t->buckets[bucket(entry->index)];

	entry->next = *head;
	*head = entry;
	entry->inserted = true;
	t->count++;
}

static bool in_use(const struct index_table *t, uint32_t index)
{
	for (const struct index_entry *e = t->buckets[bucket(index)]; e; e = e->next)
		if (e->index == index)
			return true;
	return false;
}

int index_insert(struct index_table *t, struct index_entry *entry)
{
	uint32_t index;

	index_remove(t, entry);
	do {
		if (crypto_random(&index, sizeof(index)))
			return -EIO;
	} while (in_use(t, index));
	entry->index = index;
	link_entry(t, entry);
	return 0;
}

void index_replace(struct index_table *t, struct index_entry *old, struct index_entry *new)
{
	if (!old->inserted)
		return;
	unlink_entry(t, old);
	new->index = old->index;
	link_entry(t, new);
}

void index_remove(struct index_table *t, struct index_entry *entry)
{
	if (entry->inserted)
		unlink_entry(t, entry);
}

struct index_entry *index_lookup(const struct index_table *t, uint32_t index, unsigned kinds)
{
	for (struct index_entry *e = t->buckets[bucket(index)]; e; e = e->next)
		if (e->index == index && (e->kind & kinds))
			return e;
	return NULL;
}
