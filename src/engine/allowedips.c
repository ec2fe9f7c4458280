// SPDX-License-Identifier: GPL-2.0-only
/*
 * The allowed-IPs trie. Each family has a path-compressed binary trie
 * whose nodes carry a whole prefix (key masked to cidr bits): a node's
 * children extend its prefix, child[b] the one whose bit number cidr is b.
 * Two kinds of node: entries (peer != NULL), and branch nodes (peer ==
 * NULL) that exist only to join two subtrees where their prefixes part;
 * a branch node always has exactly two children, so the trie holds at most
 * 2n - 1 nodes for n entries and a lookup visits at most one node per
 * address bit, comparing one masked prefix (two words) per node.
 *
 * Keys are two host-order words, most significant address bit first; an
 * IPv4 address fills the top 32 bits of the first word.
 *
 * Each peer's entries are also on a list in the order they were given to
 * it (for allowedips_walk_by_peer()); the lists hang off small "owner"
 * records kept in a hash table by peer pointer, so that the peer stays
 * opaque here.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/allowedips.h"

struct allowedips_node {
	/* What a lookup reads comes first, within 48 bytes. */
	uint64_t key[2];
	struct allowedips_node *child[2];
	struct peer *peer;
	uint8_t cidr;
	uint8_t bits; /* 32 or 128: the family */
	struct allowedips_node *parent;
	/* On the owner's list; meaningful only while peer != NULL. */
	struct allowedips_node *owner_prev, *owner_next;
};

struct allowedips_owner {
	struct peer *peer;
	struct allowedips_owner *hash_next;
	struct allowedips_node *head, *tail;
	size_t count;
};

struct key {
	uint64_t w[2];
};

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Address bits of @family, or 0 if the family is not one we route. */
static unsigned int family_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static struct key key_from_bytes(unsigned int bits, const uint8_t *addr)
{
	struct key k;

	if (bits == 32) {
		k.w[0] = (uint64_t)addr[0] << 56 | (uint64_t)addr[1] << 48 |
			 (uint64_t)addr[2] << 40 | (uint64_t)addr[3] << 32;
		k.w[1] = 0;
	} else {
		k.w[0] = load_be64(addr);
		k.w[1] = load_be64(addr + 8);
	}
	return k;
}

static uint64_t word_mask(unsigned int cidr, unsigned int word)
{
	unsigned int n = cidr > 64 * word ? cidr - 64 * word : 0;

	if (n >= 64)
		return UINT64_MAX;
	return n ? ~(UINT64_MAX >> n) : 0;
}

/* Whether @k starts with node @n's prefix. */
static inline bool prefix_matches(const struct allowedips_node *n, const uint64_t *k)
{
	uint64_t x0 = n->key[0] ^ k[0];

	if (n->cidr <= 64)
		return !n->cidr || !(x0 >> (64 - n->cidr));
	return !x0 && !((n->key[1] ^ k[1]) >> (128 - n->cidr));
}

static unsigned int common_bits(const uint64_t *a, const uint64_t *b)
{
	if (a[0] != b[0])
		return (unsigned int)__builtin_clzll(a[0] ^ b[0]);
	if (a[1] != b[1])
		return 64 + (unsigned int)__builtin_clzll(a[1] ^ b[1]);
	return 128;
}

/* Bit number @i (0 = most significant) of a key; i < 128. */
static inline unsigned int bit_at(const uint64_t *k, unsigned int i)
{
	return (k[i / 64] >> (63 - i % 64)) & 1;
}

static struct allowedips_node **root_of(struct allowedips *t, unsigned int bits)
{
	return bits == 32 ? &t->root4 : &t->root6;
}

/* The pointer that points at @n: its parent's child slot or the root. */
static struct allowedips_node **link_of(struct allowedips *t, struct allowedips_node *n)
{
	if (!n->parent)
		return root_of(t, n->bits);
	return &n->parent->child[n->parent->child[1] == n];
}

