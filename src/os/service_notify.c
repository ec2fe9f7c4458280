// SPDX-License-Identifier: GPL-2.0-only
/*
 * sd_notify(3) over its socket (service_notify.h). One datagram per call,
 * sent with the process's own credentials, which the manager checks against
 * NotifyAccess=. The protocol is the one systemd documents in sd_notify(3)
 * and its "Service notifications" interface page; no library is needed.
 */
#include "os/service_notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int service_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len, state_len = strlen(state);
	socklen_t addr_len;
	ssize_t sent;
	int fd, ret;

	if (!path || !*path)
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sun.sun_path))
		return -EINVAL;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0'; /* abstract: no NUL at the end either */
	addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sent = sendto(fd, state, state_len, MSG_NOSIGNAL, (struct sockaddr *)&sun, addr_len);
	ret = sent < 0 ? -errno : (size_t)sent == state_len ? 1 : -EMSGSIZE;
	close(fd);
	return ret;
}

int service_notify_status(const char *fmt, ...)
{
	char state[512] = "STATUS=";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(state + strlen(state), sizeof(state) - strlen(state), fmt, ap);
	va_end(ap);
	return service_notify(state);
}
