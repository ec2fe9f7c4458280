#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# L2 mode (docs/l2.md): three hosts whose warrend TAP devices sit on a
# bridge with a "VM" each; the VMs share one Ethernet across the hosts.
# ARP, IPv4 and IPv6 (neighbour discovery) ping between every pair, a
# broadcast ping and a multicast ping answered by every other VM, 64 MiB
# over TCP (and 16 MiB over TCP/IPv6) intact, the MAC table's counters in
# the get reply; then an L2 warrend against wireguard-go and against an L3
# warrend passes nothing, crashes nothing, and the warrend sides log why;
# last, vm2's MAC migrates to h3 and back, and h1 follows and counts it.
#
#   vm1 (10.77.0.1, fd77::1)   vm2 (.2, ::2)          vm3 (.3, ::3)
#     | veth                     | veth                 | veth
#   h1: br0 + l2 TAP           h2: br0 + l2 TAP       h3: br0 + l2 TAP
#     eth0 192.168.77.1          eth0 .2                eth0 .3
#       \__________________ wan: bridge uplink _________/
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat sha256sum wireguard-go
_l2_cleanup() {
	_tunnel_cleanup
	rm -f /var/run/wireguard/l2$$[123].sock "/var/run/wireguard/wgg$$.sock" \
		"/var/run/wireguard/l3$$.sock"
}
trap _l2_cleanup EXIT

ns_new wan
at wan ip link add uplink type bridge
at wan ip link set uplink up
for h in 1 2 3; do
	ns_new "h$h"
	ns_new "vm$h"
	veth "h$h" eth0 wan "up$h"
	at wan ip link set "up$h" master uplink
	at "h$h" ip addr add "192.168.77.$h/24" dev eth0
	key=$(wg genkey)
	echo "$key" >"$T_DIR/key$h"
	printf -v "PUB$h" '%s' "$(wg pubkey <<<"$key")"
	# One name per host: the UAPI sockets in /var/run/wireguard are shared.
	L2IF="l2$$$h"
	bg "h$h" env WARREN_MODE=tap "$WARREND" -f "$L2IF"
	printf -v "LOG$h" '%s' "$BG_LOG"
	wait_for 10 test -S "/var/run/wireguard/$L2IF.sock" || { cat "$BG_LOG"; exit 1; }
	at "h$h" ip link add br0 type bridge
	at "h$h" ip link set "$L2IF" master br0
	at "h$h" ip link set br0 up
	veth "vm$h" eth0 "h$h" "vm$h"
	# A VM's MTU must fit the TAP device's (1404): the bridge drops longer frames.
	at "vm$h" ip link set eth0 mtu 1404
	at "h$h" ip link set "vm$h" mtu 1404
	at "h$h" ip link set "vm$h" master br0
	at "vm$h" ip addr add "10.77.0.$h/24" dev eth0
	at "vm$h" ip addr add "fd77::$h/64" dev eth0 nodad
	at "vm$h" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
	at "h$h" wg set "$L2IF" private-key "$T_DIR/key$h" listen-port "$((51820 + h))"
done
for h in 1 2 3; do
	L2IF="l2$$$h"
	for o in 1 2 3; do
		[ "$h" = "$o" ] && continue
		pub="PUB$o"
		at "h$h" wg set "$L2IF" peer "${!pub}" endpoint "192.168.77.$o:$((51820 + o))"
	done
	assert_eq "mode=tap" "$(at "h$h" sh -c "printf 'get=1\n\n' | socat - UNIX-CONNECT:/var/run/wireguard/$L2IF.sock" | grep '^mode=')" \
		"h$h: the UAPI says mode=tap"
done
# The TAP devices come up only now that every host knows every peer: a
# frame that a VM sends earlier (an MLD report) would start a handshake
# with a host that does not know us yet, and the retry waits 5 s.
for h in 1 2 3; do
	at "h$h" ip link set "l2$$$h" up
done

for a in 1 2 3; do
	for b in 1 2 3; do
		[ "$a" = "$b" ] && continue
		assert_ok "vm$a -> vm$b: IPv4 ping (ARP across hosts)" pings "vm$a" "10.77.0.$b" 2
		assert_ok "vm$a -> vm$b: IPv6 ping (neighbour discovery)" pings "vm$a" "fd77::$b" 2
	done
