// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren up / warren down: wg-quick(8) for a userspace WireGuard daemon,
 * done through rtnetlink and the daemon's UAPI socket instead of `ip` and
 * `wg`. The steps, their order and their messages ("[#] ..." on stderr, the
 * equivalent ip/wg command) are wg-quick's, so that a wg-quick user reads
 * the same story; see docs/up.md for where warren differs.
 *
 * This file holds the two commands: reading the config, the order of the
 * steps (quick.h names the files that do each), the hooks, signals, and
 * the undo. `up` records every change it makes in struct quick and, when a
 * step fails, undoes them (del_if), so that a failure leaves no daemon,
 * device, rule, route, DNS entry or firewall table behind.
 */
#include "cli/command.h"
#include "cli/quick.h"
#include "cli/quick_service.h"

#include "core/wgconf.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <warren/rtnl.h>

/*
 * wg-quick's parse_options() up to the reading: IFNAME means
 * /etc/wireguard/IFNAME.conf (wgconf_locate()); wg-quick looks for the file
 * before it checks its name; a file others may read gets a warning.
 */
static int locate_config(struct quick *q, const char *arg)
{
	char *given = NULL;
	int ret;

	ret = wgconf_locate(arg, &given, q->ifname, NULL, 0);
	if (ret == -ENOMEM) {
		quick_die("%s", strerror(ENOMEM));
		return ret;
	}
	if (access(given ? given : arg, F_OK)) {
		quick_die("`%s' does not exist", given ? given : arg);
		ret = -ENOENT;
		goto out;
	}
	if (ret) {
		quick_die("The config file must be a valid interface name, followed by .conf");
		goto out;
	}
	q->config_file = realpath(given, NULL);
	if (!q->config_file) {
		ret = -errno;
		quick_die("%s: %s", given, strerror(errno));
		goto out;
	}
	if (wgconf_world_accessible(q->config_file))
		fprintf(stderr, "Warning: `%s' is world accessible\n", q->config_file);
out:
	free(given);
	return ret;
}

/* iproute2's rt_tables files, for Table = NAME. Returns 0 and *@id, or -ENOENT. */
static int table_lookup(const char *name, uint32_t *id)
{
	static const char *const files[] = {
	    "/etc/iproute2/rt_tables",
	    "/usr/share/iproute2/rt_tables",
	    "/usr/lib/iproute2/rt_tables",
	};
	static const struct {
		const char *name;
		uint32_t id;
	} builtin[] = {{"default", 253}, {"main", 254}, {"local", 255}};
	char line[256], word[128];
	unsigned long v;

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (!strcmp(name, builtin[i].name)) {
			*id = builtin[i].id;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, " %lu %127s", &v, word) == 2 && word[0] != '#' &&
			    !strcmp(word, name) && v <= UINT32_MAX) {
				fclose(f);
				*id = (uint32_t)v;
				return 0;
			}
		}
		fclose(f);
	}
	return -ENOENT;
}

/* Replaces every %i of @hook with the interface name. Returns a new string. */
static char *expand_hook(const char *hook, const char *ifname)
{
	size_t n = 0, ilen = strlen(ifname);
	char *out, *o;

	for (const char *s = hook; (s = strstr(s, "%i")); s += 2)
		n++;
	out = malloc(strlen(hook) + n * ilen + 1);
	if (!out)
		return NULL;
	for (o = out; *hook;) {
		if (hook[0] == '%' && hook[1] == 'i') {
			memcpy(o, ifname, ilen);
			o += ilen;
			hook += 2;
		} else {
			*o++ = *hook++;
		}
	}
	*o = '\0';
	return out;
}

/* wg-quick's execute_hooks(): each with bash -c; the first failure stops. */
static int execute_hooks(struct quick *q, enum wgconf_hook which)
{
	const struct wgconf_strings *hooks = &q->conf.hooks[which];

	for (size_t i = 0; i < hooks->n; i++) {
		char *cmd = expand_hook(hooks->v[i], q->ifname);
		char *argv[] = {"bash", "-c", cmd, NULL};
		int ret;

		if (!cmd)
			return -ENOMEM;
		quick_note("%s", cmd);
		/* up's hooks end with a signal to up (its trap); down's run as before */
		if (which == WGCONF_PRE_UP || which == WGCONF_POST_UP)
			ret = quick_run_hook(argv);
		else
			ret = quick_run(argv, NULL, false);
		free(cmd);
		if (quick_interrupted)
			return -EINTR; /* the hook was stopped: not its failure */
		if (ret) {
			quick_die("hook failed with status %d: `%s'", ret < 0 ? 255 : ret,
				  hooks->v[i]);
			return -ECANCELED;
		}
	}
	return 0;
}