static struct allowedips_node *node_new(struct allowedips *t, const struct key *k,
					unsigned int cidr, unsigned int bits)
{
	struct allowedips_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->key[0] = k->w[0] & word_mask(cidr, 0);
	n->key[1] = k->w[1] & word_mask(cidr, 1);
	n->cidr = (uint8_t)cidr;
	n->bits = (uint8_t)bits;
	t->nodes++;
	return n;
}

/* Owners: a chained hash table by peer pointer. */

static size_t owner_hash(const struct peer *peer, size_t buckets)
{
	uint64_t h = (uint64_t)(uintptr_t)peer * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 32) & (buckets - 1);
}

static struct allowedips_owner *owner_find(const struct allowedips *t, const struct peer *peer)
{
	struct allowedips_owner *o;

	if (!t->owner_buckets)
		return NULL;
	for (o = t->owners[owner_hash(peer, t->owner_buckets)]; o; o = o->hash_next)
		if (o->peer == peer)
			return o;
	if (!t->old_owners)
		return NULL;
	for (o = t->old_owners[owner_hash(peer, t->old_buckets)]; o; o = o->hash_next)
		if (o->peer == peer)
			return o;
	return NULL;
}

/*
 * Moves up to @n buckets of the old array into the new one, and frees the
 * old one once it is empty. A grown table is moved a little at each insert
 * rather than at once: at 250k peers the whole move took ~0.2 s, all that
 * time without traffic for a daemon adding peers (issue 12).
 */
static void owners_move(struct allowedips *t, size_t n)
{
	for (; t->old_owners && n; n--) {
		struct allowedips_owner *o, *next;

		for (o = t->old_owners[t->moved]; o; o = next) {
			size_t h = owner_hash(o->peer, t->owner_buckets);

			next = o->hash_next;
			o->hash_next = t->owners[h];
			t->owners[h] = o;
		}
		t->old_owners[t->moved] = NULL;
		if (++t->moved == t->old_buckets) {
			free(t->old_owners);
			t->old_owners = NULL;
			t->old_buckets = t->moved = 0;
		}
	}
}

/* Doubles the bucket array; on allocation failure the table stays as is. */
static void owners_grow(struct allowedips *t)
{
	size_t n = t->owner_buckets ? t->owner_buckets * 2 : 16;
	struct allowedips_owner **b;

	owners_move(t, SIZE_MAX); /* the last move is long done: one at a time */
	b = calloc(n, sizeof(*b));
	if (!b)
		return;
	t->old_owners = t->owners;
	t->old_buckets = t->owners ? t->owner_buckets : 0;
	t->moved = 0;
	t->owners = b;
	t->owner_buckets = n;
}

static struct allowedips_owner *owner_get(struct allowedips *t, struct peer *peer)
{
	struct allowedips_owner *o = owner_find(t, peer);
	size_t h;

	if (o)
		return o;
	/* Four old buckets a new owner: done long before the next doubling. */
	owners_move(t, 4);
	if (t->owner_count >= t->owner_buckets)
		owners_grow(t);
	if (!t->owner_buckets)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->peer = peer;
	h = owner_hash(peer, t->owner_buckets);
	o->hash_next = t->owners[h];
	t->owners[h] = o;
	t->owner_count++;
	return o;
}

static void owner_release(struct allowedips *t, struct allowedips_owner *o)
{
	struct allowedips_owner **pp = &t->owners[owner_hash(o->peer, t->owner_buckets)];

	while (*pp && *pp != o)
		pp = &(*pp)->hash_next;
	if (!*pp) /* not moved yet */
		for (pp = &t->old_owners[owner_hash(o->peer, t->old_buckets)]; *pp != o;)
			pp = &(*pp)->hash_next;
	*pp = o->hash_next;
	t->owner_count--;
	free(o);
}

static void owner_append(struct allowedips_owner *o, struct allowedips_node *n)
{
	n->owner_next = NULL;
	n->owner_prev = o->tail;
	if (o->tail)
		o->tail->owner_next = n;
	else
		o->head = n;
	o->tail = n;
	o->count++;
}

