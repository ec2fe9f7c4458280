// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's device (device.h): the owner that ties the parts together on
 * one event loop. It makes and frees them in order, drives the engine's
 * timers, applies what the UAPI server asks of the device (uapi_hooks),
 * reports the device's drop counters, and says why it stopped. The parts:
 * worker.c (the datapath), offload.c (under the worker, the TUN queue's
 * offloads), linkwatch.c (the link's life and the bind that follows it),
 * uapi_server.c (the control socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <warren/rtnl.h>
#include <warren/tun.h>

#include "core/log.h"
#include "daemon/device.h"
#include "daemon/linkwatch.h"
#include "daemon/uapi.h"
#include "daemon/uapi_server.h"
#include "daemon/worker.h"
#include "engine/engine.h"
#include "os/linkstats.h"
#include "os/loop.h"

struct device {
	char name[IFNAMSIZ];
	int ifindex;
	struct engine *engine;
	struct loop loop;
	struct worker worker;
	struct linkwatch link;
	struct uapi_server *uapi;
	struct uapi_hooks hooks;
	struct loop_watch inotify_watch;
	enum device_stop stop;
};

static void device_stop(struct device *device, enum device_stop why)
{
	if (device->stop == DEVICE_STOP_NONE)
		device->stop = why;
	loop_stop(&device->loop);
}

static void timer_fired(struct loop *loop, uint64_t now, void *arg)
{
	struct device *device = arg;
	struct worker *w = &device->worker;

	engine_tick(device->engine, worker_now(), &w->out);
	worker_flush(w);
	(void)loop;
	(void)now;
}

/* ---- the device's drop counters (the engine counts its own) ---- */

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
    {"drop_udp_gro_bad", offsetof(struct device_stats, udp_gro_bad)},
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
	/* The kernel's, on the device's behalf: the socket's receive buffer was full. */
	if (udp && udp->stats.rx_overflow)
		emit(arg, "drop_kernel_udp_rcvbuf", udp->stats.rx_overflow);
}

/*
 * The kernel's drops that warrend cannot count itself, read when asked:
 * the TUN device's tx_dropped (its queue was full: the worker did not read
 * fast enough). Since the device was made, so for a persistent device
 * also before this daemon.
 */
static void each_kernel_drop(const struct device *device,
			     void (*emit)(void *arg, const char *key, uint64_t n), void *arg)
{
	struct rtnl_link_stats64 st;

	if (!linkstats_get(device->ifindex, &st) && st.tx_dropped)
		emit(arg, "drop_kernel_tun_tx", st.tx_dropped);
}

/* UDP segmentation offload on the socket (not drops; udp.h UDP_OPEN_OFFLOAD). */
static void each_offload(const struct device *device,
			 void (*emit)(void *arg, const char *key, uint64_t n), void *arg)
{
	const struct udp_socket *udp = device->worker.udp;
	const struct {
		const char *key;
		uint64_t n;
	} v[] = {
	    {"udp_gso_sends", udp ? udp->stats.tx_gso_sends : 0},
	    {"udp_gso_segments", udp ? udp->stats.tx_gso_segments : 0},
	    {"udp_gso_fallbacks", udp ? udp->stats.tx_gso_fallbacks : 0},
	    {"udp_gro_buffers", udp ? udp->stats.rx_gro_buffers : 0},
	    {"udp_gro_segments", udp ? udp->stats.rx_gro_segments : 0},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].n)
			emit(arg, v[i].key, v[i].n);
}

static void hook_counters(void *ctx, void (*emit)(void *arg, const char *key, uint64_t n),
			  void *arg)
{
	const struct device *device = ctx;
	const struct device_stats *st = &device->worker.stats;

	each_drop(device, emit, arg);
	each_kernel_drop(device, emit, arg);
	each_offload(device, emit, arg);
	if (engine_get_mode(device->engine) != ENGINE_MODE_L2)
		return;
	/* The TAP device's offloads (docs/l2.md "Offloads"): not drops. */
	emit(arg, "l2_tso_frames", st->gso_packets);
	emit(arg, "l2_tso_segments", st->gso_segments);
	emit(arg, "l2_gro_frames", st->gro_packets);
	emit(arg, "l2_gro_segments", st->gro_segments);
}

/* ---- the UAPI's hooks ---- */

static int hook_set_listen_port(void *ctx, uint16_t port)
{
	struct device *device = ctx;
	struct worker *w = &device->worker;
	int err;

	if (!device->link.up) {
		worker_unbind(w);
		engine_set_listen_port(device->engine, port);
		return 0;
	}
	if (port && w->udp && port == w->udp->port)
		return 0;
	err = worker_bind(w, port);
	/* The UAPI says only EADDRINUSE, as wireguard-go: the log says why. */
	if (err)
		pr_error(
		    "Failed to bind port %u: %s%s", port, warren_strerror(err),
		    err == -EACCES && port < 1024
			? " (a port below 1024 needs CAP_NET_BIND_SERVICE: warrend --low-port, "
			  "docs/security.md)"
			: "");
	return err;
}

static int hook_set_fwmark(void *ctx, uint32_t fwmark)
{
	struct device *device = ctx;

	return worker_set_fwmark(&device->worker, fwmark);
}

static struct engine_time hook_now(void *ctx)
{
	(void)ctx;
	return worker_now();
}

