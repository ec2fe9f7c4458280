// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's device: TUN <-> engine <-> UDP on one event loop.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <warren/rtnl.h>
#include <warren/tun.h>

#include "core/gso.h"
#include "core/log.h"
#include "core/pktbuf.h"
#include "daemon/device.h"
#include "daemon/uapi.h"
#include "daemon/uapi_server.h"
#include "engine/engine.h"
#include "engine/messages.h"
#include "os/loop.h"
#include "os/udp.h"

enum {
	/* Packets moved per batch: one recvmmsg/sendmmsg, one engine call. */
	WORKER_BATCH = 128,
	/* Batches taken from one ready descriptor before the others get a turn. */
	WORKER_ROUNDS = 4,
	/* Buffers per worker: batches in flight, staged packets, handshakes. */
	WORKER_POOL = 2048,
	/* Bytes a buffer holds: the largest UDP payload or TUN packet. */
	WORKER_BUF_DATA = 65536,
	/*
	 * Segments one TSO super-packet may be cut into. More is a gso_size
	 * no honest TCP sends (64 KiB in segments under 64 bytes) and would
	 * take half the pool.
	 */
	GSO_MAX_SEGS = WORKER_POOL / 2,
	/* The largest virtio_net_hdr taken (it comes out of the headroom). */
	VNET_HDR_MAX = 32,
	/* The largest IP packet TUN reads or writes. */
	IP_MAX = 65535,
};

/* One packet on its way to the TUN queue, possibly a run of coalesced TCP segments. */
struct gro_entry {
	struct pktbuf *buf;
	struct gso_run run;
	bool tcp;  /* run is valid */
	bool open; /* later segments of the flow may still join */
};

/*
 * The datapath unit: one TUN queue, one UDP socket and their buffers. The
 * engine is shared; today there is one worker on the loop thread.
 */
struct worker {
	struct device *device;
	int tun_fd;
	struct udp_socket *udp;
	struct pktbuf_pool *pool;
	struct engine_output out;
	struct loop_watch tun_watch, udp_watch;
	struct pktbuf_queue pending; /* datagrams waiting for room in the socket */
	bool blocked;		     /* pending is not empty: TUN reads paused */
	bool starved;		     /* the pool ran dry: TUN and UDP reads paused */
	/*
	 * The TUN queue's virtio_net_hdr (IFF_VNET_HDR): 0 when it has none.
	 * With it, reads bring TSO super-packets (segmented here before the
	 * engine) and writes coalesce TCP segments (gro) on an L3 device.
	 */
	uint32_t vnet_len;
	bool gro;
	struct pktbuf *bufs[WORKER_BATCH];
	struct udp_msg msgs[WORKER_BATCH];
	struct gro_entry gro_entries[WORKER_BATCH];
	struct device_stats stats;
};

struct device {
	char name[IFNAMSIZ];
	int ifindex;
	struct engine *engine;
	struct loop loop;
	struct worker worker;
	struct uapi_server *uapi;
	struct uapi_hooks hooks;
	struct mnl_socket *nl;
	struct loop_watch nl_watch, inotify_watch;
	uint32_t fwmark;
	bool up; /* the link is up: the UDP socket is open */
	enum device_stop stop;
};

static struct engine_time device_now(void)
{
	struct timespec ts;
	struct engine_time t;

	t.mono_ns = loop_now();
	clock_gettime(CLOCK_REALTIME, &ts);
	t.wall_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return t;
}

static void device_stop(struct device *device, enum device_stop why)
{
	if (device->stop == DEVICE_STOP_NONE)
		device->stop = why;
	loop_stop(&device->loop);
}

/* Re-arms the loop's timer at the engine's next deadline, if it moved. */
static void arm_timer(struct device *device)
{
	uint64_t d = engine_next_deadline(device->engine);

	if (d == UINT64_MAX)
		d = 0;
	else if (d == 0)
		d = 1;
	if (d != device->loop.deadline)
		loop_set_deadline(&device->loop, d);
}

