/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libwarren: TUN/TAP devices (Linux /dev/net/tun).
 *
 * A device is created or attached with warren_tun_open() (one queue) or
 * warren_tun_open_queues() (N queues of a multi-queue device). Each returned
 * file descriptor is one queue: read() returns one packet (TUN: an IP packet,
 * TAP: an Ethernet frame), write() injects one, each preceded by the packet
 * information header (struct tun_pi) if WARREN_TUN_PI is set and by the
 * virtio_net_hdr if WARREN_TUN_VNET_HDR is set (vnet header first).
 *
 * The caller owns every returned descriptor and closes it with close(2). A
 * device that is not persistent disappears when its last queue is closed.
 *
 * Errors are negative errno values; warren_strerror() (warren/error.h) turns
 * them into a message that names the failing call.
 */
#ifndef WARREN_TUN_H
#define WARREN_TUN_H

#include <stdbool.h>
#include <sys/types.h>
#include <net/if.h>

#include <warren/error.h>

#ifdef __cplusplus
extern "C" {
#endif

enum warren_tun_mode {
	WARREN_TUN_MODE_TUN = 0, /* layer 3: IP packets (IFF_TUN) */
	WARREN_TUN_MODE_TAP = 1, /* layer 2: Ethernet frames (IFF_TAP) */
};

/* Flags of struct warren_tun_config; any combination. */
enum warren_tun_flags {
	/* Prefix each packet with struct tun_pi (IFF_NO_PI is set otherwise). */
	WARREN_TUN_PI = 1 << 0,
	/* Prefix each packet with a virtio_net_hdr (IFF_VNET_HDR). */
	WARREN_TUN_VNET_HDR = 1 << 1,
	/* Several queues, one descriptor each (IFF_MULTI_QUEUE). */
	WARREN_TUN_MULTI_QUEUE = 1 << 2,
	/* IFF_ONE_QUEUE: accepted for compatibility, ignored by the kernel. */
	WARREN_TUN_ONE_QUEUE = 1 << 3,
	/* Make the device persistent (TUNSETPERSIST 1), as the last step. */
	WARREN_TUN_PERSIST = 1 << 4,
	/* Fail with -EBUSY if a device of that name exists (IFF_TUN_EXCL). */
	WARREN_TUN_EXCL = 1 << 5,
	/* Open the queues with O_NONBLOCK. */
	WARREN_TUN_NONBLOCK = 1 << 6,
};

/*
 * Offloads for warren_tun_set_offload(); the values are the kernel's TUN_F_*
 * bits. TSO and USO need CSUM; USO4 and USO6 only take effect together.
 */
enum warren_tun_offload {
	WARREN_TUN_OFFLOAD_CSUM = 0x01,	   /* TUN_F_CSUM: partial checksums */
	WARREN_TUN_OFFLOAD_TSO4 = 0x02,	   /* TUN_F_TSO4 */
	WARREN_TUN_OFFLOAD_TSO6 = 0x04,	   /* TUN_F_TSO6 */
	WARREN_TUN_OFFLOAD_TSO_ECN = 0x08, /* TUN_F_TSO_ECN */
	WARREN_TUN_OFFLOAD_USO4 = 0x20,	   /* TUN_F_USO4 (Linux 6.2) */
	WARREN_TUN_OFFLOAD_USO6 = 0x40,	   /* TUN_F_USO6 (Linux 6.2) */
};

#define WARREN_TUN_OFFLOAD_ALL                                                                     \
	(WARREN_TUN_OFFLOAD_CSUM | WARREN_TUN_OFFLOAD_TSO4 | WARREN_TUN_OFFLOAD_TSO6 |             \
	 WARREN_TUN_OFFLOAD_TSO_ECN | WARREN_TUN_OFFLOAD_USO4 | WARREN_TUN_OFFLOAD_USO6)

struct warren_tun_config {
	/*
	 * Exact name ("tun0") or kernel template ("tun%d"); NULL or "" lets
	 * the kernel choose ("tun%d" or "tap%d"). At most 15 bytes.
	 * An existing TUN/TAP device of that name is attached, unless
	 * WARREN_TUN_EXCL is set.
	 */
	const char *name;
	enum warren_tun_mode mode;
	unsigned int flags; /* enum warren_tun_flags */
	/* Set the owner (TUNSETOWNER) / group (TUNSETGROUP) if has_*. */
	bool has_owner;
	uid_t owner;
	bool has_group;
	gid_t group;
	/*
	 * With WARREN_TUN_VNET_HDR: the virtio_net_hdr size (TUNSETVNETHDRSZ),
	 * at least 10; 0 keeps the device's current size (10 when new).
	 */
	int vnet_hdr_size;
};

/*
 * Creates or attaches the device described by @cfg and returns the file
 * descriptor of its queue (O_CLOEXEC, plus O_NONBLOCK if asked), or -errno.
 * The actual name (the template filled in) is stored in @name if @name is
 * not NULL.
 *
 * Steps, in order: open(/dev/net/tun), ioctl(TUNSETIFF),
 * ioctl(TUNSETVNETHDRSZ), ioctl(TUNSETOWNER), ioctl(TUNSETGROUP),
 * ioctl(TUNSETPERSIST). Persist is set last, so if any step fails the
 * descriptor is closed and a device created by this call disappears with it:
 * a failed call leaves nothing behind. Without WARREN_TUN_PERSIST the
 * persist state of an existing device is left as it is.
 *
 * Attaching an existing device needs the same mode and the same
 * WARREN_TUN_MULTI_QUEUE setting (else -EINVAL); a single-queue device that
 * is already open gives -EBUSY; a name taken by a device that is not
 * TUN/TAP gives -EINVAL. Note that the kernel applies the PI, VNET_HDR and
 * ONE_QUEUE flags of @cfg to an attached device.
 */
int warren_tun_open(const struct warren_tun_config *cfg, char name[IF_NAMESIZE]);

/*
 * Opens @n queues of one device into @fds[0..n-1] and returns 0, or -errno
 * with no descriptor left open (and no new device left behind). @n > 1
 * needs WARREN_TUN_MULTI_QUEUE in @cfg (else -EINVAL). The first queue is
 * opened as by warren_tun_open() (with a template, the name it gets is used
 * for the others); persist is set after all queues are open.
 */
int warren_tun_open_queues(const struct warren_tun_config *cfg, int *fds, unsigned int n,
			   char name[IF_NAMESIZE]);

/*
 * Deletes the persistent TUN/TAP device @name by clearing its persist flag:
 * it is attached with the flags it has (read from
 * /sys/class/net/NAME/tun_flags, so multi-queue devices need no hint), then
 * TUNSETPERSIST 0, then closed. Returns 0 or -errno: -ENODEV if there is no
 * such device, -EINVAL if it is not TUN/TAP, -EBUSY if a single-queue device
 * is held open by a process. A device held open by another process stays
 * until that process closes it.
 */
int warren_tun_delete(const char *name);

/*
 * Reads the kernel's flags of device @name (IFF_TUN or IFF_TAP, IFF_NO_PI,
 * IFF_ONE_QUEUE, IFF_VNET_HDR, IFF_MULTI_QUEUE, IFF_PERSIST, as in
 * <linux/if_tun.h>) from /sys/class/net/NAME/tun_flags into @iff_flags.
 * Returns 0, -ENODEV if there is no such device, -EINVAL if it is not a
 * TUN/TAP device.
 *
 * /sys must be a sysfs mounted in the caller's network namespace (as
 * `ip netns exec` arranges); after a bare unshare(CLONE_NEWNET) it still
 * shows the old namespace. The same holds for warren_tun_delete().
 */
int warren_tun_get_iff_flags(const char *name, unsigned int *iff_flags);

/*
 * Reads the device of queue @fd (TUNGETIFF): its name into @name (may be
 * NULL) and its flags into @iff_flags (IFF_TUN or IFF_TAP, IFF_NO_PI,
 * IFF_VNET_HDR, IFF_MULTI_QUEUE, ... as in <linux/if_tun.h>). Returns 0 or
 * -errno ("ioctl(TUNGETIFF)": -ENOTTY when @fd is not /dev/net/tun,
 * -EBADFD when it is attached to no device).
 */
int warren_tun_queue_get_iff(int fd, char name[IF_NAMESIZE], unsigned int *iff_flags);

/*
 * Probes the flags the kernel's TUN driver supports (TUNGETFEATURES: IFF_TUN,
 * IFF_TAP, IFF_NO_PI, IFF_ONE_QUEUE, IFF_VNET_HDR, IFF_MULTI_QUEUE, ...) into
 * @iff_features. Returns 0 or -errno.
 */
int warren_tun_get_features(unsigned int *iff_features);

/*
 * Turns on the offloads of @want (enum warren_tun_offload) on the device of
 * queue @fd, backing off when the kernel refuses: first without USO4/USO6,
 * then without TSO_ECN, then without TSO4/TSO6, then without CSUM. The set
 * the kernel accepted is stored in @accepted (may be NULL); it is a subset
 * of @want, 0 if nothing was accepted. Offloads apply to the whole device
 * and replace its previous set; @want 0 turns them all off. Returns 0 (even
 * if less than @want was accepted) or -errno if TUNSETOFFLOAD fails for
 * another reason than an unknown bit.
 */
int warren_tun_set_offload(int fd, unsigned int want, unsigned int *accepted);

/* Sets / gets the virtio_net_hdr size (TUNSETVNETHDRSZ, TUNGETVNETHDRSZ). */
int warren_tun_set_vnet_hdr_size(int fd, int size);
int warren_tun_get_vnet_hdr_size(int fd, int *size);

/*
 * Detaches queue @fd from its multi-queue device (TUNSETQUEUE
 * IFF_DETACH_QUEUE): the kernel stops steering packets to it, and the
 * descriptor stays valid for warren_tun_queue_attach(). The device lives on
 * as long as any queue, attached or not, is open (or it is persistent).
 * Returns 0 or -errno (-EINVAL on a single-queue device or an already
 * detached queue).
 */
int warren_tun_queue_detach(int fd);

/* Attaches a detached queue @fd again (TUNSETQUEUE IFF_ATTACH_QUEUE). */
int warren_tun_queue_attach(int fd);

/* Sets the persist flag of the device of @fd (TUNSETPERSIST). */
int warren_tun_set_persist(int fd, bool persist);

/* Sets the owner / group of the device of @fd (TUNSETOWNER / TUNSETGROUP). */
int warren_tun_set_owner(int fd, uid_t owner);
int warren_tun_set_group(int fd, gid_t group);

/* Sets or clears O_NONBLOCK on queue @fd. */
int warren_tun_set_nonblock(int fd, bool nonblock);

#ifdef __cplusplus
}
#endif

#endif
