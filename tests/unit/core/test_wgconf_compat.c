// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/wgconf against the installed reference tools, case by case:
 *
 *   wg0.conf --> wg-quick's own parse_options (sourced from wg-quick)
 *                  --> its Address/DNS/MTU/Table/hook lists
 *                  --> the rest, through `wg setconf` (which parses before
 *                      it looks for the device): accepted or not
 *            --> wgconf_read_file --> the same lists, accepted or not
 *
 * Both sides must agree, except in the cases marked as warren's documented
 * differences, where they must differ (so the documentation stays true).
 * Skipped when wg or wg-quick is not installed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/log.h"
#include "core/wgconf.h"

#define K1 "wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M="
#define K2 "ELyzE6lfvibT6DTB3xD6AbgoWLVMe9ZXUS5PBKSlo2E="

/* wg-quick's parser, cut out of the installed script once: $1 is the output. */
static const char extract[] =
    "sed -n '/^parse_options() {/,/^}/p;/^read_bool() {/,/^}/p;/^die() {/,/^}/p' "
    "\"$(command -v wg-quick)\" > \"$1\"\n";

/* Runs it on $2 and prints what it read, one item per line. */
static const char reference[] =
    "set -u\n"
    "source \"$1\"\n"
    "shopt -s extglob; export LC_ALL=C; PROGRAM=wg-quick\n"
    "ADDRESSES=(); DNS=(); DNS_SEARCH=(); PRE_UP=(); POST_UP=(); PRE_DOWN=(); POST_DOWN=()\n"
    "MTU=; TABLE=; SAVE_CONFIG=0; WG_CONFIG=\n"
    "(\n"
    "parse_options \"$2\" 2>/dev/null\n"
    "for v in \"${ADDRESSES[@]}\"; do echo \"Address $v\"; done\n"
    "for v in \"${DNS[@]}\"; do echo \"DNS $v\"; done\n"
    "for v in \"${DNS_SEARCH[@]}\"; do echo \"Search $v\"; done\n"
    "[ -n \"$MTU\" ] && echo \"MTU $MTU\"\n"
    "[ -n \"$TABLE\" ] && [ \"$TABLE\" != auto ] && echo \"Table $TABLE\"\n"
    "[ \"$SAVE_CONFIG\" = 1 ] && echo SaveConfig\n"
    "for v in \"${PRE_UP[@]}\"; do echo \"PreUp $v\"; done\n"
    "for v in \"${POST_UP[@]}\"; do echo \"PostUp $v\"; done\n"
    "for v in \"${PRE_DOWN[@]}\"; do echo \"PreDown $v\"; done\n"
    "for v in \"${POST_DOWN[@]}\"; do echo \"PostDown $v\"; done\n"
    "printf '%s' \"$WG_CONFIG\" > \"$2.wg\"\n"
    "wg setconf warren-none0 \"$2.wg\" 2>&1 |\n"
    "	grep -qE 'Configuration parsing error|Invalid configuration' && echo REJECT\n"
    "exit 0\n"
    ") || echo REJECT\n";

