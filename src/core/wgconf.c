// SPDX-License-Identifier: GPL-2.0-only
/*
 * A config as an object: freeing it, the messages of its reader, and
 * finding and checking its file as wg-quick does. Reading is in
 * wgconf_read.c (lines) and wgconf_keys.c (keys), which both call down
 * to here; writing is in wgconf_write.c.
 */
#include "core/wgconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"
#include "core/secret.h"
#include "core/wgconf_reader.h"

/* The C locale's isspace(): what both wg and bash's [[:space:]] strip. */
bool wgconf_is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

int wgconf_fail(struct wgconf_reader *r, const char *value, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->error, sizeof(r->error), "%s:%u: %s: `%s'", r->file, r->line, what, value);
	return -EINVAL;
}

void wgconf_warning(struct wgconf_reader *r, const char *fmt, ...)
{
	char what[256], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s:%u: Warning: %s", r->file, r->line, what);
	if (r->warn)
		r->warn(r->warn_arg, msg);
	else
		pr_info("%s", msg);
}

static void strings_free(struct wgconf_strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool wgconf_world_accessible(const char *path)
{
	struct stat file, dir;
	char *copy, *slash;
	int ret;

	if (stat(path, &file))
		return false;
	copy = strdup(path);
	if (!copy)
		return false;
	slash = strrchr(copy, '/');
	if (!slash)
		ret = stat(".", &dir);
	else if (slash == copy)
		ret = stat("/", &dir);
	else {
		*slash = '\0';
		ret = stat(copy, &dir);
	}
	free(copy);
	if (ret)
		return false;
	return (file.st_mode & dir.st_mode & 0007) != 0;
}

/* wg-quick's interface names: 1-15 of [A-Za-z0-9_=+.-]. */
bool wgconf_ifname_ok(const char *s, size_t len)
{
	if (!len || len > 15)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !strchr("_=+.-", c))
			return false;
	}
	return true;
}

int wgconf_locate(const char *arg, char **path, char ifname[16], char *error, size_t error_len)
{
	const char *base, *dot;
	size_t len = strlen(arg);

	if (wgconf_ifname_ok(arg, len)) {
		if (asprintf(path, "/etc/wireguard/%s.conf", arg) < 0)
			return -ENOMEM;
		memcpy(ifname, arg, len + 1);
		return 0;
	}
	base = strrchr(arg, '/');
	base = base ? base + 1 : arg;
	dot = len >= 5 ? arg + len - 5 : NULL;
	if (!dot || dot < base || strcmp(dot, ".conf") ||
	    !wgconf_ifname_ok(base, (size_t)(dot - base))) {
		if (error && error_len)
			snprintf(error, error_len,
				 "The config file must be a valid interface name, followed by "
				 ".conf: `%s'",
				 arg);
		return -EINVAL;
	}
	*path = strdup(arg);
	if (!*path)
		return -ENOMEM;
	memcpy(ifname, base, (size_t)(dot - base));
	ifname[dot - base] = '\0';
	return 0;
}

void wgconf_free(struct wgconf *conf)
{
	if (!conf)
		return;
	free(conf->addresses);
	free(conf->dns);
	strings_free(&conf->dns_search);
	free(conf->table_name);
	for (int h = 0; h < WGCONF_HOOK_COUNT; h++)
		strings_free(&conf->hooks[h]);
	for (size_t i = 0; i < conf->n_peers; i++) {
		free(conf->peers[i].endpoint.host);
		free(conf->peers[i].allowed_ips);
		free(conf->peers[i].allowed_macs);
		free(conf->peers[i].static_macs);
	}
	secret_free(conf->peers, conf->n_peers * sizeof(*conf->peers));
	secret_wipe(conf, sizeof(*conf));
}