static void log_events(struct device *device, struct engine_output *out)
{
	static const char *const what[] = {
	    [ENGINE_EVENT_HANDSHAKE_COMPLETE] = "handshake completed",
	    [ENGINE_EVENT_HANDSHAKE_GAVE_UP] = "handshake gave up",
	    [ENGINE_EVENT_KEYS_ZEROED] = "keys zeroed",
	    [ENGINE_EVENT_ENDPOINT_CHANGED] = "endpoint changed (roaming)",
	};

	for (unsigned i = 0; i < out->n_events; i++) {
		const struct engine_event *ev = &out->events[i];

		/* A misconfiguration, raised once per peer by the engine: always logged. */
		if (ev->type == ENGINE_EVENT_PEER_SENDS_L2 ||
		    ev->type == ENGINE_EVENT_PEER_SENDS_L3)
			pr_error("peer %02x%02x%02x%02x...: %s", ev->public_key[0],
				 ev->public_key[1], ev->public_key[2], ev->public_key[3],
				 ev->type == ENGINE_EVENT_PEER_SENDS_L2
				     ? "sends L2 frames, this interface is L3"
				     : "sends IP packets, this interface is L2");
	}
	if (log_get_level() >= LOG_LEVEL_VERBOSE) {
		for (unsigned i = 0; i < out->n_events; i++) {
			const struct engine_event *ev = &out->events[i];
			char detail[48] = "";

			/*
			 * The engine gives up when the retransmit timer fires with
			 * handshake_attempts > MAX_TIMER_HANDSHAKES: after the first
			 * initiation and MAX_TIMER_HANDSHAKES + 1 retransmissions, the
			 * count the kernel's wg_expired_retransmit_handshake (timers.c)
			 * logs.
			 */
			if (ev->type == ENGINE_EVENT_HANDSHAKE_GAVE_UP)
				snprintf(detail, sizeof(detail), " after %d attempts",
					 MAX_TIMER_HANDSHAKES + 2);
			else if (ev->type == ENGINE_EVENT_KEYS_ZEROED)
				snprintf(detail, sizeof(detail),
					 " after %llu s without a handshake",
					 (unsigned long long)(ZERO_KEY_MATERIAL_NS / NSEC_PER_SEC));
			pr_debug("peer %02x%02x%02x%02x...: %s%s", ev->public_key[0],
				 ev->public_key[1], ev->public_key[2], ev->public_key[3],
				 ev->type < sizeof(what) / sizeof(what[0]) ? what[ev->type] : "?",
				 detail);
		}
	}
	out->n_events = 0;
	out->events_lost = 0;
}

/*
 * Stops (or resumes) reading the TUN queue while datagrams wait for room in
 * the socket, so that a full socket pushes back on the sender instead of
 * dropping what the engine already sealed and counted.
 */
static uint32_t tun_events(const struct worker *w)
{
	return w->blocked || w->starved ? 0 : EPOLLIN;
}

static uint32_t udp_events(const struct worker *w)
{
	return (w->starved ? 0 : EPOLLIN) | (w->blocked ? EPOLLOUT : 0);
}

static void update_watches(struct worker *w)
{
	struct loop *loop = &w->device->loop;

	if (w->udp)
		loop_modify(loop, &w->udp_watch, udp_events(w));
	loop_modify(loop, &w->tun_watch, tun_events(w));
}

static void set_blocked(struct worker *w, bool blocked)
{
	if (w->blocked == blocked)
		return;
	w->blocked = blocked;
	update_watches(w);
}

/*
 * With the pool empty, readable fds would wake the loop for nothing, over
 * and over: reads pause until a batch of buffers is back. Buffers come
 * back as datagrams leave (EPOLLOUT while blocked), staged packets go
 * (timers; staging holds at most a quarter of the pool) or output flushes.
 */
static void set_starved(struct worker *w, bool starved)
{
	if (w->starved == starved)
		return;
	w->starved = starved;
	update_watches(w);
}

static void check_starved(struct worker *w)
{
	if (w->starved && pktbuf_pool_available(w->pool) >= WORKER_BATCH)
		set_starved(w, false);
}

/*
 * Sends the engine's datagrams, after those still waiting, in order. What
 * the socket cannot take now waits in w->pending for EPOLLOUT; datagrams
 * the kernel refuses one by one (unreachable) are counted by the socket.
 */
static void flush_udp(struct worker *w)
{
	struct pktbuf_queue *q = &w->pending;

	if (!w->udp) {
		/* Down: nothing is sent, as wireguard-go sends nothing. */
		pktbuf_queue_purge(&w->out.tx);
		return;
	}
	pktbuf_queue_splice(q, &w->out.tx);
	while (q->len) {
		struct pktbuf *buf = q->head;
		unsigned n = 0;
		int sent;

		for (; n < WORKER_BATCH && buf; buf = buf->next) {
			struct udp_msg *m = &w->msgs[n++];

			m->data = pktbuf_data(buf);
			m->len = buf->len;
			m->gso_size = 0;
			memcpy(&m->peer, &buf->addr, sizeof(m->peer));
		}
		sent = udp_send(w->udp, w->msgs, n);
		if (sent < 0)
			sent = 0;
		for (int i = 0; i < sent; i++)
			pktbuf_free(pktbuf_queue_pop(q));
		if ((unsigned)sent < n) {
			set_blocked(w, true);
			return;
		}
	}
	set_blocked(w, false);
}