/*
 * wg-quick's del_if(): DNS, firewall, the default-route rules, then the
 * device, which takes its addresses and routes along and makes the daemon
 * exit; in wg-quick's order, for `down' and for a failed `up' alike. What
 * to undo is what q records, not what the daemon says: a daemon that died
 * leaves the rules to undo all the same.
 */
static void del_if(struct quick *q)
{
	if (q->have_set_dns)
		quick_unset_dns(q);
	if (q->have_set_firewall)
		quick_remove_firewall(q);
	quick_del_default_rules(q);
	quick_del_device(q);
}

int quick_resolve_table(struct quick *q)
{
	if (q->conf.table == WGCONF_TABLE_ID) {
		q->table = q->conf.table_id;
	} else if (q->conf.table == WGCONF_TABLE_NAME &&
		   table_lookup(q->conf.table_name, &q->table)) {
		quick_die(
		    "%s:%u: Table `%s' is neither a number nor a name in /etc/iproute2/rt_tables",
		    q->config_file, q->conf.table_line, q->conf.table_name);
		return -ENOENT;
	}
	return 0;
}

int quick_read_config(struct quick *q, const char *arg)
{
	char error[600];
	int ret;

	ret = locate_config(q, arg);
	if (ret)
		return ret;
	ret = wgconf_read_file(&q->conf, q->config_file, 0, error, sizeof(error));
	if (ret) {
		fprintf(stderr, "%s\n", error);
		return ret;
	}
	ret = warren_rtnl_open(&q->rtnl);
	if (ret)
		quick_die("%s", warren_strerror(ret));
	return ret;
}

void quick_free(struct quick *q)
{
	wgconf_free(&q->conf);
	warren_rtnl_close(q->rtnl);
	free(q->config_file);
}

/* The usage of up or down: asked for (help), on stdout and 0; else on stderr and 1. */
static int usage(const char *cmd, bool help)
{
	fprintf(help ? stdout : stderr,
		"Usage: warren %s %s[ CONFIG_FILE | INTERFACE ]\n\n"
		"  CONFIG_FILE is a wg-quick(8) configuration file, whose filename is the\n"
		"  interface name followed by `.conf'. Otherwise, INTERFACE is an interface\n"
		"  name, with configuration found at /etc/wireguard/INTERFACE.conf.\n"
		"  The daemon is $WG_QUICK_USERSPACE_IMPLEMENTATION, else warrend.\n%s",
		cmd, strcmp(cmd, "up") ? "" : "[ --foreground ] ",
		strcmp(cmd, "up")
		    ? ""
		    : "  --foreground: stay until SIGTERM, then take the interface down\n"
		      "  (a systemd Type=notify service: READY=1 once it is up).\n");
	return help ? 0 : 1;
}

static void on_signal(int sig)
{
	quick_interrupted = sig;
}

/*
 * wg-quick's trap: SIGINT, SIGTERM and SIGHUP set quick_interrupted, which
 * every step heeds. SA_RESTART keeps stdio whole; the waits that must end
 * at a signal (ppoll, nanosleep, the UAPI's polls) end all the same.
 */
static void trap_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A set of many peers takes seconds: it too ends at a signal. */
	uapi_client_set_interrupt(&quick_interrupted);
}

/* @ret of a step, or -EINTR (said once) when a signal asked up to stop. */
static int step_end(int ret)
{
	if (!quick_interrupted)
		return ret;
	quick_die("interrupted by signal %d; undoing", (int)quick_interrupted);
	return -EINTR;
}

/* In L2 mode allowed IPs mean nothing (docs/l2.md): no routes. */
static int add_routes(struct quick *q)
{
	return q->conf.tap ? 0 : quick_add_routes(q);
}

static int post_up(struct quick *q)
{
	return execute_hooks(q, WGCONF_POST_UP);
}

/*
 * wg-quick's cmd_up from the PreUp hooks on. Endpoints are resolved first,
 * before anything is made and before the trap: a signal then ends warren
 * at once, with nothing to undo. From the PreUp hooks on, a signal ends
 * the step under way at once (each step looks at quick_interrupted between
 * its parts) and up undoes what is made at one label: the device takes its
 * config, addresses and routes along, and del_if() undoes DNS, the
 * firewall and the rules first, in wg-quick's order (the order of `down',
 * not the reverse of up's).
 */
