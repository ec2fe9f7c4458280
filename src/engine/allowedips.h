/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Allowed IPs: which peer owns an address. One path-compressed binary trie
 * per family (IPv4, IPv6) with longest-prefix match, as WireGuard's
 * cryptokey routing needs it both ways: outbound, the peer to encrypt a
 * packet to (lookup of its destination); inbound, the check that a
 * decrypted packet's source belongs to the peer that sent it.
 *
 * Rules (cryptokey routing, WireGuard paper §2; wireguard-go
 * device/allowedips.go, whose maskSelf() and Remove() do the first and third):
 * - host bits are masked on insert: 10.1.2.3/8 is stored as 10.0.0.0/8;
 * - inserting a prefix that exists moves it to the new peer;
 * - a prefix is removed only by the peer that owns it;
 * - a peer's prefixes are enumerated in the order they were given to it.
 *
 * Peers are opaque: this module stores struct peer pointers and never
 * dereferences them. The table holds no reference; before a peer is freed
 * the caller calls allowedips_remove_by_peer() for it.
 *
 * Addresses are raw network-order bytes: 4 for AF_INET, 16 for AF_INET6.
 *
 * Concurrency: no locking inside. Lookups only read, so any number may run
 * at once; insert/remove need exclusive access (the caller's write lock).
 */
#ifndef WARREN_ENGINE_ALLOWEDIPS_H
#define WARREN_ENGINE_ALLOWEDIPS_H

#include <stddef.h>
#include <stdint.h>

struct peer;
struct allowedips_node;
struct allowedips_owner;

struct allowedips {
	struct allowedips_node *root4;
	struct allowedips_node *root6;
	/* Per-peer lists of nodes, a hash table by peer pointer. */
	struct allowedips_owner **owners;
	size_t owner_buckets;
	/* While it grows: the old buckets, moved a few per insert from [moved]. */
	struct allowedips_owner **old_owners;
	size_t old_buckets, moved;
	size_t owner_count;
	size_t entries; /* prefixes with an owner, both families */
	size_t nodes;	/* trie nodes: entries plus branch nodes, < 2 * entries */
};

/* An empty table; allocates nothing. */
void allowedips_init(struct allowedips *t);

/* Frees every node; the table is empty (and reusable) afterwards. NULL ok. */
void allowedips_free(struct allowedips *t);

/*
 * Gives @addr/@cidr (host bits masked off) to @peer (not NULL), taking it
 * from its previous owner if any. Returns 0, -EAFNOSUPPORT for a family
 * other than AF_INET/AF_INET6, -EINVAL for a cidr beyond 32/128, -ENOMEM
 * (the table is then unchanged).
 */
int allowedips_insert(struct allowedips *t, int family, const uint8_t *addr, uint8_t cidr,
		      struct peer *peer);

/*
 * Removes @addr/@cidr (host bits masked off) if @peer owns it. Returns 0,
 * -ENOENT if the prefix is absent or owned by another peer (nothing
 * changes), -EAFNOSUPPORT, -EINVAL as for insert.
 */
int allowedips_remove(struct allowedips *t, int family, const uint8_t *addr, uint8_t cidr,
		      struct peer *peer);

/* Removes every prefix @peer owns (both families). */
void allowedips_remove_by_peer(struct allowedips *t, struct peer *peer);

/*
 * The peer owning the longest prefix that contains @addr (4 or 16 bytes by
 * @family), or NULL (also for an unknown family). Never allocates, never
 * writes to the table; O(address bits).
 */
struct peer *allowedips_lookup(const struct allowedips *t, int family, const uint8_t *addr);

/*
 * Calls @fn for each prefix @peer owns, in the order the peer was given
 * them (a stable order for the UAPI get), with the masked address bytes.
 * Stops at the first nonzero return of @fn and returns it; 0 otherwise.
 * @fn must not modify the table.
 */
typedef int (*allowedips_walk_fn)(void *ctx, int family, const uint8_t *addr, uint8_t cidr);
int allowedips_walk_by_peer(const struct allowedips *t, const struct peer *peer,
			    allowedips_walk_fn fn, void *ctx);

/* How many prefixes @peer owns. */
size_t allowedips_count_by_peer(const struct allowedips *t, const struct peer *peer);

#endif /* WARREN_ENGINE_ALLOWEDIPS_H */
