/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libwarren: everything public in one include.
 *
 *	#include <warren/warren.h>
 *	cc prog.c $(pkg-config --cflags --libs libwarren)
 */
#ifndef WARREN_WARREN_H
#define WARREN_WARREN_H

#include <warren/error.h>
#include <warren/rtnl.h>
#include <warren/tun.h>

#endif
