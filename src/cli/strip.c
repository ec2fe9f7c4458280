// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren strip CONFIG_FILE | INTERFACE and warren save CONFIG_FILE |
 * INTERFACE: wg-quick(8)'s commands of the same names.
 *
 * strip prints the config without the lines wg-quick claims (Address,
 * DNS, MTU, Table, hooks, SaveConfig in [Interface]) and without Bridge,
 * the one L2 key that is no UAPI key: what is left is `warren setconf'
 * input, L2 keys and all. As wg-quick it prints the other lines as `read'
 * leaves them (trimmed, comments kept), then an empty line; unlike
 * wg-quick it first reads the whole config, so a bad one is refused with
 * its file and line.
 *
 * save is SaveConfig's rewrite (quick_save.c) on demand.
 */
#include "cli/command.h"
#include "cli/quick.h"

#include "core/secret.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <warren/rtnl.h>

static bool is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The keys wg-quick's parse_options() takes out of [Interface], and Bridge. */
static bool quick_key(const char *key, size_t len)
{
	static const char *const keys[] = {"Address",	 "MTU",	   "DNS",     "Table",
					   "PreUp",	 "PostUp", "PreDown", "PostDown",
					   "SaveConfig", "Bridge"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i]) == len && !strncasecmp(key, keys[i], len))
			return true;
	return false;
}

/*
 * One line of wg-quick's loop: @line (without '\n') trimmed of blanks as
 * `read' trims it; written to @out unless it is a key wg-quick claims.
 */
static void strip_line(FILE *out, char *line, size_t len, bool *interface)
{
	const char *key, *end;

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	/* The key: before '#' and the first '=', trimmed of [[:space:]]. */
	end = memchr(line, '#', len);
	end = end ? end : line + len;
	key = line;
	for (const char *s = line; s < end; s++) {
		if (*s == '=') {
			end = s;
			break;
		}
	}
	while (key < end && is_space((unsigned char)*key))
		key++;
	while (end > key && is_space((unsigned char)end[-1]))
		end--;
	if (key < end && *key == '[')
		*interface = (size_t)(end - key) == strlen("[Interface]") &&
			     !strncasecmp(key, "[Interface]", (size_t)(end - key));
	else if (*interface && quick_key(key, (size_t)(end - key)))
		return;
	fwrite(line, 1, len, out);
	fputc('\n', out);
}

static int strip(const char *path)
{
	char *line = NULL, iobuf[BUFSIZ], outbuf[BUFSIZ];
	bool interface = false;
	size_t cap = LINE_MAX;
	ssize_t n;
	int ret = 0;
	FILE *f;

	f = fopen(path, "re");
	line = malloc(cap);
	if (!f || !line) {
		quick_die("%s: %s", path, strerror(errno));
		free(line);
		if (f)
			fclose(f);
		return -errno;
	}
	/* The file and so the output hold the private key: wiped buffers. */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		strip_line(stdout, line, (size_t)n, &interface);
	}
	if (ferror(f))
		ret = -EIO;
	fputc('\n', stdout); /* wg-quick's echo "$WG_CONFIG" */
	if (fflush(stdout) || ferror(stdout))
		ret = -EIO;
	setvbuf(stdout, NULL, _IONBF, 0);
	secret_free(line, cap);
	fclose(f);
	secret_wipe(iobuf, sizeof(iobuf));
	secret_wipe(outbuf, sizeof(outbuf));
	if (ret)
		quick_die("%s: %s", path, strerror(-ret));
	return ret;
}

static int usage(const char *cmd, FILE *f)
{
	fprintf(f,
		"Usage: warren %s [ CONFIG_FILE | INTERFACE ]\n\n"
		"  CONFIG_FILE is a wg-quick(8) configuration file, whose filename is the\n"
		"  interface name followed by `.conf'. Otherwise, INTERFACE is an interface\n"
		"  name, with configuration found at /etc/wireguard/INTERFACE.conf.\n",
		cmd);
	return f == stdout ? 0 : 1;
}

static bool wants_help(int argc, char **argv)
{
	return argc == 1 && (cli_is_help(argv[0]) || !strcmp(argv[0], "help"));
}

int cmd_strip(int argc, char **argv)
{
	struct quick q = {0};
	int ret = 1;

	if (wants_help(argc, argv))
		return usage("strip", stdout);
	if (argc != 1)
		return usage("strip", stderr);
	if (quick_read_config(&q, argv[0]) || strip(q.config_file))
		goto out;
	ret = 0;
out:
	quick_free(&q);
	return ret;
}

int cmd_save(int argc, char **argv)
{
	struct quick q = {0};
	int ret = 1;

	if (wants_help(argc, argv))
		return usage("save", stdout);
	if (argc != 1)
		return usage("save", stderr);
	if (quick_read_config(&q, argv[0]))
		goto out;
	if (!uapi_alive(q.ifname)) {
		quick_die("`%s' is not a WireGuard interface", q.ifname);
		goto out;
	}
	q.ifindex = warren_rtnl_ifindex(q.rtnl, q.ifname);
	if (quick_save_config(&q))
		goto out;
	ret = 0;
out:
	quick_free(&q);
	return ret;
}
