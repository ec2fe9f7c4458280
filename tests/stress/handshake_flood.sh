#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Case 1: handshake floods against an established tunnel. From ns c, flood
# sends 148-byte type-1 messages to a's port at rising rates, up to what this
# machine sends (rate 0): first random ones (mac1 wrong), then initiations
# with a valid mac1 for a's public key, from c's one address and then each
# from the next of 65534 addresses of 10.99.0.0/16 (an AnyIP route in c,
# as spoofed sources would come: no per-source limit holds them back).
# Meanwhile b pings a 5 times a second and sends a paced TCP stream
# (1 MiB/s) through the tunnel.
#
#   ns c: flood ==> eth1 | ns a: daemon wga$$ <== tunnel ==> ns b: ping, TCP
#   (10.99.0.0/16 local in c, routed via c in a)
#
# Correctness: the stream arrives intact, cookie replies come only for valid
# mac1, the daemons live and the tunnel works afterwards. Figures per step:
# achieved rate, cookie replies, tunnel loss, RTT avg/max. Goal (issue 12):
# under 167k valid-mac1 initiations/s, loss <= 1% and RTT avg <= 5 ms.
# shellcheck source=tests/stress/stress_lib.sh
source "$(dirname "$0")/stress_lib.sh"
require_stress

if quick; then
	RATES=(167000 0) STEP=3
else
	RATES=(20000 80000 167000 0) STEP=5
fi

SPOOFED=10.99.0.0/16

flood_impl() {
	local impl=$1 kind rate out loss avg max achieved cookies pid
	local -A replies=()
	stress_tunnel "$impl"
	_t_report $((! $?)) "$impl: tunnel up before the floods"
	if ! at c ip route show table local | grep -q "$SPOOFED"; then
		at c ip route add local "$SPOOFED" dev lo
		at a ip route add "$SPOOFED" via "$OUT4_C2"
	fi
	for kind in random mac1 spoofed; do
		replies[$kind]=0
		send_start flood b a "$IN4_A" $((${#RATES[@]} * STEP)) 1048576
		for rate in "${RATES[@]}"; do
			at b ping -n -q -c $((STEP * 5)) -i 0.2 -W 2 "$IN4_A" >"$T_DIR/ping" 2>&1 &
			pid=$!
			if [ "$kind" = spoofed ]; then
				out=$(at c "$FLOOD" "$OUT4_CA" 51820 mac1 "$rate" "$STEP" "$PUB_A" "$SPOOFED")
			else
				out=$(at c "$FLOOD" "$OUT4_CA" 51820 "$kind" "$rate" "$STEP" "$PUB_A")
			fi
			wait "$pid"
			read -r loss avg max <<<"$(ping_summary "$T_DIR/ping")"
			achieved=$(sed -n 's/.* rate=\([0-9]*\).*/\1/p' <<<"$out")
			cookies=$(sed -n 's/.*cookie_replies=\([0-9]*\).*/\1/p' <<<"$out")
			replies[$kind]=$((replies[$kind] + ${cookies:-0}))
			figure "$impl, $kind, asked $([ "$rate" = 0 ] && echo max || echo "$rate")/s:" \
				"sent ${achieved:-?}/s, cookie replies ${cookies:-?};" \
				"tunnel loss $loss%, RTT avg $avg ms, max $max ms"
			if [ "$kind" != random ] && [ "$rate" = 167000 ]; then
				goal "$impl, tunnel loss under ${achieved:-?} valid-mac1 initiations/s ($kind)" \
					"$loss" "<=" 1 %
				goal "$impl, tunnel RTT avg under ${achieved:-?} valid-mac1 initiations/s ($kind)" \
					"$avg" "<=" 5 ms
			fi
		done
		send_check flood 120
		assert_sums "$impl, $kind flood: the TCP stream through it arrived intact" "$SEND_SUMS"
		figure "$impl, $kind flood: the paced stream took $SEND_SECONDS s" \
			"(its pace alone: $((${#RATES[@]} * STEP)) s)"
	done
	assert_eq 0 "${replies[random]}" "$impl: no cookie reply to a wrong mac1"
	[ "${replies[mac1]}" -gt 0 ]
	_t_report $((! $?)) "$impl: valid-mac1 floods drew cookie replies (${replies[mac1]}): mac1 is right"
	[ "${replies[spoofed]}" -gt 0 ]
	_t_report $((! $?)) "$impl: spoofed-source floods drew cookie replies (${replies[spoofed]}): the sources are routed"
	assert_tunnel "$impl, after the floods" "$impl"
}

for impl in "${IMPLS[@]}"; do
	flood_impl "$impl"
done
stop_daemons
t_done
