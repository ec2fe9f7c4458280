#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# UDP segmentation offload on warrend's socket: runs of datagrams leave as
# one UDP_SEGMENT send, cross the veth whole and are taken with UDP_GRO
# and cut apart by the receiving warrend. 64 MiB each way arrive intact
# and the counters in `warren show` say both were used. Then the same with
# wireguard-go (no GSO or GRO of its own) on the other side: the kernel
# cuts warrend's runs for it, and 64 MiB each way arrive intact.
#
#   ns a: warrend wga$$  <== veth (v4, then v6) ==>  ns b: warrend wgb$$
#                                                then  ns b: wireguard-go wgb$$
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat sha256sum wireguard-go

# counter NS IFNAME KEY: a device counter of `warren show` (0 when absent).
counter() {
	at "$1" "$WARREN" show "$2" |
		awk -v k="$(tr _ ' ' <<<"$3")" -F': ' '$1 == "  " k { print $2; f = 1 } END { if (!f) print 0 }'
}

# offload_round WHAT PEER_IMPL: 64 MiB each way, then checks a's counters.
offload_round() {
	local what=$1 segs0 segs1 gro0 gro1 fb
	segs0=$(counter a "$IA" udp_gso_segments)
	gro0=$(counter a "$IA" udp_gro_segments)
	assert_ok "$what: ping through the tunnel" pings a "$IN4_B"
	assert_transfer "$what: 64 MiB over TCP a -> b arrive intact" a b "$IN4_B" 64
	assert_transfer "$what: 64 MiB over TCP/IPv6 b -> a arrive intact" b a "[$IN6_A]" 64
	segs1=$(counter a "$IA" udp_gso_segments)
	gro1=$(counter a "$IA" udp_gro_segments)
	fb=$(counter a "$IA" udp_gso_fallbacks)
	[ "$segs1" -gt $((segs0 + 10000)) ]
	_t_report $((! $?)) "$what: a sent most of 64 MiB in UDP_SEGMENT runs ($segs0 -> $segs1 datagrams)"
	assert_eq 0 "$fb" "$what: no run of a's was refused"
	if [ "$2" = warrend ]; then
		[ "$gro1" -gt $((gro0 + 10000)) ]
		_t_report $((! $?)) "$what: a took most of 64 MiB in UDP_GRO buffers ($gro0 -> $gro1 datagrams)"
		gro1=$(counter b "$IB" udp_gro_segments)
		[ "$gro1" -gt 10000 ]
		_t_report $((! $?)) "$what: b took a's runs whole and cut them ($gro1 datagrams)"
	fi
	at a "$WARREN" show "$IA" --metrics >"$T_DIR/metrics"
	grep -q '^warren_device_udp_gso_segments{interface="'"$IA"'"} [1-9]' "$T_DIR/metrics"
	_t_report $((! $?)) "$what: --metrics carries warren_device_udp_gso_segments"
}

tunnel_setup warrend warrend
peers_fresh 4
offload_round "warrend <-> warrend" warrend

# The outer IPv6 path: runs to an IPv6 endpoint, not v4-mapped ones.
peers_fresh 6
segs0=$(counter a "$IA" udp_gso_segments)
gro0=$(counter b "$IB" udp_gro_segments)
assert_ok "outer IPv6: ping through the tunnel" pings a "$IN4_B"
assert_transfer "outer IPv6: 16 MiB over TCP a -> b arrive intact" a b "$IN4_B" 16
segs1=$(counter a "$IA" udp_gso_segments)
gro1=$(counter b "$IB" udp_gro_segments)
[ "$segs1" -gt $((segs0 + 2000)) ] && [ "$gro1" -gt $((gro0 + 2000)) ]
_t_report $((! $?)) "outer IPv6: runs sent ($segs0 -> $segs1) and taken whole ($gro0 -> $gro1)"

# b becomes wireguard-go under the same name and key.
kill "$PID_B"
wait_for 10 sh -c "! ip netns exec $NS_b ip link show $IB"
start_daemon b wireguard-go "$IB"
add_inner b "$IB" "$IN4_B" "$IN6_B"
at b wg set "$IB" private-key "$T_DIR/key_b" listen-port 51821
peers_fresh 4
offload_round "warrend <-> wireguard-go" wireguard-go
t_done
