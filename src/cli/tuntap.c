// SPDX-License-Identifier: GPL-2.0-only
/*
 * `warren tuntap`: a drop-in for iproute2's `ip tuntap` (ip/iptuntap.c):
 * the same grammar (tuntap_args.c), the same output (tuntap_print.c), the
 * same messages and exit codes, without its faults:
 *  - del needs only the name: the device's flags come from sysfs, so a
 *    multi_queue device is deleted without restating "multi_queue";
 *  - -d skips /proc entries it may not read, without a message per entry;
 *  - -d -j prints valid JSON;
 *  - a failed add leaves no device behind (libwarren sets persist last).
 * See docs/tuntap.md.
 */
#include "cli/command.h"
#include "cli/tuntap_args.h"
#include "cli/tuntap_print.h"
#include "os/nlreq.h"

#include <warren/tun.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#define TUN_DEV_PATH "/dev/net/tun"
/*
 * iproute2's exit statuses: 255 where ip/iptuntap.c calls exit(-1) (bad
 * command line), 1 where it returns -1 (a failed call), as `ip` negates it.
 */
#define EXIT_USAGE 255
#define EXIT_FAILED 1

/*
 * Prints a libwarren error as iproute2's perror() would print it: the call
 * (iproute2 says "open", and fails bad names in TUNSETIFF) and strerror.
 */
static void print_error(int err)
{
	const char *call = warren_error_call();

	if (!strncmp(call, "open(", 5))
		call = "open";
	else if (!strcmp(call, "ifname"))
		call = "ioctl(TUNSETIFF)";
	if (*call)
		fprintf(stderr, "%s: %s\n", call, strerror(-err));
	else
		fprintf(stderr, "%s\n", strerror(-err));
}

static struct warren_tun_config config_of(const struct tuntap_args *args, const char *name)
{
	struct warren_tun_config cfg = {
	    .name = name,
	    .mode = args->iff & IFF_TAP ? WARREN_TUN_MODE_TAP : WARREN_TUN_MODE_TUN,
	};

	if (!(args->iff & IFF_NO_PI))
		cfg.flags |= WARREN_TUN_PI;
	if (args->iff & IFF_VNET_HDR)
		cfg.flags |= WARREN_TUN_VNET_HDR;
	if (args->iff & IFF_MULTI_QUEUE)
		cfg.flags |= WARREN_TUN_MULTI_QUEUE;
	if (args->iff & IFF_ONE_QUEUE)
		cfg.flags |= WARREN_TUN_ONE_QUEUE;
	return cfg;
}

static int do_add(const struct tuntap_args *args)
{
	struct warren_tun_config cfg = config_of(args, args->name);
	int fd;

	cfg.flags |= WARREN_TUN_PERSIST | WARREN_TUN_EXCL;
	/* iproute2 takes an owner or group of -1 as "not given". */
	cfg.has_owner = args->user != (uid_t)-1;
	cfg.owner = args->user;
	cfg.has_group = args->group != (gid_t)-1;
	cfg.group = args->group;

	fd = warren_tun_open(&cfg, NULL);
	if (fd < 0) {
		print_error(fd);
		return EXIT_FAILED;
	}
	close(fd);
	return 0;
}

/*
 * iproute2's del, for a name that is no TUN/TAP device in sysfs: attach
 * (which creates a device if there is none) with the flags given, then clear
 * persist. Deleting a device that does not exist thus succeeds, as it does
 * with iproute2; on a device of another kind TUNSETIFF fails.
 */
static int del_as_iproute(const struct tuntap_args *args)
{
	struct warren_tun_config cfg = config_of(args, args->name);
	int fd, ret;

	fd = warren_tun_open(&cfg, NULL);
	if (fd < 0) {
		print_error(fd);
		return EXIT_FAILED;
	}
	ret = warren_tun_set_persist(fd, false);
	close(fd);
	if (ret) {
		print_error(ret);
		return EXIT_FAILED;
	}
	return 0;
}