/*
 * Writes one packet to the TUN queue, behind a virtio_net_hdr @hdr if the
 * queue takes one (NULL: all zeros, a plain packet). Consumes @buf.
 */
static void tun_write(struct worker *w, struct pktbuf *buf, const struct gso_hdr *hdr)
{
	static const struct gso_hdr plain;
	ssize_t n;

	if (w->vnet_len) {
		uint8_t *p = pktbuf_push(buf, w->vnet_len);

		if (!p) {
			w->stats.tun_write_drops++;
			pktbuf_free(buf);
			return;
		}
		memset(p, 0, w->vnet_len);
		gso_hdr_encode(p, hdr ? hdr : &plain);
	}
	n = write(w->tun_fd, pktbuf_data(buf), buf->len);
	if (n < 0 || (size_t)n != buf->len) {
		w->stats.tun_write_drops++;
		if (hdr && hdr->type != GSO_TYPE_NONE) {
			w->stats.gro_write_drops++;
			/* A kernel that refuses one super-packet refuses them all. */
			if (n < 0 && errno == EINVAL && w->gro) {
				pr_error("TUN queue refused a coalesced packet: GRO turned off");
				w->gro = false;
			}
		}
	}
	pktbuf_free(buf);
}

static void gro_write(struct worker *w, struct gro_entry *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct gso_hdr hdr;

		if (!e[i].tcp || e[i].run.count < 2) {
			tun_write(w, e[i].buf, NULL);
			continue;
		}
		gso_coalesce_finish(&e[i].run, pktbuf_data(e[i].buf), e[i].buf->len, &hdr);
		w->stats.gro_segments += e[i].run.count;
		w->stats.gro_packets++;
		tun_write(w, e[i].buf, &hdr);
	}
}

/*
 * GRO: TCP segments of one flow that follow each other in the engine's
 * output are appended to the first one's buffer and written as one
 * super-packet. Only the newest run of a flow stays open, so a segment
 * that cannot join ends its flow's run and no later one overtakes it;
 * everything else keeps its place.
 */