static void hook_changed(void *ctx)
{
	struct device *device = ctx;

	worker_flush(&device->worker);
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

/* The engine's mode follows the device: a TAP device carries Ethernet frames (docs/l2.md). */
static int set_mode(struct device *device, unsigned int iff_flags)
{
	if (!(iff_flags & IFF_TAP))
		return 0;
	pr_debug("TAP device: L2 mode (Ethernet frames)");
	return engine_set_mode(device->engine, ENGINE_MODE_L2);
}

int device_new(struct device **devicep, const char *ifname, int tun_fd, int uapi_fd)
{
	struct warren_rtnl *rtnl = NULL;
	struct warren_rtnl_link link;
	struct device *device;
	unsigned int iff_flags;
	int err;

	device = calloc(1, sizeof(*device));
	if (!device) {
		err = -ENOMEM;
		goto err_close_fds;
	}
	snprintf(device->name, sizeof(device->name), "%s", ifname);
	if (fcntl(tun_fd, F_SETFL, fcntl(tun_fd, F_GETFL) | O_NONBLOCK)) {
		err = -errno;
		pr_error("fcntl(O_NONBLOCK) on the TUN queue: %s", strerror(-err));
		goto err_free_device;
	}
	err = loop_init(&device->loop);
	if (err) {
		pr_error("event loop: %s", warren_strerror(err));
		goto err_free_device;
	}
	loop_set_timer(&device->loop, timer_fired, device);

	err = warren_rtnl_open(&rtnl);
	if (!err)
		err = warren_rtnl_link_get(rtnl, ifname, &link);
	warren_rtnl_close(rtnl);
	if (err) {
		pr_error("device %s: %s", ifname, warren_strerror(err));
		goto err_free_loop;
	}
	device->ifindex = link.ifindex;

	/* The pool first: the engine holds staged buffers of it, so goes before it. */
	err = worker_init(&device->worker, &device->loop, tun_fd, device->name);
	if (err) {
		pr_error("packet buffers: %s", strerror(-err));
		goto err_free_loop;
	}
	err = engine_new(&device->engine);
	if (err) {
		pr_error("engine: %s", strerror(-err));
		goto err_free_worker;
	}
	engine_set_mtu(device->engine, link.mtu);
	/* Peers waiting for handshakes hold at most a quarter of the worker's buffers. */
	engine_set_staged_limit(device->engine, WORKER_POOL / 4);
	/* Not a queue (an odd WG_TUN_FD): taken as plain L3, as it always was. */
	if (warren_tun_queue_get_iff(tun_fd, NULL, &iff_flags))
		iff_flags = 0;
	err = set_mode(device, iff_flags);
	if (err) {
		pr_error("L2 mode: %s", strerror(-err));
		goto err_free_engine;
	}
	err = worker_start(&device->worker, device->engine, iff_flags);
	if (err) {
		pr_error("TUN queue: %s", warren_strerror(err));
		goto err_free_engine;
	}

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
	err = worker_bind(&device->worker, 0);
	if (err) {
		pr_error("UDP socket: %s", warren_strerror(err));
		goto err_stop_worker;
	}
	err = linkwatch_open(&device->link, &device->worker, device->ifindex, device->name);
	if (err) {
		pr_error("rtnetlink link events: %s", warren_strerror(err));
		goto err_unbind;
	}

	err = uapi_server_new(&device->uapi, &device->loop, uapi_fd, ifname, device->engine,
			      &device->worker.out, &device->hooks);
	uapi_fd = -1;
	if (err) {
		pr_error("UAPI socket: %s", warren_strerror(err));
		goto err_close_linkwatch;
	}
	device->inotify_watch.fd = uapi_server_watch_fd(device->uapi);
	device->inotify_watch.fn = inotify_event;
	device->inotify_watch.arg = device;
	err = loop_add(&device->loop, &device->inotify_watch, EPOLLIN);
	if (err) {
		pr_error("UAPI socket watch: %s", warren_strerror(err));
		goto err_free_uapi;
	}
	*devicep = device;
	return 0;

err_free_uapi:
	uapi_server_free(device->uapi);
err_close_linkwatch:
	linkwatch_close(&device->link);
err_unbind:
	worker_unbind(&device->worker);
err_stop_worker:
	worker_stop(&device->worker);
err_free_engine:
	engine_free(device->engine);
err_free_worker:
	worker_free(&device->worker);
err_free_loop:
	loop_free(&device->loop);
err_free_device:
	free(device);
err_close_fds:
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
	/* Only one callback stops the loop: at most one reason is set. */
	if (device->worker.tun_gone || device->link.gone)
		device_stop(device, DEVICE_STOP_TUN_GONE);
	if (err) {
		pr_error("event loop: %s", warren_strerror(err));
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
	each_offload(device, log_counter, NULL);
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

/* device_new's steps undone in reverse, as its error path does. */
void device_free(struct device *device)
{
	int tun_fd;

	if (!device)
		return;
	tun_fd = device->worker.tun_fd;
	uapi_server_free(device->uapi);
	linkwatch_close(&device->link);
	worker_unbind(&device->worker);
	worker_stop(&device->worker);
	engine_free(device->engine);
	worker_free(&device->worker);
	loop_free(&device->loop);
	free(device);
	/* Last: closing the queue deletes a device that is not persistent. */
	close(tun_fd);
}
