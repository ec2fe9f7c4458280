#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The stock `wg` reconfigures warrend live and traffic follows every change:
# adding a peer, changing and moving allowed IPs, removing a peer, replacing
# the peers (setconf), addconf, the showconf | setconf round trip, syncconf;
# persistent keepalive; a peer with the wrong key gets nothing through;
# fwmark; rebinding the listen port;
# roaming (a new outer address is learnt, a forged datagram moves nothing).
#
#   ns a: warrend wga$$  ns b: warrend wgb$$  ns c: warrend wgc$$
#       eth0 ----------------- eth0 ---------------- eth0
#                 bridge br0 in ns s, 192.168.241.0/24 and fd00:241::/64
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat

ns_new a
ns_new b
ns_new c
ns_new s
at s ip link add br0 type bridge
at s ip link set br0 up
for h in a b c; do
	veth "$h" eth0 s "p$h"
	at s ip link set "p$h" master br0
done
add_outer a "$OUT4_A" "$OUT6_A"
add_outer b "$OUT4_B" "$OUT6_B"
add_outer c "$OUT4_C" "$OUT6_C"
for h in A B C; do
	k=$(wg genkey)
	printf -v "KEY_$h" '%s' "$k"
	printf -v "PUB_$h" '%s' "$(wg pubkey <<<"$k")"
	echo "$k" >"$T_DIR/key_$h"
done
start_daemon a warrend "$IA"
start_daemon b warrend "$IB"
start_daemon c warrend "$IC"
add_inner a "$IA" "$IN4_A" "$IN6_A"
add_inner b "$IB" "$IN4_B" "$IN6_B"
add_inner c "$IC" "$IN4_C" "$IN6_C"
at a wg set "$IA" private-key "$T_DIR/key_A" listen-port 51820
at b wg set "$IB" private-key "$T_DIR/key_B" listen-port 51821 \
	peer "$PUB_A" allowed-ips "$IN4_A/32,$IN6_A/128" endpoint "$OUT4_A:51820"
at c wg set "$IC" private-key "$T_DIR/key_C" listen-port 51822 \
	peer "$PUB_A" allowed-ips "$IN4_A/32,$IN6_A/128" endpoint "$OUT4_A:51820"

no_ping() { ! at "$1" ping -q -c 1 -W 1 "$2" >/dev/null 2>&1; }
peers() { at a wg show "$IA" peers | sort | tr '\n' ' '; }

# 1: one peer
at a wg set "$IA" peer "$PUB_B" allowed-ips "$IN4_B/32,$IN6_B/128" endpoint "$OUT4_B:51821"
assert_ok "a -> b with one peer" pings a "$IN4_B"

# 2: add a peer
at a wg set "$IA" peer "$PUB_C" allowed-ips "$IN4_C/32,$IN6_C/128" endpoint "$OUT4_C:51822"
assert_ok "add peer c: a -> c" pings a "$IN4_C"
assert_ok "add peer c: a -> b still" pings a "$IN6_B"

# 3: change allowed IPs, move a prefix to another peer and back
at a wg set "$IA" peer "$PUB_B" allowed-ips "$IN6_B/128"
assert_eq "$IN6_B/128" "$(at a wg show "$IA" allowed-ips | awk -v p="$PUB_B" '$1 == p { print $2 }')" \
	"allowed-ips of b replaced"
assert_ok "b's IPv4 gone from its allowed IPs: a -> b over IPv4 fails" no_ping a "$IN4_B"
assert_ok "b's IPv6 kept: a -> b over IPv6" pings a "$IN6_B"
at a wg set "$IA" peer "$PUB_C" allowed-ips "$IN4_C/32,$IN6_C/128,$IN4_B/32"
assert_ok "b's IPv4 address routed to c: no answer" no_ping a "$IN4_B"
at a wg set "$IA" peer "$PUB_B" allowed-ips "$IN4_B/32,$IN6_B/128"
assert_ok "b's IPv4 address moved back to b: a -> b" pings a "$IN4_B"
assert_eq "$IN4_C/32 $IN6_C/128" \
	"$(at a wg show "$IA" allowed-ips | awk -v p="$PUB_C" '$1 == p { $1 = ""; print substr($0, 2) }')" \
	"moving the prefix took it from c"

