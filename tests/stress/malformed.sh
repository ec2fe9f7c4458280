#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Case 4: malformed datagrams against the running daemon's port. From ns c,
# flood's junk mode sends every shape a responder must drop (empty, shorter
# than a type, types 1-3 of the wrong size, short data messages, data for
# indices nobody holds, handshakes of the right size with random content,
# unknown types and reserved bytes set, oversized up to 65507 bytes,
# valid-mac1 initiations one byte short or long) to a over IPv4 and IPv6.
#
#   ns c: flood junk ==> eth1 (v4 + v6) | ns a: daemon wga$$ <== tunnel ==> ns b
#
# Correctness: the daemons live and the tunnel carries data afterwards.
# Figures: how many were sent.
# shellcheck source=tests/stress/stress_lib.sh
source "$(dirname "$0")/stress_lib.sh"
require_stress

RATE=20000 SECS=3
quick && SECS=1

junk() {
	local impl=$1 out4 out6 n4 n6
	stress_tunnel "$impl"
	_t_report $((! $?)) "$impl: tunnel up before"
	out4=$(at c "$FLOOD" "$OUT4_CA" 51820 junk "$RATE" "$SECS" "$PUB_A")
	out6=$(at c "$FLOOD" "$OUT6_CA" 51820 junk "$RATE" "$SECS" "$PUB_A")
	n4=$(sed -n 's/^sent=\([0-9]*\).*/\1/p' <<<"$out4")
	n6=$(sed -n 's/^sent=\([0-9]*\).*/\1/p' <<<"$out6")
	figure "$impl: ${n4:-?} malformed datagrams over IPv4 and ${n6:-?} over IPv6 at $RATE/s"
	[ "${n4:-0}" -gt 1000 ] && [ "${n6:-0}" -gt 1000 ]
	_t_report $((! $?)) "$impl: thousands of malformed datagrams sent"
	assert_tunnel "$impl, after them" "$impl"
}

for impl in "${IMPLS[@]}"; do
	junk "$impl"
done
stop_daemons
t_done
