/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One WireGuard interface in the daemon: a TUN device (or a TAP device in
 * L2 mode, docs/l2.md: the engine follows the device's kind), the engine,
 * the UDP socket and the UAPI server, driven by one event loop.
 *
 *     TUN queue --read--> [batch] --engine_send_batch--> sendmmsg --> peers
 *     TUN queue <-write-- [batch] <--engine_recv_batch-- recvmmsg <-- peers
 *
 * The datapath lives in a worker (worker.h): a TUN queue, a UDP socket, a
 * pool of packet buffers and the engine's output queues, moved in batches
 * with no allocation, lock or log line per packet; the TUN queue's
 * offloads (vnet header, TSO in, GRO out) are offload.h's. Today there is
 * one worker on the loop thread; multi-queue replicates it.
 *
 * The UDP socket follows the link as wireguard-go's bind does (linkwatch.h):
 * open from the start (a random port), then closed whenever a link message
 * says the device is not running and opened again (on the remembered port)
 * when it runs; nothing is sent while it is closed.
 *
 * The device stops (device_run returns) on SIGINT/SIGTERM, when its TUN
 * device goes away (RTM_DELLINK, or the TUN queue returning EOF or an
 * error), and when its UAPI socket file is removed.
 */
#ifndef WARREN_DAEMON_DEVICE_H
#define WARREN_DAEMON_DEVICE_H

#include <net/if.h>
#include <stdint.h>

struct device;

/* Why device_run returned. */
enum device_stop {
	DEVICE_STOP_NONE,
	DEVICE_STOP_SIGNAL,
	DEVICE_STOP_TUN_GONE,
	DEVICE_STOP_SOCKET_GONE,
	DEVICE_STOP_ERROR,
};

/* Packets and events the device dropped outside the engine (the engine counts its own). */
struct device_stats {
	uint64_t tun_read_errors; /* read() on the TUN queue failed other than EAGAIN */
	uint64_t tun_write_drops; /* write() to the TUN queue refused a packet */
	uint64_t rx_no_buffer;	  /* the pool was empty when reading (or splitting UDP_GRO) */
	uint64_t udp_gro_bad;	  /* UDP_GRO buffer of more datagrams than WORKER_GRO_MAX_SEGS */
	/* vnet_hdr offloads (TSO super-packets in, coalesced TCP out) */
	uint64_t gso_bad;	  /* super-packet or segment whose headers do not add up */
	uint64_t gso_unsupported; /* super-packet of a gso type not done here (UDP) */
	uint64_t gso_no_buffer;	  /* segments lost: the pool ran dry while cutting */
	uint64_t csum_bad;	  /* NEEDS_CSUM range outside the packet */
	uint64_t gro_write_drops; /* coalesced super-packet the TUN queue refused */
	uint64_t gso_packets;	  /* super-packets segmented (not a drop) */
	uint64_t gso_segments;	  /* segments they were cut into (not a drop) */
	uint64_t gro_packets;	  /* super-packets written (not a drop) */
	uint64_t gro_segments;	  /* segments in them (not a drop) */
};

/*
 * Creates the device around the TUN queue @tun_fd (consumed; nonblocking is
 * set) named @ifname, and the UAPI listening socket @uapi_fd (consumed).
 * Opens the UDP socket on a random port. Returns 0 or -errno (logged).
 */
int device_new(struct device **device, const char *ifname, int tun_fd, int uapi_fd);

/* Runs until one of the reasons above; returns it. */
enum device_stop device_run(struct device *device);

void device_get_stats(const struct device *device, struct device_stats *stats);

/* Logs (verbose) every nonzero drop counter, the device's and the engine's. */
void device_log_drops(const struct device *device);

/*
 * Closes everything: the UAPI socket file is removed (if still ours) and
 * the TUN queue closed, which deletes a device that is not persistent.
 * NULL ok.
 */
void device_free(struct device *device);

#endif
