#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# No peer can starve another's handshake (issue 12, item 1): warrend in a
# has four more peers whose endpoints (ports 51901-51904 on b) drop
# everything. 200 pings to each of them fill their staging, then a ping
# to b, reachable, must start a session and get through within 2 s; again
# while pings to the four go on steadily for more than a REKEY_TIMEOUT.
#
#   ns a: warrend wga$$                            ns b: warrend wgb$$
#     10.241.0.1 ----------- veth --------------->   10.241.0.2 (:51821)
#     10.242.1-4.0/24 via wga$$ -> b:51901-51904     nft: udp dport 51901-51904 drop
#
# Under the old rule (a staging cap of 512 over all peers; a full cap
# dropped a new peer's packet and sent no initiation) the ping to b failed
# for some 100 s.
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd nft socat

SILENT=4

tunnel_setup warrend warrend
at b nft -f - <<'EOF'
table inet blackhole {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 51901-51904 drop
	}
}
EOF
for k in $(seq "$SILENT"); do
	at a wg set "$IA" peer "$(wg pubkey <<<"$(wg genkey)")" \
		endpoint "$OUT4_B:$((51900 + k))" allowed-ips "10.242.$k.0/24"
done
at a ip route add 10.242.0.0/16 dev "$IA"

# get NAME: a device-wide counter of a's UAPI get (0 when absent).
get() {
	at a sh -c "printf 'get=1\n\n' | socat - UNIX-CONNECT:/var/run/wireguard/$IA.sock" |
		sed -n "s/^$1=//p" | head -1 | grep . || echo 0
}

# silent_pings COUNT INTERVAL: COUNT pings to each silent peer, all at once.
silent_pings() {
	local k pids=()
	for k in $(seq "$SILENT"); do
		at a ping -q -n -c "$1" -i "$2" -W 0.01 "10.242.$k.1" >/dev/null 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
}

# reachable WHAT: a ping to b gets its answer within 2 s (one echo request).
reachable() {
	local t0
	t0=$(date +%s%N)
	assert_ok "$1: ping to the reachable peer within 2 s" \
		at a ping -q -n -c 1 -W 2 "$IN4_B"
	echo "# $1: $((($(date +%s%N) - t0) / 1000000)) ms"
}

peers_fresh 4
silent_pings 200 0.002
overflow=$(get drop_staged_overflow)
[ "$overflow" -ge $((SILENT * (200 - 128))) ]
_t_report $((! $?)) "each silent peer stages at most 128 of its 200 (staged_overflow $overflow)"
reachable "after 200 packets to each of $SILENT silent peers"
evicted=$(get drop_staged_evicted)
[ "$evicted" -ge 1 ]
_t_report $((! $?)) "the reachable peer's packet pushed out a silent peer's (staged_evicted $evicted)"
at a env WG_COLOR_MODE=never "$WARREN" show "$IA" | grep -q "^  drop staged evicted: $evicted\$"
_t_report $((! $?)) "warren show lists it: drop staged evicted: $evicted"

# Steady: 100 pings/s to each silent peer for 7 s, b's session new at 6 s.
peers_fresh 4
silent_pings 700 0.01 &
steady=$!
sleep 6
reachable "with steady traffic to $SILENT silent peers for 6 s"
wait "$steady"
t_done
