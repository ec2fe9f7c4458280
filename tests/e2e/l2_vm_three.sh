#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Three hosts on one L2 segment, "VMs" as they come (docs/l2.md "MTU" and
# "Offloads"): a VM behind veth at MTU 1500 with its default offloads (TSO
# on) on each host's bridge, the three bridges joined by `warren up` in a
# full mesh, over an IPv4 and then an IPv6 underlay of MTU 1500. Between
# every pair, both ways: ping -s 1472 -M do; a 1472-byte UDP datagram;
# TCP with the sha256 compared (16 MiB a transfer: twelve of them, on a
# shared machine; l2_vm_mtu.sh moves 64 MiB between two hosts). The
# counters show: the SYNs clamped (l2_mss_clamped), bulk TCP with no
# fragment (l2_fragmented, and the kernel's FragCreates: every datagram
# fits one packet) and the big pings and datagrams fragmented;
# the VMs' TSO super-frames cut by warren (l2_tso_frames, l2_tso_segments)
# and the segments from peers coalesced for the bridge (l2_gro_frames,
# l2_gro_segments); no drop counted by warren, none on the TAP devices,
# the VMs' ports or the bridges.
#
#        va 10.82.0.1            vb 10.82.0.2            vc 10.82.0.3
#          | veth 1500, TSO        | veth 1500, TSO        | veth 1500, TSO
#   a: br0 = vm + IA        b: br0 = vm + IB        c: br0 = vm + IC
#     eth0 192.168.82.1       eth0 192.168.82.2       eth0 192.168.82.3
#     fd82::1                 fd82::2                 fd82::3
#          \______________________ | _____________________/
#                          w: bridge wan (the underlay)
#
source "$(dirname "$0")/up_lib.sh"
source "$(dirname "$0")/l2_vm_lib.sh"
require_up
require_cmd ping socat sha256sum

HOSTS=(a b c)
MIB=16
ns_new w
at w ip link add wan type bridge
at w ip link set wan up
n=0
for h in "${HOSTS[@]}"; do
	n=$((n + 1))
	ns_new "$h"
	veth "$h" eth0 w "p$h"
	at w ip link set "p$h" master wan
	at "$h" ip addr add "192.168.82.$n/24" dev eth0
	at "$h" ip addr add "fd82::$n/64" dev eth0 nodad
	ns_new "v$h"
	at "$h" ip link add br0 type bridge
	at "$h" ip link set br0 up
	veth "v$h" eth0 "$h" vm
	at "$h" ip link set vm master br0
	at "v$h" ip addr add "10.82.0.$n/24" dev eth0
	at "v$h" ip addr add "fd82:1::$n/64" dev eth0 nodad
done

declare -A IF KEY PUB NUM
n=0
for h in "${HOSTS[@]}"; do
	n=$((n + 1))
	up_iface "IF_$h" "$h"
	v="IF_$h"
	IF[$h]=${!v}
	KEY[$h]=$(wg genkey)
	PUB[$h]=$(wg pubkey <<<"${KEY[$h]}")
	NUM[$h]=$n
done
for h in "${HOSTS[@]}"; do
	{
		printf '[Interface]\nPrivateKey = %s\nListenPort = %s\nMode = tap\nBridge = br0\n' \
			"${KEY[$h]}" "$((51820 + NUM[$h]))"
		for o in "${HOSTS[@]}"; do
			[ "$o" = "$h" ] && continue
			printf '\n[Peer]\nPublicKey = %s\nEndpoint = 192.168.82.%s:%s\n' \
				"${PUB[$o]}" "${NUM[$o]}" "$((51820 + NUM[$o]))"
		done
	} >"$T_DIR/${IF[$h]}.conf"
