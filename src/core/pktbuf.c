// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pool is two allocations made once: the buffer headers and one block
 * of slots (64-byte aligned, so that every slot starts on a cache line).
 * Free buffers sit on a LIFO stack, so the most recently used (and still
 * cached) slot is handed out next.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/pktbuf.h"

struct pktbuf_pool {
	struct pktbuf *bufs;
	uint8_t *slots; /* mmap()ed: a page is backed only once a buffer touches it */
	size_t slots_len;
	struct pktbuf **free;
	size_t count;
	size_t nfree;
};

int pktbuf_pool_new(struct pktbuf_pool **poolp, size_t count, size_t data_size)
{
	struct pktbuf_pool *pool;
	size_t slot_size;

	if (!count || !data_size || data_size > UINT32_MAX / 2)
		return -EINVAL;
	slot_size = (PKTBUF_HEADROOM + data_size + PKTBUF_TAILROOM + 63) & ~(size_t)63;
	if (count > SIZE_MAX / slot_size)
		return -EINVAL;

	pool = calloc(1, sizeof(*pool));
	if (!pool)
		goto err_pool;
	pool->bufs = calloc(count, sizeof(*pool->bufs));
	if (!pool->bufs)
		goto err_bufs;
	pool->free = calloc(count, sizeof(*pool->free));
	if (!pool->free)
		goto err_free;
	/*
	 * Straight from the kernel, not malloc: a daemon's pool is 128 MiB
	 * of which a quiet tunnel touches a few pages, and malloc may fill
	 * what it returns (MALLOC_PERTURB_, as meson's test runner sets it).
	 */
	pool->slots_len = count * slot_size;
	pool->slots =
	    mmap(NULL, pool->slots_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pool->slots == MAP_FAILED)
		goto err_slots;

	pool->count = count;
	for (size_t i = 0; i < count; i++) {
		struct pktbuf *buf = &pool->bufs[i];

		buf->pool = pool;
		buf->slot = pool->slots + i * slot_size;
		buf->cap = (uint32_t)slot_size;
		pool->free[count - 1 - i] = buf;
	}
	pool->nfree = count;
	*poolp = pool;
	return 0;

err_slots:
	free(pool->free);
err_free:
	free(pool->bufs);
err_bufs:
	free(pool);
err_pool:
	return -ENOMEM;
}

void pktbuf_pool_free(struct pktbuf_pool *pool)
{
	if (!pool)
		return;
	munmap(pool->slots, pool->slots_len);
	free(pool->free);
	free(pool->bufs);
	free(pool);
}

size_t pktbuf_pool_available(const struct pktbuf_pool *pool)
{
	return pool->nfree;
}

size_t pktbuf_pool_size(const struct pktbuf_pool *pool)
{
	return pool->count;
}

struct pktbuf *pktbuf_alloc(struct pktbuf_pool *pool)
{
	struct pktbuf *buf;

	if (!pool->nfree)
		return NULL;
	buf = pool->free[--pool->nfree];
	buf->next = NULL;
	buf->data_off = PKTBUF_HEADROOM;
	buf->len = 0;
	buf->flags = 0;
	buf->addr.sa.sa_family = AF_UNSPEC;
	return buf;
}

void pktbuf_free(struct pktbuf *buf)
{
	struct pktbuf_pool *pool;

	if (!buf)
		return;
	pool = buf->pool;
	pool->free[pool->nfree++] = buf;
}

struct pktbuf *pktbuf_from(struct pktbuf_pool *pool, const void *data, size_t len)
{
	struct pktbuf *buf = pktbuf_alloc(pool);
	uint8_t *p;

	if (!buf)
		return NULL;
	p = len <= UINT32_MAX ? pktbuf_put(buf, (uint32_t)len) : NULL;
	if (!p) {
		pktbuf_free(buf);
		return NULL;
	}
	memcpy(p, data, len);
	return buf;
}

uint32_t pktbuf_queue_purge(struct pktbuf_queue *q)
{
	uint32_t n = 0;
	struct pktbuf *buf;

	while ((buf = pktbuf_queue_pop(q))) {
		pktbuf_free(buf);
		n++;
	}
	return n;
}
