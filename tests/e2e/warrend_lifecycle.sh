#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warrend's life as wireguard-go's: the command line, going to the
# background, and exiting (leaving neither socket nor device) on SIGTERM,
# SIGINT, a deleted device and a deleted socket; wg-quick with
# WG_QUICK_USERSPACE_IMPLEMENTATION=warrend up and down.
#
#   ns a: warrend wgl$$ / wg-quick wgq$$  <== veth ==>  ns b: warrend wgb$$
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel

IF="wgl$$"
QIF="wgq$$"
SOCK="/var/run/wireguard/$IF.sock"
trap '_tunnel_cleanup; rm -f "$SOCK" "/var/run/wireguard/$QIF.sock"' EXIT

ns_new a

# gone PID: the process has exited (or is a zombie). Waits for it are long:
# removing its device takes the RTNL lock, which other namespaces' teardown
# may hold for seconds on a loaded machine.
gone() {
	! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
# warrend_pids NS: the warrend processes inside namespace NS.
warrend_pids() {
	local p
	for p in $(ip netns pids "$NS_PREFIX-$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = warrend ] && echo "$p"
	done
}
# no_warrend NS: no warrend runs in namespace NS (a function, so that
# wait_for asks again each time).
no_warrend() {
	[ -z "$(warrend_pids "$1")" ]
}
# clean: neither the socket file nor the device is left.
assert_clean() {
	assert_fail "$1: no socket file left" test -e "$SOCK"
	assert_fail "$1: no device left" at a ip link show "$IF"
}
start_fg() {
	bg a "$WARREND" -f "$IF"
	wait_for 10 test -S "$SOCK" && at a ip link show "$IF" >/dev/null
	_t_report $((! $?)) "$1: warrend -f made the device and the socket"
}

# 1-3: command line
out=$("$WARREND" --version); rc=$?
assert_eq "0 warrend v" "$rc ${out:0:9}" "--version prints the version and exits 0"
assert_fail "no interface name is a usage error" "$WARREND"
assert_fail "too many arguments is a usage error" "$WARREND" -f a b
assert_fail "a name longer than 15 characters is refused" at a "$WARREND" -f abcdefghijklmnopq

# SIGTERM
start_fg "SIGTERM"
pid=$BG_PID
kill -TERM "$pid"
wait_for 15 gone "$pid"
_t_report $((! $?)) "SIGTERM: warrend exits"
assert_clean "SIGTERM"

# SIGINT
start_fg "SIGINT"
pid=$BG_PID
kill -INT "$pid"
wait_for 15 gone "$pid"
_t_report $((! $?)) "SIGINT: warrend exits"
assert_clean "SIGINT"

# the device deleted
start_fg "device deleted"
pid=$BG_PID
at a ip link del "$IF"
wait_for 15 gone "$pid"
_t_report $((! $?)) "ip link del: warrend exits"
assert_clean "ip link del"

# the socket deleted
start_fg "socket deleted"
pid=$BG_PID
rm -f "$SOCK"
wait_for 15 gone "$pid"
_t_report $((! $?)) "socket removed: warrend exits"
assert_clean "socket removed"

# a second daemon for the same name fails and leaves the first one alone
start_fg "second daemon"
pid=$BG_PID
assert_fail "a second warrend for the same interface fails" at a "$WARREND" -f "$IF"
assert_ok "the first one still answers" at a wg show "$IF"
kill -TERM "$pid"
wait_for 15 gone "$pid"
assert_clean "second daemon"

# background: the parent exits 0 with the device and socket in place
assert_ok "warrend IFNAME returns 0 (daemon in the background)" at a "$WARREND" "$IF"
assert_ok "background: the socket exists when the parent returns" test -S "$SOCK"
assert_ok "background: the device exists when the parent returns" at a ip link show "$IF"
pids=$(warrend_pids a)
assert_eq 1 "$(wc -w <<<"$pids")" "background: one warrend runs in the namespace"
assert_ok "background: wg talks to it" at a wg show "$IF"
at a ip link del "$IF"
wait_for 15 no_warrend a
_t_report $((! $?)) "background: warrend exits when its device is deleted"
assert_clean "background"

# wg-quick with warrend as its userspace implementation
if command -v wg-quick >/dev/null && [ ! -e /sys/module/wireguard ]; then
	tunnel_outer
	start_daemon b warrend "$IB"
	add_inner b "$IB" "$IN4_B" "$IN6_B"
	at b wg set "$IB" private-key "$T_DIR/key_b" listen-port 51821 \
		peer "$PUB_A" allowed-ips "$IN4_A/32,$IN6_A/128"
	cat >"$T_DIR/$QIF.conf" <<CONF
[Interface]
PrivateKey = $KEY_A
Address = $IN4_A/24, $IN6_A/64
ListenPort = 51820

[Peer]
PublicKey = $PUB_B
AllowedIPs = $IN4_B/32, $IN6_B/128
Endpoint = $OUT4_B:51821
CONF
	chmod 600 "$T_DIR/$QIF.conf"
	assert_ok "wg-quick up with WG_QUICK_USERSPACE_IMPLEMENTATION=warrend" \
		at a env WG_QUICK_USERSPACE_IMPLEMENTATION="$WARREND" wg-quick up "$T_DIR/$QIF.conf"
	assert_eq "1420" "$(at a cat "/sys/class/net/$QIF/mtu")" "wg-quick: MTU = route MTU - 80"
	assert_ok "wg-quick: ping over IPv4 through the tunnel" pings a "$IN4_B"
	assert_ok "wg-quick: ping over IPv6 through the tunnel" pings a "$IN6_B"
	assert_eq "$OUT4_A:51820" "$(at b wg show "$IB" endpoints | cut -f2)" \
		"wg-quick: the peer sees our ListenPort"
	assert_ok "wg-quick down" at a wg-quick down "$T_DIR/$QIF.conf"
	wait_for 15 no_warrend a
	_t_report $((! $?)) "wg-quick down: no warrend left"
	assert_fail "wg-quick down: no socket left" test -e "/var/run/wireguard/$QIF.sock"
	assert_fail "wg-quick down: no device left" at a ip link show "$QIF"
else
	echo "# wg-quick part skipped (no wg-quick, or kernel WireGuard present)"
fi

t_done
