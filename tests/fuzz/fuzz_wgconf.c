// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wg-quick config reader on arbitrary bytes, in both grammars. Besides
 * crashes and leaks, it checks what a successful parse promises: every
 * peer has a public key, prefix lengths fit their family, error messages
 * start with "fuzz.conf:", and what wgconf_write makes of a configuration
 * reads back and writes again as the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"
#include "core/wgconf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LEVEL_SILENT);
	return 0;
}

static void check_ips(const struct wgconf_ip *ips, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ips[i].family != AF_INET && ips[i].family != AF_INET6)
			abort();
		if (ips[i].cidr > (ips[i].family == AF_INET ? 32 : 128))
			abort();
	}
}

static char *write_string(const struct wgconf *c, unsigned int flags, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f || wgconf_write(c, f, flags))
		abort();
	fclose(f);
	return text;
}

static void round_trip(const struct wgconf *c, unsigned int flags)
{
	size_t len1, len2;
	char *text1 = write_string(c, flags, &len1), *text2, error[512];
	struct wgconf again;

	if (wgconf_read_string(&again, "written.conf", text1, len1, flags, error, sizeof(error)))
		abort();
	text2 = write_string(&again, flags, &len2);
	if (len1 != len2 || memcmp(text1, text2, len1))
		abort();
	wgconf_free(&again);
	free(text1);
	free(text2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int modes[] = {0, WGCONF_SETCONF};
	char error[512];

	for (size_t m = 0; m < 2; m++) {
		struct wgconf c;
		int ret;

		error[0] = '\0';
		ret = wgconf_read_string(&c, "fuzz.conf", (const char *)data, size, modes[m], error,
					 sizeof(error));
		if (ret) {
			if (strncmp(error, "fuzz.conf:", 10))
				abort();
			continue;
		}
		check_ips(c.addresses, c.n_addresses);
		check_ips(c.dns, c.n_dns);
		for (size_t i = 0; i < c.n_peers; i++) {
			if (!c.peers[i].has_public_key)
				abort();
			if (c.peers[i].has_endpoint && !c.peers[i].endpoint.host)
				abort();
			check_ips(c.peers[i].allowed_ips, c.peers[i].n_allowed_ips);
		}
		if (modes[m] == WGCONF_SETCONF && (c.n_addresses || c.n_dns || c.mtu))
			abort();
		round_trip(&c, modes[m]);
		wgconf_free(&c);
	}
	return 0;
}
