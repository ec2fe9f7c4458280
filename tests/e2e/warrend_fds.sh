#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warrend with descriptors handed over as wireguard-go takes them:
# WG_TUN_FD (an open TUN/TAP queue instead of creating the device) and
# WG_UAPI_FD (a listening socket instead of creating it). lib/fdlaunch.py
# opens them and execs warrend with them inherited.
#
#   ns a: fdlaunch.py --tun IA --uapi IA.sock            ns b: warrend -f IB
#         -> warrend -f wgx$$ (IFNAME ignored)
#   IA 10.241.0.1/24 fd10:241::1/64                      IB 10.241.0.2/24 fd10:241::2/64
#   eth0 192.168.241.1/24 fd00:241::1/64  ---- veth ---- eth0 192.168.241.2/24 fd00:241::2/64
#
# 1. both descriptors: the device's own name is used (not IFNAME), its MTU
#    set to 1420 as wireguard-go does, `wg set`/`wg show` work through the
#    inherited socket, ping over IPv4 and IPv6 passes; on SIGTERM warrend
#    exits 0 and removes the socket, and the device (its queue closed) goes.
# 2. a persistent device from WG_TUN_FD stays after warrend exits (warrend
#    deletes no device it did not create); attached again, in the
#    background this time, warrend runs and exits when it is deleted;
#    the same with the queue as descriptor 0, which daemonizing must not
#    lose to /dev/null.
# 3. a TAP queue: L2 mode (mode=tap in the get reply), MTU 1500 (an L2
#    segment carries whole Ethernet frames, docs/l2.md).
# 4. bad values are refused with the value in the message and exit 1,
#    leaving no device, socket or process: not a number, a closed
#    descriptor, a descriptor that is not a TUN queue or not a listening
#    unix stream socket, a socket with no file where wg looks for it.
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || t_skip "needs python3"
LAUNCH=("$PY" "$(dirname "$0")/lib/fdlaunch.py")

IX="wgx$$"   # the IFNAME argument, which a WG_TUN_FD overrides
IP_="wgp$$"  # a persistent device
IT="wgt$$"   # a TAP device
RUN=/var/run/wireguard
I0="wg0$$"   # a queue handed over as descriptor 0
trap '_tunnel_cleanup; rm -f "$RUN/$IX.sock" "$RUN/$IP_.sock" "$RUN/$IT.sock" "$RUN/$IX-b.sock" "$RUN/$I0.sock"' EXIT
mkdir -p "$RUN"

