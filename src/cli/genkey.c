// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren genkey | pubkey | genpsk: wg(8)'s key commands, with its formats,
 * messages and exit codes (the program name in messages is "warren").
 */
#include "cli/command.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/key.h"
#include "engine/crypto.h"
#include "core/secret.h"

static void warn_world_accessible_stdout(void)
{
	struct stat st;

	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IRWXO))
		fputs("Warning: writing to world accessible file.\n"
		      "Consider setting the umask to 077 and trying again.\n",
		      stderr);
}

/* genkey and genpsk: 32 random bytes, clamped for a private key. */
static int generate(int argc, char **argv, const char *name, bool clamp)
{
	uint8_t key[KEY_LEN];
	char b64[KEY_BASE64_LEN + 1];
	int ret = 1;

	if (argc == 1 && cli_is_help(argv[0])) {
		printf("Usage: warren %s\n", name);
		return 0;
	}
	if (argc != 0) {
		fprintf(stderr, "Usage: warren %s\n", name);
		return 1;
	}
	warn_world_accessible_stdout();
	if (crypto_random(key, sizeof(key))) {
		fputs("getrandom: Input/output error\n", stderr);
		goto out;
	}
	if (clamp)
		crypto_x25519_clamp(key);
	key_to_base64(b64, key);
	puts(b64);
	ret = 0;
out:
	secret_wipe(key, sizeof(key));
	secret_wipe(b64, sizeof(b64));
	return ret;
}

int cmd_genkey(int argc, char **argv)
{
	return generate(argc, argv, "genkey", true);
}

int cmd_genpsk(int argc, char **argv)
{
	return generate(argc, argv, "genpsk", false);
}

/* Whitespace and NUL may follow the key on stdin, as for wg. */
static bool trailing_ok(int c)
{
	return !c || c == ' ' || (c >= '\t' && c <= '\r');
}

int cmd_pubkey(int argc, char **argv)
{
	uint8_t key[KEY_LEN], pub[KEY_LEN];
	char b64[KEY_BASE64_LEN + 1];
	int c, ret = 1;

	if (argc == 1 && cli_is_help(argv[0])) {
		puts("Usage: warren pubkey");
		return 0;
	}
	if (argc != 0) {
		fputs("Usage: warren pubkey\n", stderr);
		return 1;
	}
	if (fread(b64, 1, KEY_BASE64_LEN, stdin) != KEY_BASE64_LEN) {
		fputs("warren: Key is not the correct length or format\n", stderr);
		goto out;
	}
	b64[KEY_BASE64_LEN] = '\0';
	while ((c = getc(stdin)) != EOF) {
		if (!trailing_ok(c)) {
			fputs("warren: Trailing characters found after key\n", stderr);
			goto out;
		}
	}
	if (key_from_base64(key, b64)) {
		fputs("warren: Key is not the correct length or format\n", stderr);
		goto out;
	}
	if (crypto_x25519_public(pub, key)) {
		fputs("warren: Unable to derive the public key\n", stderr);
		goto out;
	}
	key_to_base64(b64, pub);
	puts(b64);
	ret = 0;
out:
	secret_wipe(key, sizeof(key));
	secret_wipe(b64, sizeof(b64));
	return ret;
}
