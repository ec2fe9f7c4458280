// SPDX-License-Identifier: GPL-2.0-only
/*
 * warrend: the userspace WireGuard daemon, with wireguard-go's command line
 * and environment, so that wg-quick runs it as
 * WG_QUICK_USERSPACE_IMPLEMENTATION=warrend.
 *
 *   warrend [-f|--foreground] IFNAME      warrend --version
 *
 *   WG_TUN_FD=N              use this open TUN queue instead of creating IFNAME
 *   WG_UAPI_FD=N             use this listening UAPI socket
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
 * socket file removed, leaving neither behind.
 *
 * Unlike wireguard-go, a usage error exits 1 (wireguard-go exits 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <warren/rtnl.h>
#include <warren/tun.h>

#include "core/log.h"
#include "daemon/device.h"
#include "daemon/uapi.h"

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

/* A descriptor number from the environment: -1 when unset, -2 when malformed. */
static int env_fd(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > INT32_MAX || fcntl((int)v, F_GETFD) < 0)
		return -2;
	return (int)v;
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
	struct warren_rtnl *rtnl;
	struct ifreq ifr;
	int fd, err, ifindex, mtu;

	fd = env_fd("WG_TUN_FD");
	if (fd == -2) {
		pr_error("Failed to create TUN device: WG_TUN_FD is not an open descriptor");
		return -EBADF;
	}
	if (fd >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(fd, TUNGETIFF, &ifr)) {
			err = -errno;
			pr_error("Failed to create TUN device: ioctl(TUNGETIFF): %s", strerror(errno));
			return err;
		}
		snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		return fd;
	}

	if (mode && !strcmp(mode, "tap")) {
		cfg.mode = WARREN_TUN_MODE_TAP;
	} else if (mode && *mode && strcmp(mode, "tun")) {
		pr_error("Failed to create TUN device: WARREN_MODE is `%s', not tun or tap", mode);
		return -EINVAL;
	}
	fd = warren_tun_open(&cfg, name);
	if (fd < 0) {
		pr_error("Failed to create TUN device: %s", warren_strerror(fd));
		return fd;
	}
	err = warren_rtnl_open(&rtnl);
	if (!err) {
		ifindex = warren_rtnl_ifindex(rtnl, name);
		mtu = cfg.mode == WARREN_TUN_MODE_TAP ? DEFAULT_TAP_MTU : DEFAULT_MTU;
		err = ifindex < 0 ? ifindex : warren_rtnl_link_set_mtu(rtnl, ifindex, mtu);
		warren_rtnl_close(rtnl);
	}
	if (err) {
		pr_error("Failed to set the MTU of %s: %s", name, warren_strerror(err));
		close(fd);
		return err;
	}
	return fd;
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

	uapi_fd = env_fd("WG_UAPI_FD");
	if (uapi_fd == -2) {
		pr_error("UAPI listen error: WG_UAPI_FD is not an open descriptor");
		close(tun_fd);
		return 1;
	}
	if (uapi_fd < 0) {
		uapi_fd = uapi_listen(name);
		if (uapi_fd < 0) {
			pr_error("UAPI listen error: %s", strerror(-uapi_fd));
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
