#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `warren up --foreground' as systemd's Type=notify service runs it
# (systemd/warren@.service): READY=1 on $NOTIFY_SOCKET only once the
# interface is fully up (at that moment, a ping through the tunnel works
# and PostUp has run), STATUS= lines, then SIGTERM takes everything down
# (STOPPING=1, exit 0). Once with a socket path, once with an abstract
# name ('@...', which lives in the namespace's network namespace). A
# listener in place of systemd: tests/e2e/lib/notify_listen.py.
#
#   ns a                                         ns b
#   IA 10.81.0.1/24                              IB 10.81.0.2/24
#   warren up --foreground                       warren up (plain)
#     NOTIFY_SOCKET -> notify_listen.py
#   eth0 192.168.81.1/24 ----------veth--------- eth0 192.168.81.2/24
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd ping python3

LISTEN="$(dirname "$0")/lib/notify_listen.py"
ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 192.168.81.1/24 dev eth0
at b ip addr add 192.168.81.2/24 dev eth0
up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey)
cat >"$T_DIR/$IA.conf" <<EOF2
[Interface]
PrivateKey = $KA
ListenPort = 51811
Address = 10.81.0.1/24
PostUp = touch $T_DIR/postup.%i
PostDown = touch $T_DIR/postdown.%i

[Peer]
PublicKey = $(echo "$KB" | wg pubkey)
AllowedIPs = 10.81.0.2/32
Endpoint = 192.168.81.2:51812
EOF2
cat >"$T_DIR/$IB.conf" <<EOF2
[Interface]
PrivateKey = $KB
ListenPort = 51812
Address = 10.81.0.2/24

[Peer]
PublicKey = $(echo "$KA" | wg pubkey)
AllowedIPs = 10.81.0.1/32
EOF2
chmod 600 "$T_DIR"/*.conf
assert_ok "warren up in b" at b "$WARREN" up "$T_DIR/$IB.conf"

# round NAME SOCKET: the whole service life with NOTIFY_SOCKET=SOCKET.
round() {
	local n=$1 sock=$2 log="$T_DIR/notify.$1.log" pid rc listener
	rm -f "$T_DIR/postup.$IA" "$T_DIR/postdown.$IA"
	# The check at READY=1: the tunnel carries a ping and PostUp ran.
	bg a python3 "$LISTEN" "$sock" "$log" \
		bash -c "ping -c 1 -W 2 10.81.0.2 && test -e $T_DIR/postup.$IA"
	listener=$BG_PID
	wait_for 5 grep -q LISTENING "$log"
	bg a env NOTIFY_SOCKET="$sock" "$WARREN" up --foreground "$T_DIR/$IA.conf"
	pid=$BG_PID
	wait_for 60 grep -q '^CHECK-AT-READY=' "$log"
	assert_eq "CHECK-AT-READY=0" "$(grep '^CHECK-AT-READY=' "$log")" \
		"$n: at READY=1 the tunnel pings and PostUp has run"
	assert_eq 1 "$(grep -c '^READY=1$' "$log")" "$n: READY=1 once"
	assert_ok "$n: STATUS= says the interface is up" \
		grep -q "^STATUS=$IA is up: 1 peers" "$log"
	assert_ok "$n: still running after READY=1" kill -0 "$pid"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	assert_eq 0 "$rc" "$n: SIGTERM: exit status 0"
	assert_ok "$n: STOPPING=1 sent" grep -q '^STOPPING=1$' "$log"
	assert_ok "$n: PostDown ran" test -e "$T_DIR/postdown.$IA"
	assert_fail "$n: no device $IA left" at a ip link show dev "$IA"
	assert_fail "$n: no socket left" test -e "/var/run/wireguard/$IA.sock"
	wait_for 5 bash -c "! pgrep -f 'warrend $IA\$'"
	assert_eq "" "$(pgrep -f "warrend $IA\$")" "$n: no daemon left"
	kill "$listener"
	wait "$listener" 2>/dev/null
}
round 1 "$T_DIR/notify.sock"
round 2 "@warren-test-$$"

# 3: without NOTIFY_SOCKET (not under systemd) it runs the same
bg a "$WARREN" up --foreground "$T_DIR/$IA.conf"
pid=$BG_PID
wait_for 10 at a ping -c 1 -W 1 10.81.0.2
assert_ok "3: up without NOTIFY_SOCKET: the tunnel pings" at a ping -c 1 -W 2 10.81.0.2
kill -INT "$pid"
wait "$pid"
assert_eq 0 "$?" "3: SIGINT: exit status 0"
assert_fail "3: no device $IA left" at a ip link show dev "$IA"

# 4: the interface deleted under it: warren notices, cleans up, exits 1
bg a "$WARREN" up --foreground "$T_DIR/$IA.conf"
pid=$BG_PID
wait_for 10 test -S "/var/run/wireguard/$IA.sock"
wait_for 10 at a ip addr show dev "$IA" to 10.81.0.1
at a ip link del dev "$IA"
wait_for 15 bash -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
assert_eq 1 "$?" "4: device deleted: exit status 1"
assert_ok "4: says why" grep -q "no longer answers" "$BG_LOG"

assert_ok "warren down in b" at b "$WARREN" down "$T_DIR/$IB.conf"
nothing_left a "$IA" "a"
t_done
