#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Configuration never freezes traffic (issue 12 item 2): while b pings a
# every 10 ms through the tunnel, `wg addconf` gives a 50,000 more peers and
# `wg show` lists them. warrend applies the set and writes the get in
# slices between the datapath's rounds; before, the whole set ran at once
# and the tunnel stood still for seconds. Meanwhile other `wg show`s see the
# set whole or not at all (it is atomic as seen from the UAPI).
#
#   ns a: warrend wga$$ <-- wg addconf (50k peers), wg show
#     ^ tunnel 10.241.0.0/24
#   ns b: warrend wgb$$, ping -i 0.01 10.241.0.1
#
# The bound on the ping's maximum RTT is generous (500 ms; the goal in
# tests/stress/peers_100k.sh is 50 ms at 100k peers): a loaded machine
# must not fail it, a set applied whole does.
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd python3

PEERS=50000
BOUND_MS=500

tunnel_setup warrend warrend
peers_fresh 4
wait_for 10 pings b "$IN4_A" 1 || { echo "FATAL: no tunnel" >&2; exit 1; }

python3 - "$PEERS" >"$T_DIR/peers.conf" <<'PY'
import base64, os, sys
n = int(sys.argv[1])
keys = os.urandom(32 * n)
for i in range(n):
    k = base64.b64encode(keys[32 * i:32 * i + 32]).decode()
    ip = (100 << 24 | 64 << 16) + i
    print(f"[Peer]\nPublicKey = {k}\nAllowedIPs = "
          f"{ip >> 24}.{ip >> 16 & 255}.{ip >> 8 & 255}.{ip & 255}/32\n")
PY

# max_rtt FILE: the largest time= of a ping's output, in whole ms.
max_rtt() {
	sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$1" | sort -g | tail -1 | cut -d. -f1
}

# ip netns exec execs ping: the SIGINT below reaches it, and it prints its summary.
ip netns exec "$NS_b" ping -n -i 0.01 -W 5 "$IN4_A" >"$T_DIR/ping" 2>&1 &
PING=$!
sleep 0.5
# Readers while the set is applied: each sees 1 peer (b) or all of them.
(
	while [ ! -e "$T_DIR/done" ]; do
		at a wg show "$IA" peers | wc -l
		sleep 0.05
	done
) >"$T_DIR/seen" 2>&1 &
READER=$!
t0=$(date +%s%N)
at a wg addconf "$IA" "$T_DIR/peers.conf"
rc=$?
t1=$(date +%s%N)
touch "$T_DIR/done"
wait "$READER"
n=$(at a wg show "$IA" peers | wc -l)
t2=$(date +%s%N)
sleep 0.3
kill -INT "$PING"
wait "$PING"

echo "# addconf of $PEERS peers: $(((t1 - t0) / 1000000)) ms; wg show of them: $(((t2 - t1) / 1000000)) ms"
echo "# pings every 10 ms meanwhile: $(grep 'packets transmitted' "$T_DIR/ping")"
max=$(max_rtt "$T_DIR/ping")
echo "# max RTT ${max:-none} ms (bound $BOUND_MS ms)"
assert_eq 0 "$rc" "wg addconf of $PEERS peers succeeds"
assert_eq $((PEERS + 1)) "$n" "all $PEERS peers are there, beside b"
assert_ok "ping max RTT during the addconf and the show is below $BOUND_MS ms (${max:-none} ms)" \
	test "${max:-999999}" -lt "$BOUND_MS"
# wg show's own lines: 1 or PEERS+1, nothing in between.
assert_eq "" "$(grep -vx -e 1 -e $((PEERS + 1)) "$T_DIR/seen" | sort -u | head -3)" \
	"concurrent wg show saw the set whole or not at all ($(sort -u "$T_DIR/seen" | tr '\n' ' '))"
assert_ok "the tunnel still carries pings" pings b "$IN4_A" 3
t_done
