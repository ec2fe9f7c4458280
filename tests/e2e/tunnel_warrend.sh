#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warrend <-> warrend: ping over IPv4 and IPv6 inside, over IPv4 and IPv6
# outside, each side initiating; byte counters as WireGuard counts them; a
# 64 MiB TCP transfer arrives intact.
#
#   ns a: warrend wga$$  <== veth (v4 + v6) ==>  ns b: warrend wgb$$
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat sha256sum
tunnel_interop warrend warrend
t_done
