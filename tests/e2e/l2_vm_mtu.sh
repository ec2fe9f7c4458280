#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# An L2 segment carries VMs as they come (docs/l2.md "MTU"): "VMs" behind
# veth at MTU 1500 with their default offloads (TSO on), on bridges of two
# hosts that `warren up` joins with nothing lowered, over an IPv4 and then
# an IPv6 underlay of MTU 1500. Both ways: ping -s 1472 (and 1452 over
# IPv6 inside), 1472-byte UDP datagrams, 64 MiB over TCP with the sha256
# compared, IPv4 and IPv6 inside. The counters show TCP SYNs clamped
# (l2_mss_clamped) so that bulk TCP needs no fragment, the big pings and
# datagrams sent as IP fragments (l2_fragmented, the kernel's FragCreates),
# and no drop: no warren drop counter, no dropped packet on the TAP device
# or the bridge ports. `warren up` warns about a bridge port of MTU 9000.
# Last, with ClampMSS off, TCP still arrives, fragmented.
#
#   va 10.81.0.1, fd81:1::1                   vb 10.81.0.2, fd81:1::2
#     | veth, MTU 1500, TSO                     | veth, MTU 1500, TSO
#   a: br0 = vm + IA (warren up) + big(9000)  b: br0 = vm + IB (warren up)
#     eth0 192.168.81.1, fd81::1 ----veth---- eth0 192.168.81.2, fd81::2
#
source "$(dirname "$0")/up_lib.sh"
source "$(dirname "$0")/l2_vm_lib.sh"
require_up
require_cmd ping socat sha256sum bc

ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 192.168.81.1/24 dev eth0
at b ip addr add 192.168.81.2/24 dev eth0
at a ip addr add fd81::1/64 dev eth0 nodad
at b ip addr add fd81::2/64 dev eth0 nodad
n=0
for h in a b; do
	n=$((n + 1))
	ns_new "v$h"
	at "$h" ip link add br0 type bridge
	at "$h" ip link set br0 up
	veth "v$h" eth0 "$h" vm
	at "$h" ip link set vm master br0
	at "v$h" ip addr add "10.81.0.$n/24" dev eth0
	at "v$h" ip addr add "fd81:1::$n/64" dev eth0 nodad
done
# A port the segment cannot carry: warren up must name it.
at a ip link add big type veth peer name big2
at a ip link set big mtu 9000
at a ip link set big master br0
at a ip link set big up

up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey)
PA=$(wg pubkey <<<"$KA") PB=$(wg pubkey <<<"$KB")
for h in a b; do
	if [ "$h" = a ]; then
		key=$KA port=51811 pub=$PB ep=192.168.81.2:51812 conf=$T_DIR/$IA.conf
	else
		key=$KB port=51812 pub=$PA ep=192.168.81.1:51811 conf=$T_DIR/$IB.conf
	fi
	cat >"$conf" <<EOF2
[Interface]
PrivateKey = $key
ListenPort = $port
Mode = tap
Bridge = br0

