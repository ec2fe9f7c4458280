// SPDX-License-Identifier: GPL-2.0-only
/*
 * warren showconf IF: `wg showconf', byte for byte on an L3 interface; on
 * an L2 (tap) one also the L2 keys the UAPI knows (Mode, MACAgeing, Hub,
 * AllowedMACs, StaticMACs), so that the output fed back to `warren
 * setconf' or `warren syncconf' gives the same device.
 */
#include "cli/command.h"

#include "core/uapi_text.h"
#include "core/secret.h"
#include "core/wgconf.h"
#include "os/uapi_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cmd_showconf(int argc, char **argv)
{
	struct uapi_device dev = {0};
	struct wgconf conf = {0};
	char iobuf[BUFSIZ];
	int ret = 1, err;

	if (argc == 1 && cli_is_help(argv[0])) {
		printf("Usage: warren showconf <interface>\n");
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "Usage: warren showconf <interface>\n");
		return 1;
	}
	err = uapi_get(argv[0], &dev);
	if (!err)
		err = uapi_text_device_conf(&dev, &conf);
	if (err) {
		fprintf(stderr, "Unable to access interface `%s': %s\n", argv[0],
			err == -ENOENT || err == -ECONNREFUSED ? "No such device" : strerror(-err));
		goto out;
	}
	/* stdio's copy of the private key stays in a buffer wiped below. */
	setvbuf(stdout, iobuf, _IOFBF, sizeof(iobuf));
	if (wgconf_write(&conf, stdout, WGCONF_SETCONF | (conf.tap ? WGCONF_L2 : 0))) {
		fprintf(stderr, "warren: showconf: %s\n", strerror(EIO));
		goto out;
	}
	ret = 0;
out:
	fflush(stdout);
	setvbuf(stdout, NULL, _IONBF, 0);
	secret_wipe(iobuf, sizeof(iobuf));
	wgconf_free(&conf);
	uapi_device_free(&dev);
	return ret;
}