static void flush_tun_gro(struct worker *w)
{
	struct gro_entry *e = w->gro_entries;
	struct pktbuf *buf;
	unsigned n = 0;

	while ((buf = pktbuf_queue_pop(&w->out.tun))) {
		const uint8_t *pkt = pktbuf_data(buf);
		bool joined = false;

		for (unsigned i = n; i-- > 0;) {
			struct pktbuf *super = e[i].buf;
			size_t cap = super->len + pktbuf_tailroom(super);
			int r;

			if (!e[i].open)
				continue;
			r = gso_coalesce(&e[i].run, pktbuf_data(super), &super->len,
					 cap < IP_MAX ? cap : IP_MAX, pkt, buf->len);
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
		if (n == WORKER_BATCH) {
			gro_write(w, e, n);
			n = 0;
		}
		e[n].buf = buf;
		e[n].tcp = !gso_coalesce_start(&e[n].run, pkt, buf->len);
		e[n].open = e[n].tcp && !e[n].run.closed;
		n++;
	}
	gro_write(w, e, n);
}

/* Writes the engine's opened packets to the TUN queue. */
static void flush_tun(struct worker *w)
{
	struct pktbuf *buf;

	if (w->gro) {
		flush_tun_gro(w);
		return;
	}
	while ((buf = pktbuf_queue_pop(&w->out.tun)))
		tun_write(w, buf, NULL);
}

/* After every engine call: the engine's output goes out, the timer follows. */
static void worker_flush(struct worker *w)
{
	flush_udp(w);
	flush_tun(w);
	log_events(w->device, &w->out);
	arm_timer(w->device);
	check_starved(w);
}

/* Hands the first @n packets of w->bufs to the engine and sends what it made. */
static void send_batch(struct worker *w, size_t n)
{
	engine_send_batch(w->device->engine, w->bufs, n, device_now(), &w->out);
	worker_flush(w);
}

/*
 * Cuts the TSO super-packet @buf (consumed) into segments appended to
 * w->bufs after the first *@n; a full batch goes to the engine on the way.
 */
static void tun_segment(struct worker *w, struct pktbuf *buf, const struct gso_hdr *hdr, size_t *n)
{
	struct gso_seg seg;
	int err;

	err = gso_seg_begin(&seg, hdr, pktbuf_data(buf), buf->len, GSO_MAX_SEGS);
	if (err) {
		if (err == -EPROTONOSUPPORT)
			w->stats.gso_unsupported++;
		else
			w->stats.gso_bad++;
		pktbuf_free(buf);
		return;
	}
	w->stats.gso_packets++;
	while (gso_seg_more(&seg)) {
		struct pktbuf *sb;
		int len;

		if (*n == WORKER_BATCH) {
			send_batch(w, *n);
			*n = 0;
		}
		sb = pktbuf_alloc(w->pool);
		if (!sb) {
			w->stats.gso_no_buffer += seg.count - seg.index;
			set_starved(w, true);
			break;
		}
		len = gso_seg_next(&seg, pktbuf_data(sb),
				   pktbuf_tailroom(sb) - MESSAGE_SEAL_TAILROOM);
		if (len < 0) {
			w->stats.gso_bad++;
			pktbuf_free(sb);
			continue;
		}
		sb->len = (uint32_t)len;
		w->bufs[(*n)++] = sb;
	}
	pktbuf_free(buf);
}

/*
 * Takes the virtio_net_hdr off a packet just read into @buf and finishes
 * it: a super-packet is segmented (into w->bufs), a partial checksum
 * completed. Returns true if @buf is ready for the engine, false if it
 * was consumed (segmented or dropped).
 */
static bool tun_vnet_in(struct worker *w, struct pktbuf *buf, size_t *n)
{
	struct gso_hdr hdr;

	if (buf->len < w->vnet_len) {
		w->stats.tun_read_errors++;
		pktbuf_free(buf);
		return false;
	}
	gso_hdr_decode(pktbuf_data(buf), &hdr);
	pktbuf_pull(buf, w->vnet_len);
	if (hdr.type != GSO_TYPE_NONE) {
		tun_segment(w, buf, &hdr, n);
		return false;
	}
	if ((hdr.flags & GSO_F_NEEDS_CSUM) && gso_csum_finish(&hdr, pktbuf_data(buf), buf->len)) {
		w->stats.csum_bad++;
		pktbuf_free(buf);
		return false;
	}
	return true;
}

static void tun_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct worker *w = arg;
	struct device *device = w->device;

	for (int round = 0; round < WORKER_ROUNDS; round++) {
		size_t n = 0;
		bool gone = false, empty = false;

		while (n < WORKER_BATCH) {
			struct pktbuf *buf = pktbuf_alloc(w->pool);
			uint32_t room;
			ssize_t len;

			if (!buf) {
				w->stats.rx_no_buffer++;
				set_starved(w, true);
				empty = true;
				break;
			}
			/* The IP packet lands at the default headroom, behind the vnet header. */
			pktbuf_reset(buf, PKTBUF_HEADROOM - w->vnet_len);
			room = pktbuf_tailroom(buf) - MESSAGE_SEAL_TAILROOM;
			if (room > IP_MAX + w->vnet_len)
				room = IP_MAX + w->vnet_len;
			len = read(fd, pktbuf_data(buf), room);
			if (len <= 0) {
				pktbuf_free(buf);
				if (len < 0 && (errno == EAGAIN || errno == EINTR)) {
					empty = true;
				} else if (len < 0 && (errno == EINVAL || errno == ENOBUFS)) {
					/* One bad packet, not the device: count it, come back
					 * later. */
					w->stats.tun_read_errors++;
					empty = true;
				} else {
					gone = true;
				}
				break;
			}
			buf->len = (uint32_t)len;
			if (w->vnet_len && !tun_vnet_in(w, buf, &n))
				continue;
			w->bufs[n++] = buf;
		}
		if (n)
			send_batch(w, n);
		if (gone) {
			pr_info("TUN device %s is gone", device->name);
			device_stop(device, DEVICE_STOP_TUN_GONE);
			return;
		}
		if (empty || w->blocked)
			return;
	}
	(void)events;
	(void)loop;
}

