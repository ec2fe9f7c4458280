#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Case 5: UAPI fuzz against the running daemon. uapi_fuzz.py sends COUNT
# random and mutated requests to a's socket (unknown keys, bad values, lines
# up to 4 MiB, NUL bytes, requests cut short, abandoned or shut), none of
# which may legitimately break the tunnel. Then 100 clients (more than
# warrend's 64 slots) connect and send nothing, and `wg show` is tried
# meanwhile (issue 12 item 5).
#
#   uapi_fuzz.py ==> /var/run/wireguard/wga$$.sock | ns a: daemon <== tunnel ==> ns b
#
# Correctness: after the fuzz `wg show` works, the daemons live, the tunnel
# carries data; once the idle clients leave, `wg show` works again. Figures:
# the replies by errno; whether `wg show` works with 100 idle clients (goal:
# management always gets in).
# shellcheck source=tests/stress/stress_lib.sh
source "$(dirname "$0")/stress_lib.sh"
require_stress

COUNT=500
quick && COUNT=150
IDLE=100
# The same requests every run unless told otherwise.
SEED=${STRESS_SEED:-12}

fuzz() {
	local impl=$1 sock="/var/run/wireguard/$IA.sock" out rc pid opened
	stress_tunnel "$impl"
	_t_report $((! $?)) "$impl: tunnel up before"
	python3 "$STRESS_DIR/uapi_fuzz.py" "$sock" "$COUNT" "$SEED" >"$T_DIR/fuzz.out" 2>&1
	figure "$impl: $COUNT fuzzed requests (seed $SEED); what came back:"
	sed 's/^/#     /' "$T_DIR/fuzz.out"
	assert_ok "$impl: wg show works after the fuzz" timeout 10 ip netns exec "$NS_a" wg show "$IA"
	assert_ok "$impl: b is still a peer" eval "at a wg show $IA peers | grep -qx -- '$PUB_B'"
	assert_tunnel "$impl, after the fuzz" "$impl"

	python3 "$STRESS_DIR/uapi_fuzz.py" "$sock" --idle "$IDLE" >"$T_DIR/idle.out" 2>&1 &
	pid=$!
	wait_for 10 grep -q opened "$T_DIR/idle.out"
	opened=$(sed -n 's/^opened //p' "$T_DIR/idle.out")
	out=$(timeout 5 ip netns exec "$NS_a" wg show "$IA" 2>&1)
	rc=$?
	kill "$pid"
	wait "$pid" 2>/dev/null
	figure "$impl: with ${opened:-?} idle UAPI clients connected: wg show exit $rc" \
		"$([ "$rc" = 0 ] || { [ "$rc" = 124 ] && echo "(timed out after 5 s)"; } ||
			head -1 <<<"$out")"
	echo "# goal: $impl, wg show with $IDLE idle UAPI clients: $([ "$rc" = 0 ] &&
		echo "works: met" || echo "fails: NOT met")"
	assert_ok "$impl: wg show works once the idle clients left" \
		wait_for 5 timeout 5 ip netns exec "$NS_a" wg show "$IA"
	assert_tunnel "$impl, after the idle clients" "$impl"
}

for impl in "${IMPLS[@]}"; do
	fuzz "$impl"
done
stop_daemons
t_done
