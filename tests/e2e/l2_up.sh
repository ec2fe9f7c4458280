#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `warren up` in L2 mode (docs/l2.md, docs/up.md): two hosts whose configs
# say Mode = tap and Bridge = br0; each bridge holds a "VM" joined by veth,
# and the VMs share one Ethernet across the hosts. The L2 keys reach the
# daemon (mode, hub, mac_ageing, allowed and static MACs), the MTU leaves
# room for the Ethernet header, no route is made from AllowedIPs, ARP and
# IPv4 ping pass between the VMs, `warren show` lists the learned MACs,
# SaveConfig keeps the L2 keys, and `warren down` leaves no device, socket
# or daemon.
#
#   va 10.78.0.1 (02:00:00:78:00:01)       vb 10.78.0.2 (02:00:00:78:00:02)
#     | veth                                 | veth
#   a: br0 + IA (warren up, TAP)           b: br0 + IB (warren up, TAP)
#     eth0 192.168.78.1 ---------- veth ---- eth0 192.168.78.2
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd ping socat

MACA=02:00:00:78:00:01
MACB=02:00:00:78:00:02
ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 192.168.78.1/24 dev eth0
at b ip addr add 192.168.78.2/24 dev eth0
for h in a b; do
	ns_new "v$h"
	at "$h" ip link add br0 type bridge
	at "$h" ip link set br0 up
	veth "v$h" eth0 "$h" vm
	at "$h" ip link set vm master br0
	at "$h" ip link set vm mtu 1404
	at "v$h" ip link set eth0 mtu 1404
done
at va ip link set eth0 address "$MACA"
at vb ip link set eth0 address "$MACB"
at va ip addr add 10.78.0.1/24 dev eth0
at vb ip addr add 10.78.0.2/24 dev eth0

up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey)
cat >"$T_DIR/$IA.conf" <<EOF2
[Interface]
PrivateKey = $KA
ListenPort = 51781
Mode = tap
Bridge = br0
MACAgeing = 120
Hub = false
SaveConfig = true

[Peer]
PublicKey = $(echo "$KB" | wg pubkey)
AllowedIPs = 10.99.0.0/16
Endpoint = 192.168.78.2:51782
AllowedMACs = $MACB, 02:00:00:79:00:00/32
EOF2
cat >"$T_DIR/$IB.conf" <<EOF2
[Interface]
PrivateKey = $KB
ListenPort = 51782
Mode = tap
Bridge = br0
Hub = true