static void udp_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct worker *w = arg;
	struct device *device = w->device;

	if (events & EPOLLOUT) {
		flush_udp(w);
		check_starved(w);
	}
	if (!(events & (EPOLLIN | EPOLLERR)))
		return;
	for (int round = 0; round < WORKER_ROUNDS; round++) {
		unsigned want = 0, got = 0;
		size_t n = 0;
		int ret;

		while (want < WORKER_BATCH) {
			struct pktbuf *buf = pktbuf_alloc(w->pool);

			if (!buf)
				break;
			w->bufs[want] = buf;
			w->msgs[want].data = pktbuf_data(buf);
			w->msgs[want].cap = pktbuf_tailroom(buf);
			want++;
		}
		if (!want) {
			w->stats.rx_no_buffer++;
			set_starved(w, true);
			return;
		}
		ret = udp_recv(w->udp, w->msgs, want);
		if (ret > 0)
			got = (unsigned)ret;
		for (unsigned i = 0; i < want; i++) {
			struct pktbuf *buf = w->bufs[i];

			if (i >= got || !w->msgs[i].len) {
				pktbuf_free(buf);
				continue;
			}
			buf->len = w->msgs[i].len;
			memcpy(&buf->addr, &w->msgs[i].peer, sizeof(buf->addr));
			w->bufs[n++] = buf;
		}
		if (n) {
			engine_recv_batch(device->engine, w->bufs, n, device_now(), &w->out);
			worker_flush(w);
		}
		if (got < want)
			return;
	}
	(void)events;
	(void)loop;
	(void)fd;
}

static void timer_fired(struct loop *loop, uint64_t now, void *arg)
{
	struct device *device = arg;
	struct worker *w = &device->worker;

	engine_tick(device->engine, device_now(), &w->out);
	worker_flush(w);
	(void)loop;
	(void)now;
}

/* The device's drop counters, by the key get reports them under. */
static const struct {
	const char *key;
	size_t offset; /* in struct device_stats */
} drop_counters[] = {
    {"drop_tun_read_error", offsetof(struct device_stats, tun_read_errors)},
    {"drop_tun_write", offsetof(struct device_stats, tun_write_drops)},
    {"drop_rx_no_buffer", offsetof(struct device_stats, rx_no_buffer)},
    {"drop_gso_bad", offsetof(struct device_stats, gso_bad)},
    {"drop_gso_unsupported", offsetof(struct device_stats, gso_unsupported)},
    {"drop_gso_no_buffer", offsetof(struct device_stats, gso_no_buffer)},
    {"drop_csum_bad", offsetof(struct device_stats, csum_bad)},
    {"drop_gro_write", offsetof(struct device_stats, gro_write_drops)},
};

/* Calls @emit for each nonzero drop counter of the device (not the engine's). */
static void each_drop(const struct device *device,
		      void (*emit)(void *arg, const char *key, uint64_t n), void *arg)
{
	const struct device_stats *st = &device->worker.stats;
	const struct udp_socket *udp = device->worker.udp;

	for (size_t i = 0; i < sizeof(drop_counters) / sizeof(drop_counters[0]); i++) {
		uint64_t n = *(const uint64_t *)((const char *)st + drop_counters[i].offset);

		if (n)
			emit(arg, drop_counters[i].key, n);
	}
	if (udp && udp->stats.rx_truncated)
		emit(arg, "drop_udp_truncated", udp->stats.rx_truncated);
	if (udp && udp->stats.tx_errors)
		emit(arg, "drop_udp_send", udp->stats.tx_errors);
}

static void hook_counters(void *ctx, void (*emit)(void *arg, const char *key, uint64_t n),
			  void *arg)
{
	each_drop(ctx, emit, arg);
}

/* ---- the UAPI's hooks ---- */

/*
 * The UDP socket follows the link, as wireguard-go's bind does: open while
 * the device is up, closed while it is down (the port is remembered).
 */
static void unbind(struct device *device)
{
	struct worker *w = &device->worker;

	if (!w->udp)
		return;
	loop_del(&device->loop, &w->udp_watch);
	udp_close(w->udp);
	free(w->udp);
	w->udp = NULL;
	engine_set_down(device->engine, true);
	pktbuf_queue_purge(&w->pending);
	w->blocked = false;
	w->starved = false;
	loop_modify(&device->loop, &w->tun_watch, tun_events(w));
}

/* Opens a socket on @port (0: any) and puts it in place of the old one. */
static int bind_port(struct device *device, uint16_t port)
{
	struct worker *w = &device->worker;
	struct loop_watch old_watch;
	struct udp_socket *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = udp_open(s, port, device->fwmark);
	if (err) {
		free(s);
		return err;
	}
	/*
	 * The new socket is watched before the old one goes, so a failed
	 * loop_add leaves the device receiving on the old socket. Both fds
	 * share the watch for this instant; no event is dispatched in between.
	 */
	old_watch = w->udp_watch;
	w->udp_watch.fd = s->fd;
	err = loop_add(&device->loop, &w->udp_watch, udp_events(w));
	if (err) {
		w->udp_watch = old_watch;
		udp_close(s);
		free(s);
		return err;
	}
	if (w->udp) {
		loop_del(&device->loop, &old_watch);
		udp_close(w->udp);
		free(w->udp);
	}
	w->udp = s;
	engine_set_down(device->engine, false);
	engine_set_listen_port(device->engine, s->port);
	pr_debug("UDP socket bound to port %u", s->port);
	return 0;
}