# gone PID: the process has exited (or is a zombie).
gone() {
	! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
uapi_get() { # NS IFNAME: a raw get (wg does not show warren's keys)
	at "$1" sh -c "printf 'get=1\n\n' | socat -t 5 - UNIX-CONNECT:$RUN/$2.sock"
}
mtu() { # NS IFNAME
	at "$1" cat "/sys/class/net/$2/mtu"
}

tunnel_outer
start_daemon b warrend "$IB"
add_inner b "$IB" "$IN4_B" "$IN6_B"
at b wg set "$IB" private-key "$T_DIR/key_b" listen-port 51821 \
	peer "$PUB_A" allowed-ips "$IN4_A/32,$IN6_A/128"

# ---- 1. WG_TUN_FD and WG_UAPI_FD together ----
bg a env LOG_LEVEL=debug "${LAUNCH[@]}" --tun "$IA" --uapi "$RUN/$IA.sock" -- "$WARREND" -f "$IX"
PID=$BG_PID LOG=$BG_LOG
wait_for 15 grep -q "Device started" "$LOG"
_t_report $((! $?)) "1: warrend starts on the inherited TUN queue and socket"
assert_fail "1: IFNAME gives way to the device's name: no $IX.sock" test -e "$RUN/$IX.sock"
assert_fail "1: no device $IX is made" at a ip link show "$IX"
assert_eq "1420" "$(mtu a "$IA")" "1: the inherited device's MTU is set to 1420 (as wireguard-go)"
assert_ok "1: wg set through the inherited socket" at a wg set "$IA" \
	private-key "$T_DIR/key_a" listen-port 51820 \
	peer "$PUB_B" endpoint "$OUT4_B:51821" allowed-ips "$IN4_B/32,$IN6_B/128"
assert_eq "51820" "$(at a wg show "$IA" listen-port)" "1: wg show reads the port back"
assert_eq "$PUB_B" "$(at a wg show "$IA" peers)" "1: wg show lists the peer"
add_inner a "$IA" "$IN4_A" "$IN6_A"
assert_ok "1: ping over IPv4 through the inherited TUN queue" pings a "$IN4_B"
assert_ok "1: ping over IPv6 through the inherited TUN queue" pings a "$IN6_B"
assert_ok "1: ping back from b" pings b "$IN4_A"
rx=$(transfer a "$IA" 2)
[ "${rx:-0}" -gt 0 ]
_t_report $((! $?)) "1: the transfer counters move (rx $rx)"
assert_eq "$OUT4_A:51820" "$(at b wg show "$IB" endpoints | cut -f2)" \
	"1: b sees a's port set through the inherited socket"
kill -TERM "$PID"
wait_for 15 gone "$PID"
_t_report $((! $?)) "1: SIGTERM: warrend exits"
wait "$PID"
assert_eq 0 "$?" "1: SIGTERM: exit status 0"
assert_fail "1: the socket file is removed" test -e "$RUN/$IA.sock"
assert_fail "1: the device goes with its last queue" at a ip link show "$IA"

# ---- 2. a persistent device: not deleted by warrend ----
bg a "${LAUNCH[@]}" --tun "$IP_" --persist -- "$WARREND" -f "$IP_"
PID=$BG_PID
wait_for 15 at a wg show "$IP_"
_t_report $((! $?)) "2: WG_TUN_FD alone: warrend makes its socket and answers"
kill -TERM "$PID"
wait_for 15 gone "$PID"
_t_report $((! $?)) "2: SIGTERM: warrend exits"
assert_ok "2: the persistent device stays" at a ip link show "$IP_"
assert_fail "2: the socket file is removed" test -e "$RUN/$IP_.sock"
at a ip link set "$IP_" mtu 1300
assert_ok "2: attached again, warrend goes to the background and returns 0" \
	at a "${LAUNCH[@]}" --tun "$IP_" -- "$WARREND" "$IP_"
assert_ok "2: background: the socket is there when the parent returns" test -S "$RUN/$IP_.sock"
assert_eq "1420" "$(mtu a "$IP_")" "2: the MTU is set again"
assert_ok "2: background: wg set through it" at a wg set "$IP_" listen-port 51830
assert_eq "51830" "$(at a wg show "$IP_" listen-port)" "2: background: wg show reads it back"
daemon=$(ip netns pids "$NS_a")
at a ip link del "$IP_"
wait_for 10 test ! -e "$RUN/$IP_.sock"
_t_report $((! $?)) "2: ip link del: warrend exits and removes its socket"
left=""
for p in $daemon; do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = warrend ] && ! gone "$p" && left="$left $p"
done
assert_eq "" "$left" "2: no warrend left in ns a"

# The queue as descriptor 0 (stdin), in the background: daemonizing puts
# /dev/null on 0-2, so warrend must have moved it first.
assert_ok "2: WG_TUN_FD=0, in the background: warrend returns 0" \
	at a "${LAUNCH[@]}" --tun "$I0" --at 0 -- "$WARREND" "$I0"
assert_ok "2: WG_TUN_FD=0: wg set and show work" \
	at a sh -c "wg set $I0 listen-port 51831 && wg show $I0 listen-port | grep -qx 51831"
at a ip link set "$I0" up
at a ip addr add 10.242.0.1/24 dev "$I0"
# A ping with no peer for it: warrend reads it from the queue and counts it.
at a ping -c 2 -i 0.2 -W 1 10.242.0.2 >/dev/null 2>&1
drops=$(uapi_get a "$I0" | sed -n 's/^drop_no_route=//p')
[ "${drops:-0}" -ge 1 ]
_t_report $((! $?)) "2: WG_TUN_FD=0: warrend reads the queue (drop_no_route=${drops:-0})"
at a ip link del "$I0"
wait_for 10 test ! -e "$RUN/$I0.sock"
_t_report $((! $?)) "2: WG_TUN_FD=0: ip link del stops warrend"

