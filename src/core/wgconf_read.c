// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config reader, incremental as wireguard-tools' config_read_init(),
 * config_read_line() and config_read_finish(). Each line is cut at '#',
 * then looked at twice, as the reference tools do: wg-quick trims the key
 * and value around the first '=' and claims its own keys in
 * "[Interface]"; everything else goes to wg's grammar, which first deletes
 * every whitespace character of the line. The keys themselves are read in
 * wgconf_keys.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/secret.h"
#include "core/wgconf_reader.h"

/* A copy of s[0..len) without leading and trailing whitespace. */
static char *dup_trimmed(const char *s, size_t len)
{
	char *out;

	while (len && wgconf_is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && wgconf_is_space((unsigned char)s[len - 1]))
		len--;
	out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

/* A copy of s[0..len) with every whitespace character removed. */
static char *dup_compact(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t n = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (!wgconf_is_space((unsigned char)s[i]))
			out[n++] = s[i];
	}
	out[n] = '\0';
	return out;
}

/* A string that may hold a key, with the length to wipe when freed. */
struct wiped_str {
	char *s;
	size_t len;
};

/* Records @s with its length now, before parsing cuts it with NULs. */
static char *wiped(struct wiped_str *w, char *s)
{
	w->s = s;
	w->len = s ? strlen(s) : 0;
	return s;
}

static int section_line(struct wgconf_reader *r, const char *compact, const char *trimmed)
{
	struct wgconf *c = r->conf;

	/* wg-quick claims its keys only under a header written exactly so. */
	r->quick_section = !strcasecmp(trimmed, "[Interface]");
	if (!strcasecmp(compact, "[Interface]")) {
		r->section = WGCONF_SECTION_INTERFACE;
		return 0;
	}
	if (!strcasecmp(compact, "[Peer]")) {
		struct wgconf_peer *p = secret_array_push(c->peers, &c->n_peers, sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->peers = p;
		c->peers[c->n_peers - 1].line = r->line;
		r->section = WGCONF_SECTION_PEER;
		return 0;
	}
	r->section = WGCONF_SECTION_NONE;
	return wgconf_fail(r, trimmed, "Section unknown, expected [Interface] or [Peer]");
}

void wgconf_read_init(struct wgconf_reader *r, struct wgconf *conf, const char *file,
		      unsigned int flags, wgconf_warn_fn warn_fn, void *warn_arg)
{
	memset(r, 0, sizeof(*r));
	memset(conf, 0, sizeof(*conf));
	r->conf = conf;
	r->file = file;
	r->flags = flags;
	r->warn = warn_fn;
	r->warn_arg = warn_arg;
}

/*
 * The first byte of s[0..len) that no config may hold, or NULL: NUL and
 * the other control characters but whitespace (tab to CR). wg's reader
 * would cut a value at a NUL ("ListenPort = 518<NUL>30" is port 518) and
 * keep the others in it.
 */
static const char *control_byte(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < ' ' && !wgconf_is_space(c)) || c == 0x7f)
			return s + i;
	}
	return NULL;
}

