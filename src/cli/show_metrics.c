// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren show [ IFNAME | all ] --metrics: the devices' counters in
 * Prometheus' text exposition format (version 0.0.4), as node_exporter's
 * textfile collector reads it. Every family comes once, with its # HELP
 * and # TYPE lines, its samples together; device samples carry the label
 * `interface`, peer samples `interface` and `public_key`.
 *
 *   warren_device_peers                     gauge
 *   warren_peer_receive_bytes_total         counter  (UAPI rx_bytes)
 *   warren_peer_transmit_bytes_total        counter  (UAPI tx_bytes)
 *   warren_peer_latest_handshake_seconds    gauge    Unix time, 0 for never
 *   warren_{device,peer}_drops_total        counter  label `reason`, from drop_REASON=
 *   warren_device_l2_... / mac_ageing      the L2 keys of docs/l2.md
 *   warren_{device,peer}_KEY               untyped  any other numeric key
 *
 * A daemon's extension keys are outside input: a key that is not
 * [a-z0-9_] or whose name is taken by another family is left out, and so is
 * a key repeated under the same device or peer, so that no series comes
 * twice. Non-numeric values (hub=, mode=, mac= lines) are not metrics.
 */
#include "cli/show.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PREFIX "warren_"
#define DROP_KEY "drop_"
#define NAME_MAX_LEN 128

/* What the known extension keys mean (docs/l2.md); others are untyped. */
static const struct known_key {
	const char *key;
	const char *type;
	const char *name; /* after warren_device_ */
	const char *help;
} known_keys[] = {
    {"l2_flooded", "counter", "l2_flooded_total",
     "Frames flooded to every peer for want of a learned MAC (UAPI l2_flooded)."},
    {"l2_flood_copies", "counter", "l2_flood_copies_total",
     "Copies of flooded frames sent, one per peer (UAPI l2_flood_copies)."},
    {"l2_forwarded", "counter", "l2_forwarded_total",
     "Frames sent to the one peer behind their destination MAC (UAPI l2_forwarded)."},
    {"l2_macs", "gauge", "l2_macs", "MAC table entries now (UAPI l2_macs)."},
    {"l2_macs_local", "gauge", "l2_macs_local",
     "MAC table entries behind the TAP device now (UAPI l2_macs_local)."},
    {"l2_macs_learned", "counter", "l2_macs_learned_total",
     "MACs learned behind a peer (UAPI l2_macs_learned)."},
    {"l2_macs_moved", "counter", "l2_macs_moved_total",
     "MACs moved from one port to another (UAPI l2_macs_moved)."},
    {"l2_macs_expired", "counter", "l2_macs_expired_total",
     "MAC table entries aged out (UAPI l2_macs_expired)."},
    {"l2_macs_evicted", "counter", "l2_macs_evicted_total",
     "MAC table entries evicted to make room (UAPI l2_macs_evicted)."},
    {"l2_macs_ignored", "counter", "l2_macs_ignored_total",
     "Source MACs not learned (UAPI l2_macs_ignored)."},
    {"l2_macs_refused", "counter", "l2_macs_refused_total",
     "Source MACs refused by a peer's allowed MACs (UAPI l2_macs_refused)."},
    {"mac_ageing", "gauge", "mac_ageing_seconds",
     "Seconds after which an idle MAC ages out (UAPI mac_ageing)."},
};

/* The family a key belongs to. @origin tells apart two keys that would
 * share a name: the key itself, or DROP_KEY for every drop_REASON. */
struct family {
	char name[NAME_MAX_LEN];
	const char *type;
	char help[256];
	char origin[NAME_MAX_LEN];
	bool peer;
};

static bool is_number(const char *v)
{
	size_t len = strlen(v);

	return len && len <= 20 && strspn(v, "0123456789") == len;
}

static bool is_name_part(const char *s)
{
	size_t len = strlen(s);

	return len && len < NAME_MAX_LEN - 32 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/*
 * Fills @f with the family of the extension @key=@value of a device or
 * (@peer) a peer, and *@reason with the drop reason or NULL. False when the
 * key is no metric.
 */
static bool classify(const char *key, const char *value, bool peer, struct family *f,
		     const char **reason)
{
	const char *level = peer ? "peer" : "device";

	*reason = NULL;
	if (!is_number(value) || !is_name_part(key))
		return false;
	memset(f, 0, sizeof(*f));
	f->peer = peer;
	if (!strncmp(key, DROP_KEY, strlen(DROP_KEY)) && key[strlen(DROP_KEY)]) {
		*reason = key + strlen(DROP_KEY);
		snprintf(f->name, sizeof(f->name), PREFIX "%s_drops_total", level);
		f->type = "counter";
		snprintf(f->help, sizeof(f->help),
			 "Packets the daemon dropped for this %s, by reason (UAPI drop_REASON).",
			 peer ? "peer" : "interface");
		snprintf(f->origin, sizeof(f->origin), DROP_KEY);
		return true;
	}
	snprintf(f->origin, sizeof(f->origin), "%s", key);
	for (size_t i = 0; !peer && i < sizeof(known_keys) / sizeof(known_keys[0]); i++) {
		if (strcmp(key, known_keys[i].key))
			continue;
		snprintf(f->name, sizeof(f->name), PREFIX "device_%s", known_keys[i].name);
		f->type = known_keys[i].type;
		snprintf(f->help, sizeof(f->help), "%s", known_keys[i].help);
		return true;
	}
	snprintf(f->name, sizeof(f->name), PREFIX "%s_%s", level, key);
	f->type = "untyped";
	snprintf(f->help, sizeof(f->help), "The daemon's %s value %s (UAPI extension key).", level,
		 key);
	return true;
}

/* A label value as the text format wants it: \\, \" and \n escaped. */
static void print_label_value(FILE *out, const char *v)
{
	putc('"', out);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			putc(*v, out);
	}
	putc('"', out);
}