static int hook_set_listen_port(void *ctx, uint16_t port)
{
	struct device *device = ctx;
	struct worker *w = &device->worker;

	if (!device->up) {
		unbind(device);
		engine_set_listen_port(device->engine, port);
		return 0;
	}
	if (port && w->udp && port == w->udp->port)
		return 0;
	return bind_port(device, port);
}

static int hook_set_fwmark(void *ctx, uint32_t fwmark)
{
	struct device *device = ctx;
	int err;

	if (device->worker.udp) {
		err = udp_set_fwmark(device->worker.udp, fwmark);
		if (err)
			return err;
	}
	device->fwmark = fwmark;
	return 0;
}

static struct engine_time hook_now(void *ctx)
{
	(void)ctx;
	return device_now();
}

static void hook_changed(void *ctx)
{
	struct device *device = ctx;

	worker_flush(&device->worker);
}

/* ---- the TUN device's life: rtnetlink link events ---- */

static int link_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The link started running (bind, on the remembered port) or stopped
 * (unbind): wireguard-go's EventUp/EventDown, from every RTM_NEWLINK.
 */
static void link_updown(struct device *device, bool up)
{
	int err;

	if (up == device->up)
		return;
	device->up = up;
	if (!up) {
		pr_debug("Interface down: UDP socket closed");
		unbind(device);
		return;
	}
	err = bind_port(device, engine_get_listen_port(device->engine));
	if (err)
		pr_error("Unable to update bind: %s", warren_strerror(err));
	worker_flush(&device->worker);
}

static int link_msg(const struct nlmsghdr *nlh, void *data)
{
	struct device *device = data;
	const struct ifinfomsg *ifm;
	const struct nlattr *tb[IFLA_MAX + 1] = {0};

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	if (ifm->ifi_index != device->ifindex)
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		pr_info("TUN device %s was deleted", device->name);
		device_stop(device, DEVICE_STOP_TUN_GONE);
		return MNL_CB_STOP;
	}
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr, tb);
	if (tb[IFLA_MTU] && mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) >= 0)
		engine_set_mtu(device->engine, mnl_attr_get_u32(tb[IFLA_MTU]));
	link_updown(device, ifm->ifi_flags & IFF_RUNNING);
	return MNL_CB_OK;
}

static void nl_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct device *device = arg;
	static char buf[32768] __attribute__((aligned(4)));

	for (;;) {
		struct sockaddr_nl from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
				     &from_len);
		char name[IF_NAMESIZE];

		if (n < 0 && errno == ENOBUFS) {
			/* Events were lost: look the device up instead. */
			if (!if_indextoname((unsigned)device->ifindex, name)) {
				device_stop(device, DEVICE_STOP_TUN_GONE);
				return;
			}
			continue;
		}
		if (n <= 0)
			return;
		/* Only the kernel speaks for links: a process with CAP_NET_ADMIN
		 * could otherwise send a forged "deleted" or "down" here. */
		if (from_len != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid)
			continue;
		if (mnl_cb_run(buf, (size_t)n, 0, 0, link_msg, device) == MNL_CB_STOP)
			return;
	}
	(void)loop;
	(void)events;
}

static int link_watch_open(struct device *device)
{
	int fd;

	device->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!device->nl)
		return -errno;
	if (mnl_socket_bind(device->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	fd = mnl_socket_get_fd(device->nl);
	device->nl_watch.fd = fd;
	device->nl_watch.fn = nl_event;
	device->nl_watch.arg = device;
	return loop_add(&device->loop, &device->nl_watch, EPOLLIN);
}

static void inotify_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct device *device = arg;

	if (!uapi_server_watch_event(device->uapi)) {
		pr_info("UAPI socket of %s was removed", device->name);
		device_stop(device, DEVICE_STOP_SOCKET_GONE);
	}
	(void)loop;
	(void)fd;
	(void)events;
}

/* ---- life ---- */

