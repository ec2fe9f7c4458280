/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Launching a device as wireguard-go is launched (its command line is
 * src/cli/warrend.c's): the TUN queue created or taken from WG_TUN_FD, its
 * MTU set, the UAPI socket made or taken from WG_UAPI_FD, the move to the
 * background, the run, and nothing left behind when it ends.
 *
 *   WG_TUN_FD=N              use this open TUN queue instead of creating
 *                            IFNAME; the device's own name replaces IFNAME
 *                            and its MTU is set as for a new one
 *   WG_UAPI_FD=N             use this listening UAPI socket; it must be
 *                            bound to /var/run/wireguard/NAME.sock
 *   WARREN_MODE=tap          warren extension: a TAP device, Ethernet
 *                            frames (L2 mode, docs/l2.md); with WG_TUN_FD
 *                            the descriptor's own kind decides
 *
 * Errors are logged where they are found, with the bad value, in
 * wireguard-go's words ("Failed to create TUN device: ...").
 */
#ifndef WARREN_DAEMON_LAUNCH_H
#define WARREN_DAEMON_LAUNCH_H

#include <net/if.h>
#include <stdbool.h>

struct sandbox;

/* The MTU a device gets: wg-quick's default for a 1500-byte underlay. */
unsigned int launch_default_mtu(bool tap);

/*
 * The descriptor named by environment variable @var: 0 and *@fd = -1 when
 * it is unset or empty (as wireguard-go), 0 and the descriptor when it is
 * open, else -EBADF or -EINVAL with the bad value logged after @what.
 * A descriptor 0-2 is moved up (daemonizing puts /dev/null there, and
 * /dev/null takes its place now); every descriptor taken is close-on-exec.
 */
int launch_env_fd(const char *var, const char *what, int *fd);

/*
 * Takes the TUN queue of WG_TUN_FD, as wireguard-go's CreateTUNFromFile:
 * the device's own name replaces IFNAME in @name. The queue must carry bare
 * packets or frames (IFF_NO_PI, no IFF_VNET_HDR), as the queue warrend
 * opens itself does. Returns 0 with the descriptor in *@fd (-1 when
 * WG_TUN_FD is unset) and in *@tap whether it is a TAP device, or -errno.
 */
int launch_take_tun(char name[IFNAMSIZ], int *fd, bool *tap);

/*
 * Takes the listening socket of WG_UAPI_FD. wg finds a daemon by its socket
 * file, and warrend (as wireguard-go) exits when that file goes, so
 * /var/run/wireguard/@name.sock must exist. Returns 0 with the descriptor
 * in *@fd (-1 when WG_UAPI_FD is unset), or -errno.
 */
int launch_take_uapi(const char *name, int *fd);

/*
 * Runs interface @ifname until it stops, in the background unless
 * @foreground: the parent exits 0 once the child has the device, the socket
 * and the rest of its setup in place, 1 if any of it failed. Returns the
 * exit status: 0 when stopped by a signal, the device's deletion or the
 * socket file's removal, 1 on an error. The socket file is removed and the
 * TUN queue closed, which deletes a device that is not persistent.
 * Once the device is set up, and before the parent is told, the process
 * enters @sandbox (sandbox.h): another user if it names one, only the
 * capabilities a running device needs, the system call filter.
 */
int launch_run(const char *ifname, bool foreground, const struct sandbox *sandbox);

#endif
