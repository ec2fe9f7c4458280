#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warrend <-> wireguard-go (Debian's): the same rounds as tunnel_warrend.sh,
# each side initiating, both transports, counters compared, 64 MiB intact.
#
#   ns a: warrend wga$$  <== veth (v4 + v6) ==>  ns b: wireguard-go wgb$$
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat sha256sum wireguard-go
tunnel_interop warrend wireguard-go
t_done