static int worker_init(struct worker *w, struct device *device, int tun_fd)
{
	int err;

	w->device = device;
	w->tun_fd = tun_fd;
	err = pktbuf_pool_new(&w->pool, WORKER_POOL, WORKER_BUF_DATA);
	if (err)
		return err;
	engine_output_init(&w->out, w->pool);
	w->tun_watch.fd = tun_fd;
	w->tun_watch.fn = tun_event;
	w->tun_watch.arg = w;
	w->udp_watch.fn = udp_event;
	w->udp_watch.arg = w;
	pktbuf_queue_init(&w->pending);
	return 0;
}

static void worker_free(struct worker *w)
{
	if (w->udp) {
		udp_close(w->udp);
		free(w->udp);
		w->udp = NULL;
	}
	pktbuf_queue_purge(&w->pending);
	if (w->pool)
		engine_output_reset(&w->out);
}

/* The engine's mode follows the device: a TAP device carries Ethernet frames (docs/l2.md). */
static int set_mode(struct device *device, int tun_fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tun_fd, TUNGETIFF, &ifr) || !(ifr.ifr_flags & IFF_TAP))
		return 0;
	pr_debug("TAP device: L2 mode (Ethernet frames)");
	return engine_set_mode(device->engine, ENGINE_MODE_L2);
}

/*
 * A TUN queue opened with IFF_VNET_HDR (warrend asks for it on the TUN
 * devices it creates; WG_TUN_FD may bring one) carries a virtio_net_hdr
 * on every packet. On an L3 device, checksum offload and TSO are turned
 * on, so the kernel hands over 64 KiB super-packets (tun_segment) and
 * takes coalesced ones (flush_tun_gro). A TAP device gets no offloads:
 * frames come whole and go out plain.
 */
static int vnet_setup(struct worker *w, int tun_fd)
{
	unsigned int want =
	    WARREN_TUN_OFFLOAD_CSUM | WARREN_TUN_OFFLOAD_TSO4 | WARREN_TUN_OFFLOAD_TSO6;
	unsigned int accepted = 0;
	struct ifreq ifr;
	int size, err;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tun_fd, TUNGETIFF, &ifr) || !(ifr.ifr_flags & IFF_VNET_HDR))
		return 0;
	err = warren_tun_get_vnet_hdr_size(tun_fd, &size);
	if (err) {
		pr_error("vnet_hdr: %s", warren_strerror(err));
		return err;
	}
	if (size < GSO_VNET_HDR_LEN || size > VNET_HDR_MAX) {
		pr_error("vnet_hdr: size %d is not in [%d, %d]", size, GSO_VNET_HDR_LEN,
			 VNET_HDR_MAX);
		return -EINVAL;
	}
	w->vnet_len = (uint32_t)size;
	if (ifr.ifr_flags & IFF_TAP)
		want = 0;
	err = warren_tun_set_offload(tun_fd, want, &accepted);
	if (err) {
		pr_error("offloads: %s", warren_strerror(err));
		return err;
	}
	w->gro = !(ifr.ifr_flags & IFF_TAP);
	pr_debug("vnet_hdr of %d bytes, offloads %#x, GRO %s", size, accepted,
		 w->gro ? "on" : "off");
	return 0;
}