done
# Learned: unicast between known MACs is not flooded. 50 pings that were
# flooded would add at least 50 to h1's counter; background multicast that
# is rightly flooded meanwhile (IPv6 router solicitations, MLD reports) adds
# a few at most, so the bound is 10, not 0.
flooded() {
	at h1 sh -c "printf 'get=1\n\n' | socat - UNIX-CONNECT:/var/run/wireguard/l2$$1.sock" |
		sed -n 's/^l2_flooded=//p'
}
f1=$(flooded)
at vm1 ping -q -c 50 -i 0.01 10.77.0.2 >/dev/null 2>&1
f2=$(flooded)
assert_ok "50 pings vm1 -> vm2 after learning: not flooded on h1 ($f1 -> $f2)" \
	test "$((f2 - f1))" -lt 10
mac2=$(at vm2 cat /sys/class/net/eth0/address)
# behind H MAC: MAC is listed under host H's peer in h1's get.
behind() {
	at h1 sh -c "printf 'get=1\n\n' | socat -t 5 - UNIX-CONNECT:/var/run/wireguard/l2$$1.sock" |
		awk -v k="$(wg pubkey <"$T_DIR/key$1" | base64 -d | od -An -tx1 | tr -d ' \n')" \
			'/^public_key=/ { p = ($0 == "public_key=" k) } p && /^mac=/ { print }' |
		grep -q "^mac=$2,"
}
# counter H KEY: a device-level number from host H's get.
counter() {
	at "h$1" sh -c "printf 'get=1\n\n' | socat -t 5 - UNIX-CONNECT:/var/run/wireguard/l2$$$1.sock" |
		sed -n "s/^$2=//p"
}
behind 2 "$mac2"
_t_report $((! $?)) "h1 learned vm2's MAC ($mac2) behind h2"
learned=$(counter 1 l2_macs_learned)
[ "${learned:-0}" -ge 3 ] # vm1 (local), vm2 and vm3 (behind peers)
_t_report $((! $?)) "h1's MAC table counts what it learned (l2_macs_learned=$learned >= 3)"
assert_ok "wg show still reads an L2 interface (it skips the l2_ keys)" at h1 wg show "l2$$1"
assert_ok "wg showconf too" at h1 wg showconf "l2$$1"

replies=$(at vm1 ping -b -c 3 -i 0.3 -W 2 10.77.0.255 2>/dev/null |
	grep -o 'from 10\.77\.0\.[23]:' | sort -u | tr '\n' ' ')
assert_eq "from 10.77.0.2: from 10.77.0.3: " "$replies" "a broadcast ping from vm1 is answered by vm2 and vm3"

replies=$(at vm1 ping -c 3 -i 0.3 -W 2 -I eth0 224.0.0.1 2>/dev/null |
	grep -o 'from 10\.77\.0\.[23]:' | sort -u | tr '\n' ' ')
assert_eq "from 10.77.0.2: from 10.77.0.3: " "$replies" \
	"a ping to the all-hosts multicast group from vm1 is answered by vm2 and vm3"

assert_transfer "64 MiB over TCP vm1 -> vm3 intact" vm1 vm3 10.77.0.3 64
assert_transfer "16 MiB over TCP/IPv6 vm2 -> vm1 intact" vm2 vm1 "[fd77::1]" 16

# L2 against wireguard-go (L3): the handshake completes, nothing passes, warrend says why.
ns_new g
veth g eth0 wan upg
at wan ip link set upg master uplink
at g ip addr add 192.168.77.9/24 dev eth0
keyg=$(wg genkey)
echo "$keyg" >"$T_DIR/keyg"
PUBG=$(wg pubkey <<<"$keyg")
bg g env WG_PROCESS_FOREGROUND=1 wireguard-go -f "wgg$$"
wait_for 10 test -S "/var/run/wireguard/wgg$$.sock" || exit 1
at g ip addr add 10.77.0.9/24 dev "wgg$$"
at g ip link set "wgg$$" up
at g wg set "wgg$$" private-key "$T_DIR/keyg" listen-port 51829 \
	peer "$PUB1" endpoint 192.168.77.1:51821 allowed-ips 10.77.0.0/24
