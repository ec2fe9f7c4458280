/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `warren setconf/addconf/syncconf' (setconf.c) share with `warren
 * reload' (reload.c): the mode check and sending a request. Every
 * failure has said why on stderr ("warren: ...") before it returns -errno.
 */
#ifndef WARREN_CLI_CONF_H
#define WARREN_CLI_CONF_H

#include "core/uapi_text.h"
#include "core/wgconf.h"

/*
 * A running device's Mode is fixed (the daemon made a TUN or a TAP
 * device): refuses, naming @file and the Mode line, a config whose Mode
 * (tun when unset) is not @dev's. 0 or -EINVAL.
 */
int conf_check_mode(const char *file, const struct wgconf *conf, const struct uapi_device *dev,
		    const char *ifname);

/*
 * `wg syncconf': sends @ifname the differences between @dev (its state)
 * and @conf, if any, noting "[#] wg syncconf IF FILE" when @note. Fills
 * @report. 0 or -errno.
 */
int conf_sync(const char *ifname, const struct wgconf *conf, const union sockaddr_inet *eps,
	      const struct uapi_device *dev, unsigned int flags, struct uapi_sync_report *report,
	      const char *note);

/* "N peers added, ..." of @r into @buf; "nothing changed" when nothing did. */
const char *conf_sync_summary(char *buf, size_t len, const struct uapi_sync_report *r);

#endif
