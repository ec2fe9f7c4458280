// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TUN queue's offloads (offload.h): the virtio_net_hdr, TSO
 * segmentation of what the kernel reads out, and GRO coalescing of what the
 * engine opened on the way back in. The cutting and joining are
 * core/gso.c's; this file applies them to a worker's buffers.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include <warren/tun.h>

#include "core/ip.h"
#include "core/log.h"
#include "daemon/offload.h"
#include "engine/messages.h"

int offload_init(struct offload *o, int tun_fd, unsigned int iff_flags, unsigned max_segs,
		 struct device_stats *stats)
{
	unsigned int want =
	    WARREN_TUN_OFFLOAD_CSUM | WARREN_TUN_OFFLOAD_TSO4 | WARREN_TUN_OFFLOAD_TSO6;
	unsigned int accepted = 0;
	int size, err;

	memset(o, 0, sizeof(*o));
	o->max_segs = max_segs;
	o->stats = stats;
	if (!(iff_flags & IFF_VNET_HDR))
		return 0;
	err = warren_tun_get_vnet_hdr_size(tun_fd, &size);
	if (err) {
		pr_error("vnet_hdr: %s", warren_strerror(err));
		return err;
	}
	if (size < GSO_VNET_HDR_LEN || size > OFFLOAD_VNET_HDR_MAX) {
		pr_error("vnet_hdr: size %d is not in [%d, %d]", size, GSO_VNET_HDR_LEN,
			 OFFLOAD_VNET_HDR_MAX);
		return -EINVAL;
	}
	o->vnet_len = (uint32_t)size;
	o->tap = iff_flags & IFF_TAP;
	err = warren_tun_set_offload(tun_fd, want, &accepted);
	if (err) {
		pr_error("offloads: %s", warren_strerror(err));
		return err;
	}
	o->gro = true;
	pr_debug("vnet_hdr of %d bytes, offloads %#x, GRO on", size, accepted);
	return 0;
}

/* ---- the Ethernet header of a TAP device's frames ---- */

enum {
	ETH_TYPE_OFF = 12,
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_VLAN = 0x8100,
};

/*
 * Where the IP packet in the frame @f (@len bytes) starts: after the
 * Ethernet header, with at most one 802.1Q tag; 0 when the frame carries
 * no IPv4 or IPv6 (nothing here segments or coalesces it).
 */
static uint32_t ip_offset(const uint8_t *f, size_t len)
{
	uint32_t off = ETH_TYPE_OFF;
	uint16_t type;

	if (len < off + 2)
		return 0;
	type = ip_get16(f + off);
	if (type == ETHERTYPE_VLAN) {
		off += OFFLOAD_VLAN_LEN;
		if (len < off + 2)
			return 0;
		type = ip_get16(f + off);
	}
	if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6)
		return 0;
	return off + 2;
}

/* ---- from the TUN queue: vnet header off, super-packets cut ---- */

enum offload_rx offload_rx(struct offload *o, struct pktbuf *buf, struct gso_seg *seg)
{
	struct gso_hdr hdr;
	int err;

	if (buf->len < o->vnet_len) {
		o->stats->tun_read_errors++;
		pktbuf_free(buf);
		return OFFLOAD_RX_DROPPED;
	}
	gso_hdr_decode(pktbuf_data(buf), &hdr);
	pktbuf_pull(buf, o->vnet_len);
	if (hdr.type != GSO_TYPE_NONE) {
		uint32_t link = 0;

		/*
		 * A TAP device's super-frame: the IP packet after the Ethernet
		 * header is cut, and offload_cut() puts the header back in
		 * front of each segment. csum_start counts from the frame.
		 */
		if (o->tap) {
			link = ip_offset(pktbuf_data(buf), buf->len);
			if (!link || hdr.csum_start < link)
				link = UINT32_MAX;
			else
				hdr.csum_start = (uint16_t)(hdr.csum_start - link);
		}
		err = link == UINT32_MAX ? -EBADMSG
					 : gso_seg_begin(seg, &hdr, pktbuf_data(buf) + link,
							 buf->len - link, o->max_segs);
		if (err) {
			if (err == -EPROTONOSUPPORT)
				o->stats->gso_unsupported++;
			else
				o->stats->gso_bad++;
			pktbuf_free(buf);
			return OFFLOAD_RX_DROPPED;
		}
		o->stats->gso_packets++;
		o->stats->gso_segments += seg->count;
		o->cut_link = link;
		return OFFLOAD_RX_SUPER;
	}
	if ((hdr.flags & GSO_F_NEEDS_CSUM) && gso_csum_finish(&hdr, pktbuf_data(buf), buf->len)) {
		o->stats->csum_bad++;
		pktbuf_free(buf);
		return OFFLOAD_RX_DROPPED;
	}
	return OFFLOAD_RX_PACKET;
}

int offload_cut(struct offload *o, struct gso_seg *seg, struct pktbuf_pool *pool,
		struct pktbuf **bufs, size_t *n, size_t max)
{
	uint32_t link = o->cut_link;

	while (gso_seg_more(seg)) {
		struct pktbuf *sb;
		uint8_t *p;
		int len;

		if (*n == max)
			return 1;
		sb = pktbuf_alloc(pool);
		if (!sb) {
			o->stats->gso_no_buffer += seg->count - seg->index;
			return -ENOBUFS;
		}
		/* The frame's Ethernet header (if any) sits just before the IP packet. */
		p = pktbuf_data(sb);
		memcpy(p, seg->pkt - link, link);
		len =
		    gso_seg_next(seg, p + link, pktbuf_tailroom(sb) - MESSAGE_SEAL_TAILROOM - link);
		if (len < 0) {
			o->stats->gso_bad++;
			pktbuf_free(sb);
			continue;
		}
		sb->len = (uint32_t)len + link;
		bufs[(*n)++] = sb;
	}
	return 0;
}