static int do_del(const struct tuntap_args *args)
{
	unsigned int mode = args->iff & (IFF_TUN | IFF_TAP);
	unsigned int dev_iff;
	int ret;

	if (!args->name[0]) {
		if (mode)
			return del_as_iproute(args);
		fprintf(stderr, "Not enough information: \"dev\" argument is required.\n");
		return EXIT_FAILED;
	}

	ret = warren_tun_get_iff_flags(args->name, &dev_iff);
	if (ret == -ENODEV || ret == -EINVAL) {
		if (mode)
			return del_as_iproute(args);
		if (ret == -ENODEV)
			fprintf(stderr, "Cannot find device \"%s\"\n", args->name);
		else
			fprintf(stderr, "Device \"%s\" is not a TUN/TAP device.\n", args->name);
		return EXIT_FAILED;
	} else if (ret) {
		print_error(ret);
		return EXIT_FAILED;
	}
	/* A mode that was given must be the device's (iproute2: EINVAL). */
	if (mode && mode != (dev_iff & (IFF_TUN | IFF_TAP))) {
		fprintf(stderr, "ioctl(TUNSETIFF): %s\n", strerror(EINVAL));
		return EXIT_FAILED;
	}
	ret = warren_tun_delete(args->name);
	if (ret) {
		print_error(ret);
		return EXIT_FAILED;
	}
	return 0;
}

/* The names of the TUN/TAP links, in the kernel's dump order. */
struct link_list {
	char (*names)[IFNAMSIZ];
	size_t len, cap;
};

/* Keeps IFLA_IFNAME and IFLA_LINKINFO of a link message, validated. */
static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type == IFLA_IFNAME && !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
		tb[type] = attr;
	else if (type == IFLA_LINKINFO && !mnl_attr_validate(attr, MNL_TYPE_NESTED))
		tb[type] = attr;
	return MNL_CB_OK;
}

/* Keeps IFLA_INFO_KIND of IFLA_LINKINFO, validated. */
static int info_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **kind = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND && !mnl_attr_validate(attr, MNL_TYPE_STRING))
		*kind = attr;
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_list *links = data;
	const struct ifinfomsg *ifi;
	const struct nlattr *tb[IFLA_MAX + 1] = {0};
	const struct nlattr *ifname, *kind = NULL;

	/* mnl_cb_run() reports MNL_CB_ERROR; the caller reads errno, set here. */
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi))) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	/* As iproute2: TUN (ARPHRD_NONE) and TAP (ARPHRD_ETHER) only. */
	if (ifi->ifi_type != ARPHRD_NONE && ifi->ifi_type != ARPHRD_ETHER)
		return MNL_CB_OK;

	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	ifname = tb[IFLA_IFNAME];
	if (tb[IFLA_LINKINFO] &&
	    mnl_attr_parse_nested(tb[IFLA_LINKINFO], info_attr_cb, &kind) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (!ifname || !kind)
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(kind) < 3 || strncmp(mnl_attr_get_str(kind), "tun", 3) ||
	    (mnl_attr_get_payload_len(kind) > 3 && mnl_attr_get_str(kind)[3]))
		return MNL_CB_OK;
	if (strlen(mnl_attr_get_str(ifname)) >= IFNAMSIZ)
		return MNL_CB_OK;

	if (links->len == links->cap) {
		size_t cap = links->cap ? 2 * links->cap : 16;
		void *names = realloc(links->names, cap * sizeof(*links->names));

		if (!names) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		links->names = names;
		links->cap = cap;
	}
	strcpy(links->names[links->len++], mnl_attr_get_str(ifname));
	return MNL_CB_OK;
}

