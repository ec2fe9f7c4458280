#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Reload without dropping sessions. Two namespaces brought up by `warren
# up`, a handshake made by a ping; then `warren reload` of a changed
# config (a new address, MTU, allowed IP and peer; then their removal),
# and `warren syncconf` of a stripped config: the ping keeps working, the
# peer's latest handshake is the same second and its transfer counters
# did not start again. Then the same with two L2 (Mode = tap) interfaces:
# syncconf changes Hub, MACAgeing, AllowedMACs and StaticMACs, the session
# stays; a file with another Mode is refused.
#
#   ns a                                          ns b
#   IA 10.77.0.1/24 (warren up, warrend)          IB 10.77.0.2/24
#   LA 10.78.0.1/24 (Mode = tap)                  LB 10.78.0.2/24 (Mode = tap)
#   eth0 192.168.77.1/24 ------- veth ----------- eth0 192.168.77.2/24
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd ping

ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 192.168.77.1/24 dev eth0
at b ip addr add 192.168.77.2/24 dev eth0
up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey) P3=$(wg genkey | wg pubkey)
PA=$(echo "$KA" | wg pubkey) PB=$(echo "$KB" | wg pubkey)
conf_a() { # extra lines for [Interface], for the peer, and a last section
	cat <<EOF2
[Interface]
PrivateKey = $KA
ListenPort = 51771
Address = 10.77.0.1/24
$1
[Peer]
PublicKey = $PB
AllowedIPs = 10.77.0.2/32$2
Endpoint = 192.168.77.2:51772
$3
EOF2
}
conf_a "" "" "" >"$T_DIR/$IA.conf"
cat >"$T_DIR/$IB.conf" <<EOF2
[Interface]
PrivateKey = $KB
ListenPort = 51772
Address = 10.77.0.2/24

