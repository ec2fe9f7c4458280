// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client side of the UAPI: a daemon's get reply (outside input to
 * `warren show`, `up` and `down`) on arbitrary bytes. Besides crashes and
 * leaks, it checks what a successful parse promises: allowed IPs and
 * endpoints of a known family with prefix lengths that fit, and extension
 * keys and values as NUL-terminated strings without '\n'. The same bytes
 * are also read as a set reply (errno=N).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/uapi_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_extra(const struct uapi_extra *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].key[0] || strchr(v[i].key, '\n') || strchr(v[i].value, '\n'))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uapi_device dev;
	char buf[128];

	(void)uapi_text_parse_errno((const char *)data, size);
	if (uapi_text_parse_get(&dev, (const char *)data, size))
		return 0;
	check_extra(dev.extra, dev.n_extra);
	for (size_t i = 0; i < dev.n_peers; i++) {
		const struct uapi_peer *p = &dev.peers[i];

		for (size_t j = 0; j < p->n_allowed_ips; j++) {
			int family = p->allowed_ips[j].family;

			if (family != AF_INET && family != AF_INET6)
				abort();
			if (p->allowed_ips[j].cidr > (family == AF_INET ? 32 : 128))
				abort();
		}
		if (p->endpoint.sa.sa_family) {
			if (p->endpoint.sa.sa_family != AF_INET &&
			    p->endpoint.sa.sa_family != AF_INET6)
				abort();
			uapi_text_endpoint(buf, sizeof(buf), &p->endpoint);
		}
		check_extra(p->extra, p->n_extra);
	}
	uapi_device_free(&dev);
	return 0;
}