# 4: remove a peer
at a wg set "$IA" peer "$PUB_C" remove
assert_eq "$PUB_B " "$(peers)" "peer c removed"
assert_ok "peer c removed: a -> c fails" no_ping a "$IN4_C"
assert_ok "peer c removed: a -> b still" pings a "$IN4_B"

# 5: replace the peers with setconf
cat >"$T_DIR/only_c.conf" <<CONF
[Interface]
PrivateKey = $KEY_A
ListenPort = 51820

[Peer]
PublicKey = $PUB_C
AllowedIPs = $IN4_C/32, $IN6_C/128
Endpoint = $OUT4_C:51822
CONF
assert_ok "wg setconf" at a wg setconf "$IA" "$T_DIR/only_c.conf"
assert_eq "$PUB_C " "$(peers)" "setconf replaced the peers"
assert_ok "setconf: a -> c" pings a "$IN6_C"
assert_ok "setconf: a -> b fails" no_ping a "$IN4_B"

# 6: addconf, then the showconf | setconf round trip
cat >"$T_DIR/b.conf" <<CONF
[Peer]
PublicKey = $PUB_B
AllowedIPs = $IN4_B/32, $IN6_B/128
Endpoint = $OUT4_B:51821
PersistentKeepalive = 0
CONF
assert_ok "wg addconf" at a wg addconf "$IA" "$T_DIR/b.conf"
assert_eq "$(sort <<<"$PUB_B"$'\n'"$PUB_C" | tr '\n' ' ')" "$(peers)" "addconf added b"
at a wg showconf "$IA" >"$T_DIR/show1.conf"
assert_ok "wg setconf of wg showconf" at a wg setconf "$IA" "$T_DIR/show1.conf"
at a wg showconf "$IA" >"$T_DIR/show2.conf"
assert_eq "$(cat "$T_DIR/show1.conf")" "$(cat "$T_DIR/show2.conf")" "showconf | setconf round trip"
assert_ok "after the round trip: a -> b" pings a "$IN4_B"
assert_ok "after the round trip: a -> c" pings a "$IN4_C"

# 7: syncconf keeps b's session, drops c
hs=$(at a wg show "$IA" latest-handshakes | awk -v p="$PUB_B" '$1 == p { print $2 }')
cat "$T_DIR/only_c.conf" | sed "s|$PUB_C|$PUB_B|; s|$IN4_C/32, $IN6_C/128|$IN4_B/32, $IN6_B/128|; s|$OUT4_C:51822|$OUT4_B:51821|" \
	>"$T_DIR/only_b.conf"
assert_ok "wg syncconf" at a wg syncconf "$IA" "$T_DIR/only_b.conf"
assert_eq "$PUB_B " "$(peers)" "syncconf left only b"
assert_eq "$hs" "$(at a wg show "$IA" latest-handshakes | awk '{ print $2 }')" \
	"syncconf kept b's session"
assert_ok "after syncconf: a -> b" pings a "$IN4_B"

# 8: persistent keepalive: keepalives (32 bytes) arrive without traffic
rx0=$(transfer a "$IA" 2)
at b wg set "$IB" peer "$PUB_A" persistent-keepalive 1
sleep 2.5
rx1=$(transfer a "$IA" 2)
[ $((rx1 - rx0)) -ge 64 ] && [ $(((rx1 - rx0) % 32)) = 0 ]
_t_report $((! $?)) "persistent keepalive 1: keepalives arrive (+$((rx1 - rx0)) bytes in 2.5 s)"
assert_ok "wg show reports the keepalive" \
	bash -c "ip netns exec $NS_b wg show $IB | grep -q 'persistent keepalive: every 1 second'"