[Peer]
PublicKey = $(echo "$KA" | wg pubkey)
Endpoint = 192.168.78.1:51781
StaticMACs = $MACA
EOF2
chmod 600 "$T_DIR"/*.conf

uapi_get() { # NS IFNAME
	at "$1" sh -c "printf 'get=1\n\n' | socat - UNIX-CONNECT:/var/run/wireguard/$2.sock"
}

# 1-2
# b first: a's TAP device sends its first frames (DAD, MLD) the moment it
# comes up, and the initiation they start must find b listening, or the
# retry waits 5 s.
assert_ok "warren up (Mode = tap) in b" at b "$WARREN" up "$T_DIR/$IB.conf"
assert_ok "warren up (Mode = tap) in a" at a "$WARREN" up "$T_DIR/$IA.conf"
# 3-6: a TAP device, in the bridge, with the L2 MTU (1500 - 96)
assert_ok "$IA is a TAP device" [ "$(at a cat /sys/class/net/"$IA"/type)" = 1 -a \
	-n "$(at a ip -d link show dev "$IA" | grep -o 'tun type tap')" ]
assert_eq br0 "$(basename "$(at a readlink /sys/class/net/"$IA"/master)")" "$IA is in br0"
assert_eq br0 "$(basename "$(at b readlink /sys/class/net/"$IB"/master)")" "$IB is in br0"
assert_eq 1500 "$(at a cat /sys/class/net/"$IA"/mtu)" "L2 MTU: Ethernet's 1500, whatever the route"
# 7-12: the L2 keys reached the daemons
ga=$(uapi_get a "$IA") gb=$(uapi_get b "$IB")
assert_eq "mode=tap hub=false mac_ageing=120" "$(grep -E '^(mode|hub|mac_ageing)=' <<<"$ga" | tr '\n' ' ' | sed 's/ $//')" \
	"a: mode, hub and MAC ageing from the config"
assert_eq "mode=tap hub=true" "$(grep -E '^(mode|hub)=' <<<"$gb" | tr '\n' ' ' | sed 's/ $//')" \
	"b: mode and hub from the config"
assert_eq "allowed_mac=$MACB/48 allowed_mac=02:00:00:79:00:00/32" \
	"$(grep '^allowed_mac=' <<<"$ga" | tr '\n' ' ' | sed 's/ $//')" "a: the peer's AllowedMACs"
assert_ok "b: the peer's StaticMACs entry" [ -n "$(grep "^mac=$MACA,.*,static$" <<<"$gb")" ]
# No routes from AllowedIPs in L2 mode.
assert_eq "" "$(at a ip route show dev "$IA")" "a: no route through $IA (AllowedIPs mean nothing in L2)"
assert_eq "" "$(at a ip route show table all | grep 10.99.)" "a: no route for 10.99.0.0/16 in any table"
# 13-15: the VMs on one Ethernet
assert_ok "va -> vb: IPv4 ping (ARP across hosts)" at va ping -c 3 -i 0.2 -W 2 10.78.0.2
assert_ok "vb -> va: IPv4 ping" at vb ping -c 2 -i 0.2 -W 2 10.78.0.1
assert_eq "$MACB" "$(at va ip neigh show 10.78.0.2 | grep -o "$MACB")" "va resolved vb's MAC by ARP"

# 16-21: warren show lists the learned MACs under the peer, and -j too
show_a=$(at a "$WARREN" show "$IA")
echo "$show_a" | sed 's/^/# /'
assert_ok "show a: vb's MAC learned under the peer with age and counts" \
	[ -n "$(grep -E "^  macs: $MACB \((now|[0-9]+ s ago), rx [1-9][0-9]*, tx [1-9][0-9]*\)$" <<<"$show_a")" ]
assert_ok "show a: the allowed MACs" [ -n "$(grep -x "  allowed macs: $MACB/48, 02:00:00:79:00:00/32" <<<"$show_a")" ]
assert_ok "show a: the flood counter" [ -n "$(grep -E '^  l2 flooded: [0-9]+$' <<<"$show_a")" ]
assert_ok "show a: the MAC table's counters on one line, the MACs learned counted" \
	[ -n "$(grep -E '^  mac table: local [0-9]+, learned [1-9][0-9]*, moved [0-9]+, expired [0-9]+, evicted [0-9]+, ignored [0-9]+, refused [0-9]+$' <<<"$show_a")" ]
assert_eq "" "$(grep '^  l2 macs ' <<<"$show_a")" "show a: the MAC table's counters are not repeated one per line"
show_b=$(at b "$WARREN" show "$IB")
assert_ok "show b: the StaticMACs entry, marked static" \
	[ -n "$(grep -E "^  macs: $MACA \(static, rx [0-9]+, tx [1-9][0-9]*\)$" <<<"$show_b")" ]
json=$(at a "$WARREN" show "$IA" -j)
assert_eq "$MACB False 1 1 02:00:00:79:00:00/32 tap 1 0" "$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])[0]
p = d["peers"][0]
m = p["macs"][0]
e = d["extensions"]
print(m["mac"], m["static"], int(m["rx_frames"] > 0), int(m["tx_frames"] > 0), p["allowed_macs"][1], e["mode"],
      int(e["l2_macs_learned"] >= 2), e["l2_macs_refused"])' "$json")" \
	"show -j: macs as objects, allowed_macs as a list, mode and the MAC table counters in extensions"
assert_ok "show -j: no mac lines left among the extensions" \
	python3 -c 'import json,sys; p=json.loads(sys.argv[1])[0]["peers"][0]; sys.exit("mac" in p["extensions"] or "allowed_mac" in p["extensions"])' "$json"

# The MAC lists changed at runtime, as a management agent would: SaveConfig
# must write what the daemon holds, not what the config said.
hexkey() { base64 -d <<<"$1" | od -An -tx1 -v | tr -d ' \n'; }
req="set=1\npublic_key=$(hexkey "$(wg pubkey <<<"$KB")")\nreplace_allowed_macs=true"
req="$req\nallowed_mac=$MACB\nallowed_mac=02:00:7a:00:00:00/24\nstatic_mac=02:00:00:7b:00:01\n\n"
assert_eq "errno=0" "$(at a sh -c "printf '$req' | socat - UNIX-CONNECT:/var/run/wireguard/$IA.sock" | head -1)" \
	"a: AllowedMACs and a static MAC changed at runtime"

assert_ok "warren down in a" at a "$WARREN" down "$T_DIR/$IA.conf"
assert_ok "warren down in b" at b "$WARREN" down "$T_DIR/$IB.conf"
nothing_left a "$IA" "a"
nothing_left b "$IB" "b"
# SaveConfig kept the L2 keys, the MAC lists as the daemon held them.
for l in "Mode = tap" "Bridge = br0" "MACAgeing = 120" "Hub = false" \
	"AllowedMACs = $MACB, 02:00:7a:00:00:00/24" "StaticMACs = 02:00:00:7b:00:01"; do
	assert_ok "SaveConfig kept \`$l'" grep -qx "$l" "$T_DIR/$IA.conf"
done
# A Bridge that does not exist: up fails after the daemon and undoes it all.
up_iface IC c
sed -e 's/^Bridge = br0$/Bridge = nobr0/' -e '/^SaveConfig/d' "$T_DIR/$IA.conf" >"$T_DIR/$IC.conf"
chmod 600 "$T_DIR/$IC.conf"
out=$(at a "$WARREN" up "$T_DIR/$IC.conf" 2>&1)
assert_fail "warren up with Bridge = nobr0 fails" [ $? = 0 ]
assert_ok "it says why" [ -n "$(grep "into bridge \`nobr0'" <<<"$out")" ]
nothing_left a "$IC" "a after the failed up"
assert_eq br0 "$(at a ip -o link show dev br0 | awk -F': ' '{print $2}')" "a: the bridge itself stays"

t_done