static void owner_unlink(struct allowedips_owner *o, struct allowedips_node *n)
{
	if (n->owner_prev)
		n->owner_prev->owner_next = n->owner_next;
	else
		o->head = n->owner_next;
	if (n->owner_next)
		n->owner_next->owner_prev = n->owner_prev;
	else
		o->tail = n->owner_prev;
	n->owner_prev = n->owner_next = NULL;
	o->count--;
}

/*
 * Removes the nodes that no longer earn their place, starting at @n whose
 * peer was just cleared: a node without a peer needs two children.
 */
static void prune(struct allowedips *t, struct allowedips_node *n)
{
	while (n && !n->peer && !(n->child[0] && n->child[1])) {
		struct allowedips_node *child = n->child[0] ? n->child[0] : n->child[1];
		struct allowedips_node *parent = n->parent;

		*link_of(t, n) = child;
		if (child)
			child->parent = parent;
		free(n);
		t->nodes--;
		if (child)
			break; /* the parent keeps as many children as before */
		n = parent;
	}
}

/*
 * Walks toward @k/@cidr (@k's host bits may be set: they are never
 * compared). Returns the node holding exactly that prefix, or
 * NULL with *@linkp the slot where the search left the trie (empty, or
 * holding a node whose prefix parts from ours) and *@parentp its parent.
 */
static struct allowedips_node *find(struct allowedips_node **root, const struct key *k,
				    unsigned int cidr, struct allowedips_node ***linkp,
				    struct allowedips_node **parentp)
{
	struct allowedips_node **link = root, *parent = NULL, *n;

	while ((n = *link)) {
		unsigned int common = common_bits(n->key, k->w);

		if (common > n->cidr)
			common = n->cidr;
		if (common > cidr)
			common = cidr;
		if (common < n->cidr)
			break;
		if (n->cidr == cidr)
			return n;
		parent = n;
		link = &n->child[bit_at(k->w, n->cidr)];
	}
	*linkp = link;
	*parentp = parent;
	return NULL;
}

static int check_args(int family, uint8_t cidr, unsigned int *bits)
{
	*bits = family_bits(family);
	if (!*bits)
		return -EAFNOSUPPORT;
	if (cidr > *bits)
		return -EINVAL;
	return 0;
}

static void set_peer(struct allowedips *t, struct allowedips_node *n, struct allowedips_owner *to)
{
	if (n->peer) {
		struct allowedips_owner *from = owner_find(t, n->peer);

		owner_unlink(from, n);
		if (!from->count)
			owner_release(t, from);
	} else {
		t->entries++;
	}
	n->peer = to->peer;
	owner_append(to, n);
}

int allowedips_insert(struct allowedips *t, int family, const uint8_t *addr, uint8_t cidr,
		      struct peer *peer)
{
	struct allowedips_node **link, *parent, *n, *leaf, *branch = NULL;
	struct allowedips_owner *owner;
	unsigned int bits, common;
	struct key k;
	int ret;

	ret = check_args(family, cidr, &bits);
	if (ret)
		return ret;
	if (!peer)
		return -EINVAL;
	k = key_from_bytes(bits, addr);

	owner = owner_get(t, peer);
	if (!owner)
		return -ENOMEM;

	n = find(root_of(t, bits), &k, cidr, &link, &parent);
	if (n) {
		if (n->peer != peer)
			set_peer(t, n, owner);
		return 0;
	}

	leaf = node_new(t, &k, cidr, bits);
	if (!leaf)
		goto err_leaf;
	n = *link;
	if (n) {
		common = common_bits(n->key, leaf->key);
		if (common > cidr)
			common = cidr;
		/* find() stopped because n's prefix is not a prefix of ours. */
		if (common < cidr) {
			branch = node_new(t, &k, common, bits);
			if (!branch)
				goto err_branch;
		}
	}

