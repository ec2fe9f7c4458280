// SPDX-License-Identifier: GPL-2.0-only
/*
 * The allowed-IPs trie against a naive model, driven by fuzzer bytes: a
 * list of operations (insert, remove, remove by peer, lookup), each result
 * compared with a list of prefixes searched by scan; at the end each
 * peer's walk is compared with the model's order. Any difference traps.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/allowedips.h"

struct peer {
	int id;
};

#define NPEERS 4
#define MODEL_MAX 256

static struct peer peers[NPEERS];

struct entry {
	int family;
	uint8_t addr[16];
	uint8_t cidr;
	int peer;
	unsigned long seq;
};

static struct entry model[MODEL_MAX];
static size_t model_n;
static unsigned long model_seq;

#define check(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static void mask(uint8_t *a, unsigned int cidr)
{
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int keep = cidr > i * 8 ? cidr - i * 8 : 0;

		if (keep < 8)
			a[i] &= (uint8_t)(0xff00 >> keep);
	}
}

static struct entry *find(int family, const uint8_t *a, uint8_t cidr)
{
	for (size_t i = 0; i < model_n; i++)
		if (model[i].family == family && model[i].cidr == cidr &&
		    !memcmp(model[i].addr, a, 16))
			return &model[i];
	return NULL;
}

static int lookup(int family, const uint8_t *a)
{
	const struct entry *best = NULL;

	for (size_t i = 0; i < model_n; i++) {
		uint8_t m[16];

		if (model[i].family != family)
			continue;
		memcpy(m, a, 16);
		mask(m, model[i].cidr);
		if (!memcmp(m, model[i].addr, 16) && (!best || model[i].cidr > best->cidr))
			best = &model[i];
	}
	return best ? best->peer : -1;
}

struct cursor {
	int peer;
	unsigned long after; /* the seq of the previous entry walked */
	size_t seen;
};

static int walked(void *ctx, int family, const uint8_t *addr, uint8_t cidr)
{
	struct cursor *c = ctx;
	uint8_t a[16] = {0};
	const struct entry *e;

	memcpy(a, addr, family == AF_INET ? 4 : 16);
	e = find(family, a, cidr);
	check(e && e->peer == c->peer && e->seq > c->after);
	c->after = e->seq;
	c->seen++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct allowedips t;
	size_t at = 0;

	for (int i = 0; i < NPEERS; i++)
		peers[i].id = i;
	model_n = 0;
	model_seq = 0;
	allowedips_init(&t);
	while (at + 3 <= size) {
		uint8_t op = data[at], arg = data[at + 1], cidr = data[at + 2];
		int family = op & 0x10 ? AF_INET6 : AF_INET;
		unsigned int len = family == AF_INET ? 4 : 16, bits = len * 8;
		int peer = (arg >> 4) % NPEERS;
		uint8_t a[16] = {0};
		struct entry *e;

		at += 3;
		if (at + len > size)
			break;
		memcpy(a, data + at, len);
		at += len;

		switch (op & 3) {
		case 0: {
			int ret = allowedips_insert(&t, family, a, cidr, &peers[peer]);

			if (cidr > bits) {
				check(ret == -EINVAL);
				break;
			}
			check(ret == 0);
			mask(a, cidr);
			e = find(family, a, cidr);
			if (!e) {
				if (model_n == MODEL_MAX)
					goto out; /* the model is full; stop here */
				e = &model[model_n++];
				*e = (struct entry){family, {0}, cidr, -1, 0};
				memcpy(e->addr, a, 16);
			}
			if (e->peer != peer) {
				e->peer = peer;
				e->seq = ++model_seq;
			}
			break;
		}
		case 1: {
			int ret = allowedips_remove(&t, family, a, cidr, &peers[peer]);

			if (cidr > bits) {
				check(ret == -EINVAL);
				break;
			}
			mask(a, cidr);
			e = find(family, a, cidr);
			if (e && e->peer == peer) {
				check(ret == 0);
				*e = model[--model_n];
			} else {
				check(ret == -ENOENT);
			}
			break;
		}
		case 2:
			allowedips_remove_by_peer(&t, &peers[peer]);
			for (size_t i = 0; i < model_n;) {
				if (model[i].peer == peer)
					model[i] = model[--model_n];
				else
					i++;
			}
			break;
		case 3: {
			struct peer *p = allowedips_lookup(&t, family, a);

			check((p ? p->id : -1) == lookup(family, a));
			break;
		}
		}
		check(t.entries == model_n);
		check(t.nodes <= (t.entries ? 2 * t.entries - 1 : 0));
	}
out:
	for (int p = 0; p < NPEERS; p++) {
		struct cursor c = {p, 0, 0};
		size_t n = 0;

		for (size_t i = 0; i < model_n; i++)
			n += model[i].peer == p;
		check(allowedips_walk_by_peer(&t, &peers[p], walked, &c) == 0);
		check(c.seen == n && allowedips_count_by_peer(&t, &peers[p]) == n);
	}
	allowedips_free(&t);
	return 0;
}
