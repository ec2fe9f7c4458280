// SPDX-License-Identifier: GPL-2.0-only
/* Placeholder until the ip-tuntap drop-in lands (issue 2). */
#include "cli/command.h"

#include <stdio.h>

int cmd_tuntap(int argc, char **argv)
{
	fprintf(stderr, "warren tuntap: not built yet\n");
	return 1;
}
