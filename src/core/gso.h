/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Segmentation offload between a TUN device with IFF_VNET_HDR and a tunnel
 * that carries one MTU-sized IP packet per datagram.
 *
 * Send side: the kernel hands over TCP "super-packets" of up to 64 KiB,
 * described by a virtio_net_hdr (gso_type, gso_size, and a checksum left
 * for the device to finish). gso_seg_begin()/gso_seg_next() cut one into
 * the packets the kernel would have sent without TSO, with every header
 * and checksum complete, since the peer may be any WireGuard
 * implementation. gso_csum_finish() completes the checksum of a packet
 * that is not segmented but has VIRTIO_NET_HDR_F_NEEDS_CSUM.
 *
 * Receive side: gso_coalesce() appends a TCP segment to a super-packet of
 * the same flow when the result is exactly what the kernel could have cut
 * it from; gso_coalesced_hdr() describes the result to the kernel.
 *
 * Everything here is pure: no allocation, no I/O. Packets are outside
 * input (the kernel's headers are trusted no more than a peer's): every
 * length is checked before a field is read, and a packet that does not
 * add up is refused with -EBADMSG (or -EPROTONOSUPPORT for an offload
 * type this code does not do), never read out of bounds.
 */
#ifndef WARREN_CORE_GSO_H
#define WARREN_CORE_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct virtio_net_hdr as TUN reads and writes it: 10 bytes, host order. */
enum {
	GSO_VNET_HDR_LEN = 10,
};

/* virtio_net_hdr flags and gso types (linux/virtio_net.h). */
enum gso_flag {
	GSO_F_NEEDS_CSUM = 1,
	GSO_F_DATA_VALID = 2,
};

enum gso_type {
	GSO_TYPE_NONE = 0,
	GSO_TYPE_TCPV4 = 1,
	GSO_TYPE_UDP = 3,
	GSO_TYPE_TCPV6 = 4,
	GSO_TYPE_UDP_L4 = 5,
	GSO_TYPE_ECN = 0x80,
};

struct gso_hdr {
	uint8_t flags;	      /* enum gso_flag */
	uint8_t type;	      /* enum gso_type, possibly | GSO_TYPE_ECN */
	uint16_t hdr_len;     /* length of the headers (a hint only) */
	uint16_t size;	      /* payload bytes per segment */
	uint16_t csum_start;  /* where the checksummed range starts */
	uint16_t csum_offset; /* where in it the checksum goes */
};

/* Reads / writes the 10-byte virtio_net_hdr at @p. */
void gso_hdr_decode(const uint8_t *p, struct gso_hdr *hdr);
void gso_hdr_encode(uint8_t *p, const struct gso_hdr *hdr);

/*
 * Completes the checksum a virtio_net_hdr with GSO_F_NEEDS_CSUM leaves
 * open: the ones' complement sum of @pkt[csum_start..len) (whose checksum
 * field holds the pseudo-header sum) stored at csum_start + csum_offset.
 * Returns 0, or -EBADMSG if the range does not fit in @len bytes.
 */
int gso_csum_finish(const struct gso_hdr *hdr, uint8_t *pkt, size_t len);

/*
 * A super-packet being cut. The packet it points into must stay unchanged
 * until the last segment is out.
 */
struct gso_seg {
	const uint8_t *pkt;
	uint32_t hdr_len; /* IP and TCP headers: copied in front of every segment */
	uint32_t l4_off;  /* where the TCP header starts */
	uint32_t payload; /* payload bytes in the super-packet */
	uint32_t done;	  /* payload bytes already cut */
	uint32_t mss;	  /* payload bytes per segment */
	uint32_t count;	  /* segments in all */
	uint32_t index;	  /* the next segment's number */
	uint32_t seq;	  /* TCP sequence number of the first segment */
	uint16_t ip_id;	  /* IPv4 id of the first segment */
	int family;	  /* 4 or 6: the IP version */
};

/*
 * Checks the super-packet @pkt (@len bytes of IP, after its virtio_net_hdr
 * @hdr, which has a TCPV4 or TCPV6 gso type and NEEDS_CSUM) and prepares
 * @seg. Returns 0; -EPROTONOSUPPORT for another gso type (UDP, or unknown);
 * -EBADMSG when the headers do not add up (wrong family for the type, not
 * TCP, csum_start not the TCP header, a zero gso_size, no payload, SYN, RST
 * or URG set, or a segment count above @max_count: a gso_size too small to
 * be true).
 */