/* Dumps the links of kind "tun" into @links, through the os layer's one request loop. */
static int dump_links(struct link_list *links)
{
	char buf[NLREQ_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *info;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	/* The kernel filters by kind; link_cb() checks it again. */
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put(nlh, IFLA_INFO_KIND, 3, "tun");
	mnl_attr_nest_end(nlh, info);
	return nlreq_run(nlh, "RTM_GETLINK", link_cb, links);
}

/* iproute2's read_prop(): /sys/class/net/DEV/PROP as a C integer. */
static int read_prop(const char *dev, const char *prop, long *value)
{
	char path[PATH_MAX], buf[80], *end;
	FILE *f;
	long v;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, prop);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	errno = 0;
	v = strtol(buf, &end, 0);
	if (*end || end == buf || errno)
		return -EINVAL;
	*value = v;
	return 0;
}

/* A queue of a TUN/TAP device open in a process, as /proc shows it. */
struct queue_holder {
	struct tuntap_holder holder;
	char iff[IFNAMSIZ];
};

struct holder_list {
	struct queue_holder *items;
	size_t len, cap;
};

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/*
 * The device a /dev/net/tun descriptor is attached to, from the "iff:" line
 * of its fdinfo. Returns false if it is attached to none or unreadable.
 */
static bool fdinfo_iff(int fdinfo_dir, const char *fd, char iff[IFNAMSIZ])
{
	char line[256];
	bool found = false;
	FILE *f;
	int dfd;

	dfd = openat(fdinfo_dir, fd, O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	f = fdopen(dfd, "r");
	if (!f) {
		close(dfd);
		return false;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		char *value;
		size_t len;

		if (strncmp(line, "iff:", 4))
			continue;
		value = line + 4;
		value += strspn(value, " \t");
		len = strcspn(value, " \t\n");
		if (len && len < IFNAMSIZ) {
			memcpy(iff, value, len);
			iff[len] = '\0';
			found = true;
		}
	}
	fclose(f);
	return found;
}

static void read_comm(int pid_dir, char comm[64])
{
	ssize_t len = -1;
	int fd;

	fd = openat(pid_dir, "comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		len = read(fd, comm, 63);
		close(fd);
	}
	if (len <= 0) {
		strcpy(comm, "<NULL>");
		return;
	}
	comm[len] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

static int add_holder(struct holder_list *list, pid_t pid, int pid_dir, const char *iff)
{
	struct queue_holder *h;

	if (list->len == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 16;
		void *items = realloc(list->items, cap * sizeof(*list->items));

		if (!items)
			return -ENOMEM;
		list->items = items;
		list->cap = cap;
	}
	h = &list->items[list->len++];
	h->holder.pid = pid;
	read_comm(pid_dir, h->holder.comm);
	strcpy(h->iff, iff);
	return 0;
}

/* Every /dev/net/tun descriptor of one process, in descriptor order. */
static int scan_process(struct holder_list *list, pid_t pid, int pid_dir)
{
	char target[sizeof(TUN_DEV_PATH) + 1], iff[IFNAMSIZ];
	struct dirent *de;
	int fd_dir, fdinfo_dir, ret = 0;
	DIR *d;

	fd_dir = openat(pid_dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd_dir < 0)
		return 0;
	d = fdopendir(fd_dir);
	if (!d) {
		close(fd_dir);
		return 0;
	}
	fdinfo_dir = openat(pid_dir, "fdinfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdinfo_dir < 0)
		goto out;
	while ((de = readdir(d))) {
		ssize_t len;

		if (!is_number(de->d_name))
			continue;
		/* Unreadable entries (other users' processes) are skipped. */
		len = readlinkat(fd_dir, de->d_name, target, sizeof(target) - 1);
		if (len != (ssize_t)strlen(TUN_DEV_PATH))
			continue;
		target[len] = '\0';
		if (strcmp(target, TUN_DEV_PATH))
			continue;
		if (!fdinfo_iff(fdinfo_dir, de->d_name, iff))
			continue;
		ret = add_holder(list, pid, pid_dir, iff);
		if (ret)
			break;
	}
	close(fdinfo_dir);
out:
	closedir(d);
	return ret;
}

/*
 * Every process's TUN/TAP queues, in the order iproute2 finds them (the
 * order /proc lists processes and descriptors), except our own.
 */
static int scan_holders(struct holder_list *list)
{
	struct dirent *de;
	pid_t self = getpid();
	DIR *proc;
	int ret = 0;

	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((de = readdir(proc))) {
		int pid_dir;
		pid_t pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (pid == self)
			continue;
		pid_dir = openat(dirfd(proc), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pid_dir < 0)
			continue;
		ret = scan_process(list, pid, pid_dir);
		close(pid_dir);
		if (ret)
			break;
	}
	closedir(proc);
	return ret;
}

static int do_show(void)
{
	struct link_list links = {0};
	struct holder_list holders = {0};
	struct tuntap_holder *mine = NULL;
	struct tuntap_printer pr;
	int ret;

	ret = dump_links(&links);
	if (ret) {
		fprintf(stderr, "Cannot dump links: %s\n", strerror(-ret));
		ret = EXIT_FAILED;
		goto out;
	}
	if (cli_options.details) {
		ret = scan_holders(&holders);
		if (!ret && holders.len) {
			mine = calloc(holders.len, sizeof(*mine));
			if (!mine)
				ret = -ENOMEM;
		}
		if (ret) {
			fprintf(stderr, "Cannot list processes: %s\n", strerror(-ret));
			ret = EXIT_FAILED;
			goto out;
		}
	}

	tuntap_print_begin(&pr, stdout,
			   &(struct tuntap_print_opts){.json = cli_options.json,
						       .pretty = cli_options.pretty,
						       .details = cli_options.details,
						       .oneline = cli_options.oneline,
						       .ifname_color = cli_options.ifname_color});
	for (size_t i = 0; i < links.len; i++) {
		struct tuntap_dev dev = {.name = links.names[i], .holders = mine};
		long flags;

		/* A device gone since the dump, as iproute2, is left out. */
		if (read_prop(dev.name, "tun_flags", &flags) ||
		    read_prop(dev.name, "owner", &dev.owner) ||
		    read_prop(dev.name, "group", &dev.group))
			continue;
		dev.flags = (unsigned long)flags;
		for (size_t j = 0; j < holders.len; j++) {
			if (!strcmp(holders.items[j].iff, dev.name))
				mine[dev.n_holders++] = holders.items[j].holder;
		}
		tuntap_print_dev(&pr, &dev);
	}
	tuntap_print_end(&pr);
	ret = 0;
out:
	free(mine);
	free(holders.items);
	free(links.names);
	return ret;
}

int cmd_tuntap(int argc, char **argv)
{
	struct tuntap_args args;
	char msg[512];

	/* ip's word `help' keeps ip's answer below (usage on stderr, 255). */
	if (argc == 1 && cli_is_help(argv[0])) {
		fputs(tuntap_usage_text, stdout);
		return 0;
	}
	switch (tuntap_args_parse(argc, argv, &args, msg, sizeof(msg))) {
	case TUNTAP_PARSE_OK:
		break;
	case TUNTAP_PARSE_USAGE:
		fputs(tuntap_usage_text, stderr);
		return EXIT_USAGE;
	case TUNTAP_PARSE_ERROR:
		fprintf(stderr, "%s\n", msg);
		return EXIT_USAGE;
	case TUNTAP_PARSE_NO_MODE:
		fprintf(stderr, "%s\n", msg);
		return EXIT_FAILED;
	}

	switch (args.cmd) {
	case TUNTAP_CMD_ADD:
		return do_add(&args);
	case TUNTAP_CMD_DEL:
		return do_del(&args);
	case TUNTAP_CMD_SHOW:
		return do_show();
	}
	return EXIT_FAILED;
}
