#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Two namespaces, each brought up by `warren up` from its own wg-quick
# config; ping over IPv4 and IPv6 inside the tunnel, with IPv4 outside
# towards b and IPv6 outside towards a; then `warren down` on both.
#
#   ns a                                        ns b
#   IA 10.76.0.1/24 fd76::1/64                  IB 10.76.0.2/24 fd76::2/64
#   (warren up, daemon)                         (warren up, daemon)
#   eth0 192.168.76.1/24 fd00:76::1/64 --veth-- eth0 192.168.76.2/24 fd00:76::2/64
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd ping

ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 192.168.76.1/24 dev eth0
at b ip addr add 192.168.76.2/24 dev eth0
at a ip addr add fd00:76::1/64 dev eth0 nodad
at b ip addr add fd00:76::2/64 dev eth0 nodad
# the MTU wg-quick would pick: a's link MTU, b's route MTU, minus 80
at a ip link set eth0 mtu 1400
at b ip route add fd00:76::1/128 dev eth0 mtu 1380
up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey)
cat >"$T_DIR/$IA.conf" <<EOF2
[Interface]
PrivateKey = $KA
ListenPort = 51761
Address = 10.76.0.1/24, fd76::1/64

[Peer]
PublicKey = $(echo "$KB" | wg pubkey)
AllowedIPs = 10.76.0.2/32, fd76::2/128
Endpoint = 192.168.76.2:51762
EOF2
cat >"$T_DIR/$IB.conf" <<EOF2
[Interface]
PrivateKey = $KB
ListenPort = 51762
Address = 10.76.0.2/24, fd76::2/64

[Peer]
PublicKey = $(echo "$KA" | wg pubkey)
AllowedIPs = 10.76.0.1/32, fd76::1/128
Endpoint = [fd00:76::1]:51761
EOF2
chmod 600 "$T_DIR"/*.conf

# 1-2
assert_ok "warren up in a" at a "$WARREN" up "$T_DIR/$IA.conf"
assert_ok "warren up in b" at b "$WARREN" up "$T_DIR/$IB.conf"
# 3-4: MTU from the route to the endpoint
assert_eq 1320 "$(at a cat /sys/class/net/"$IA"/mtu)" "MTU: the endpoint route's link MTU - 80"
assert_eq 1300 "$(at b cat /sys/class/net/"$IB"/mtu)" "MTU: the endpoint route's mtu - 80"
# 5-8
assert_ok "ping a -> b over IPv4 inside" at a ping -c 2 -i 0.2 -W 2 10.76.0.2
assert_ok "ping b -> a over IPv6 inside" at b ping -6 -c 2 -i 0.2 -W 2 fd76::1
assert_ok "ping a -> b over IPv6 inside" at a ping -6 -c 2 -i 0.2 -W 2 fd76::2
assert_ok "ping b -> a over IPv4 inside" at b ping -c 2 -i 0.2 -W 2 10.76.0.1
# 9-10: both sides saw the handshake and counted bytes
for side in a:"$IA" b:"$IB"; do
	ns=${side%%:*} ifname=${side#*:}
	read -r _ _ _ _ hs rx tx _ < <(at "$ns" wg show "$ifname" dump | tail -n1)
	assert_ok "$ifname: handshake and bytes both ways" [ "$hs" -gt 0 -a "$rx" -gt 0 -a "$tx" -gt 0 ]
done
# 11-18
assert_ok "warren down in a" at a "$WARREN" down "$T_DIR/$IA.conf"
assert_ok "warren down in b" at b "$WARREN" down "$T_DIR/$IB.conf"
nothing_left a "$IA" "a"
nothing_left b "$IB" "b"

t_done
