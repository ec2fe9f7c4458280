#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Replayed packets are not delivered: nftables in ns a duplicates every
# datagram that a's warrend sends to b (`dup to`), so b receives each one
# twice; the copies fail the replay window, are counted, and no ping sees a
# duplicate answer.
#
#   ns a: warrend wga$$ --veth (nft dup: every datagram twice)--> ns b: warrend wgb$$
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd nft socat

tunnel_setup warrend warrend
peers_fresh 4
assert_ok "a -> b before the duplication" pings a "$IN4_B"
at a nft -f - <<NFT
table ip dupt {
	chain out {
		type filter hook output priority 0;
		ip daddr $OUT4_B udp dport 51821 dup to $OUT4_B
	}
}
NFT
out=$(at a ping -c 5 -i 0.2 -W 2 "$IN4_B" 2>&1)
assert_ok "a -> b with every datagram sent twice: all answered" grep -q " 0% packet loss" <<<"$out"
assert_fail "no duplicate answer (DUP!)" grep -q "DUP!" <<<"$out"
drops=$(printf 'get=1\n\n' | at b socat -t 1 - "UNIX-CONNECT:/var/run/wireguard/$IB.sock" |
	sed -n 's/^drop_replay=//p' | head -1)
[ "${drops:-0}" -ge 5 ]
_t_report $((! $?)) "b counted the replayed copies (drop_replay=${drops:-0})"
rx=$(transfer b "$IB" 2)
tx=$(transfer a "$IA" 3)
assert_eq "$tx" "$rx" "b's rx counts only the authenticated, first copies (= a's tx)"

t_done
