/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UDP segmentation offload on the tunnel's socket, the pure part: which
 * consecutive datagrams of a send batch may leave as one UDP_SEGMENT send,
 * and where the datagrams of a UDP_GRO buffer begin. The socket calls are
 * os/udp.c's; this file only decides and checks, with no I/O.
 *
 * The kernel's rules for one UDP_SEGMENT send (net/ipv4/udp.c
 * udp_send_skb, udp(7)): the payload is cut into gso_size pieces, so every
 * datagram but the last has exactly gso_size bytes and the last has at
 * most that; at most UDP_MAX_SEGMENTS (64) pieces; the whole payload fits
 * one IP packet (65535 bytes with its headers). A UDP_GRO buffer follows
 * the same shape (net/ipv4/udp_offload.c udp_gro_receive_segment).
 */
#ifndef WARREN_CORE_UDPGSO_H
#define WARREN_CORE_UDPGSO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pktbuf.h"

enum {
	/* UDP_MAX_SEGMENTS (include/linux/udp.h): datagrams in one send. */
	UDPGSO_MAX_SEGS = 64,
	/* The largest UDP payload of one IPv4 packet: 65535 - 20 - 8. */
	UDPGSO_MAX_BYTES = 65507,
};

/*
 * A run of datagrams to one destination that is being grown into one
 * UDP_SEGMENT send. The caller checks that each datagram goes where the
 * first one goes (and from the same source); this checks the sizes.
 */
struct udpgso_run {
	uint32_t size;	/* the first datagram's length: the gso_size */
	uint32_t count; /* datagrams in the run */
	uint32_t bytes; /* their total length */
	bool closed;	/* a shorter datagram ended it: nothing more joins */
};

/* Starts a run with a datagram of @len bytes (1..UDPGSO_MAX_BYTES). */
void udpgso_run_start(struct udpgso_run *run, uint32_t len);

/*
 * Whether a datagram of @len bytes, sent right after the run's last one to
 * the same destination, can join it; if so it is counted in. It can when
 * the run is not closed, @len is at least 1 and at most run->size, and the
 * run stays within UDPGSO_MAX_SEGS datagrams and UDPGSO_MAX_BYTES bytes. A
 * datagram shorter than run->size closes the run (it must be the last).
 */
bool udpgso_run_add(struct udpgso_run *run, uint32_t len);

/*
 * A UDP_GRO buffer of @len bytes holding datagrams of @seg_size bytes (the
 * last one shorter or equal): how many, or 0 when that cannot be true (no
 * bytes, no size, or more than @max_segs datagrams). The datagram @i
 * starts at i * seg_size and is udpgso_split_len() bytes long.
 */
uint32_t udpgso_split_count(uint32_t len, uint32_t seg_size, uint32_t max_segs);

static inline uint32_t udpgso_split_len(uint32_t len, uint32_t seg_size, uint32_t i)
{
	uint32_t off = i * seg_size;

	return len - off < seg_size ? len - off : seg_size;
}

/*
 * Cuts the UDP_GRO buffer @buf (buf->len bytes of datagrams of @seg_size,
 * from buf->addr) into one buffer per datagram, written to @out in order:
 * the first stays in @buf (trimmed to its length), each other is copied
 * once into a new buffer of @pool with @buf's address, so that each can be
 * opened in place and freed on its own. Returns how many buffers are in
 * @out (@buf consumed), with *@lost datagrams that found no free buffer
 * (the last ones); or -EBADMSG, @buf untouched, when the cut does not add
 * up (udpgso_split_count is 0 for @max).
 */
int udpgso_split(struct pktbuf *buf, uint32_t seg_size, struct pktbuf_pool *pool,
		 struct pktbuf **out, uint32_t max, uint32_t *lost);

#endif