int device_new(struct device **devicep, const char *ifname, int tun_fd, int uapi_fd)
{
	struct warren_rtnl *rtnl = NULL;
	struct warren_rtnl_link link;
	struct device *device;
	int err;

	device = calloc(1, sizeof(*device));
	if (!device) {
		err = -ENOMEM;
		goto err_alloc;
	}
	snprintf(device->name, sizeof(device->name), "%s", ifname);
	device->worker.tun_fd = -1;
	if (fcntl(tun_fd, F_SETFL, fcntl(tun_fd, F_GETFL) | O_NONBLOCK)) {
		err = -errno;
		pr_error("fcntl(O_NONBLOCK) on the TUN queue: %s", strerror(-err));
		goto err_loop;
	}
	err = loop_init(&device->loop);
	if (err) {
		pr_error("event loop: %s", strerror(-err));
		goto err_loop;
	}
	loop_set_timer(&device->loop, timer_fired, device);

	err = warren_rtnl_open(&rtnl);
	if (!err)
		err = warren_rtnl_link_get(rtnl, ifname, &link);
	warren_rtnl_close(rtnl);
	if (err) {
		pr_error("device %s: %s", ifname, warren_strerror(err));
		goto err_engine;
	}
	device->ifindex = link.ifindex;

	err = engine_new(&device->engine);
	if (err) {
		pr_error("engine: %s", strerror(-err));
		goto err_engine;
	}
	engine_set_mtu(device->engine, link.mtu);
	/* Peers waiting for handshakes hold at most a quarter of the worker's buffers. */
	engine_set_staged_limit(device->engine, WORKER_POOL / 4);
	err = set_mode(device, tun_fd);
	if (err) {
		pr_error("L2 mode: %s", strerror(-err));
		goto err_worker;
	}

	err = worker_init(&device->worker, device, tun_fd);
	if (err) {
		pr_error("packet buffers: %s", strerror(-err));
		goto err_worker;
	}
	err = vnet_setup(&device->worker, tun_fd);
	if (err)
		goto err_worker;
	err = loop_add(&device->loop, &device->worker.tun_watch, EPOLLIN);
	if (err)
		goto err_worker;

	device->hooks.set_listen_port = hook_set_listen_port;
	device->hooks.set_fwmark = hook_set_fwmark;
	device->hooks.now = hook_now;
	device->hooks.changed = hook_changed;
	device->hooks.counters = hook_counters;
	device->hooks.ctx = device;
	/*
	 * wireguard-go starts up (bound to a random port) whatever the link's
	 * state, and follows the link's IFF_RUNNING from its next RTM_NEWLINK.
	 */
	err = bind_port(device, 0);
	if (err) {
		pr_error("UDP socket: %s", warren_strerror(err));
		goto err_worker;
	}
	device->up = true;

	err = link_watch_open(device);
	if (err) {
		pr_error("rtnetlink link events: %s", strerror(-err));
		goto err_nl;
	}

	err = uapi_server_new(&device->uapi, &device->loop, uapi_fd, ifname, device->engine,
			      &device->worker.out, &device->hooks);
	uapi_fd = -1;
	if (err) {
		pr_error("UAPI socket: %s", warren_strerror(err));
		goto err_nl;
	}
	device->inotify_watch.fd = uapi_server_watch_fd(device->uapi);
	device->inotify_watch.fn = inotify_event;
	device->inotify_watch.arg = device;
	err = loop_add(&device->loop, &device->inotify_watch, EPOLLIN);
	if (err)
		goto err_uapi;
	*devicep = device;
	return 0;

err_uapi:
	uapi_server_free(device->uapi);
err_nl:
	if (device->nl)
		mnl_socket_close(device->nl);
err_worker:
	worker_free(&device->worker);
	engine_free(device->engine);
	pktbuf_pool_free(device->worker.pool);
err_engine:
	loop_free(&device->loop);
err_loop:
	free(device);
err_alloc:
	close(tun_fd);
	if (uapi_fd >= 0)
		close(uapi_fd);
	return err;
}

enum device_stop device_run(struct device *device)
{
	int err;

	/* The socket may have gone before the watch was in place. */
	if (!uapi_server_socket_present(device->uapi))
		return DEVICE_STOP_SOCKET_GONE;
	if (!if_indextoname((unsigned)device->ifindex, (char[IF_NAMESIZE]){0}))
		return DEVICE_STOP_TUN_GONE;
	err = loop_run(&device->loop);
	if (err) {
		pr_error("event loop: %s", strerror(-err));
		device_stop(device, DEVICE_STOP_ERROR);
	}
	if (device->loop.signal)
		device_stop(device, DEVICE_STOP_SIGNAL);
	return device->stop;
}

void device_get_stats(const struct device *device, struct device_stats *stats)
{
	*stats = device->worker.stats;
}

static void log_counter(void *arg, const char *key, uint64_t n)
{
	pr_debug("%s %llu", key, (unsigned long long)n);
}

void device_log_drops(const struct device *device)
{
	const struct device_stats *st = &device->worker.stats;

	each_drop(device, log_counter, NULL);
	if (st->gso_packets || st->gro_packets)
		pr_debug("offload: %llu super-packets segmented, %llu segments coalesced into %llu",
			 (unsigned long long)st->gso_packets, (unsigned long long)st->gro_segments,
			 (unsigned long long)st->gro_packets);
	for (int r = 0; r < ENGINE_DROP_COUNT; r++) {
		uint64_t n = engine_drops(device->engine, (enum engine_drop)r);

		if (n)
			pr_debug("drop_%s %llu", engine_drop_name((enum engine_drop)r),
				 (unsigned long long)n);
	}
}

void device_free(struct device *device)
{
	if (!device)
		return;
	uapi_server_free(device->uapi);
	if (device->nl)
		mnl_socket_close(device->nl);
	worker_free(&device->worker);
	/* The engine holds staged buffers of the pool: free it first. */
	engine_free(device->engine);
	pktbuf_pool_free(device->worker.pool);
	close(device->worker.tun_fd);
	loop_free(&device->loop);
	free(device);
}
