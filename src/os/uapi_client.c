// SPDX-License-Identifier: GPL-2.0-only
/*
 * UAPI requests over the daemon's unix socket. Contracts in uapi_client.h.
 */
#include "os/uapi_client.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <openssl/crypto.h>

#include "core/secret.h"

/* A get reply larger than this is refused: 64 KiB per about 300 peers. */
#define UAPI_REPLY_MAX (64u << 20)

int uapi_socket_path(char *path, size_t len, const char *ifname)
{
	int n = snprintf(path, len, UAPI_SOCKET_DIR "/%s.sock", ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int uapi_connect(const char *ifname)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, ret;

	if (uapi_socket_path(sun.sun_path, sizeof(sun.sun_path), ifname))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

bool uapi_alive(const char *ifname)
{
	int fd = uapi_connect(ifname);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The inode of the listening unix socket bound to @path, or 0. */
static unsigned long listening_inode(const char *path)
{
	unsigned long inode = 0, ino, flags;
	char line[512], name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	FILE *f = fopen("/proc/net/unix", "re");

	if (!f)
		return 0;
	/* Num RefCount Protocol Flags Type St Inode Path */
	while (!inode && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %lu %108s", &flags, &ino, name) == 3 &&
		    (flags & 0x10000) /* __SO_ACCEPTCON: listening */ && !strcmp(name, path))
			inode = ino;
	}
	fclose(f);
	return inode;
}

/* True when process @pid has a descriptor for socket @inode. */
static bool holds_socket(const char *pid, unsigned long inode)
{
	char dir[sizeof(((struct dirent *)0)->d_name) + 16], link[64], want[48];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char path[sizeof(dir) + 16 + sizeof(e->d_name)];
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = !strcmp(link, want);
		}
	}
	closedir(d);
	return found;
}

int uapi_daemon_pidfd(const char *ifname)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned long inode;
	struct dirent *e;
	int pidfd = -ENOENT;
	DIR *proc;

	if (uapi_socket_path(path, sizeof(path), ifname))
		return -ENAMETOOLONG;
	inode = listening_inode(path);
	if (!inode)
		return -ENOENT;
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (pidfd == -ENOENT && (e = readdir(proc))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || !holds_socket(e->d_name, inode))
			continue;
		pidfd = (int)syscall(SYS_pidfd_open, (pid_t)atoi(e->d_name), 0);
		if (pidfd < 0)
			pidfd = -errno;
	}
	closedir(proc);
	return pidfd;
}

/* Requests give up when this is set (uapi_client_set_interrupt()). */
static volatile sig_atomic_t *interrupt;

void uapi_client_set_interrupt(volatile sig_atomic_t *flag)
{
	interrupt = flag;
}

/*
 * Waits for @events on @fd in slices of 100 ms, so that a signal that sets
 * *interrupt ends a long request (a set of 100k peers) at once, whatever
 * SA_RESTART says. Returns 0 or -EINTR.
 */
static int wait_fd(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};

	for (;;) {
		if (interrupt && *interrupt)
			return -EINTR;
		if (poll(&p, 1, 100) > 0)
			return 0;
	}
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n;

		if (wait_fd(fd, POLLOUT))
			return -EINTR;
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Reads until the reply's closing empty line ("\n\n", or a lone "\n"), or
 * EOF. Returns the length in *@len of the new buffer *@out, or -errno.
 */
static int read_reply(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nbuf;
	ssize_t r;
	int ret;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			ret = -EPROTO;
			if (cap >= UAPI_REPLY_MAX)
				goto err_buf;
			ret = -ENOMEM;
			nbuf = secret_realloc(buf, n, cap * 2);
			if (!nbuf)
				goto err_buf;
			buf = nbuf;
			cap *= 2;
		}
		ret = -EINTR;
		if (wait_fd(fd, POLLIN))
			goto err_buf;
		r = recv(fd, buf + n, cap - n, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			ret = -errno;
			goto err_buf;
		}
		if (!r)
			break;
		n += (size_t)r;
		if ((n == 1 && buf[0] == '\n') ||
		    (n >= 2 && buf[n - 1] == '\n' && buf[n - 2] == '\n'))
			break;
	}
	*out = buf;
	*len = n;
	return 0;

err_buf:
	/* The reply of a get holds the private key. */
	secret_free(buf, n);
	return ret;
}

static int transact(const char *ifname, const char *req, size_t len, char **reply,
		    size_t *reply_len)
{
	int fd = uapi_connect(ifname), ret;

	if (fd < 0)
		return fd;
	ret = write_all(fd, req, len);
	if (!ret)
		ret = read_reply(fd, reply, reply_len);
	close(fd);
	return ret;
}

int uapi_set(const char *ifname, const char *req, size_t len)
{
	size_t rlen;
	char *reply;
	int ret;

	ret = transact(ifname, req, len, &reply, &rlen);
	if (ret)
		return ret;
	ret = uapi_text_parse_errno(reply, rlen);
	free(reply);
	return ret;
}

int uapi_get(const char *ifname, struct uapi_device *dev)
{
	static const char req[] = "get=1\n\n";
	size_t rlen;
	char *reply;
	int ret;

	memset(dev, 0, sizeof(*dev));
	ret = transact(ifname, req, sizeof(req) - 1, &reply, &rlen);
	if (ret)
		return ret;
	ret = uapi_text_parse_get(dev, reply, rlen);
	secret_free(reply, rlen);
	return ret;
}

int uapi_list(char ***names, size_t *n)
{
	DIR *dir = opendir(UAPI_SOCKET_DIR);
	char **v = NULL, **nv;
	size_t count = 0;
	struct dirent *de;
	int ret = 0;

	*names = NULL;
	*n = 0;
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		char name[IFNAMSIZ], path[sizeof(UAPI_SOCKET_DIR) + IFNAMSIZ + 8];
		struct stat st;
		int fd;

		if (len <= 5 || len - 5 >= IFNAMSIZ || strcmp(de->d_name + len - 5, ".sock"))
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (uapi_socket_path(path, sizeof(path), name) || stat(path, &st) ||
		    !S_ISSOCK(st.st_mode))
			continue;
		/* As wg: a socket that refuses connections is stale and goes;
		 * one this user may not open stays listed, so that show says
		 * why it cannot read it. */
		fd = uapi_connect(name);
		if (fd == -ECONNREFUSED) {
			unlink(path);
			continue;
		}
		if (fd >= 0)
			close(fd);
		nv = realloc(v, (count + 1) * sizeof(*v));
		if (!nv || !(nv[count] = strdup(name))) {
			v = nv ? nv : v;
			ret = -ENOMEM;
			break;
		}
		v = nv;
		count++;
	}
	closedir(dir);
	if (ret) {
		uapi_list_free(v, count);
		return ret;
	}
	*names = v;
	*n = count;
	return 0;
}

void uapi_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