	set_peer(t, leaf, owner);
	if (!n) {
		leaf->parent = parent;
		*link = leaf;
	} else if (!branch) {
		/* Ours is a prefix of n's: the new node goes above n. */
		leaf->child[bit_at(n->key, cidr)] = n;
		n->parent = leaf;
		leaf->parent = parent;
		*link = leaf;
	} else {
		branch->child[bit_at(leaf->key, common)] = leaf;
		branch->child[bit_at(n->key, common)] = n;
		leaf->parent = branch;
		n->parent = branch;
		branch->parent = parent;
		*link = branch;
	}
	return 0;

err_branch:
	free(leaf);
	t->nodes--;
err_leaf:
	if (!owner->count)
		owner_release(t, owner);
	return -ENOMEM;
}

int allowedips_remove(struct allowedips *t, int family, const uint8_t *addr, uint8_t cidr,
		      struct peer *peer)
{
	struct allowedips_node **link, *parent, *n;
	struct allowedips_owner *owner;
	unsigned int bits;
	struct key k;
	int ret;

	ret = check_args(family, cidr, &bits);
	if (ret)
		return ret;
	k = key_from_bytes(bits, addr);
	n = find(root_of(t, bits), &k, cidr, &link, &parent);
	if (!n || !peer || n->peer != peer)
		return -ENOENT;
	owner = owner_find(t, peer);
	owner_unlink(owner, n);
	if (!owner->count)
		owner_release(t, owner);
	n->peer = NULL;
	t->entries--;
	prune(t, n);
	return 0;
}

void allowedips_remove_by_peer(struct allowedips *t, struct peer *peer)
{
	struct allowedips_owner *owner = owner_find(t, peer);
	struct allowedips_node *n, *next;

	if (!owner)
		return;
	/* prune() frees only nodes without a peer: never one still listed. */
	for (n = owner->head; n; n = next) {
		next = n->owner_next;
		n->peer = NULL;
		t->entries--;
		prune(t, n);
	}
	owner_release(t, owner);
}

struct peer *allowedips_lookup(const struct allowedips *t, int family, const uint8_t *addr)
{
	unsigned int bits = family_bits(family);
	const struct allowedips_node *n;
	struct peer *best = NULL;
	struct key k;

	if (!bits)
		return NULL;
	k = key_from_bytes(bits, addr);
	n = bits == 32 ? t->root4 : t->root6;
	while (n) {
		if (!prefix_matches(n, k.w))
			break;
		if (n->peer)
			best = n->peer;
		if (n->cidr == bits)
			break;
		n = n->child[bit_at(k.w, n->cidr)];
	}
	return best;
}

int allowedips_walk_by_peer(const struct allowedips *t, const struct peer *peer,
			    allowedips_walk_fn fn, void *ctx)
{
	const struct allowedips_owner *owner = owner_find(t, peer);
	const struct allowedips_node *n;

	if (!owner)
		return 0;
	for (n = owner->head; n; n = n->owner_next) {
		uint8_t addr[16];
		int ret;

		store_be64(addr, n->key[0]);
		store_be64(addr + 8, n->key[1]);
		ret = fn(ctx, n->bits == 32 ? AF_INET : AF_INET6, addr, n->cidr);
		if (ret)
			return ret;
	}
	return 0;
}

size_t allowedips_count_by_peer(const struct allowedips *t, const struct peer *peer)
{
	const struct allowedips_owner *owner = owner_find(t, peer);

	return owner ? owner->count : 0;
}

void allowedips_init(struct allowedips *t)
{
	memset(t, 0, sizeof(*t));
}

static void free_subtree(struct allowedips_node *n)
{
	/* Depth is bounded by the address bits (129 levels at most). */
	if (!n)
		return;
	free_subtree(n->child[0]);
	free_subtree(n->child[1]);
	free(n);
}

void allowedips_free(struct allowedips *t)
{
	if (!t)
		return;
	free_subtree(t->root4);
	free_subtree(t->root6);
	owners_move(t, SIZE_MAX);
	for (size_t i = 0; i < t->owner_buckets; i++) {
		struct allowedips_owner *o = t->owners[i], *next;

		for (; o; o = next) {
			next = o->hash_next;
			free(o);
		}
	}
	free(t->owners);
	allowedips_init(t);
}
