#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren up against wg-quick up on the same config, each in its own
# namespace with the same daemon: addresses, MTU, routes, rules, nftables,
# src_valid_mark, DNS and the daemon's state must come out the same (names
# aside). Then each tool takes down what the other brought up, and both
# namespaces must be left clean.
#
#   ns a: warren up   A.conf    ns b: wg-quick up   B.conf   (same content)
#   eth0 192.168.79.1/24 mtu 1450 in each, peer endpoints behind it
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd wg-quick nft

ns_new a
ns_new b
for ns in a b; do
	at $ns ip link add eth0 type dummy 2>/dev/null ||
		at $ns ip link add eth0 type veth peer name eth1
	at $ns ip link set eth0 mtu 1450 up
	at $ns ip addr add 192.168.79.1/24 dev eth0
done
up_iface IA a
up_iface IB b
mkdir -p "$T_DIR/bin"
for side in a b; do
	cat >"$T_DIR/bin/resolvconf-$side" <<EOS
#!/bin/bash
echo "\$*" >>"$T_DIR/resolvconf.$side"
[ "\$1" = -a ] && cat >>"$T_DIR/resolvconf.$side"
exit 0
EOS
	chmod +x "$T_DIR/bin/resolvconf-$side"
done

KEY=$(wg genkey) P1=$(wg genkey | wg pubkey) P2=$(wg genkey | wg pubkey)
for i in "$IA" "$IB"; do
	cat >"$T_DIR/$i.conf" <<EOF2
[Interface]
PrivateKey = $KEY
ListenPort = 51790
Address = 10.79.0.1/24, fd79::1/64
DNS = 10.79.0.53, example.net

[Peer]
PublicKey = $P1
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.168.79.2:51791

[Peer]
PublicKey = $P2
AllowedIPs = 10.80.0.0/16, fd80::/64, 10.79.0.7/32
Endpoint = 192.168.79.3:51792
PersistentKeepalive = 15
EOF2
	chmod 600 "$T_DIR/$i.conf"
done

# tool_in NS TOOL ACTION CONF: with that namespace's resolvconf
tool_in() {
	local ns=$1
	shift
	mkdir -p "$T_DIR/path-$ns"
	ln -sf "$T_DIR/bin/resolvconf-$ns" "$T_DIR/path-$ns/resolvconf"
	PATH="$T_DIR/path-$ns:$PATH" at "$ns" "$@"
}

# state NS IFNAME: what the kernel and the daemon say, with IFNAME as IF
state() {
	local ns=$1 i=$2
	{
		echo "## addresses"
		at "$ns" ip -o addr show dev "$i" | grep -v 'scope link' | awk '{print $3, $4, $5, $6, $7}'
		echo "## link"
		at "$ns" ip -o link show dev "$i" | awk '{print $3, $4, $5}'
		echo "## routes"
		at "$ns" ip -4 route show table all | grep -v '^local\|^broadcast\|dev lo\|dev eth'
		at "$ns" ip -6 route show table all | grep -v '^local\|^multicast\|fe80::\|dev lo\|dev eth'
		echo "## rules"
		at "$ns" ip -4 rule show
		at "$ns" ip -6 rule show
		echo "## nftables"
		at "$ns" nft list ruleset | grep -v 'fe80:'
		echo "## sysctl"
		at "$ns" cat /proc/sys/net/ipv4/conf/all/src_valid_mark
		echo "## daemon"
		at "$ns" wg show "$i" dump | cut -f1-5,8 | sort
	} 2>&1 | sed "s/$i/IF/g; s/ *$//"
}

# 1-2: up, each with its tool
assert_ok "warren up in a" tool_in a "$WARREN" up "$T_DIR/$IA.conf"
assert_ok "wg-quick up in b" tool_in b wg-quick up "$T_DIR/$IB.conf"
# 3-4
sa=$(state a "$IA") sb=$(state b "$IB")
assert_eq "$sb" "$sa" "warren up's state = wg-quick up's state"
assert_eq "$(sed "s/$IB/IF/g" "$T_DIR/resolvconf.b")" "$(sed "s/$IA/IF/g" "$T_DIR/resolvconf.a")" \
	"the same resolvconf calls and input"

# 5-6: each takes down the other's
assert_ok "warren down of wg-quick's interface" tool_in b "$WARREN" down "$T_DIR/$IB.conf"
assert_ok "wg-quick down of warren's interface" tool_in a wg-quick down "$T_DIR/$IA.conf"
# 7-8
sa=$(state a "$IA") sb=$(state b "$IB")
assert_eq "$sb" "$sa" "both namespaces are left alike"
assert_eq "" "$(grep -v 'does not exist' <<<"$sa" | grep -E 'IF|fwmark|suppress|wg-quick|51820')" "and clean"
assert_eq "$(sed "s/$IB/IF/g" "$T_DIR/resolvconf.b")" "$(sed "s/$IA/IF/g" "$T_DIR/resolvconf.a")" \
	"the same resolvconf calls on the way down"
nothing_left a "$IA" "a"
nothing_left b "$IB" "b"

t_done
