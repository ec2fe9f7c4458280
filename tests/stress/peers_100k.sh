#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Case 3: 100k peers. `wg addconf` of PEERS generated peers (random 32-byte
# public keys, one /32 each in 100.64.0.0/10) into a's running daemon while
# b pings a every 10 ms through the established tunnel.
#
#   ns a: daemon wga$$ <-- wg addconf (100k peers) ; <== tunnel ==> ns b: ping -i 0.01
#
# Then (warrend only, not with STRESS_QUICK=1; wireguard-go stops at 65,536)
# `wg setconf` of a config with b and BIG (1M) generated peers, while b pings.
#
# Correctness: every peer is there (warrend; wireguard-go stops at 65,536 by
# design, which is a figure), the daemons live, the tunnel works after.
# Figures: ping max RTT and lost pings during the addconf, its duration, the
# daemon's RSS after, and how long a `wg show` of them all takes. Goal
# (issue 12): ping max RTT during the addconf <= 50 ms.
# shellcheck source=tests/stress/stress_lib.sh
source "$(dirname "$0")/stress_lib.sh"
require_stress

PEERS=100000
BIG=1000000
quick && PEERS=20000

python3 - "$PEERS" >"$T_DIR/peers.conf" <<'PY'
import base64, os, sys
n = int(sys.argv[1])
keys = os.urandom(32 * n)
out = []
for i in range(n):
    k = base64.b64encode(keys[32 * i:32 * i + 32]).decode()
    ip = (100 << 24 | 64 << 16) + i
    out.append(f"[Peer]\nPublicKey = {k}\nAllowedIPs = "
               f"{ip >> 24}.{ip >> 16 & 255}.{ip >> 8 & 255}.{ip & 255}/32\n")
sys.stdout.write("\n".join(out))
PY

# ms_since T0: milliseconds from T0 (date +%s.%N) to now.
ms_since() {
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
}

many_peers() {
	local impl=$1 t0 took rc max sent got peers rss show
	stress_tunnel "$impl"
	_t_report $((! $?)) "$impl: tunnel up before"
	ping_bg b "$T_DIR/ping" -n -i 0.01 -W 5 "$IN4_A"
	sleep 0.5
	t0=$(date +%s.%N)
	at a wg addconf "$IA" "$T_DIR/peers.conf" >"$T_DIR/addconf.err" 2>&1
	rc=$?
	took=$(ms_since "$t0")
	sleep 1
	kill -INT "$PING_PID"
	wait "$PING_PID"
	max=$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$T_DIR/ping" | sort -g | tail -1)
	read -r sent got <<<"$(awk '/packets transmitted/ { print $1, $4 }' "$T_DIR/ping")"
	figure "$impl: wg addconf of $PEERS peers took $took ms, exit $rc" \
		"$([ "$rc" = 0 ] || tail -n 3 "$LOG_A" "$T_DIR/addconf.err" | grep -v '^==>' |
			grep -m1 . | cut -c1-120)"
	figure "$impl: pings every 10 ms meanwhile: $got of $sent answered, max RTT ${max:-?} ms"
	goal "$impl, ping max RTT during a $PEERS-peer addconf" "${max:-none}" "<=" 50 ms
	t0=$(date +%s.%N)
	peers=$(at a wg show "$IA" peers | wc -l)
	show=$(ms_since "$t0")
	rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$PID_A/status")
	figure "$impl: $peers peers after; RSS $rss MiB" \
		"($(awk -v r="$rss" -v n="$peers" 'BEGIN { printf "%.2f", r * 1024 / n }') KiB a peer);" \
		"wg show of them all took $show ms"
	if [ "$impl" = warrend ]; then
		assert_eq $((PEERS + 1)) "$peers" "$impl: all $PEERS peers added beside b"
	fi
	assert_tunnel "$impl, with $peers peers" "$impl"
}

# million_peers: wg setconf of b (so the tunnel stays) and BIG more peers
# into warrend, while b pings a. Goal (issue 12): RSS <= 1.5 GiB, traffic
# not stalled.
million_peers() {
	local t0 took rc max sent got peers rss
	stress_tunnel warrend
	{
		printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\n\n' "$KEY_A"
		printf '[Peer]\nPublicKey = %s\nEndpoint = %s:51821\nAllowedIPs = %s/32\n\n' \
			"$PUB_B" "$OUT4_B" "$IN4_B"
		python3 - "$BIG" <<'PY'
import base64, os, sys
n = int(sys.argv[1])
keys = os.urandom(32 * n)
w = sys.stdout.write
for i in range(n):
    ip = (100 << 24 | 64 << 16) + i
    w("[Peer]\nPublicKey = %s\nAllowedIPs = %d.%d.%d.%d/32\n\n" % (
        base64.b64encode(keys[32 * i:32 * i + 32]).decode(),
        ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255))
PY
	} >"$T_DIR/big.conf"
	ping_bg b "$T_DIR/ping" -n -i 0.01 -W 5 "$IN4_A"
	sleep 0.5
	t0=$(date +%s.%N)
	at a wg setconf "$IA" "$T_DIR/big.conf" >"$T_DIR/setconf.err" 2>&1
	rc=$?
	took=$(ms_since "$t0")
	sleep 1
	kill -INT "$PING_PID"
	wait "$PING_PID"
	rm -f "$T_DIR/big.conf"
	max=$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$T_DIR/ping" | sort -g | tail -1)
	read -r sent got <<<"$(awk '/packets transmitted/ { print $1, $4 }' "$T_DIR/ping")"
	rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$PID_A/status")
	peers=$(at a wg show "$IA" peers | wc -l)
	figure "warrend: wg setconf of $BIG peers took $took ms, exit $rc;" \
		"pings every 10 ms meanwhile: $got of $sent answered, max RTT ${max:-?} ms"
	figure "warrend: $peers peers after; RSS $rss MiB"
	goal "warrend, RSS after a $BIG-peer setconf" "$rss" "<=" 1536 MiB
	goal "warrend, ping max RTT during a $BIG-peer setconf" "${max:-none}" "<=" 50 ms
	assert_eq $((BIG + 1)) "$peers" "warrend: all $BIG peers set beside b"
	assert_tunnel "warrend, with $peers peers" warrend
}

for impl in "${IMPLS[@]}"; do
	many_peers "$impl"
done
quick || million_peers
stop_daemons
t_done
