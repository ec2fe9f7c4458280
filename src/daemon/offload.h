/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TUN queue's offloads, for one worker: the virtio_net_hdr in front of
 * every packet (IFF_VNET_HDR), TSO super-packets from the kernel cut into
 * segments before the engine (core/gso.h), partial checksums finished, and
 * the engine's TCP segments coalesced (GRO) into super-packets on the way
 * back to the TUN queue. On a TAP device the same is done to the IP packet
 * inside each Ethernet frame, the frame's header copied in front of every
 * segment. Without a vnet header, reads and writes are plain.
 *
 * Nothing here allocates but from the worker's pool, and nothing logs per
 * packet; drops are counted in the worker's struct device_stats.
 */
#ifndef WARREN_DAEMON_OFFLOAD_H
#define WARREN_DAEMON_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gso.h"
#include "core/pktbuf.h"
#include "daemon/device.h"

enum {
	/* Packets one engine call and one TUN write round take at most. */
	OFFLOAD_BATCH = 128,
	/* The largest virtio_net_hdr taken (it comes out of the headroom). */
	OFFLOAD_VNET_HDR_MAX = 32,
	/* The largest IP packet TUN reads or writes. */
	OFFLOAD_IP_MAX = 65535,
	/* An 802.1Q tag, the most a TAP frame's header may hold before its IP packet. */
	OFFLOAD_VLAN_LEN = 4,
	/* The longest frame a TAP device reads: an IP packet behind a tagged header. */
	OFFLOAD_READ_MAX = OFFLOAD_IP_MAX + 14 + OFFLOAD_VLAN_LEN,
};

/* One packet on its way to the TUN queue, possibly a run of coalesced TCP segments. */
struct gro_entry {
	struct pktbuf *buf;
	struct gso_run run;
	uint32_t link; /* where the IP packet starts: 0, or after a TAP frame's Ethernet header */
	bool tcp;      /* run is valid */
	bool open;     /* later segments of the flow may still join */
};

struct offload {
	/*
	 * The TUN queue's virtio_net_hdr size (IFF_VNET_HDR): 0 when it has
	 * none. With it, reads bring TSO super-packets and writes coalesce
	 * TCP segments (gro) on an L3 device.
	 */
	uint32_t vnet_len;
	bool gro;
	/*
	 * A TAP device (L2): frames, whose IP packet comes after an Ethernet
	 * header; super-frames are cut and coalesced behind it.
	 */
	bool tap;
	uint32_t cut_link; /* the super-frame being cut: its IP packet's offset */
	/* Segments one super-packet may be cut into (a share of the pool). */
	unsigned max_segs;
	struct device_stats *stats; /* the worker's, where drops are counted */
	struct gro_entry gro_entries[OFFLOAD_BATCH];
};

/*
 * Sets up @o for TUN queue @tun_fd, whose TUNGETIFF flags are @iff_flags:
 * with IFF_VNET_HDR, checksum offload and TSO are turned on and GRO is
 * done, for a TUN device (IP packets) and a TAP device (Ethernet frames:
 * a VM's TSO super-frames come whole through the bridge and are cut here,
 * and frames from peers are coalesced into super-frames for it). Drops
 * are counted in @stats. Returns 0 or -errno (logged).
 */
int offload_init(struct offload *o, int tun_fd, unsigned int iff_flags, unsigned max_segs,
		 struct device_stats *stats);

/* What offload_rx() made of a packet just read. */
enum offload_rx {
	OFFLOAD_RX_PACKET,  /* a plain packet, ready for the engine */
	OFFLOAD_RX_DROPPED, /* consumed and counted */
	OFFLOAD_RX_SUPER,   /* a TSO super-packet: cut it with offload_cut() */
};

/*
 * Takes the virtio_net_hdr off @buf (read with o->vnet_len bytes in front)
 * and finishes a partial checksum. For OFFLOAD_RX_SUPER, @seg is set up to
 * cut @buf, which the caller frees once offload_cut() returns <= 0.
 */
enum offload_rx offload_rx(struct offload *o, struct pktbuf *buf, struct gso_seg *seg);

/*
 * Cuts the next segments of @seg into buffers of @pool appended to @bufs
 * after the first *@n, up to @max. Returns 1 when @bufs is full with
 * segments left (hand the batch to the engine and call again), 0 when all
 * are cut, -ENOBUFS when the pool ran dry (the segments left are counted
 * lost).
 */
int offload_cut(struct offload *o, struct gso_seg *seg, struct pktbuf_pool *pool,
		struct pktbuf **bufs, size_t *n, size_t max);

/* Writes the packets of @q (emptied) to the TUN queue @tun_fd, coalesced when o->gro. */
void offload_tx(struct offload *o, int tun_fd, struct pktbuf_queue *q);

#endif
