// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren show [ IFNAME | all | interfaces ] [ FIELD ] [ -j | --metrics ]:
 * `wg show` for the interfaces of userspace daemons (warrend,
 * wireguard-go), read over their UAPI sockets, with wg's grammar, messages
 * and exit codes. What it prints is in show_pretty.c (wg's text and the
 * daemon's extra counters), show_field.c (wg's FIELD and dump lines),
 * show_json.c (-j, docs/up.md) and show_metrics.c (--metrics, Prometheus'
 * text format).
 */
#include "cli/command.h"
#include "cli/show.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/uapi_client.h"

enum show_output { SHOW_TEXT, SHOW_JSON, SHOW_METRICS };

static void usage(FILE *f)
{
	fputs("Usage: warren show { <interface> | all | interfaces } [public-key | private-key | "
	      "listen-port | fwmark | peers | preshared-keys | endpoints | allowed-ips | "
	      "latest-handshakes | transfer | persistent-keepalive | dump] [ -j | --metrics ]\n",
	      f);
}

/* An interface without a live socket is one that does not exist, as wg says. */
static const char *get_error(int err)
{
	return strerror(err == -ENOENT || err == -ECONNREFUSED ? ENODEV : -err);
}

/* `show IFNAME [FIELD]`: wg's perror() message when the socket fails. */
static int show_one(const char *name, const char *field, enum show_output out)
{
	struct show_device d = {.name = name};
	struct json_writer jw;
	int err, ret = 1;

	err = uapi_get(name, &d.dev);
	if (err) {
		fprintf(stderr, "Unable to access interface: %s\n", get_error(err));
		return 1;
	}
	if (field && !show_field(name, &d.dev, field, false)) {
		fprintf(stderr, "Invalid parameter: `%s'\n", field);
		usage(stderr);
		goto out;
	}
	if (out == SHOW_JSON) {
		json_init(&jw, stdout, JSON_INDENTED);
		json_array_begin(&jw);
		show_json(&jw, name, &d.dev);
		json_array_end(&jw);
		json_finish(&jw);
	} else if (out == SHOW_METRICS) {
		show_metrics(stdout, &d, 1);
	} else if (!field) {
		show_pretty(name, &d.dev);
	}
	ret = 0;
out:
	uapi_device_free(&d.dev);
	return ret;
}

/*
 * `show all [FIELD]` as wg runs it: an interface that cannot be read is
 * reported and skipped, and the status is 1 only when none could be read
 * (or FIELD is unknown).
 */
static int show_all(char **names, size_t n, const char *field, enum show_output out)
{
	struct show_device *devs = calloc(n ? n : 1, sizeof(*devs));
	struct json_writer jw;
	size_t shown = 0;
	int ret = n > 0;

	if (!devs) {
		perror("calloc");
		return 1;
	}
	if (out == SHOW_JSON) {
		json_init(&jw, stdout, JSON_INDENTED);
		json_array_begin(&jw);
	}
	for (size_t i = 0; i < n; i++) {
		struct show_device *d = &devs[shown];
		int err = uapi_get(names[i], &d->dev);

		if (err) {
			fprintf(stderr, "Unable to access interface %s: %s\n", names[i],
				get_error(err));
			continue;
		}
		d->name = names[i];
		shown++;
		ret = 0;
		if (field) {
			if (!show_field(names[i], &d->dev, field, true)) {
				fprintf(stderr, "Invalid parameter: `%s'\n", field);
				usage(stderr);
				ret = 1;
				break;
			}
		} else if (out == SHOW_JSON) {
			show_json(&jw, names[i], &d->dev);
		} else if (out == SHOW_TEXT) {
			show_pretty(names[i], &d->dev);
			if (i + 1 < n)
				putchar('\n');
		}
	}
	if (out == SHOW_JSON) {
		json_array_end(&jw);
		json_finish(&jw);
	} else if (out == SHOW_METRICS) {
		show_metrics(stdout, devs, shown);
	}
	for (size_t i = 0; i < shown; i++)
		uapi_device_free(&devs[i].dev);
	free(devs);
	return ret;
}

int cmd_show(int argc, char **argv)
{
	enum show_output out = cli_options.json > 0 ? SHOW_JSON : SHOW_TEXT;
	const char *which = NULL, *field = NULL;
	bool json = false, metrics = false, bad = false;
	char **names = NULL;
	size_t n = 0;
	int err, ret;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help") || (!which && !strcmp(a, "help"))) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json") || !strcmp(a, "-json")) {
			json = true;
		} else if (!strcmp(a, "--metrics")) {
			metrics = true;
		} else if (a[0] == '-' || (which && field)) {
			bad = true;
		} else if (!which) {
			which = a;
		} else {
			field = a;
		}
	}
	if (json)
		out = SHOW_JSON;
	if (metrics)
		out = SHOW_METRICS;
	if (bad || (metrics && (json || cli_options.json)) || (field && out != SHOW_TEXT) ||
	    (which && !strcmp(which, "interfaces") && (field || out == SHOW_METRICS))) {
		usage(stderr);
		return 1;
	}
	if (which && strcmp(which, "all") && strcmp(which, "interfaces"))
		return show_one(which, field, out);

	err = uapi_list(&names, &n);
	if (err) {
		fprintf(stderr, "Unable to list interfaces: %s\n", strerror(-err));
		return 1;
	}
	if (which && !strcmp(which, "interfaces") && out == SHOW_TEXT) {
		for (size_t i = 0; i < n; i++)
			printf("%s%c", names[i], i + 1 < n ? ' ' : '\n');
		ret = 0;
	} else {
		ret = show_all(names, n, field, out);
	}
	uapi_list_free(names, n);
	return ret;
}