int gso_seg_begin(struct gso_seg *seg, const struct gso_hdr *hdr, const uint8_t *pkt, size_t len,
		  uint32_t max_count);

/* True while segments remain. */
static inline bool gso_seg_more(const struct gso_seg *seg)
{
	return seg->index < seg->count;
}

/*
 * Writes the next segment, a complete IP packet with correct lengths,
 * IPv4 id and header checksum, TCP sequence number, flags (CWR only on the
 * first, FIN and PSH only on the last) and TCP checksum, at @out (@cap
 * bytes, not overlapping the super-packet). Returns its length, or
 * -ENOSPC if it does not fit (the segment is skipped).
 */
int gso_seg_next(struct gso_seg *seg, uint8_t *out, size_t cap);

/*
 * Receive side. gso_coalesce() tries to append the IP packet @pkt (@len
 * bytes, a whole decrypted packet) to the super-packet @super (*@super_len
 * bytes, built by earlier calls, at most @cap bytes of room) described by
 * @st. Both are TCP of one flow with identical IP and TCP headers except
 * length, IPv4 id and checksum, the same TCP options, only ACK and PSH
 * set, the next sequence number, a payload no longer than the first
 * segment's and a correct TCP checksum (the kernel trusts a coalesced
 * packet's, so every segment is checked here, the first when the second
 * joins); after a shorter segment or one with PSH nothing more joins.
 * Returns GSO_COALESCED if @pkt was appended (the caller may free it),
 * GSO_FLOW_OTHER if it is not of this run's flow, GSO_FLOW_BREAK if it is
 * but cannot join (the run is over: later segments of the flow must not
 * join it either, or they would overtake @pkt).
 *
 * gso_coalesce_start() checks whether @pkt can start a run at all (valid
 * TCP over IPv4 without fragments or IPv6 without extension headers, only
 * ACK/PSH, nonzero payload, checksums not verified here); returns 0 and
 * fills @st, or 1.
 */
struct gso_run {
	uint32_t hdr_len; /* IP + TCP headers */
	uint32_t l4_off;
	uint32_t mss;	   /* payload of the first segment */
	uint32_t next_seq; /* the sequence number the next segment must have */
	uint32_t count;	   /* segments in the run */
	int family;	   /* 4 or 6: the IP version */
	bool closed;	   /* a short or PSH segment ended the run */
};

enum gso_coalesce_result {
	GSO_COALESCED = 0,
	GSO_FLOW_OTHER = 1,
	GSO_FLOW_BREAK = 2,
};

int gso_coalesce_start(struct gso_run *st, const uint8_t *pkt, size_t len);

/*
 * True when the IP packet @pkt (@len bytes) is of the TCP flow of the run
 * @st whose first packet is @super (addresses and ports), whether or not
 * it could join. For a caller that keeps runs apart by more than the IP
 * flow (a TAP frame's Ethernet header) and must end a run that a packet
 * of its flow cannot join.
 */
bool gso_coalesce_same_flow(const struct gso_run *st, const uint8_t *super, const uint8_t *pkt,
			    size_t len);
int gso_coalesce(struct gso_run *st, uint8_t *super, uint32_t *super_len, size_t cap,
		 const uint8_t *pkt, size_t len);

/*
 * Finishes a run of more than one segment for the kernel: fixes the IP
 * length fields (IPv4 header checksum too), puts the pseudo-header sum in
 * the TCP checksum field and fills @hdr (NEEDS_CSUM, TCPV4/TCPV6,
 * gso_size, csum_start/offset). A run of one segment is left alone and
 * @hdr is all zeros.
 */
void gso_coalesce_finish(const struct gso_run *st, uint8_t *super, uint32_t super_len,
			 struct gso_hdr *hdr);

/*
 * The Internet checksum (RFC 1071): gso_csum_add() adds the 16-bit words of
 * @len bytes at @p (in memory order; an odd last byte is padded with zero)
 * to @sum and returns the sum folded to at most 0xffff;
 * gso_csum_fold() folds a sum to 16 bits (not complemented).
 */
uint32_t gso_csum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t gso_csum_fold(uint32_t sum);

#endif
