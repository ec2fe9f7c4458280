// SPDX-License-Identifier: GPL-2.0-only
/*
 * Launching a device (launch.h): wireguard-go's main.go policy, around
 * device.c. Nothing here runs once the device does, but the exit.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <warren/rtnl.h>
#include <warren/tun.h>

#include "core/log.h"
#include "daemon/device.h"
#include "daemon/launch.h"
#include "daemon/sandbox.h"
#include "daemon/uapi_server.h"
#include "engine/messages.h"
#include "os/uapi_client.h"

unsigned int launch_default_mtu(bool tap)
{
	return tap ? TUNNEL_L2_DEFAULT_MTU : TUNNEL_DEFAULT_MTU;
}

/* Points descriptor @fd at /dev/null (closing what it was), or just closes it. */
static void null_out(int fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || dup2(null, fd) < 0)
		close(fd);
	if (null >= 0 && null != fd)
		close(null);
}

int launch_env_fd(const char *var, const char *what, int *fd)
{
	const char *s = getenv(var);
	char *end;
	long v;
	int moved;

	*fd = -1;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > INT32_MAX || !isdigit((unsigned char)*s)) {
		pr_error("%s: %s=`%s' is not a descriptor number", what, var, s);
		return -EINVAL;
	}
	if (fcntl((int)v, F_GETFD) < 0) {
		pr_error("%s: %s=%ld: %s", what, var, v, strerror(errno));
		return -EBADF;
	}
	*fd = (int)v;
	if (*fd <= STDERR_FILENO) {
		moved = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
		if (moved < 0) {
			moved = -errno;
			pr_error("%s: %s=%d: fcntl(F_DUPFD): %s", what, var, *fd, strerror(-moved));
			*fd = -1;
			return moved;
		}
		/* /dev/null holds the old number: 0-2 must not go to a later socket. */
		null_out(*fd);
		*fd = moved;
	}
	fcntl(*fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

int launch_take_tun(char name[IFNAMSIZ], int *fd, bool *tap)
{
	static const char what[] = "Failed to create TUN device";
	char queue_name[IFNAMSIZ];
	unsigned int iff;
	int err;

	err = launch_env_fd("WG_TUN_FD", what, fd);
	if (err || *fd < 0)
		return err;
	err = warren_tun_queue_get_iff(*fd, queue_name, &iff);
	if (err) {
		pr_error("%s: WG_TUN_FD=%s is not a TUN/TAP queue: %s", what, getenv("WG_TUN_FD"),
			 warren_strerror(err));
		goto err_close;
	}
	if (!(iff & IFF_NO_PI) || (iff & IFF_VNET_HDR)) {
		err = -EINVAL;
		pr_error("%s: WG_TUN_FD=%s: %s has %s, warrend needs a queue without headers "
			 "(IFF_NO_PI, no IFF_VNET_HDR)",
			 what, getenv("WG_TUN_FD"), queue_name,
			 iff & IFF_VNET_HDR ? "IFF_VNET_HDR" : "packet information (no IFF_NO_PI)");
		goto err_close;
	}
	snprintf(name, IFNAMSIZ, "%s", queue_name);
	*tap = iff & IFF_TAP;
	return 0;

err_close:
	close(*fd);
	*fd = -1;
	return err;
}

/* Sets the MTU of @name (wireguard-go does, for its own device and for WG_TUN_FD's). */
static int set_mtu(const char *name, bool tap)
{
	struct warren_rtnl *rtnl;
	int err, ifindex;

	err = warren_rtnl_open(&rtnl);
	if (!err) {
		ifindex = warren_rtnl_ifindex(rtnl, name);
		err = ifindex < 0
			  ? ifindex
			  : warren_rtnl_link_set_mtu(rtnl, ifindex, launch_default_mtu(tap));
		warren_rtnl_close(rtnl);
	}
	if (err)
		pr_error("Failed to set the MTU of %s: %s", name, warren_strerror(err));
	return err;
}

/* Opens or takes the TUN queue; fills @name with the device's real name. */
static int open_tun(char name[IFNAMSIZ])
{
	struct warren_tun_config cfg = {
	    .name = name,
	    .mode = WARREN_TUN_MODE_TUN,
	    .flags = WARREN_TUN_NONBLOCK,
	};
	const char *mode = getenv("WARREN_MODE");
	bool tap = false;
	int fd, err;

	err = launch_take_tun(name, &fd, &tap);
	if (err)
		return err;
	if (fd < 0) {
		if (mode && !strcmp(mode, "tap")) {
			cfg.mode = WARREN_TUN_MODE_TAP;
		} else if (mode && *mode && strcmp(mode, "tun")) {
			pr_error("Failed to create TUN device: WARREN_MODE is `%s', not tun or tap",
				 mode);
			return -EINVAL;
		}
		/*
		 * TSO super-packets in, coalesced ones out (daemon/offload.c),
		 * for a TAP device's frames as for a TUN device's packets.
		 */
		cfg.flags |= WARREN_TUN_VNET_HDR;
		fd = warren_tun_open(&cfg, name);
		if (fd < 0) {
			pr_error("Failed to create TUN device: %s", warren_strerror(fd));
			return fd;
		}
		tap = cfg.mode == WARREN_TUN_MODE_TAP;
	}
	err = set_mtu(name, tap);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int launch_take_uapi(const char *name, int *fd)
{
	static const char what[] = "UAPI listen error";
	int err, domain, type, listening;
	socklen_t len = sizeof(int);
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	err = launch_env_fd("WG_UAPI_FD", what, fd);
	if (err || *fd < 0)
		return err;
	if (getsockopt(*fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
	    getsockopt(*fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    getsockopt(*fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len)) {
		err = -errno;
		pr_error("%s: WG_UAPI_FD=%s: %s", what, getenv("WG_UAPI_FD"), strerror(errno));
		goto err_close;
	}
	if (domain != AF_UNIX || type != SOCK_STREAM || !listening) {
		err = -EINVAL;
		pr_error("%s: WG_UAPI_FD=%s is not a listening unix stream socket", what,
			 getenv("WG_UAPI_FD"));
		goto err_close;
	}
	if (uapi_socket_path(path, sizeof(path), name) || lstat(path, &st) ||
	    !S_ISSOCK(st.st_mode)) {
		err = -ENOENT;
		pr_error("%s: WG_UAPI_FD=%s: no socket %s (wg finds the daemon there)", what,
			 getenv("WG_UAPI_FD"), path);
		goto err_close;
	}
	return 0;

err_close:
	close(*fd);
	*fd = -1;
	return err;
}

/*
 * Forks: the parent waits until the child reports on the pipe that it is
 * running and exits with 0, or 1 if the child failed. Returns in the child
 * with the write end of the pipe in *@ready.
 */
static void daemonize(int *ready)
{
	int p[2], null;
	pid_t pid;
	char c = 0;

	if (pipe2(p, O_CLOEXEC)) {
		pr_error("Failed to daemonize: pipe: %s", strerror(errno));
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		pr_error("Failed to daemonize: fork: %s", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		if (c == 'R')
			_exit(0);
		waitpid(pid, NULL, WNOHANG);
		_exit(1);
	}
	close(p[0]);
	*ready = p[1];
	setsid();
	if (chdir("/"))
		(void)0;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	log_to_syslog("warrend");
}

/* Opens or takes the UAPI socket of @name. Returns the descriptor or -errno (logged). */
static int open_uapi(const char *name)
{
	int fd, err;

	err = launch_take_uapi(name, &fd);
	if (err)
		return err;
	if (fd >= 0)
		return fd;
	fd = uapi_listen(name);
	if (fd < 0)
		pr_error("UAPI listen error: %s", warren_strerror(fd));
	return fd;
}

/* Tells the waiting parent (if any) that the device runs. */
static void report_ready(int ready)
{
	if (ready < 0)
		return;
	while (write(ready, "R", 1) < 0 && errno == EINTR)
		;
	close(ready);
}

/*
 * A user other than root must still see the socket file, which warrend
 * (as wireguard-go) checks after every inotify event. wg-quick's umask
 * 077 (and systemd's UMask=0077) leaves the folder 0700, so it is made
 * searchable by others (o+x, 0711 at least): that reveals only whether a
 * named socket exists, and the sockets themselves stay 0700.
 */
static int socket_dir_for(const struct sandbox *sb)
{
	struct stat st;

	if (sb->uid == (uid_t)-1)
		return 0;
	if (mkdir(UAPI_SOCKET_DIR, 0711) && errno != EEXIST) {
		if (errno == ENOENT)
			return 0; /* no /var/run yet: uapi_listen() makes both */
		pr_error("mkdir(%s): %s", UAPI_SOCKET_DIR, strerror(errno));
		return -errno;
	}
	if (stat(UAPI_SOCKET_DIR, &st)) {
		pr_error("stat(%s): %s", UAPI_SOCKET_DIR, strerror(errno));
		return -errno;
	}
	if ((st.st_mode & (S_IXGRP | S_IXOTH)) == (S_IXGRP | S_IXOTH))
		return 0;
	if (chmod(UAPI_SOCKET_DIR, (st.st_mode & 07777) | S_IXGRP | S_IXOTH)) {
		pr_error("chmod(%s): %s", UAPI_SOCKET_DIR, strerror(errno));
		return -errno;
	}
	pr_info("%s made searchable (mode %04o) for user %u to see its socket", UAPI_SOCKET_DIR,
		(unsigned)((st.st_mode & 07777) | S_IXGRP | S_IXOTH), (unsigned)sb->uid);
	return 0;
}

int launch_run(const char *ifname, bool foreground, const struct sandbox *sandbox)
{
	static const char *const why[] = {
	    [DEVICE_STOP_NONE] = "stopped",
	    [DEVICE_STOP_SIGNAL] = "signal received",
	    [DEVICE_STOP_TUN_GONE] = "TUN device removed",
	    [DEVICE_STOP_SOCKET_GONE] = "UAPI socket removed",
	    [DEVICE_STOP_ERROR] = "error",
	};
	/* Log lines start with the device's name; the TUN queue may rename it. */
	static char prefix[IFNAMSIZ + 16];
	char name[IFNAMSIZ];
	struct device *device;
	enum device_stop stop;
	int tun_fd, uapi_fd, ready = -1;

	snprintf(name, sizeof(name), "%s", ifname);
	snprintf(prefix, sizeof(prefix), "(%s) ", name);
	log_set_prefix(prefix);

	if (socket_dir_for(sandbox))
		return 1;
	tun_fd = open_tun(name);
	if (tun_fd < 0)
		return 1;
	snprintf(prefix, sizeof(prefix), "(%s) ", name);
	uapi_fd = open_uapi(name);
	if (uapi_fd < 0) {
		close(tun_fd);
		return 1;
	}

	if (!foreground)
		daemonize(&ready);

	if (device_new(&device, name, tun_fd, uapi_fd)) {
		/* device_new closed both; the socket file must not stay behind. */
		char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

		if (!uapi_socket_path(path, sizeof(path), name))
			unlink(path);
		return 1;
	}
	/* Everything is open: from here on, only what a running device needs. */
	if (sandbox_enter(sandbox, prefix, !foreground)) {
		device_free(device);
		return 1;
	}
	pr_debug("Device started");
	report_ready(ready);
	stop = device_run(device);
	pr_debug("Shutting down: %s", why[stop]);
	device_log_drops(device);
	device_free(device);
	return stop == DEVICE_STOP_ERROR ? 1 : 0;
}