done
chmod 600 "$T_DIR"/*.conf

for h in c b a; do
	assert_ok "$h: warren up (Mode = tap, no MTU, two peers)" at "$h" "$WARREN" up "$T_DIR/${IF[$h]}.conf"
done
for h in "${HOSTS[@]}"; do
	assert_eq 1500 "$(at "$h" cat /sys/class/net/"${IF[$h]}"/mtu)" "$h: the L2 TAP device has MTU 1500"
done

# sum KEY: the device counter KEY summed over the three hosts.
sum() {
	local h t=0
	for h in "${HOSTS[@]}"; do t=$((t + $(counter "$h" "${IF[$h]}" "$1"))); done
	echo "$t"
}

# frags 4|6: the underlay fragments the kernel made, summed over the hosts.
frags() {
	local h t=0
	for h in "${HOSTS[@]}"; do t=$((t + $(frag_creates "$h" "$1"))); done
	echo "$t"
}

for fam in 4 6; do
	u="IPv$fam underlay"
	if [ "$fam" = 6 ]; then
		for h in "${HOSTS[@]}"; do
			for o in "${HOSTS[@]}"; do
				[ "$o" = "$h" ] && continue
				at "$h" wg set "${IF[$h]}" peer "${PUB[$o]}" endpoint "[fd82::${NUM[$o]}]:$((51820 + NUM[$o]))"
			done
		done
	fi
	fr=$(sum l2_fragmented)
	for h in "${HOSTS[@]}"; do
		for o in "${HOSTS[@]}"; do
			[ "$o" = "$h" ] && continue
			assert_ok "$u: v$h -> v$o ping -s 1472 -M do" \
				at "v$h" ping -c 2 -i 0.2 -W 3 -s 1472 -M do "10.82.0.${NUM[$o]}"
			assert_ok "$u: v$h -> v$o ping -s 1452 -M do over IPv6" \
				at "v$h" ping -c 2 -i 0.2 -W 3 -s 1452 -M do "fd82:1::${NUM[$o]}"
			assert_ok "$u: a 1472-byte UDP datagram v$h -> v$o arrives whole" \
				udp_big "v$h" "v$o" "10.82.0.${NUM[$o]}"
		done
	done
	fr2=$(sum l2_fragmented)
	# 6 pairs: 2 + 2 pings of 1500-byte frames each way, one datagram.
	assert_ok "$u: the big frames were sent fragmented (l2_fragmented $fr -> $fr2)" [ $((fr2 - fr)) -ge 30 ]

	cl=$(sum l2_mss_clamped) ts=$(sum l2_tso_segments) gs=$(sum l2_gro_segments)
	kf=$(frags "$fam")
	for h in "${HOSTS[@]}"; do
		for o in "${HOSTS[@]}"; do
			[ "$o" = "$h" ] && continue
			if [ "$fam" = 4 ]; then to="10.82.0.${NUM[$o]}" inner=IPv4; else to="[fd82:1::${NUM[$o]}]" inner=IPv6; fi
			assert_tcp "$u: $MIB MiB over TCP/$inner v$h -> v$o intact" "v$h" "v$o" "$to" "$MIB"
		done
	done
	cl2=$(sum l2_mss_clamped) fr3=$(sum l2_fragmented) ts2=$(sum l2_tso_segments) gs2=$(sum l2_gro_segments)
	assert_ok "$u: the SYNs' MSS was clamped (l2_mss_clamped $cl -> $cl2)" [ $((cl2 - cl)) -ge 6 ]
	assert_ok "$u: bulk TCP needed no fragment (l2_fragmented $fr2 -> $fr3)" [ $((fr3 - fr2)) -le 6 ]
	kf2=$(frags "$fam")
	assert_ok "$u: nor did the kernel cut a datagram (FragCreates $kf -> $kf2)" [ $((kf2 - kf)) -le 12 ]
	# 6 x 16 MiB in segments of at most 1364 bytes: at least 73,000 of them.
	assert_ok "$u: the VMs' super-frames were cut by warren (l2_tso_segments $ts -> $ts2)" \
		[ $((ts2 - ts)) -ge 20000 ]
	assert_ok "$u: segments from peers were coalesced for the bridge (l2_gro_segments $gs -> $gs2)" \
		[ $((gs2 - gs)) -ge 1000 ]
done

for h in "${HOSTS[@]}"; do
	drops=$(uapi_get "$h" "${IF[$h]}" | grep -E '^drop_' | tr '\n' ' ')
	assert_eq "" "$drops" "$h: no drop counted by warren"
	for d in "${IF[$h]}" vm br0; do
		assert_eq 0 "$(ifdrops "$h" "$d")" "$h: no packet dropped on $d (ip -s link)"
	done
	assert_ok "$h: warren cut its VM's TSO super-frames (l2_tso_frames)" \
		[ "$(counter "$h" "${IF[$h]}" l2_tso_frames)" -gt 0 ]
done
echo "# offloads: $(sum l2_tso_frames) super-frames cut into $(sum l2_tso_segments) segments," \
	"$(sum l2_gro_segments) segments joined into $(sum l2_gro_frames) super-frames"
show=$(at a "$WARREN" show "${IF[a]}")
echo "$show" | sed 's/^/# /'
grep -Eq '^  l2 tso segments: [1-9]' <<<"$show" && grep -Eq '^  l2 gro segments: [1-9]' <<<"$show"
_t_report $((! $?)) "warren show prints the offload counters"

for h in "${HOSTS[@]}"; do
	assert_ok "$h: warren down" at "$h" "$WARREN" down "$T_DIR/${IF[$h]}.conf"
done
t_done