at b wg set "$IB" peer "$PUB_A" persistent-keepalive 0

# 9: a peer with the wrong key: c believes a has another key
at a wg set "$IA" peer "$PUB_C" allowed-ips "$IN4_C/32,$IN6_C/128" endpoint "$OUT4_C:51822"
at c wg set "$IC" peer "$PUB_A" remove
WRONG=$(wg genkey | wg pubkey)
at c wg set "$IC" peer "$WRONG" allowed-ips "$IN4_A/32,$IN6_A/128" endpoint "$OUT4_A:51820"
assert_ok "wrong key: c -> a gets nothing through" no_ping c "$IN4_A"
assert_ok "wrong key: a -> c gets nothing through" no_ping a "$IN4_C"
assert_eq "0 0" "$(at a wg show "$IA" latest-handshakes | awk -v p="$PUB_C" '$1 == p { print $2 }') $(at a wg show "$IA" transfer | awk -v p="$PUB_C" '$1 == p { print $2 }')" \
	"wrong key: no handshake with c and nothing received from it"
assert_ok "wrong key: a -> b unaffected" pings a "$IN4_B"
assert_ok "wrong key: a counts c's initiations as drop_handshake_mac in its get" \
	bash -c "printf 'get=1\n\n' | ip netns exec $NS_a socat -t 1 - UNIX-CONNECT:/var/run/wireguard/$IA.sock |
		grep -q '^drop_handshake_mac=[1-9]'"

# 10: fwmark: a's outer datagrams follow the rules for their mark
at a ip rule add fwmark 0x42 lookup 100 pref 10
at a ip route add unreachable default table 100
at a ip -6 route add unreachable default table 100
at a wg set "$IA" fwmark 0x42
assert_eq "0x42" "$(at a wg show "$IA" fwmark)" "fwmark: wg show reports it"
assert_ok "fwmark 0x42 routed to an unreachable table: a -> b fails" no_ping a "$IN4_B"
at a wg set "$IA" fwmark 0
assert_eq "off" "$(at a wg show "$IA" fwmark)" "fwmark off: wg show reports it"
assert_ok "fwmark off: a -> b again" pings a "$IN4_B"

# 11: listen port: rebinding moves a, b follows; a port in use is refused
at a wg set "$IA" listen-port 51840
assert_eq "51840" "$(at a wg show "$IA" listen-port)" "listen-port changed"
assert_ok "after rebinding: a -> b" pings a "$IN4_B"
assert_eq "$OUT4_A:51840" "$(at b wg show "$IB" endpoints | cut -f2)" "b follows a to its new port"
at a socat -u UDP-RECV:51850 /dev/null &
wait_for 10 listening a udp 51850
assert_fail "listen-port taken by another socket is refused" at a wg set "$IA" listen-port 51850
kill %% 2>/dev/null
assert_eq "51840" "$(at a wg show "$IA" listen-port)" "the refused port left the old one"
assert_ok "after the refused rebind: a -> b" pings a "$IN4_B"

# 12: roaming: a moves to another outer address; b learns it from
# authenticated traffic, and a forged datagram from c does not move it
at a ip addr del "$OUT4_A/24" dev eth0
at a ip addr add 192.168.241.11/24 dev eth0
assert_ok "roaming: a -> b from the new address" pings a "$IN4_B"
assert_eq "192.168.241.11:51840" "$(at b wg show "$IB" endpoints | cut -f2)" "roaming: b learnt a's new endpoint"
assert_ok "roaming: b -> a" pings b "$IN4_A"
printf '\x04\x00\x00\x00\x01\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00%032d' 0 |
	at c socat -u - "UDP:$OUT4_B:51821,sourceport=51820" 2>/dev/null
sleep 0.3
assert_eq "192.168.241.11:51840" "$(at b wg show "$IB" endpoints | cut -f2)" \
	"roaming: a forged datagram from c did not move the endpoint"
assert_ok "roaming: traffic still flows" pings b "$IN4_A"

t_done
