// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wg-quick config reader on arbitrary bytes, in both grammars. Besides
 * crashes and leaks, it checks what a successful parse promises: every
 * peer has a public key, prefix lengths fit their family, and error
 * messages start with "fuzz.conf:".
 */
#include <stdint.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int modes[] = { 0, WGCONF_SETCONF };
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
		wgconf_free(&c);
	}
	return 0;
}