int wgconf_read_line(struct wgconf_reader *r, const char *line, size_t line_len)
{
	const char *nl = memchr(line, '\n', line_len), *hash, *bad;
	size_t raw_len = nl ? (size_t)(nl - line) : line_len, len;
	char *compact = NULL, *trimmed = NULL, *key = NULL, *value = NULL, *raw_value = NULL;
	/* Any of these may hold a PrivateKey or PresharedKey as base64. */
	struct wiped_str secrets[4] = {{0}};
	const char *eq;
	int ret;

	r->line++;
	bad = control_byte(line, raw_len);
	if (bad) {
		/* The line is not quoted: it may hold a key. */
		snprintf(r->error, sizeof(r->error),
			 "%s:%u: Line holds a control character: byte 0x%02x at column %zu",
			 r->file, r->line, (unsigned char)*bad, (size_t)(bad - line) + 1);
		return -EINVAL;
	}
	hash = memchr(line, '#', raw_len);
	len = hash ? (size_t)(hash - line) : raw_len;
	compact = wiped(&secrets[0], dup_compact(line, len));
	trimmed = wiped(&secrets[1], dup_trimmed(line, len));
	if (!compact || !trimmed) {
		ret = -ENOMEM;
		goto out;
	}
	ret = 0;
	if (!*compact)
		goto out;
	if (compact[0] == '[' || trimmed[0] == '[') {
		ret = section_line(r, compact, trimmed);
		goto out;
	}
	eq = strchr(trimmed, '=');
	if (eq && r->quick_section && r->section == WGCONF_SECTION_INTERFACE &&
	    (!(r->flags & WGCONF_SETCONF) || (r->flags & WGCONF_L2))) {
		const char *raw_eq = memchr(line, '=', raw_len);

		key = dup_trimmed(trimmed, (size_t)(eq - trimmed));
		value = wiped(&secrets[2], dup_trimmed(eq + 1, strlen(eq + 1)));
		raw_value = wiped(&secrets[3],
				  dup_trimmed(raw_eq + 1, raw_len - (size_t)(raw_eq + 1 - line)));
		if (!key || !value || !raw_value) {
			ret = -ENOMEM;
			goto out;
		}
		ret = wgconf_quick_line(r, key, value, raw_value);
		if (ret <= 0)
			goto out;
	}
	if (!key) {
		key = dup_trimmed(trimmed, eq ? (size_t)(eq - trimmed) : strlen(trimmed));
		if (!key) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = wgconf_key_line(r, compact, key, eq ? eq + 1 + strspn(eq + 1, " \t\v\f\r") : trimmed);
out:
	if (ret == -ENOMEM)
		snprintf(r->error, sizeof(r->error), "%s:%u: %s", r->file, r->line,
			 strerror(ENOMEM));
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		secret_free(secrets[i].s, secrets[i].len);
	free(key);
	return ret;
}

int wgconf_read_finish(struct wgconf_reader *r)
{
	for (size_t i = 0; i < r->conf->n_peers; i++) {
		if (!r->conf->peers[i].has_public_key) {
			r->line = r->conf->peers[i].line;
			return wgconf_fail(r, "[Peer]", "Peer is missing a PublicKey");
		}
	}
	return 0;
}

static void set_error(char *error, size_t error_len, const char *msg)
{
	if (error && error_len)
		snprintf(error, error_len, "%s", msg);
}

int wgconf_read_string(struct wgconf *conf, const char *file, const char *text, size_t len,
		       unsigned int flags, char *error, size_t error_len)
{
	struct wgconf_reader r;
	size_t pos = 0;
	int ret = 0;

	wgconf_read_init(&r, conf, file, flags, NULL, NULL);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		ret = wgconf_read_line(&r, text + pos, n);
		if (ret)
			break;
		pos += n + (nl ? 1 : 0);
	}
	if (!ret)
		ret = wgconf_read_finish(&r);
	if (ret) {
		set_error(error, error_len, r.error);
		wgconf_free(conf);
	}
	return ret;
}

int wgconf_read_file(struct wgconf *conf, const char *path, unsigned int flags, char *error,
		     size_t error_len)
{
	struct wgconf_reader r;
	char *line = NULL, iobuf[BUFSIZ];
	size_t cap = 0;
	ssize_t n;
	int ret = 0;
	FILE *f;

	wgconf_read_init(&r, conf, path, flags, NULL, NULL);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		if (error && error_len)
			snprintf(error, error_len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	/*
	 * The file holds the private key: stdio reads it into our buffer,
	 * wiped below, and getline() starts big enough not to move a line.
	 */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	line = malloc(LINE_MAX);
	cap = line ? LINE_MAX : 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		ret = wgconf_read_line(&r, line, (size_t)n);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(r.error, sizeof(r.error), "%s: %s", path, strerror(EIO));
	}
	secret_free(line, cap);
	fclose(f);
	secret_wipe(iobuf, sizeof(iobuf));
	if (!ret)
		ret = wgconf_read_finish(&r);
	if (ret) {
		set_error(error, error_len, r.error);
		wgconf_free(conf);
	}
	return ret;
}
