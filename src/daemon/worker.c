// SPDX-License-Identifier: GPL-2.0-only
/*
 * One worker's datapath (worker.h): the TUN queue and the UDP socket read
 * in batches into the engine, the engine's output sent and written, the
 * backpressure between them, and the socket's binding. Offloads on the
 * TUN side are offload.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/udpgso.h"
#include "daemon/peer_log.h"
#include "daemon/worker.h"
#include "engine/messages.h"

struct engine_time worker_now(void)
{
	struct timespec ts;
	struct engine_time t;

	t.mono_ns = loop_now();
	clock_gettime(CLOCK_REALTIME, &ts);
	t.wall_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return t;
}

/* ---- the engine's output ---- */

/* Re-arms the loop's timer at the engine's next deadline, if it moved. */
static void arm_timer(struct worker *w)
{
	uint64_t d = engine_next_deadline(w->engine);

	if (d == UINT64_MAX)
		d = 0;
	else if (d == 0)
		d = 1;
	if (d != w->loop->deadline)
		loop_set_deadline(w->loop, d);
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
	struct loop *loop = w->loop;

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
 * the kernel refuses one by one (unreachable) are counted by the socket
 * and logged with the peer's name (peer_log_refused()).
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
			m->peer = buf->addr;
		}
		sent = udp_send(w->udp, w->msgs, n);
		if (sent < 0)
			sent = 0;
		for (int i = 0; i < sent; i++) {
			const struct udp_msg *m = &w->msgs[i];

			if (m->error)
				peer_log_refused(&w->refusals, w->engine, &m->peer, m->data, m->len,
						 m->error, loop_now());
			pktbuf_free(pktbuf_queue_pop(q));
		}
		if ((unsigned)sent < n) {
			set_blocked(w, true);
			return;
		}
	}
	set_blocked(w, false);
}

void worker_flush(struct worker *w)
{
	flush_udp(w);
	offload_tx(&w->offload, w->tun_fd, &w->out.tun);
	peer_log_events(&w->out);
	arm_timer(w);
	check_starved(w);
}

/* ---- reading ---- */

/* Hands the first @n packets of w->bufs to the engine and sends what it made. */
static void send_batch(struct worker *w, size_t n)
{
	engine_send_batch(w->engine, w->bufs, n, worker_now(), &w->out);
	worker_flush(w);
}

/*
 * Cuts the TSO super-packet @buf (consumed) into segments appended to
 * w->bufs after the first *@n; a full batch goes to the engine on the way.
 */
static void tun_segment(struct worker *w, struct pktbuf *buf, struct gso_seg *seg, size_t *n)
{
	int ret;

	while ((ret = offload_cut(&w->offload, seg, w->pool, w->bufs, n, WORKER_BATCH)) > 0) {
		send_batch(w, *n);
		*n = 0;
	}
	if (ret < 0)
		set_starved(w, true);
	pktbuf_free(buf);
}

static void tun_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct worker *w = arg;
	uint32_t vnet_len = w->offload.vnet_len;

	for (int round = 0; round < WORKER_ROUNDS; round++) {
		size_t n = 0;
		bool gone = false, empty = false;

		while (n < WORKER_BATCH) {
			struct pktbuf *buf = pktbuf_alloc(w->pool);
			struct gso_seg seg;
			uint32_t room;
			ssize_t len;

			if (!buf) {
				w->stats.rx_no_buffer++;
				set_starved(w, true);
				empty = true;
				break;
			}
			/* The IP packet lands at the default headroom, behind the vnet header. */
			pktbuf_reset(buf, PKTBUF_HEADROOM - vnet_len);
			room = pktbuf_tailroom(buf) - MESSAGE_SEAL_TAILROOM;
			if (room > OFFLOAD_READ_MAX + vnet_len)
				room = OFFLOAD_READ_MAX + vnet_len;
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
			if (vnet_len) {
				enum offload_rx rx = offload_rx(&w->offload, buf, &seg);

				if (rx == OFFLOAD_RX_SUPER)
					tun_segment(w, buf, &seg, &n);
				if (rx != OFFLOAD_RX_PACKET)
					continue;
			}
			w->bufs[n++] = buf;
		}
		if (n)
			send_batch(w, n);
		if (gone) {
			pr_info("TUN device %s is gone", w->ifname);
			w->tun_gone = true;
			loop_stop(w->loop);
			return;
		}
		if (empty || w->blocked)
			return;
	}
	(void)events;
	(void)loop;
}

/* Hands the first @n datagrams of w->bufs to the engine and sends what it made. */
static void recv_batch(struct worker *w, size_t n)
{
	engine_recv_batch(w->engine, w->bufs, n, worker_now(), &w->out);
	worker_flush(w);
}

