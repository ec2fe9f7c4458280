/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packet buffers, their pool and their queues.
 *
 * A pktbuf is one packet in a fixed-size slot of a preallocated pool, with
 * headroom in front of the data (so that outer headers can be pushed and
 * encryption happens in place) and tailroom behind it (padding, the AEAD
 * tag). The datapath never allocates: it takes buffers from a pool and
 * gives them back with pktbuf_free().
 *
 *     buf->slot          slot + data_off       + len            slot + cap
 *     | headroom          | data                 | tailroom         |
 *
 * Ownership: whoever holds the pointer owns the buffer. Functions that
 * "consume" a buffer take that ownership (they free it or pass it on).
 *
 * Threads: a pool belongs to one thread. A buffer goes back to the pool it
 * came from (buf->pool), so buffers must not cross threads unless the
 * owner of their pool frees them. Nothing here locks.
 */
#ifndef WARREN_CORE_PKTBUF_H
#define WARREN_CORE_PKTBUF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/sockaddr.h"

struct pktbuf_pool;

struct pktbuf {
	struct pktbuf *next;	  /* queue link; owned by whoever queues */
	struct pktbuf_pool *pool; /* where pktbuf_free() returns it */
	uint32_t data_off;	  /* data starts at slot + data_off */
	uint32_t len;		  /* bytes of data */
	uint32_t cap;		  /* bytes in slot */
	uint32_t flags;		  /* free for the current owner's use */
	/*
	 * The remote UDP address: the source of a received datagram, the
	 * destination of one to send. Unused for TUN packets.
	 */
	union sockaddr_inet addr;
	uint8_t *slot;
};

/* Headroom and tailroom every pool leaves by default (bytes). */
enum {
	PKTBUF_HEADROOM = 64,
	PKTBUF_TAILROOM = 64,
};

/*
 * Creates a pool of @count buffers whose data can hold @data_size bytes
 * after PKTBUF_HEADROOM and before PKTBUF_TAILROOM. Returns 0 or -errno.
 */
int pktbuf_pool_new(struct pktbuf_pool **pool, size_t count, size_t data_size);

/* Frees the pool and its memory. Every buffer must be back. NULL is fine. */
void pktbuf_pool_free(struct pktbuf_pool *pool);

/* Buffers currently in the pool (not handed out). */
size_t pktbuf_pool_available(const struct pktbuf_pool *pool);
size_t pktbuf_pool_size(const struct pktbuf_pool *pool);

/*
 * Takes a buffer with empty data at the default headroom. Returns NULL when
 * the pool is empty (the caller counts that as a drop).
 */
struct pktbuf *pktbuf_alloc(struct pktbuf_pool *pool);

/* Returns @buf to its pool. NULL is fine. */
void pktbuf_free(struct pktbuf *buf);

static inline uint8_t *pktbuf_data(const struct pktbuf *buf)
{
	return buf->slot + buf->data_off;
}

static inline uint32_t pktbuf_headroom(const struct pktbuf *buf)
{
	return buf->data_off;
}

static inline uint32_t pktbuf_tailroom(const struct pktbuf *buf)
{
	return buf->cap - buf->data_off - buf->len;
}

/* Resets data to empty at @headroom bytes (<= cap). */
static inline void pktbuf_reset(struct pktbuf *buf, uint32_t headroom)
{
	buf->data_off = headroom;
	buf->len = 0;
}

/* Extends data at the front by @n bytes; returns the new start or NULL. */
static inline uint8_t *pktbuf_push(struct pktbuf *buf, uint32_t n)
{
	if (n > buf->data_off)
		return NULL;
	buf->data_off -= n;
	buf->len += n;
	return pktbuf_data(buf);
}

/* Removes @n bytes from the front; returns the new start or NULL. */
static inline uint8_t *pktbuf_pull(struct pktbuf *buf, uint32_t n)
{
	if (n > buf->len)
		return NULL;
	buf->data_off += n;
	buf->len -= n;
	return pktbuf_data(buf);
}

/* Extends data at the end by @n bytes; returns where they start or NULL. */
static inline uint8_t *pktbuf_put(struct pktbuf *buf, uint32_t n)
{
	uint8_t *end = pktbuf_data(buf) + buf->len;

	if (n > pktbuf_tailroom(buf))
		return NULL;
	buf->len += n;
	return end;
}

/* Shortens data to @len bytes if it is longer. */
static inline void pktbuf_trim(struct pktbuf *buf, uint32_t len)
{
	if (len < buf->len)
		buf->len = len;
}

/* Copies @len bytes into a fresh buffer from @pool; NULL if none or too long. */
struct pktbuf *pktbuf_from(struct pktbuf_pool *pool, const void *data, size_t len);

/*
 * A FIFO of buffers linked through ->next. The queue owns what it holds;
 * pktbuf_queue_purge() frees everything in it.
 */
struct pktbuf_queue {
	struct pktbuf *head;
	struct pktbuf *tail;
	uint32_t len;
};

static inline void pktbuf_queue_init(struct pktbuf_queue *q)
{
	q->head = NULL;
	q->tail = NULL;
	q->len = 0;
}

/* Consumes @buf. */
static inline void pktbuf_queue_push(struct pktbuf_queue *q, struct pktbuf *buf)
{
	buf->next = NULL;
	if (q->tail)
		q->tail->next = buf;
	else
		q->head = buf;
	q->tail = buf;
	q->len++;
}

/* Returns the oldest buffer (now the caller's) or NULL. */
static inline struct pktbuf *pktbuf_queue_pop(struct pktbuf_queue *q)
{
	struct pktbuf *buf = q->head;

	if (!buf)
		return NULL;
	q->head = buf->next;
	if (!q->head)
		q->tail = NULL;
	q->len--;
	buf->next = NULL;
	return buf;
}

/* Moves everything in @from to the end of @to, keeping the order. */
static inline void pktbuf_queue_splice(struct pktbuf_queue *to, struct pktbuf_queue *from)
{
	if (!from->head)
		return;
	if (to->tail)
		to->tail->next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	to->len += from->len;
	pktbuf_queue_init(from);
}

/* Frees every buffer in @q; returns how many. */
uint32_t pktbuf_queue_purge(struct pktbuf_queue *q);

#endif
