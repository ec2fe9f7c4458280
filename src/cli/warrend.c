// SPDX-License-Identifier: GPL-2.0-only
/*
 * warrend: the userspace WireGuard daemon, with wireguard-go's command line
 * and environment, so that wg-quick runs it as
 * WG_QUICK_USERSPACE_IMPLEMENTATION=warrend.
 *
 *   warrend [-f|--foreground] IFNAME      warrend --version
 *
 *   WG_TUN_FD=N              use this open TUN queue instead of creating IFNAME;
 *                            the device's own name replaces IFNAME and its MTU
 *                            is set as for a new one (as wireguard-go does)
 *   WG_UAPI_FD=N             use this listening UAPI socket; it must be bound
 *                            to /var/run/wireguard/NAME.sock, which wg reads
 *   WG_PROCESS_FOREGROUND=1  same as -f
 *   LOG_LEVEL=verbose|debug|error|silent   (default: error)
 *   WARREN_MODE=tap          warren extension: a TAP device, Ethernet frames
 *                            (L2 mode, docs/l2.md; MTU 1404); with
 *                            WG_TUN_FD the descriptor's own kind decides
 *
 * Creates the TUN device (MTU 1420) and /var/run/wireguard/IFNAME.sock,
 * then goes to the background: the parent exits 0 once the child has the
 * device, the socket and the rest of its setup in place, 1 if any of it
 * failed. Exits 0 on SIGINT/SIGTERM, when the device is deleted or the
 * socket file removed, leaving neither behind: the socket file is removed
 * and the TUN queue closed, which deletes a device that is not persistent.
 * A device from WG_TUN_FD is never deleted otherwise (as with wireguard-go):
 * a persistent one, or one whose queue another process holds, stays.
 * A WG_TUN_FD or WG_UAPI_FD that is not a number, not open, or not a TUN
 * queue or a listening unix socket is reported, with its value, and exits 1.
 *
 * Unlike wireguard-go, a usage error exits 1 (wireguard-go exits 0).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <warren/rtnl.h>
#include <warren/tun.h>

#include "core/log.h"
#include "daemon/device.h"
#include "daemon/uapi_server.h"
#include "os/uapi_client.h"

#ifndef WARREN_VERSION
#define WARREN_VERSION "0"
#endif

enum {
	DEFAULT_MTU = 1420,
	/* L2: frames are 14 bytes longer, plus the 2-byte L2 header (docs/l2.md). */
	DEFAULT_TAP_MTU = 1404,
};