at h1 wg set "l2$$1" peer "$PUBG" endpoint 192.168.77.9:51829
assert_fail "wireguard-go cannot ping vm1 over an L2 interface" pings g 10.77.0.1 2
assert_ok "yet the handshake completed" test "$(handshake g "wgg$$")" -gt 0
wait_for 10 grep -q "sends IP packets, this interface is L2" "$LOG1"
_t_report $((! $?)) "warrend logs the mismatch"
assert_ok "wireguard-go still runs" kill -0 "$BG_PID"

# L2 against an L3 warrend: the same, and the L3 side names the problem too.
ns_new t
veth t eth0 wan upt
at wan ip link set upt master uplink
at t ip addr add 192.168.77.8/24 dev eth0
keyt=$(wg genkey)
echo "$keyt" >"$T_DIR/keyt"
PUBT=$(wg pubkey <<<"$keyt")
bg t "$WARREND" -f "l3$$"
LOGT=$BG_LOG
wait_for 10 test -S "/var/run/wireguard/l3$$.sock" || exit 1
at t ip addr add 10.77.0.8/24 dev "l3$$"
at t ip link set "l3$$" up
at t wg set "l3$$" private-key "$T_DIR/keyt" listen-port 51828 \
	peer "$PUB1" endpoint 192.168.77.1:51821 allowed-ips 10.77.0.0/24
at h1 wg set "l2$$1" peer "$PUBT" endpoint 192.168.77.8:51828
assert_fail "an L3 warrend cannot ping vm1 over an L2 interface" pings t 10.77.0.1 2
at vm1 ping -c 2 -i 0.3 -W 1 -b 10.77.0.255 >/dev/null 2>&1 # frames flooded to it
wait_for 10 grep -q "sends L2 frames, this interface is L3" "$LOGT"
_t_report $((! $?)) "the L3 warrend logs the mismatch"
assert_eq 2 "$(grep -c "sends IP packets, this interface is L2" "$LOG1")" \
	"h1 logged it once per peer (wireguard-go and the L3 warrend)"
drops=$(at t sh -c "printf 'get=1\n\n' | socat - UNIX-CONNECT:/var/run/wireguard/l3$$.sock" |
	sed -n 's/^drop_frame_on_l3=//p' | head -1)
[ "${drops:-0}" -gt 0 ]
_t_report $((! $?)) "the L3 warrend counts drop_frame_on_l3 ($drops)"
assert_ok "vm1 -> vm2 still works" pings vm1 10.77.0.2 2

# A VM that migrates: vm2's MAC turns up behind h3 (vm3 takes it for a
# broadcast) and h1 moves it there; back on vm2 it moves back to h2.
# sent_from H WHAT CMD...: CMD changes a MAC address, then vm H broadcasts
# from vm2's MAC; h1 must list the MAC behind host H and have counted one
# move more than the moves asserted so far. The baseline is read once,
# before the first move: a VM sends frames on its own at any time (IPv6
# neighbour discovery when its address changes, vm2 still holding the MAC
# while vm3 borrows it), which may move the MAC before or between calls,
# but only ever adds to the count.
moves_base=$(counter 1 l2_macs_moved)
moves_done=0
sent_from() {
	local before after h=$1 what=$2
	shift 2
	moves_done=$((moves_done + 1))
	before=$((${moves_base:-0} + moves_done - 1))
	"$@"
	at "vm$h" ping -c 1 -W 1 -b 10.77.0.255 >/dev/null 2>&1
	wait_for 10 behind "$h" "$mac2"
	_t_report $((! $?)) "$what: h1 lists vm2's MAC behind h$h"
	after=$(counter 1 l2_macs_moved)
	[ "${after:-0}" -gt "$before" ]
	_t_report $((! $?)) "$what: h1 counts the move (l2_macs_moved $after > $before)"
}
mac3=$(at vm3 cat /sys/class/net/eth0/address)
sent_from 3 "vm2's MAC sent from vm3" at vm3 ip link set eth0 address "$mac2"
sent_from 2 "sent from vm2 again" at vm3 ip link set eth0 address "$mac3"
for v in 1 2 3; do
	at "vm$v" ip neigh flush dev eth0
done
assert_ok "after the move back: vm1 -> vm2" pings vm1 10.77.0.2 2
assert_ok "after the move back: vm1 -> vm3" pings vm1 10.77.0.3 2
t_done
