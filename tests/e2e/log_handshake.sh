#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warrend's log of handshakes at the info level (LOG_LEVEL=info, as
# warren@.service sets it; warrend's own default is wireguard-go's, errors
# only), peers named as
# wireguard-go names them: peer(abcd…wxyz), the first and last four
# characters of the base64 key `wg show' prints. Its stderr is a file here,
# not a terminal, so each line starts with its syslog priority (<6>), as
# journald reads it.
#
#   ns a: warrend -f IA ---- peer B: warrend in ns b, answers
#     |                 |--- peer C: endpoint 192.168.83.9, an address no
#     |                 |    host has: whatever is sent there is dropped
#     |                 \--- peer D: endpoint 203.0.113.7, no route to it
#   eth0 192.168.83.1        in a: the kernel refuses every send
#     |
#   ns b: warrend -f IB, eth0 192.168.83.2
#
# The engine gives up on C after its first initiation and 19
# retransmissions 5 s apart (REKEY_ATTEMPT_TIME, 90 s): this test waits
# for that, about 95 s, started by one ping to C.
source "$(dirname "$0")/up_lib.sh"
require_up

ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 192.168.83.1/24 dev eth0
at b ip addr add 192.168.83.2/24 dev eth0
up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey) KC=$(wg genkey) KD=$(wg genkey)
PUB_A=$(wg pubkey <<<"$KA") PUB_B=$(wg pubkey <<<"$KB") PUB_C=$(wg pubkey <<<"$KC")
PUB_D=$(wg pubkey <<<"$KD")
name() { printf 'peer(%s…%s)' "${1:0:4}" "${1:39:4}"; }

bg a env LOG_LEVEL=info "$WARREND" -f "$IA"
LOG_A=$BG_LOG
bg b env LOG_LEVEL=info "$WARREND" -f "$IB"
wait_for 10 test -S "/var/run/wireguard/$IA.sock" -a -S "/var/run/wireguard/$IB.sock"
at a wg set "$IA" private-key <(echo "$KA") listen-port 51831 \
	peer "$PUB_B" endpoint 192.168.83.2:51832 allowed-ips 10.83.0.2/32 persistent-keepalive 1 \
	peer "$PUB_C" endpoint 192.168.83.9:51833 allowed-ips 10.83.0.3/32 \
	peer "$PUB_D" endpoint 203.0.113.7:51834 allowed-ips 10.83.0.4/32
at b wg set "$IB" private-key <(echo "$KB") listen-port 51832 \
	peer "$PUB_A" allowed-ips 10.83.0.1/32
at a ip addr add 10.83.0.1/24 dev "$IA"
at a ip link set "$IA" up
at b ip link set "$IB" up
# One packet for C starts its handshake, retried until the engine gives up
# (a persistent keepalive would start a fresh one every second, forever).
at a ping -c 1 -W 1 10.83.0.3 >/dev/null
# And one for D, whose initiation the kernel refuses (no route).
at a ping -c 1 -W 1 10.83.0.4 >/dev/null

# 1: B answers
assert_ok "1: <6>(IA) $(name "$PUB_B") - Handshake completed" \
	wait_for 15 grep -qF "<6>($IA) $(name "$PUB_B") - Handshake completed" "$LOG_A"
# 1b: each initiation is logged as it leaves, and each retry with its try
assert_ok "1b: <6>(IA) $(name "$PUB_B") - Sending handshake initiation" \
	grep -qF "<6>($IA) $(name "$PUB_B") - Sending handshake initiation" "$LOG_A"
assert_ok "1c: <6>(IA) $(name "$PUB_C") - Handshake did not complete after 5 seconds, retrying (try 2)" \
	wait_for 15 grep -qF \
	"<6>($IA) $(name "$PUB_C") - Handshake did not complete after 5 seconds, retrying (try 2)" "$LOG_A"
# 1d: a peer the kernel cannot send to is named, with the kernel's reason
assert_ok "1d: <3>(IA) $(name "$PUB_D") - Failed to send handshake initiation: Network is unreachable" \
	wait_for 10 grep -qF \
	"<3>($IA) $(name "$PUB_D") - Failed to send handshake initiation: Network is unreachable" "$LOG_A"
# 2: C never does: the engine's count, after REKEY_ATTEMPT_TIME
assert_ok "2: <6>(IA) $(name "$PUB_C") - Handshake did not complete after 20 attempts, giving up" \
	wait_for 110 grep -qF \
	"<6>($IA) $(name "$PUB_C") - Handshake did not complete after 20 attempts, giving up" "$LOG_A"
# 3: nothing names B as failing, nor any peer by a hex prefix
assert_fail "3: B never failed" grep -qF "$(name "$PUB_B") - Handshake did not complete after 20" "$LOG_A"
assert_fail "4: no hex-prefix peer names left" grep -Eq "peer [0-9a-f]{8}\.\.\." "$LOG_A"
[ "$T_FAIL" = 0 ] || sed 's/^/#   log: /' "$LOG_A"
t_done
