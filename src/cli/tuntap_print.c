// SPDX-License-Identifier: GPL-2.0-only
/*
 * `warren tuntap show` output, laid out as iproute2's print_tuntap() lays it
 * out. Contracts in tuntap_print.h.
 */
#include "cli/tuntap_print.h"

#include <linux/if_tun.h>

#ifndef IFF_NOFILTER
#define IFF_NOFILTER 0x1000 /* the same bit as IFF_NO_PI */
#endif

/* The flag words, in iproute2's order; "pi" and "filter" when bit is clear. */
static const struct {
	unsigned long bit;
	bool when_clear;
	const char *word;
} flag_words[] = {
    {IFF_TUN, false, "tun"},
    {IFF_TAP, false, "tap"},
    {IFF_NO_PI, true, "pi"},
    {IFF_ONE_QUEUE, false, "one_queue"},
    {IFF_MULTI_QUEUE, false, "multi_queue"},
    {IFF_VNET_HDR, false, "vnet_hdr"},
    {IFF_PERSIST, false, "persist"},
    {IFF_NOFILTER, true, "filter"},
};

void tuntap_print_begin(struct tuntap_printer *pr, FILE *out, const struct tuntap_print_opts *opts)
{
	pr->out = out;
	pr->json = opts->json;
	pr->details = opts->details;
	pr->line_sep = opts->oneline ? "\\" : "\n";
	pr->ifname_color = opts->json ? NULL : opts->ifname_color;
	if (pr->json) {
		json_init(&pr->jw, out, opts->pretty ? JSON_IPROUTE2 : JSON_COMPACT);
		json_array_begin(&pr->jw);
	}
}

static void print_flags(struct tuntap_printer *pr, unsigned long flags)
{
	unsigned long rest = flags;

	if (pr->json) {
		json_key(&pr->jw, "flags");
		json_array_begin(&pr->jw);
	}
	for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++) {
		bool set = flags & flag_words[i].bit;

		rest &= ~flag_words[i].bit;
		if (set == flag_words[i].when_clear)
			continue;
		if (pr->json)
			json_string(&pr->jw, flag_words[i].word);
		else
			fprintf(pr->out, " %s", flag_words[i].word);
	}
	/* Bits iproute2 has no word for (IFF_NAPI, ...): one hex number. */
	if (rest) {
		if (pr->json) {
			char hex[32];

			snprintf(hex, sizeof(hex), "%#lx", rest);
			json_string(&pr->jw, hex);
		} else {
			fprintf(pr->out, " %#lx", rest);
		}
	}
	if (pr->json)
		json_array_end(&pr->jw);
}

static void print_holders(struct tuntap_printer *pr, const struct tuntap_dev *dev)
{
	if (pr->json) {
		json_key(&pr->jw, "processes");
		json_array_begin(&pr->jw);
	} else {
		fprintf(pr->out, "%s\tAttached to processes:", pr->line_sep);
	}
	for (size_t i = 0; i < dev->n_holders; i++) {
		const struct tuntap_holder *h = &dev->holders[i];

		if (pr->json) {
			json_object_begin(&pr->jw);
			json_key(&pr->jw, "name");
			json_string(&pr->jw, h->comm);
			json_key(&pr->jw, "pid");
			json_u64(&pr->jw, (uint64_t)h->pid);
			json_object_end(&pr->jw);
		} else {
			fprintf(pr->out, "%s(%d)", h->comm, (int)h->pid);
		}
	}
	if (pr->json)
		json_array_end(&pr->jw);
}

void tuntap_print_dev(struct tuntap_printer *pr, const struct tuntap_dev *dev)
{
	if (pr->json) {
		json_object_begin(&pr->jw);
		json_key(&pr->jw, "ifname");
		json_string(&pr->jw, dev->name);
	} else if (pr->ifname_color) {
		/* iproute2 colours the colon too, and resets after it */
		fprintf(pr->out, "%s%s:\033[0m", pr->ifname_color, dev->name);
	} else {
		fprintf(pr->out, "%s:", dev->name);
	}
	print_flags(pr, dev->flags);
	if (dev->owner != -1) {
		if (pr->json) {
			json_key(&pr->jw, "user");
			json_u64(&pr->jw, (uint64_t)dev->owner);
		} else {
			fprintf(pr->out, " user %ld", dev->owner);
		}
	}
	if (dev->group != -1) {
		if (pr->json) {
			json_key(&pr->jw, "group");
			json_u64(&pr->jw, (uint64_t)dev->group);
		} else {
			fprintf(pr->out, " group %ld", dev->group);
		}
	}
	if (pr->details)
		print_holders(pr, dev);
	if (pr->json)
		json_object_end(&pr->jw);
	else
		fputc('\n', pr->out);
}

void tuntap_print_end(struct tuntap_printer *pr)
{
	if (pr->json) {
		json_array_end(&pr->jw);
		json_finish(&pr->jw);
	}
	fflush(pr->out);
}