/* ---- to the TUN queue: vnet header on, segments coalesced ---- */

/*
 * Writes one packet to the TUN queue, behind a virtio_net_hdr @hdr if the
 * queue takes one (NULL: all zeros, a plain packet). Consumes @buf.
 */
static void tun_write(struct offload *o, int tun_fd, struct pktbuf *buf, const struct gso_hdr *hdr)
{
	static const struct gso_hdr plain;
	ssize_t n;

	if (o->vnet_len) {
		uint8_t *p = pktbuf_push(buf, o->vnet_len);

		if (!p) {
			o->stats->tun_write_drops++;
			pktbuf_free(buf);
			return;
		}
		memset(p, 0, o->vnet_len);
		gso_hdr_encode(p, hdr ? hdr : &plain);
	}
	n = write(tun_fd, pktbuf_data(buf), buf->len);
	if (n < 0 || (size_t)n != buf->len) {
		o->stats->tun_write_drops++;
		if (hdr && hdr->type != GSO_TYPE_NONE) {
			o->stats->gro_write_drops++;
			/* A kernel that refuses one super-packet refuses them all. */
			if (n < 0 && errno == EINVAL && o->gro) {
				pr_error("TUN queue refused a coalesced packet: GRO turned off");
				o->gro = false;
			}
		}
	}
	pktbuf_free(buf);
}

static void gro_write(struct offload *o, int tun_fd, struct gro_entry *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct gso_hdr hdr;
		uint32_t link = e[i].link;

		if (!e[i].tcp || e[i].run.count < 2) {
			tun_write(o, tun_fd, e[i].buf, NULL);
			continue;
		}
		gso_coalesce_finish(&e[i].run, pktbuf_data(e[i].buf) + link, e[i].buf->len - link,
				    &hdr);
		/* For the kernel, offsets count from the start of the frame. */
		hdr.csum_start = (uint16_t)(hdr.csum_start + link);
		hdr.hdr_len = (uint16_t)(hdr.hdr_len + link);
		o->stats->gro_segments += e[i].run.count;
		o->stats->gro_packets++;
		tun_write(o, tun_fd, e[i].buf, &hdr);
	}
}

/*
 * Offers the packet (or frame) @pkt of @len bytes, whose IP packet starts
 * at @link, to the open run @e: GSO_COALESCED, GSO_FLOW_OTHER or
 * GSO_FLOW_BREAK as gso_coalesce(). Frames join only behind an identical
 * Ethernet header (addresses, tag, type); a frame of the run's TCP flow
 * behind another header ends the run, so that nothing overtakes it.
 */
static int gro_offer(struct gro_entry *e, const uint8_t *pkt, uint32_t len, uint32_t link)
{
	struct pktbuf *super = e->buf;
	uint8_t *s = pktbuf_data(super);
	size_t cap = super->len + pktbuf_tailroom(super) - link;
	uint32_t ip_len = super->len - link;
	int r;

	if (link != e->link || memcmp(s, pkt, link))
		return gso_coalesce_same_flow(&e->run, s + e->link, pkt + link, len - link)
			   ? GSO_FLOW_BREAK
			   : GSO_FLOW_OTHER;
	r = gso_coalesce(&e->run, s + link, &ip_len, cap < OFFLOAD_IP_MAX ? cap : OFFLOAD_IP_MAX,
			 pkt + link, len - link);
	super->len = ip_len + link;
	return r;
}

/*
 * GRO: TCP segments of one flow that follow each other in the engine's
 * output are appended to the first one's buffer and written as one
 * super-packet (on a TAP device, a super-frame behind the first one's
 * Ethernet header). Only the newest run of a flow stays open, so a
 * segment that cannot join ends its flow's run and no later one overtakes
 * it; everything else keeps its place.
 */
static void gro_flush(struct offload *o, int tun_fd, struct pktbuf_queue *q)
{
	struct gro_entry *e = o->gro_entries;
	struct pktbuf *buf;
	unsigned n = 0;

	while ((buf = pktbuf_queue_pop(q))) {
		const uint8_t *pkt = pktbuf_data(buf);
		uint32_t link = o->tap ? ip_offset(pkt, buf->len) : 0;
		bool joined = false;

		for (unsigned i = n; i-- > 0;) {
			int r;

			if (!e[i].open || (o->tap && !link))
				continue;
			r = gro_offer(&e[i], pkt, buf->len, link);
			if (r == GSO_COALESCED) {
				pktbuf_free(buf);
				joined = true;
				break;
			}
			if (r == GSO_FLOW_BREAK) {
				e[i].open = false;
				break;
			}
		}
		if (joined)
			continue;
		if (n == OFFLOAD_BATCH) {
			gro_write(o, tun_fd, e, n);
			n = 0;
		}
		e[n].buf = buf;
		e[n].link = link;
		e[n].tcp = (!o->tap || link) &&
			   !gso_coalesce_start(&e[n].run, pkt + link, buf->len - link);
		e[n].open = e[n].tcp && !e[n].run.closed;
		n++;
	}
	gro_write(o, tun_fd, e, n);
}

void offload_tx(struct offload *o, int tun_fd, struct pktbuf_queue *q)
{
	struct pktbuf *buf;

	if (o->gro) {
		gro_flush(o, tun_fd, q);
		return;
	}
	while ((buf = pktbuf_queue_pop(q)))
		tun_write(o, tun_fd, buf, NULL);
}