static void usage(const char *prog)
{
	fprintf(stderr, "Usage: %s [-f/--foreground] INTERFACE-NAME\n", prog);
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

/*
 * The descriptor named by environment variable @var: 0 and *@fd = -1 when
 * it is unset or empty (as wireguard-go), 0 and the descriptor when it is
 * open, else -EBADF or -EINVAL with the bad value logged after @what.
 * A descriptor 0-2 is moved up (daemonizing puts /dev/null there, and
 * /dev/null takes its place now); every descriptor taken is close-on-exec.
 */
static int env_fd(const char *var, const char *what, int *fd)
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

/*
 * Takes the TUN queue of WG_TUN_FD, as wireguard-go's CreateTUNFromFile:
 * the device's own name replaces IFNAME in @name. The queue must carry bare
 * packets or frames (IFF_NO_PI, no IFF_VNET_HDR), as the queue warrend
 * opens itself does. Returns 0 with the descriptor in *@fd (-1 when
 * WG_TUN_FD is unset) and in *@tap whether it is a TAP device, or -errno
 * (logged).
 */
static int take_tun(char name[IFNAMSIZ], int *fd, bool *tap)
{
	static const char what[] = "Failed to create TUN device";
	struct ifreq ifr;
	int err;

	err = env_fd("WG_TUN_FD", what, fd);
	if (err || *fd < 0)
		return err;
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(*fd, TUNGETIFF, &ifr)) {
		err = -errno;
		pr_error("%s: WG_TUN_FD=%s is not a TUN/TAP queue: ioctl(TUNGETIFF): %s", what,
			 getenv("WG_TUN_FD"), strerror(errno));
		goto err_close;
	}
	if (!(ifr.ifr_flags & IFF_NO_PI) || (ifr.ifr_flags & IFF_VNET_HDR)) {
		err = -EINVAL;
		pr_error("%s: WG_TUN_FD=%s: %.*s has %s, warrend needs a queue without headers "
			 "(IFF_NO_PI, no IFF_VNET_HDR)",
			 what, getenv("WG_TUN_FD"), IFNAMSIZ, ifr.ifr_name,
			 ifr.ifr_flags & IFF_VNET_HDR ? "IFF_VNET_HDR"
						      : "packet information (no IFF_NO_PI)");
		goto err_close;
	}
	snprintf(name, IFNAMSIZ, "%.*s", IFNAMSIZ - 1, ifr.ifr_name);
	*tap = ifr.ifr_flags & IFF_TAP;
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
		err = ifindex < 0 ? ifindex
				  : warren_rtnl_link_set_mtu(rtnl, ifindex,
							     tap ? DEFAULT_TAP_MTU : DEFAULT_MTU);
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

	err = take_tun(name, &fd, &tap);
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
		/* TSO super-packets in, coalesced ones out (daemon/device.c). */
		if (cfg.mode == WARREN_TUN_MODE_TUN)
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

/*
 * Takes the listening socket of WG_UAPI_FD. wg finds a daemon by its socket
 * file, and warrend (as wireguard-go) exits when that file goes, so
 * /var/run/wireguard/@name.sock must exist. Returns 0 with the descriptor
 * in *@fd (-1 when WG_UAPI_FD is unset), or -errno (logged).
 */
static int take_uapi(const char *name, int *fd)
{
	static const char what[] = "UAPI listen error";
	int err, domain, type, listening;
	socklen_t len = sizeof(int);
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	err = env_fd("WG_UAPI_FD", what, fd);
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
	snprintf(path, sizeof(path), "%s/%s.sock", UAPI_SOCKET_DIR, name);
	if (lstat(path, &st) || !S_ISSOCK(st.st_mode)) {
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

int main(int argc, char **argv)
{
	static const char *const why[] = {
	    [DEVICE_STOP_NONE] = "stopped",
	    [DEVICE_STOP_SIGNAL] = "signal received",
	    [DEVICE_STOP_TUN_GONE] = "TUN device removed",
	    [DEVICE_STOP_SOCKET_GONE] = "UAPI socket removed",
	    [DEVICE_STOP_ERROR] = "error",
	};
	char name[IFNAMSIZ], prefix[IFNAMSIZ + 16];
	const char *ifname, *env;
	enum log_level level = LOG_LEVEL_ERROR;
	bool foreground = false;
	struct device *device;
	enum device_stop stop;
	int tun_fd, uapi_fd, ready = -1;

	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("warrend v%s\n\nUserspace WireGuard daemon for Linux (warren).\n",
		       WARREN_VERSION);
		return 0;
	}
	if (argc == 3 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--foreground"))) {
		foreground = true;
		ifname = argv[2];
	} else if (argc == 2 && argv[1][0] != '-') {
		ifname = argv[1];
	} else {
		usage(argv[0]);
		return 1;
	}
	env = getenv("WG_PROCESS_FOREGROUND");
	if (env && !strcmp(env, "1"))
		foreground = true;
	env = getenv("LOG_LEVEL");
	if (env && log_level_parse(env, &level))
		level = LOG_LEVEL_ERROR;
	log_set_level(level);
	if (strlen(ifname) >= IFNAMSIZ || !*ifname || strchr(ifname, '/')) {
		fprintf(stderr, "warrend: invalid interface name `%s'\n", ifname);
		return 1;
	}
	snprintf(name, sizeof(name), "%s", ifname);
	snprintf(prefix, sizeof(prefix), "(%s) ", name);
	log_set_prefix(prefix);
	signal(SIGPIPE, SIG_IGN);

	tun_fd = open_tun(name);
	if (tun_fd < 0)
		return 1;
	snprintf(prefix, sizeof(prefix), "(%s) ", name);

	if (take_uapi(name, &uapi_fd)) {
		close(tun_fd);
		return 1;
	}
	if (uapi_fd < 0) {
		uapi_fd = uapi_listen(name);
		if (uapi_fd < 0) {
			pr_error("UAPI listen error: %s", warren_strerror(uapi_fd));
			close(tun_fd);
			return 1;
		}
	}

	if (!foreground)
		daemonize(&ready);

	if (device_new(&device, name, tun_fd, uapi_fd)) {
		/* device_new closed both; the socket file must not stay behind. */
		char path[128];

		snprintf(path, sizeof(path), "%s/%s.sock", UAPI_SOCKET_DIR, name);
		unlink(path);
		return 1;
	}
	pr_debug("Device started");
	if (ready >= 0) {
		while (write(ready, "R", 1) < 0 && errno == EINTR)
			;
		close(ready);
	}
	stop = device_run(device);
	pr_debug("Shutting down: %s", why[stop]);
	device_log_drops(device);
	device_free(device);
	return stop == DEVICE_STOP_ERROR ? 1 : 0;
}
