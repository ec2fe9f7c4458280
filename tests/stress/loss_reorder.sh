#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Case 6: loss and reordering with a relay. relay.py in ns b, on 192.168.241.3,
# stands between the peers: each datagram either way is lost with 1%
# probability, held back 1-3 ms with 5% (later ones overtake it) and sent
# twice with 0.5%. Fresh peers shake hands through it, then MIB MiB go a -> b.
#
#   ns a: wga$$ <==> 192.168.241.3:40000 relay.py :40001 <==> wgb$$ :ns b
#
# Correctness: the handshake completes, the bytes arrive intact (sha256), the
# relay did lose and reorder, the daemons live. Figure: the transfer's time.
# shellcheck source=tests/stress/stress_lib.sh
source "$(dirname "$0")/stress_lib.sh"
require_stress

MIB=64
quick && MIB=16
RELAY=$OUT4_C

lossy() {
	local impl=$1 pid stats
	stress_tunnel "$impl"
	_t_report $((! $?)) "$impl: tunnel up before"
	at b ip addr add "$RELAY/24" dev eth0 2>/dev/null
	ip netns exec "$NS_b" python3 "$STRESS_DIR/relay.py" "$RELAY" 40000 40001 \
		"$OUT4_A:51820" "$OUT4_B:51821" 0.01 0.05 0.005 6 >"$T_DIR/relay.out" 2>&1 &
	pid=$!
	wait_for 5 listening b udp 40001
	at a wg set "$IA" peer "$PUB_B" remove
	at b wg set "$IB" peer "$PUB_A" remove
	at a wg set "$IA" peer "$PUB_B" endpoint "$RELAY:40000" allowed-ips "$IN4_B/32,$IN6_B/128"
	at b wg set "$IB" peer "$PUB_A" endpoint "$RELAY:40001" allowed-ips "$IN4_A/32,$IN6_A/128"
	assert_ok "$impl: fresh peers shake hands through the lossy relay" \
		wait_for 30 pings a "$IN4_B" 1
	send_start lossy a b "$IN4_B" "$MIB"
	send_check lossy 240
	assert_sums "$impl: $MIB MiB a -> b through 1% loss, 5% reordering, 0.5% duplication" \
		"$SEND_SUMS"
	kill "$pid"
	wait "$pid" 2>/dev/null
	stats=$(cat "$T_DIR/relay.out")
	figure "$impl: $MIB MiB took $SEND_SECONDS s" \
		"($(awk -v m="$MIB" -v s="$SEND_SECONDS" 'BEGIN { printf "%.1f", m / s }') MiB/s); relay: $stats"
	[ "$(sed -n 's/.*dropped=\([0-9]*\).*/\1/p' <<<"$stats")" -gt 0 ] &&
		[ "$(sed -n 's/.*delayed=\([0-9]*\).*/\1/p' <<<"$stats")" -gt 0 ]
	_t_report $((! $?)) "$impl: the relay did lose and reorder datagrams"
	alive "$PID_A" && alive "$PID_B"
	_t_report $((! $?)) "$impl: both daemons alive"
}

for impl in "${IMPLS[@]}"; do
	lossy "$impl"
done
stop_daemons
t_done