static int up(struct quick *q)
{
	static int (*const steps[])(struct quick * q) = {
	    quick_set_bridge, quick_add_addresses, quick_set_mtu_up,
	    quick_set_dns,    add_routes,	   post_up,
	};
	union sockaddr_inet *eps = NULL;
	int ret;

	ret = quick_resolve_endpoints(q, &eps);
	if (ret)
		return ret;
	trap_signals();
	ret = step_end(execute_hooks(q, WGCONF_PRE_UP));
	if (ret) {
		free(eps);
		return ret;
	}
	ret = step_end(quick_add_if(q));
	if (!ret)
		ret = step_end(quick_set_config(q, eps));
	q->eps = eps;
	for (size_t i = 0; !ret && i < sizeof(steps) / sizeof(steps[0]); i++)
		ret = step_end(steps[i](q));
	q->eps = NULL;
	free(eps);
	if (ret)
		goto err_del_if;
	return 0;

err_del_if:
	if (q->have_if) /* the daemon was started */
		del_if(q);
	return ret;
}

/*
 * wg-quick's cmd_down from the PreDown hooks on; a failing hook stops it.
 * Also `up --foreground''s stop.
 */
static int down(struct quick *q)
{
	int ret;

	ret = execute_hooks(q, WGCONF_PRE_DOWN);
	if (ret)
		return ret;
	if (q->conf.save_config) {
		ret = quick_save_config(q);
		if (ret)
			return ret;
	}
	/* del_if() as wg-quick's cmd_down runs it: DNS and firewall after the device. */
	quick_find_default_rules(q);
	del_if(q);
	quick_unset_dns(q);
	quick_remove_firewall(q);
	return execute_hooks(q, WGCONF_POST_DOWN);
}

/*
 * `up --foreground': the service's main process from up to down
 * (quick_service.h). Returns 0 when stopped by a signal and taken down.
 */
static int serve(struct quick *q)
{
	switch (quick_serve(q, &quick_interrupted)) {
	case QUICK_SERVE_STOP:
		return down(q);
	case QUICK_SERVE_IF_GONE:
		/* What the device took along is gone; DNS, rules and firewall are not. */
		del_if(q);
		return -ENODEV;
	case QUICK_SERVE_ERROR:
		break;
	}
	del_if(q);
	return -EINVAL;
}

int cmd_up(int argc, char **argv)
{
	struct quick q = {0};
	struct warren_rtnl_link link;
	bool foreground = false;
	int ret = 1;

	if (argc == 2 && !strcmp(argv[0], "--foreground")) {
		foreground = true;
		argc--;
		argv++;
	}
	if (argc == 1 && (!strcmp(argv[0], "help") || cli_is_help(argv[0])))
		return usage("up", true);
	if (argc != 1)
		return usage("up", false);
	if (quick_read_config(&q, argv[0]))
		goto out;
	if (quick_resolve_table(&q))
		goto out;
	if (!warren_rtnl_link_get(q.rtnl, q.ifname, &link) || uapi_alive(q.ifname)) {
		quick_die("`%s' already exists", q.ifname);
		goto out;
	}
	quick_clean_leftovers(&q, false);
	if (up(&q))
		goto out;
	if (foreground && serve(&q))
		goto out;
	ret = 0;
out:
	quick_free(&q);
	return ret;
}

int cmd_down(int argc, char **argv)
{
	struct warren_rtnl_link link;
	struct quick q = {0};
	int ret = 1;

	if (argc == 1 && (!strcmp(argv[0], "help") || cli_is_help(argv[0])))
		return usage("down", true);
	if (argc != 1)
		return usage("down", false);
	if (quick_read_config(&q, argv[0]))
		goto out;
	if (!uapi_alive(q.ifname)) {
		/* wg-quick stops here; what a killed up left is removed instead. */
		if (!warren_rtnl_link_get(q.rtnl, q.ifname, &link) ||
		    !quick_clean_leftovers(&q, true)) {
			quick_die("`%s' is not a WireGuard interface", q.ifname);
			goto out;
		}
		ret = 0;
		goto out;
	}
	q.ifindex = warren_rtnl_ifindex(q.rtnl, q.ifname);
	if (down(&q))
		goto out;
	ret = 0;
out:
	quick_free(&q);
	return ret;
}
