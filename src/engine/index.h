/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Receiver indices: the 32-bit numbers a peer puts in the receiver field of
 * what it sends us, mapped back to the handshake or keypair they name.
 * Indices are random (crypto_random) and unique within one table, so that
 * they reveal nothing and cannot be guessed to hit another session.
 *
 * Entries are embedded in their owner (a peer's handshake, a keypair): the
 * table never allocates after index_table_init() and never frees entries.
 * An owner removes its entry before it is freed.
 *
 * Not thread-safe: lookups and changes are serialized by the engine's owner.
 */
#ifndef WARREN_ENGINE_INDEX_H
#define WARREN_ENGINE_INDEX_H

#include <stdbool.h>
#include <stdint.h>

struct peer;

enum index_kind {
	INDEX_HANDSHAKE = 1 << 0,
	INDEX_KEYPAIR = 1 << 1,
};

struct index_entry {
	struct index_entry *next;
	struct peer *peer;
	uint32_t index; /* host order; meaningful while inserted */
	uint8_t kind;
	bool inserted;
};

enum { INDEX_BUCKETS = 1 << 13 };

struct index_table {
	struct index_entry *buckets[INDEX_BUCKETS];
	uint32_t count;
};

void index_table_init(struct index_table *t);

/*
 * Gives @entry a fresh random index not in use and inserts it (removing it
 * first if it was inserted). Returns 0 or -EIO (no randomness).
 */
int index_insert(struct index_table *t, struct index_entry *entry);

/* Moves @old's index to @new (which must not be inserted) and removes @old. */
void index_replace(struct index_table *t, struct index_entry *old, struct index_entry *new);

/* Removes @entry if inserted. */
void index_remove(struct index_table *t, struct index_entry *entry);

/* The entry with @index whose kind is in the mask @kinds, or NULL. */
struct index_entry *index_lookup(const struct index_table *t, uint32_t index, unsigned kinds);

#endif