[Peer]
PublicKey = $PA
AllowedIPs = 10.77.0.1/32
Endpoint = 192.168.77.1:51771
EOF2
chmod 600 "$T_DIR"/*.conf

# 1-3
assert_ok "warren up in a" at a "$WARREN" up "$T_DIR/$IA.conf"
assert_ok "warren up in b" at b "$WARREN" up "$T_DIR/$IB.conf"
assert_ok "ping through the tunnel" at a ping -c 2 -i 0.2 -W 2 10.77.0.2

# handshake and counters of NS IF PEER, one number each
hs() { at "$1" wg show "$2" latest-handshakes | awk -v p="$3" '$1 == p {print $2}'; }
rx() { at "$1" wg show "$2" transfer | awk -v p="$3" '$1 == p {print $2 + $3}'; }
HS=$(hs a "$IA" "$PB") BYTES=$(rx a "$IA" "$PB")
assert_ok "a handshake was made" test "$HS" -gt 0

# session DESC: the handshake is the same, the counters did not restart, ping works
session() {
	assert_eq "$HS" "$(hs a "$IA" "$PB")" "$1: latest handshake unchanged"
	assert_ok "$1: transfer counters kept ($BYTES bytes before)" test "$(rx a "$IA" "$PB")" -ge "$BYTES"
	assert_ok "$1: ping still works" at a ping -c 1 -W 2 10.77.0.2
	BYTES=$(rx a "$IA" "$PB")
}

# 5-14: reload of a config with a new address, MTU, allowed IP and peer
conf_a "Address = 10.77.9.1/24
MTU = 1300" ", 10.77.50.0/24" "[Peer]
PublicKey = $P3
AllowedIPs = 10.77.60.0/24" >"$T_DIR/$IA.conf"
out=$(at a "$WARREN" reload "$T_DIR/$IA.conf" 2>"$T_DIR/reload.err")
assert_eq "$IA: 1 peer added, 0 removed, 1 updated, 0 re-created, 0 device keys; addresses: 1 added, 0 removed; routes: 2 added, 0 removed; mtu 1300 (was 1420)" \
	"$out" "reload says what changed"
assert_eq "[#] wg syncconf $IA /dev/fd/63
[#] ip -4 route add 10.77.60.0/24 dev $IA
[#] ip -4 route add 10.77.50.0/24 dev $IA
[#] ip -4 address add 10.77.9.1/24 dev $IA
[#] ip link set mtu 1300 dev $IA" "$(cat "$T_DIR/reload.err")" "reload's steps"
assert_ok "the new address" bash -c "ip -n $NS_a -br addr show dev $IA | grep -q 10.77.9.1/24"
assert_eq "1300" "$(at a cat /sys/class/net/"$IA"/mtu)" "the new MTU"
assert_eq "10.77.50.0/24 scope link
10.77.60.0/24 scope link" "$(at a ip -4 route show dev "$IA" | grep -v kernel | grep -v 10.77.0.2 | sed 's/ *$//')" \
	"routes for the new allowed IPs"
assert_ok "the new peer" bash -c "ip netns exec $NS_a wg show $IA peers | grep -qF '$P3'"
session "reload"

# 15-16: the same reload again changes nothing
assert_eq "$IA: nothing changed; addresses: 0 added, 0 removed; routes: 0 added, 0 removed; mtu 1300" \
	"$(at a "$WARREN" reload "$T_DIR/$IA.conf" 2>/dev/null)" "a second reload changes nothing"

# 17-22: back to the first config: peer, address, routes go
conf_a "" "" "" >"$T_DIR/$IA.conf"
out=$(at a "$WARREN" reload "$T_DIR/$IA.conf" 2>/dev/null)
assert_eq "$IA: 0 peers added, 1 removed, 1 updated, 0 re-created, 0 device keys; addresses: 0 added, 1 removed; routes: 0 added, 2 removed; mtu 1420 (was 1300)" \
	"$out" "reload back: what changed"
assert_eq "" "$(at a ip -4 route show dev "$IA" | grep -e 10.77.50 -e 10.77.60)" "routes removed"
assert_fail "address removed" bash -c "ip -n $NS_a -br addr show dev $IA | grep -q 10.77.9.1"
session "reload back"

# 23-26: syncconf of the stripped config
at a "$WARREN" strip "$T_DIR/$IA.conf" >"$T_DIR/stripped.conf"
assert_ok "syncconf of strip" at a "$WARREN" syncconf "$IA" "$T_DIR/stripped.conf"
session "syncconf"

# --- L2: two tap interfaces -------------------------------------------
up_iface LA c
up_iface LB d
cat >"$T_DIR/$LA.conf" <<EOF2
[Interface]
PrivateKey = $KA
ListenPort = 51773
Address = 10.78.0.1/24
Mode = tap
Hub = false

[Peer]
PublicKey = $PB
Endpoint = 192.168.77.2:51774
EOF2
cat >"$T_DIR/$LB.conf" <<EOF2
[Interface]
PrivateKey = $KB
ListenPort = 51774
Address = 10.78.0.2/24
Mode = tap

[Peer]
PublicKey = $PA
Endpoint = 192.168.77.1:51773
EOF2
chmod 600 "$T_DIR"/*.conf
assert_ok "L2 up in a" at a "$WARREN" up "$T_DIR/$LA.conf"
assert_ok "L2 up in b" at b "$WARREN" up "$T_DIR/$LB.conf"
assert_ok "ping over L2" at a ping -c 2 -i 0.2 -W 2 10.78.0.2
LHS=$(hs a "$LA" "$PB")
MACB=$(at b cat /sys/class/net/"$LB"/address)

# 30-33: showconf of a tap interface has the L2 keys; syncconf changes them
at a "$WARREN" showconf "$LA" >"$T_DIR/l2.conf"
assert_ok "showconf: Mode = tap" grep -qx "Mode = tap" "$T_DIR/l2.conf"
sed -i -e 's/^Hub = false/Hub = true/' -e 's/^MACAgeing = .*/MACAgeing = 60/' \
	-e "/^Endpoint/a AllowedMACs = $MACB, 02:00:00:79:00:00/32\nStaticMACs = 02:00:00:78:00:09" \
	"$T_DIR/l2.conf"
assert_ok "L2 syncconf" at a "$WARREN" syncconf "$LA" "$T_DIR/l2.conf"
assert_eq "$(cat "$T_DIR/l2.conf")" "$(at a "$WARREN" showconf "$LA")" "showconf is the synced file"
assert_eq "$LHS" "$(hs a "$LA" "$PB")" "L2 syncconf: latest handshake unchanged"
assert_ok "L2 syncconf: ping still works" at a ping -c 1 -W 2 10.78.0.2

# 35-36: Mode cannot change
sed 's/^Mode = tap/Mode = tun/' "$T_DIR/l2.conf" >"$T_DIR/tun.conf"
got=$(at a "$WARREN" syncconf "$LA" "$T_DIR/tun.conf" 2>&1)
assert_eq "$T_DIR/tun.conf:2: Mode cannot change on a running interface: \`tun' (\`$LA' is tap); take it down and up" \
	"$got" "a change of Mode is refused with file and line"
sed '/^Mode/d' "$T_DIR/l2.conf" >"$T_DIR/nomode.conf"
assert_fail "a file without Mode on a tap interface is refused" \
	at a "$WARREN" syncconf "$LA" "$T_DIR/nomode.conf"

for f in "$IA:a" "$IB:b" "$LA:a" "$LB:b"; do
	at "${f#*:}" "$WARREN" down "$T_DIR/${f%%:*}.conf" >/dev/null 2>&1
done
t_done