static void print_sample_start(FILE *out, const char *name, const char *ifname,
			       const struct uapi_peer *p)
{
	fprintf(out, "%s{interface=", name);
	print_label_value(out, ifname);
	if (p) {
		fputs(",public_key=", out);
		print_label_value(out, show_key(p->public_key));
	}
}

static void print_family_head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The fixed per-peer families, from the fields every daemon has. */
enum peer_value { RX_BYTES, TX_BYTES, HANDSHAKE };

static void print_peer_family(FILE *out, const struct show_device *devs, size_t n,
			      enum peer_value what)
{
	static const struct {
		const char *name, *type, *help;
	} heads[] = {
	    [RX_BYTES] = {PREFIX "peer_receive_bytes_total", "counter",
			  "Bytes received from the peer (UAPI rx_bytes)."},
	    [TX_BYTES] = {PREFIX "peer_transmit_bytes_total", "counter",
			  "Bytes sent to the peer (UAPI tx_bytes)."},
	    [HANDSHAKE] = {PREFIX "peer_latest_handshake_seconds", "gauge",
			   "Unix time of the latest handshake with the peer, 0 before the first."},
	};

	print_family_head(out, heads[what].name, heads[what].type, heads[what].help);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < devs[i].dev.n_peers; j++) {
			const struct uapi_peer *p = &devs[i].dev.peers[j];

			print_sample_start(out, heads[what].name, devs[i].name, p);
			if (what == RX_BYTES)
				fprintf(out, "} %" PRIu64 "\n", p->rx_bytes);
			else if (what == TX_BYTES)
				fprintf(out, "} %" PRIu64 "\n", p->tx_bytes);
			else
				fprintf(out, "} %" PRId64 "\n", p->last_handshake_sec);
		}
	}
}

/* True when v[i] repeats a key earlier in v: its series would come twice. */
static bool repeated(const struct uapi_extra *v, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (!strcmp(v[k].key, v[i].key))
			return true;
	return false;
}

/* The samples of family @fam among the extension keys @v of one device or peer. */
static void print_extra_samples(FILE *out, const struct family *fam, const char *ifname,
				const struct uapi_peer *p, const struct uapi_extra *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct family f;
		const char *reason;

		if (!classify(v[i].key, v[i].value, p != NULL, &f, &reason) ||
		    strcmp(f.name, fam->name) || strcmp(f.origin, fam->origin) || repeated(v, i))
			continue;
		print_sample_start(out, fam->name, ifname, p);
		if (reason) {
			fputs(",reason=", out);
			print_label_value(out, reason);
		}
		fprintf(out, "} %s\n", v[i].value);
	}
}

static void print_extra_family(FILE *out, const struct family *fam, const struct show_device *devs,
			       size_t n)
{
	print_family_head(out, fam->name, fam->type, fam->help);
	for (size_t i = 0; i < n; i++) {
		const struct uapi_device *dev = &devs[i].dev;

		if (!fam->peer) {
			print_extra_samples(out, fam, devs[i].name, NULL, dev->extra, dev->n_extra);
			continue;
		}
		for (size_t j = 0; j < dev->n_peers; j++)
			print_extra_samples(out, fam, devs[i].name, &dev->peers[j],
					    dev->peers[j].extra, dev->peers[j].n_extra);
	}
}

static const char *const fixed_names[] = {
    PREFIX "device_peers",
    PREFIX "peer_receive_bytes_total",
    PREFIX "peer_transmit_bytes_total",
    PREFIX "peer_latest_handshake_seconds",
};

/*
 * Adds the family of one extension key to @fams (up to @max) unless it is
 * there already; a key whose name another key or a fixed family holds is
 * left out.
 */
static size_t add_family(struct family *fams, size_t n, size_t max, const struct uapi_extra *x,
			 bool peer)
{
	struct family f;
	const char *reason;

	if (!classify(x->key, x->value, peer, &f, &reason))
		return n;
	for (size_t i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++)
		if (!strcmp(f.name, fixed_names[i]))
			return n;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f.name, fams[i].name))
			return n;
	if (n < max)
		fams[n++] = f;
	return n;
}

void show_metrics(FILE *out, const struct show_device *devs, size_t n)
{
	enum { MAX_FAMILIES = 256 };
	static struct family fams[MAX_FAMILIES];
	size_t n_fams = 0;

	print_family_head(out, PREFIX "device_peers", "gauge",
			  "Peers configured on the interface.");
	for (size_t i = 0; i < n; i++) {
		print_sample_start(out, PREFIX "device_peers", devs[i].name, NULL);
		fprintf(out, "} %zu\n", devs[i].dev.n_peers);
	}
	print_peer_family(out, devs, n, RX_BYTES);
	print_peer_family(out, devs, n, TX_BYTES);
	print_peer_family(out, devs, n, HANDSHAKE);

	for (size_t i = 0; i < n; i++) {
		const struct uapi_device *dev = &devs[i].dev;

		for (size_t k = 0; k < dev->n_extra; k++)
			n_fams = add_family(fams, n_fams, MAX_FAMILIES, &dev->extra[k], false);
		for (size_t j = 0; j < dev->n_peers; j++)
			for (size_t k = 0; k < dev->peers[j].n_extra; k++)
				n_fams = add_family(fams, n_fams, MAX_FAMILIES,
						    &dev->peers[j].extra[k], true);
	}
	for (size_t i = 0; i < n_fams; i++)
		print_extra_family(out, &fams[i], devs, n);
	fflush(out);
}
