#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# up_keys.sh with the Debian wireguard-go as the daemon: warren up must drive
# any daemon that speaks the UAPI, as wg-quick does.
UP_DAEMON=wireguard-go exec bash "$(dirname "$0")/up_keys.sh"