[Peer]
PublicKey = $pub
Endpoint = $ep
EOF2
done
chmod 600 "$T_DIR"/*.conf

# b first, so that a's first frames find it listening.
assert_ok "warren up (Mode = tap, no MTU) in b" at b "$WARREN" up "$T_DIR/$IB.conf"
at a "$WARREN" up "$T_DIR/$IA.conf" 2>"$T_DIR/up_a.err"
_t_report $((! $?)) "warren up (Mode = tap, no MTU) in a"
sed 's/^/# /' "$T_DIR/up_a.err" | grep -i warning
assert_ok "warren up warns about br0's port big at MTU 9000, against 1500" \
	grep -q "Warning: \`big' in bridge \`br0' has MTU 9000, more than the segment's 1500 (\`$IA')" "$T_DIR/up_a.err"
assert_eq 1500 "$(at a cat /sys/class/net/"$IA"/mtu)" "the L2 TAP device has Ethernet's MTU, 1500"
assert_eq 1500 "$(at a cat /sys/class/net/br0/mtu)" "so does the bridge (its smallest port's)"
assert_eq 1500 "$(at va cat /sys/class/net/eth0/mtu)" "the VM keeps MTU 1500"
assert_eq "clamp_mss=true" "$(uapi_get a "$IA" | grep '^clamp_mss=')" "MSS clamping is on by default"

for fam in 4 6; do
	if [ "$fam" = 6 ]; then
		at a wg set "$IA" peer "$PB" endpoint "[fd81::2]:51812"
		at b wg set "$IB" peer "$PA" endpoint "[fd81::1]:51811"
	fi
	u="IPv$fam underlay"
	f4a=$(frag_creates a "$fam") f4b=$(frag_creates b "$fam")
	fra=$(counter a "$IA" l2_fragmented) frb=$(counter b "$IB" l2_fragmented)
	assert_ok "$u: va -> vb ping (ARP)" at va ping -c 2 -i 0.2 -W 2 10.81.0.2
	assert_ok "$u: va -> vb ping -s 1472 -M do" at va ping -c 3 -i 0.2 -W 2 -s 1472 -M do 10.81.0.2
	assert_ok "$u: vb -> va ping -s 1472 -M do" at vb ping -c 3 -i 0.2 -W 2 -s 1472 -M do 10.81.0.1
	assert_ok "$u: va -> vb ping -s 1452 over IPv6" at va ping -c 3 -i 0.2 -W 2 -s 1452 -M do fd81:1::2
	assert_ok "$u: vb -> va ping -s 1452 over IPv6" at vb ping -c 3 -i 0.2 -W 2 -s 1452 -M do fd81:1::1
	assert_ok "$u: a 1472-byte UDP datagram va -> vb arrives whole" udp_big va vb 10.81.0.2
	assert_ok "$u: a 1472-byte UDP datagram vb -> va arrives whole" udp_big vb va 10.81.0.1
	fra2=$(counter a "$IA" l2_fragmented) frb2=$(counter b "$IB" l2_fragmented)
	assert_ok "$u: a counts the big frames as fragmented ($fra -> $fra2)" [ "$((fra2 - fra))" -ge 7 ]
	assert_ok "$u: b too ($frb -> $frb2)" [ "$((frb2 - frb))" -ge 7 ]
	assert_ok "$u: the kernel made the fragments (FragCreates a $f4a -> $(frag_creates a "$fam"))" \
		[ "$(frag_creates a "$fam")" -gt "$f4a" ]
	assert_ok "$u: on b too ($f4b -> $(frag_creates b "$fam"))" [ "$(frag_creates b "$fam")" -gt "$f4b" ]

	ca=$(counter a "$IA" l2_mss_clamped)
	if [ "$fam" = 4 ]; then in_b=10.81.0.2 in_a=10.81.0.1 inner=IPv4; else in_b="[fd81:1::2]" in_a="[fd81:1::1]" inner=IPv6; fi
	t0=$(date +%s.%N)
	assert_tcp "$u: 64 MiB over TCP/$inner va -> vb intact" va vb "$in_b" 64
	t1=$(date +%s.%N)
	assert_tcp "$u: 64 MiB over TCP/$inner vb -> va intact" vb va "$in_a" 64
	t2=$(date +%s.%N)
	echo "# $u: 64 MiB va -> vb in $(echo "$t1 - $t0" | bc) s, vb -> va in $(echo "$t2 - $t1" | bc) s"
	ca2=$(counter a "$IA" l2_mss_clamped) fra3=$(counter a "$IA" l2_fragmented) frb3=$(counter b "$IB" l2_fragmented)
	assert_ok "$u: a clamped the SYNs' MSS (l2_mss_clamped $ca -> $ca2)" [ "$((ca2 - ca))" -ge 2 ]
	assert_ok "$u: bulk TCP needed no fragment (l2_fragmented a $fra2 -> $fra3, b $frb2 -> $frb3)" \
		[ "$((fra3 - fra2 + frb3 - frb2))" -le 2 ]
done

# No drop anywhere: warren's counters, the TAP devices and bridge ports.
for h in a b; do
	ifn=IA
	[ "$h" = b ] && ifn=IB
	drops=$(uapi_get "$h" "${!ifn}" | grep -E '^drop_(too_big|no_buffer|udp_send|udp_truncated|tun_write|frame_invalid)' | tr '\n' ' ')
	assert_eq "" "$drops" "$h: no drop counted by warren"
	for d in "${!ifn}" vm br0; do
		assert_eq 0 "$(ifdrops "$h" "$d")" "$h: no packet dropped on $d (ip -s link)"
	done
done
show=$(at a "$WARREN" show "$IA")
echo "$show" | sed 's/^/# /'
grep -Eq '^  l2 mss clamped: [1-9]' <<<"$show" && grep -Eq '^  l2 fragmented: [1-9]' <<<"$show"
_t_report $((! $?)) "warren show prints the clamp and fragment counters"

# ClampMSS off: TCP still arrives, its full-size segments as fragments.
printf 'set=1\nclamp_mss=false\n\n' | at a socat - "UNIX-CONNECT:/var/run/wireguard/$IA.sock" >/dev/null
printf 'set=1\nclamp_mss=false\n\n' | at b socat - "UNIX-CONNECT:/var/run/wireguard/$IB.sock" >/dev/null
fra=$(counter a "$IA" l2_fragmented) ca=$(counter a "$IA" l2_mss_clamped)
t0=$(date +%s.%N)
assert_tcp "ClampMSS off: 64 MiB over TCP/IPv6 va -> vb intact" va vb "[fd81:1::2]" 64
echo "# ClampMSS off: 64 MiB va -> vb in $(echo "$(date +%s.%N) - $t0" | bc) s"
fra2=$(counter a "$IA" l2_fragmented)
assert_ok "ClampMSS off: nothing clamped, the segments fragmented (l2_fragmented $fra -> $fra2)" \
	[ "$(counter a "$IA" l2_mss_clamped)" = "$ca" -a "$((fra2 - fra))" -gt 1000 ]

assert_ok "warren down in a" at a "$WARREN" down "$T_DIR/$IA.conf"
assert_ok "warren down in b" at b "$WARREN" down "$T_DIR/$IB.conf"
t_done