static const struct {
	const char *text;
	const char *difference; /* why warren differs here, or NULL */
} cases[] = {
    /* 1 */ {"[Interface]\nPrivateKey = " K1 "\nListenPort = 51820\nFwMark = 0x10\n"
	     "Address = 10.0.0.1/24, fd00::1/64\nAddress=10.0.0.2/32 10.0.0.3/32\n"
	     "DNS = 1.1.1.1, example.com,fd00::53 lan\nMTU = 1420\nTable = 1234\n"
	     "PreUp = echo pre\nPostUp = echo a=b\nPostUp = echo second\n"
	     "PreDown = echo x\nPostDown = echo y\nSaveConfig = true\n"
	     "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.0/24\nEndpoint = 192.0.2.1:51820\n"
	     "PersistentKeepalive = 25\n",
	     NULL},
    /* 2 */
    {"[interface]\naddress = 10.0.0.1/24\ndns = 10.0.0.53\nsaveconfig = TRUE\n"
     "table = off\nmtu = 1280\n",
     NULL},
    /* 3 */ {"[ Interface ]\nAddress = 10.0.0.1/24\n", NULL},
    /* 4 */ {"[Interface]\nTable = Off\n", NULL},
    /* 5 */ {"[Interface]\nTable = main\n", NULL},
    /* 6 */ {"[Interface]\nSaveConfig = yes\n", NULL},
    /* 7 */ {"[Interface]\nPrivateKey = abc\n", NULL},
    /* 8 */ {"[Interface]\nListen Port = 5 1 8\n", NULL},
    /* 9 */ {"[Interface]\nListenPort =\n", NULL},
    /* 10 */ {"[Interface]\nListenPort = -1\n", NULL},
    /* 11 */ {"[Interface]\nListenPort = 70000\n", "ports above 65535 are refused, not truncated"},
    /* 12 */ {"[Interface]\nListenPort = domain\n", "ports must be numbers"},
    /* 13 */ {"[Interface]\nFwMark = 0X10\n", NULL},
    /* 14 */ {"[Interface]\nFwMark = off\n", NULL},
    /* 15 */ {"[Interface]\nBogus = 1\n", NULL},
    /* 16 */ {"[Foo]\nListenPort = 1\n", NULL},
    /* 17 */ {"ListenPort = 1\n", NULL},
    /* 18 */ {"[Peer]\nAllowedIPs = 10.0.0.0/8\n", NULL},
    /* 19 */ {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.1.2.3/8, ::/0\n", NULL},
    /* 20 */ {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/8,,\n", NULL},
    /* 21 */ {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/33\n", NULL},
    /* 22 */ {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 010.0.0.1/32\n", NULL},
    /* 23 */ {"[Peer]\nPublicKey = " K1 "\nAllowedIPs = 10.0.0.0/ 08\n", NULL},
    /* 24 */ {"[Peer]\nPublicKey = " K1 "\nAllowedIPs =\n", NULL},
    /* 25 */ {"[Peer]\nPublicKey = " K1 "\nEndpoint = [::1]:51820\n", NULL},
    /* 26 */ {"[Peer]\nPublicKey = " K1 "\nEndpoint = ::1:51820\n", NULL},
    /* 27 */ {"[Peer]\nPublicKey = " K1 "\nEndpoint = 1.2.3.4\n", NULL},
    /* 28 */ {"[Peer]\nPublicKey = " K1 "\nEndpoint = [::1]51820\n", NULL},
    /* 29 */ {"[Peer]\nPublicKey = " K1 "\nPersistentKeepalive = OFF\n", NULL},
    /* 30 */ {"[Peer]\nPublicKey = " K1 "\nPersistentKeepalive = 65536\n", NULL},
    /* 31 */ {"[Peer]\nPublicKey = " K1 "\nAddress = 10.0.0.1/24\n", NULL},
    /* 32 */ {"[Peer]\nPublicKey = " K1 "\nPresharedKey = " K2 "x\n", NULL},
    /* 33 */ {"# comment\n\n[Interface] # trailing\n\tPrivateKey = " K1 " # key\r\n", NULL},
    /* 34 */
    {"[Interface]\nAddress = 10.0.0.1/24\n[Peer]\nPublicKey = " K1 "\n"
     "[Interface]\nDNS = 10.0.0.53\n",
     NULL},
    /* 35 */ {"[Interface]\nPrivateKey = " K1 "\nPrivateKey\n", NULL},
    /* 36 */
    {"[Peer]\nPublicKey = " K1 "\nEndpoint = 1.2.3.4:65536\n",
     "ports above 65535 are refused, not truncated"},
    /* 37 */
    {"[Interface]\nPostUp = echo \x01\n", "control bytes are refused"},
};

/* The lines warren's reader gives for a config, in the script's format. */
static void describe(const struct wgconf *c, FILE *f)
{
	static const char *const hooks[] = {"PreUp", "PostUp", "PreDown", "PostDown"};
	char ip[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < c->n_addresses; i++) {
		inet_ntop(c->addresses[i].family, &c->addresses[i].addr, ip, sizeof(ip));
		fprintf(f, "Address %s/%u\n", ip, c->addresses[i].cidr);
	}
	for (size_t i = 0; i < c->n_dns; i++) {
		inet_ntop(c->dns[i].family, &c->dns[i].addr, ip, sizeof(ip));
		fprintf(f, "DNS %s\n", ip);
	}
	for (size_t i = 0; i < c->dns_search.n; i++)
		fprintf(f, "Search %s\n", c->dns_search.v[i]);
	if (c->mtu)
		fprintf(f, "MTU %u\n", c->mtu);
	if (c->table == WGCONF_TABLE_OFF)
		fprintf(f, "Table off\n");
	else if (c->table == WGCONF_TABLE_ID)
		fprintf(f, "Table %u\n", c->table_id);
	else if (c->table == WGCONF_TABLE_NAME)
		fprintf(f, "Table %s\n", c->table_name);
	if (c->save_config)
		fprintf(f, "SaveConfig\n");
	for (int h = 0; h < WGCONF_HOOK_COUNT; h++) {
		for (size_t i = 0; i < c->hooks[h].n; i++)
			fprintf(f, "%s %s\n", hooks[h], c->hooks[h].v[i]);
	}
}

static void against_wg_quick(void **state)
{
	char dir[] = "/tmp/test_wgconf_compat.XXXXXX", path[64], script[64], functions[64];
	char cmd[256];

	if (system("command -v wg >/dev/null && command -v wg-quick >/dev/null && "
		   "command -v bash >/dev/null"))
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/wg0.conf", dir);
	snprintf(script, sizeof(script), "%s/reference.sh", dir);
	snprintf(functions, sizeof(functions), "%s/wg-quick.sh", dir);
	{
		FILE *f = fopen(script, "w");

		assert_non_null(f);
		fputs(extract, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "bash %s %s", script, functions);
		assert_int_equal(system(cmd), 0);
		f = fopen(script, "w");
		assert_non_null(f);
		fputs(reference, f);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "bash %s %s %s", script, functions, path);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char theirs[4096] = "", *ours = NULL, err[512];
		size_t ours_len = 0, n;
		struct wgconf c;
		FILE *f, *p;
		int ret;

		f = fopen(path, "w");
		assert_non_null(f);
		fputs(cases[i].text, f);
		fclose(f);
		chmod(path, 0600);

		p = popen(cmd, "r");
		assert_non_null(p);
		n = fread(theirs, 1, sizeof(theirs) - 1, p);
		theirs[n] = '\0';
		pclose(p);
		/* wg-quick's own keys were read even when wg refuses the rest */
		if (strstr(theirs, "REJECT"))
			snprintf(theirs, sizeof(theirs), "REJECT\n");

		f = open_memstream(&ours, &ours_len);
		assert_non_null(f);
		ret = wgconf_read_file(&c, path, 0, err, sizeof(err));
		if (ret) {
			fprintf(f, "REJECT\n");
		} else {
			describe(&c, f);
			wgconf_free(&c);
		}
		fclose(f);

		print_message("case %zu: wg-quick:\n%s  warren:\n%s%s%s", i + 1, theirs, ours,
			      ret ? err : "", ret ? "\n" : "");
		if (cases[i].difference)
			assert_string_not_equal(ours, theirs);
		else
			assert_string_equal(ours, theirs);
		free(ours);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(against_wg_quick),
	};
	log_set_level(LOG_LEVEL_SILENT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
