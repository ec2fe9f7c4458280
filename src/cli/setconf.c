// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren setconf / addconf / syncconf IF FILE: wg(8)'s commands of the
 * same names, through the daemon's UAPI. The file is read in the grammar
 * of `wg setconf' plus warren's L2 keys that are UAPI keys
 * (WGCONF_SETCONF | WGCONF_L2: Mode, Hub, MACAgeing, AllowedMACs,
 * StaticMACs), so what `warren showconf' and `warren strip' print comes
 * back in. A bad file is refused with its file and line before anything
 * is sent. syncconf sends only the differences (uapi_text_write_sync()):
 * peers whose keys are unchanged keep their sessions.
 */
#include "cli/command.h"
#include "cli/conf.h"
#include "cli/quick.h"

#include "core/secret.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int conf_check_mode(const char *file, const struct wgconf *conf, const struct uapi_device *dev,
		    const char *ifname)
{
	bool tap = uapi_device_is_tap(dev);

	if (conf->tap == tap)
		return 0;
	if (conf->mode_line)
		fprintf(stderr,
			"%s:%u: Mode cannot change on a running interface: `%s' (`%s' is %s); "
			"take it down and up\n",
			file, conf->mode_line, conf->tap ? "tap" : "tun", ifname,
			tap ? "tap" : "tun");
	else
		fprintf(stderr,
			"%s: Mode cannot change on a running interface: `%s' is tap, the file "
			"has no `Mode = tap'\n",
			file, ifname);
	return -EINVAL;
}

const char *conf_sync_summary(char *buf, size_t len, const struct uapi_sync_report *r)
{
	if (!r->device && !r->added && !r->removed && !r->updated && !r->recreated) {
		snprintf(buf, len, "nothing changed");
		return buf;
	}
	snprintf(buf, len,
		 "%u peer%s added, %u removed, %u updated, %u re-created, %u device key%s",
		 r->added, r->added == 1 ? "" : "s", r->removed, r->updated, r->recreated,
		 r->device, r->device == 1 ? "" : "s");
	return buf;
}

/* Sends the request in @req (the UAPI's text). 0 or -errno, reported. */
static int send_request(const char *ifname, const struct secret_buf *req)
{
	int ret = uapi_set(ifname, req->data ? req->data : "", req->len);

	if (ret)
		quick_die("Unable to modify interface `%s': %s", ifname, strerror(-ret));
	return ret;
}

int conf_sync(const char *ifname, const struct wgconf *conf, const union sockaddr_inet *eps,
	      const struct uapi_device *dev, unsigned int flags, struct uapi_sync_report *report,
	      const char *note)
{
	struct secret_buf req = {0};
	FILE *f = secret_stream(&req); /* the request may hold private_key= */
	int ret;

	if (!f) {
		quick_die("%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = uapi_text_write_sync(f, conf, eps, dev, flags, report);
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	if (ret) {
		quick_die("%s", strerror(-ret));
		goto out;
	}
	if (!strcmp(req.data, "set=1\n\n"))
		goto out; /* nothing differs */
	if (note)
		quick_note("wg syncconf %s %s", ifname, note);
	ret = send_request(ifname, &req);
out:
	secret_buf_free(&req);
	return ret;
}

static int usage(const char *cmd, FILE *f)
{
	fprintf(f, "Usage: warren %s <interface> <configuration filename>\n", cmd);
	return f == stdout ? 0 : 1;
}

enum conf_cmd { SETCONF, ADDCONF, SYNCCONF };

static int conf_main(enum conf_cmd cmd, const char *name, int argc, char **argv)
{
	struct quick q = {0};
	struct uapi_device dev = {0};
	struct uapi_sync_report report;
	struct secret_buf req = {0};
	union sockaddr_inet *eps = NULL;
	char error[600];
	FILE *f;
	int ret = 1, err;

	if (argc == 1 && cli_is_help(argv[0]))
		return usage(name, stdout);
	if (argc != 2)
		return usage(name, stderr);
	snprintf(q.ifname, sizeof(q.ifname), "%s", argv[0]);
	q.config_file = argv[1];
	if (wgconf_read_file(&q.conf, q.config_file, WGCONF_SETCONF | WGCONF_L2, error,
			     sizeof(error))) {
		fprintf(stderr, "%s\n", error);
		return 1;
	}
	/* The device first: a missing one is said before names are resolved. */
	err = uapi_get(q.ifname, &dev);
	if (err) {
		quick_die("Unable to access interface `%s': %s", q.ifname,
			  err == -ENOENT || err == -ECONNREFUSED ? "No such device"
								 : strerror(-err));
		goto out;
	}
	if (conf_check_mode(q.config_file, &q.conf, &dev, q.ifname))
		goto out;
	if (quick_resolve_endpoints(&q, &eps))
		goto out;
	if (cmd == SYNCCONF) {
		ret = conf_sync(q.ifname, &q.conf, eps, &dev, 0, &report, NULL) ? 1 : 0;
		goto out;
	}
	f = secret_stream(&req);
	if (!f || uapi_text_write_conf(f, &q.conf, eps, cmd == SETCONF ? UAPI_SET_REPLACE : 0)) {
		if (f)
			fclose(f);
		quick_die("%s", strerror(ENOMEM));
		goto out;
	}
	if (fclose(f) || send_request(q.ifname, &req))
		goto out;
	ret = 0;
out:
	secret_buf_free(&req);
	free(eps);
	uapi_device_free(&dev);
	wgconf_free(&q.conf);
	return ret;
}

int cmd_setconf(int argc, char **argv)
{
	return conf_main(SETCONF, "setconf", argc, argv);
}

int cmd_addconf(int argc, char **argv)
{
	return conf_main(ADDCONF, "addconf", argc, argv);
}

int cmd_syncconf(int argc, char **argv)
{
	return conf_main(SYNCCONF, "syncconf", argc, argv);
}
