/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The datapath unit: one TUN queue, one UDP socket, a pool of packet
 * buffers and the engine's output queues, moved in batches with no
 * allocation, lock or log line per packet. Today the device runs one worker
 * on its loop thread; multi-queue (a TUN queue and a socket per thread)
 * replicates this unit around the one engine.
 *
 *     TUN queue --read--> [batch] --engine_send_batch--> sendmmsg --> peers
 *     TUN queue <-write-- [batch] <--engine_recv_batch-- recvmmsg <-- peers
 *
 * Backpressure: while datagrams wait for room in the socket the TUN queue
 * is not read (the sender is pushed back instead of sealed packets being
 * dropped), and while the pool is empty neither is read.
 *
 * The worker owns its pool, its UDP socket and its output; the TUN queue's
 * descriptor and the engine and loop belong to the device.
 */
#ifndef WARREN_DAEMON_WORKER_H
#define WARREN_DAEMON_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pktbuf.h"
#include "daemon/device.h"
#include "daemon/offload.h"
#include "daemon/peer_log.h"
#include "engine/engine.h"
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
	WORKER_GSO_MAX_SEGS = WORKER_POOL / 2,
	/*
	 * Datagrams one UDP_GRO buffer may hold: the kernel's UDP_MAX_SEGMENTS
	 * (64, 128 since Linux 6.10 or so) for a GSO send that crossed a veth
	 * whole. A buffer claiming more is dropped (drop_udp_gro_bad).
	 */
	WORKER_GRO_MAX_SEGS = WORKER_BATCH,
};

struct worker {
	struct engine *engine;
	struct loop *loop;
	const char *ifname; /* for log lines */
	int tun_fd;
	struct udp_socket *udp; /* NULL while unbound (the link is down) */
	uint32_t fwmark;	/* SO_MARK of the socket, kept across rebinds */
	struct pktbuf_pool *pool;
	struct engine_output out;
	struct loop_watch tun_watch, udp_watch;
	struct pktbuf_queue pending; /* datagrams waiting for room in the socket */
	bool blocked;		     /* pending is not empty: TUN reads paused */
	bool starved;		     /* the pool ran dry: TUN and UDP reads paused */
	bool tun_gone;		     /* the TUN queue hit EOF or an error: loop stopped */
	struct offload offload;
	struct pktbuf *bufs[WORKER_BATCH];    /* a batch for the engine */
	struct pktbuf *rx_bufs[WORKER_BATCH]; /* the buffers of one recvmmsg */
	struct udp_msg msgs[WORKER_BATCH];
	struct device_stats stats;
	struct peer_log_refusals refusals; /* datagrams the kernel refused, logged */
};

/* The time for the engine: the loop's monotonic clock and the wall clock. */
struct engine_time worker_now(void);

/*
 * Makes @w's pool and output queues, for TUN queue @tun_fd (not consumed)
 * on @loop; nothing is watched yet. 0 or -errno.
 */
int worker_init(struct worker *w, struct loop *loop, int tun_fd, const char *ifname);

/*
 * Starts reading the TUN queue into @engine, with the offloads that the
 * queue's TUNGETIFF flags @iff_flags allow. 0 or -errno (logged).
 */
int worker_start(struct worker *w, struct engine *engine, unsigned int iff_flags);

/* Stops reading the TUN queue (worker_start undone). */
void worker_stop(struct worker *w);

/*
 * Opens a UDP socket on @port (0: any) and puts it in place of the old one
 * (kept if this fails); the engine is told it is up, on the bound port.
 * 0 or -errno.
 */
int worker_bind(struct worker *w, uint16_t port);

/* Closes the UDP socket, drops what waits for it; the engine is told it is down. */
void worker_unbind(struct worker *w);

/* Sets SO_MARK on the socket (if bound) and on the ones bound later. 0 or -errno. */
int worker_set_fwmark(struct worker *w, uint32_t fwmark);

/*
 * After every engine call: sends and writes the engine's output, logs its
 * events, re-arms the loop's timer at the engine's next deadline.
 */
void worker_flush(struct worker *w);

/* Closes the socket and frees the buffers (worker_init undone); the engine must be freed first. */
void worker_free(struct worker *w);

#endif