# ---- 3. a TAP queue ----
bg a "${LAUNCH[@]}" --tun "$IT" --tap -- "$WARREND" -f "$IT"
PID=$BG_PID
wait_for 15 at a wg show "$IT"
_t_report $((! $?)) "3: TAP queue: warrend starts"
assert_eq "mode=tap" "$(uapi_get a "$IT" | grep '^mode=')" "3: the TAP queue means L2 mode"
assert_eq "1500" "$(mtu a "$IT")" "3: the TAP device's MTU is 1500"
kill -TERM "$PID"
wait_for 15 gone "$PID"
_t_report $((! $?)) "3: SIGTERM: warrend exits"
assert_fail "3: no device left" at a ip link show "$IT"

# ---- 4. bad values ----
# refused N WANT ENV... -- CMD...: runs CMD (warrend in ns a, in the
# foreground unless the case says otherwise) and expects exit 1, WANT in
# its error output, and nothing left behind.
refused() {
	local n=$1 want=$2 out rc
	shift 2
	out=$(at a "$@" 2>&1)
	rc=$?
	assert_eq 1 "$rc" "4.$n: exit status 1"
	case "$out" in
	*"$want"*) _t_report 1 "4.$n: says \"$want\"" ;;
	*)
		_t_report 0 "4.$n: says \"$want\""
		printf '#   %s\n' "$out"
		;;
	esac
	assert_eq "1: lo" "$(at a ip -o link show | grep -v ' eth0@' | cut -d: -f1-2)" \
		"4.$n: no device left"
	assert_fail "4.$n: no $IX.sock left" test -e "$RUN/$IX.sock"
}
W=("$WARREND" -f "$IX")
refused 1 "WG_TUN_FD=\`abc' is not a descriptor number" env WG_TUN_FD=abc "${W[@]}"
refused 2 "WG_TUN_FD=\`-3' is not a descriptor number" env WG_TUN_FD=-3 "${W[@]}"
refused 3 "WG_TUN_FD=\`4x' is not a descriptor number" env WG_TUN_FD=4x "${W[@]}"
refused 4 "WG_TUN_FD=63: Bad file descriptor" bash -c "exec 63<&-; WG_TUN_FD=63 exec $WARREND -f $IX"
refused 5 "WG_TUN_FD=5 is not a TUN/TAP queue" sh -c "WG_TUN_FD=5 exec $WARREND -f $IX 5</dev/null"
refused 6 "WG_TUN_FD=3 is not a TUN/TAP queue" \
	"${LAUNCH[@]}" --uapi "$RUN/$IX-b.sock" --uapi-fd 3 -- env WG_TUN_FD=3 WG_UAPI_FD= "${W[@]}"
rm -f "$RUN/$IX-b.sock"
refused 7 "WG_TUN_FD=0 is not a TUN/TAP queue" sh -c "WG_TUN_FD=0 exec $WARREND $IX </dev/null"
refused 8 "WG_UAPI_FD=\`abc' is not a descriptor number" env WG_UAPI_FD=abc "${W[@]}"
refused 9 "WG_UAPI_FD=63: Bad file descriptor" bash -c "exec 63<&-; WG_UAPI_FD=63 exec $WARREND -f $IX"
refused 10 "WG_UAPI_FD=5: Socket operation on non-socket" \
	sh -c "WG_UAPI_FD=5 exec $WARREND -f $IX 5</dev/null"
refused 11 "WG_UAPI_FD=3 is not a listening unix stream socket" \
	"${LAUNCH[@]}" --uapi "$RUN/$IX-b.sock" --uapi-fd 3 -- "${W[@]}"
rm -f "$RUN/$IX-b.sock"
refused 12 "WG_UAPI_FD=3: no socket $RUN/$IX.sock" \
	"${LAUNCH[@]}" --uapi "$T_DIR/elsewhere.sock" -- "${W[@]}"
refused 13 "WG_UAPI_FD=3: Socket operation on non-socket" \
	"${LAUNCH[@]}" --tun "$IX" --uapi-fd 3 -- "${W[@]}"
refused 14 "WG_UAPI_FD=\`abc' is not a descriptor number" \
	env WG_UAPI_FD=abc "$WARREND" "$IX"
assert_eq "" "$(for p in $(ip netns pids "$NS_a"); do cat "/proc/$p/comm"; done)" \
	"4: no process left in ns a"

t_done
