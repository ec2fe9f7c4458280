#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Case 2: starvation by blackholed peers. a gets N more peers (4, then 400)
# whose endpoints (192.168.241.99, one port each) are in b's namespace, where
# nft drops everything sent there; a routes their allowed IPs into the tunnel
# and sends 200 datagrams to each. Then a pings b, a peer with no session yet
# (removed and re-added), and the figure is the time until a reports b's first
# handshake (`wg show latest-handshakes`), capped at CAP seconds.
#
#   ns a: daemon wga$$, peers b + N blackholed ==veth==> ns b: wgb$$ and
#         192.168.241.99 (nft: drop)
#
# Correctness: after the blackholed peers are removed, b is reachable again
# within 20 s, the daemons live, 4 MiB arrive intact. Goal (issue 12): b's
# first handshake within 1 s.
# shellcheck source=tests/stress/stress_lib.sh
source "$(dirname "$0")/stress_lib.sh"
require_stress

CAP=15
SINK=192.168.241.99
COUNTS=(4 400)

# blackholed N: a config of N peers with random keys, endpoints SINK:30000+i
# and allowed IPs 10.250.i/32; their keys in $T_DIR/black.keys.
blackholed() {
	python3 - "$1" "$SINK" "$T_DIR/black.keys" <<'PY'
import base64, os, sys
n, sink, keyfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(keyfile, "w") as keys:
    for i in range(n):
        k = base64.b64encode(os.urandom(32)).decode()
        keys.write(k + "\n")
        print(f"[Peer]\nPublicKey = {k}\nEndpoint = {sink}:{30000 + i}\n"
              f"AllowedIPs = 10.250.{i // 256}.{i % 256}/32\n")
PY
}

# burst N: 200 datagrams of 100 bytes from a to each of the N peers' IPs,
# 50 at a time with a pause, so that the TUN queue (500) does not overflow
# in the kernel and every one reaches the daemon.
burst() {
	at a python3 - "$1" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    for j in range(200):
        try:
            s.sendto(b"x" * 100, (f"10.250.{i // 256}.{i % 256}", 9))
        except OSError:
            pass
        if j % 50 == 49:
            time.sleep(0.002)
PY
}

starve() {
	local impl=$1 n=$2 t0 t1 took="" what
	what="$impl, $n blackholed peers"
	stress_tunnel "$impl"
	_t_report $((! $?)) "$what: tunnel up before"
	if ! at b nft list table ip sink >/dev/null 2>&1; then
		at b ip addr add "$SINK/24" dev eth0
		at b nft add table ip sink
		at b nft add chain ip sink in '{ type filter hook input priority 0; }'
		at b nft add rule ip sink in ip daddr "$SINK" drop
	fi
	blackholed "$n" >"$T_DIR/black.conf"
	at a wg addconf "$IA" "$T_DIR/black.conf"
	at a ip route add 10.250.0.0/16 dev "$IA"
	peers_fresh 4
	burst "$n"
	t0=$(date +%s.%N)
	ping_bg a /dev/null -n -q -i 0.1 -w "$CAP" "$IN4_B"
	while :; do
		t1=$(date +%s.%N)
		if [ "$(at a wg show "$IA" latest-handshakes | awk -v k="$PUB_B" '$1 == k { print $2 }')" \
			-gt 0 ] 2>/dev/null; then
			took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
			break
		fi
		awk -v a="$t0" -v b="$t1" -v c="$CAP" 'BEGIN { exit !(b - a > c) }' && break
		sleep 0.05
	done
	kill "$PING_PID" 2>/dev/null
	wait "$PING_PID" 2>/dev/null
	goal "$what sent 200 datagrams each: reachable peer's first handshake" \
		"${took:->$CAP}" "<=" 1 s
	# Without them, b must be reachable whatever they left behind.
	local k args=()
	while read -r k; do
		args+=(peer "$k" remove)
	done <"$T_DIR/black.keys"
	at a wg set "$IA" "${args[@]}"
	at a ip route del 10.250.0.0/16 dev "$IA"
	assert_eq 1 "$(at a wg show "$IA" peers | wc -l)" "$what: removed again"
	assert_ok "$what: removed, b answers within 20 s" wait_for 20 pings a "$IN4_B" 1
	assert_tunnel "$what, after" "$impl"
}

for impl in "${IMPLS[@]}"; do
	for n in "${COUNTS[@]}"; do
		starve "$impl" "$n"
	done
done
stop_daemons
t_done