/*
 * Cuts the UDP_GRO buffer @buf (consumed) into its datagrams of @seg_size
 * bytes (core/udpgso.h), appended to w->bufs after the first *@n; the
 * batch so far goes to the engine first if they would not fit.
 */
static void gro_split(struct worker *w, struct pktbuf *buf, uint32_t seg_size, size_t *n)
{
	uint32_t lost;
	int got;

	if (*n + udpgso_split_count(buf->len, seg_size, WORKER_GRO_MAX_SEGS) > WORKER_BATCH) {
		recv_batch(w, *n);
		*n = 0;
	}
	got = udpgso_split(buf, seg_size, w->pool, w->bufs + *n, WORKER_GRO_MAX_SEGS, &lost);
	if (got < 0) {
		w->stats.udp_gro_bad++;
		pktbuf_free(buf);
		return;
	}
	*n += (size_t)got;
	if (lost) {
		w->stats.rx_no_buffer += lost;
		set_starved(w, true);
	}
}

static void udp_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
	struct worker *w = arg;

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
			w->rx_bufs[want] = buf;
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
			struct pktbuf *buf = w->rx_bufs[i];

			if (i >= got || !w->msgs[i].len) {
				pktbuf_free(buf);
				continue;
			}
			buf->len = w->msgs[i].len;
			buf->addr = w->msgs[i].peer;
			if (w->msgs[i].gso_size) {
				gro_split(w, buf, w->msgs[i].gso_size, &n);
				continue;
			}
			if (n == WORKER_BATCH) {
				recv_batch(w, n);
				n = 0;
			}
			w->bufs[n++] = buf;
		}
		if (n)
			recv_batch(w, n);
		if (got < want)
			return;
	}
	(void)events;
	(void)loop;
	(void)fd;
}

/* ---- the UDP socket, which follows the link (linkwatch.c) ---- */

void worker_unbind(struct worker *w)
{
	if (!w->udp)
		return;
	loop_del(w->loop, &w->udp_watch);
	udp_close(w->udp);
	free(w->udp);
	w->udp = NULL;
	engine_set_down(w->engine, true);
	pktbuf_queue_purge(&w->pending);
	w->blocked = false;
	w->starved = false;
	loop_modify(w->loop, &w->tun_watch, tun_events(w));
}

int worker_bind(struct worker *w, uint16_t port)
{
	struct loop_watch old_watch;
	struct udp_socket *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	/*
	 * An L2 frame may need two underlay packets (docs/l2.md "MTU"), more
	 * than a UDP_SEGMENT piece may be: L2 keeps one datagram per send.
	 */
	err = udp_open_flags(s, port, w->fwmark,
			     engine_get_mode(w->engine) == ENGINE_MODE_L2 ? UDP_OPEN_FRAGMENT
									  : UDP_OPEN_OFFLOAD);
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
	err = loop_add(w->loop, &w->udp_watch, udp_events(w));
	if (err) {
		w->udp_watch = old_watch;
		udp_close(s);
		free(s);
		return err;
	}
	if (w->udp) {
		loop_del(w->loop, &old_watch);
		udp_close(w->udp);
		free(w->udp);
	}
	w->udp = s;
	engine_set_down(w->engine, false);
	engine_set_listen_port(w->engine, s->port);
	pr_debug("UDP socket bound to port %u", s->port);
	return 0;
}

int worker_set_fwmark(struct worker *w, uint32_t fwmark)
{
	int err;

	if (w->udp) {
		err = udp_set_fwmark(w->udp, fwmark);
		if (err)
			return err;
	}
	w->fwmark = fwmark;
	return 0;
}

/* ---- life ---- */

int worker_init(struct worker *w, struct loop *loop, int tun_fd, const char *ifname)
{
	int err;

	w->loop = loop;
	w->ifname = ifname;
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

int worker_start(struct worker *w, struct engine *engine, unsigned int iff_flags)
{
	int err;

	w->engine = engine;
	err = offload_init(&w->offload, w->tun_fd, iff_flags, WORKER_GSO_MAX_SEGS, &w->stats);
	if (err)
		return err;
	return loop_add(w->loop, &w->tun_watch, EPOLLIN);
}

void worker_stop(struct worker *w)
{
	loop_del(w->loop, &w->tun_watch);
}

void worker_free(struct worker *w)
{
	if (w->udp) {
		udp_close(w->udp);
		free(w->udp);
		w->udp = NULL;
	}
	pktbuf_queue_purge(&w->pending);
	if (w->pool)
		engine_output_reset(&w->out);
	pktbuf_pool_free(w->pool);
	w->pool = NULL;
}
