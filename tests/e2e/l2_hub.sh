#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# L2 hub mode (docs/l2.md): three spokes that peer only with a hub; the hub
# (UAPI `hub=true', a warren extension) switches frames between them with
# split horizon. Every pair of VMs pings over IPv4 and IPv6, only through
# the hub; a broadcast storm gives bounded datagram counts (no loop).
#
#   vm1        vm2        vm3           each vmN: veth to br0 on sN
#    |          |          |
#   s1 ------- h0 ------- s2            s1, s2, s3 peer only with h0;
#              |                        h0 has no VM of its own
#              s3
#   (all hosts' eth0 on one bridge in ns wan, 192.168.78.0/24)
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat
_l2_cleanup() {
	_tunnel_cleanup
	rm -f /var/run/wireguard/l2h$$[0123].sock
}
trap _l2_cleanup EXIT

uapi() { # uapi HOST TEXT: a UAPI request on host HOST's device; prints the reply
	at "$1" sh -c "printf '$2\n\n' | socat - UNIX-CONNECT:/var/run/wireguard/l2h$$${1#?}.sock"
}

ns_new wan
at wan ip link add uplink type bridge
at wan ip link set uplink up
for h in 0 1 2 3; do
	n=$([ "$h" = 0 ] && echo h0 || echo "s$h")
	ns_new "$n"
	veth "$n" eth0 wan "up$h"
	at wan ip link set "up$h" master uplink
	at "$n" ip addr add "192.168.78.$((h + 1))/24" dev eth0
	key=$(wg genkey)
	echo "$key" >"$T_DIR/key$h"
	printf -v "PUB$h" '%s' "$(wg pubkey <<<"$key")"
	bg "$n" env WARREN_MODE=tap "$WARREND" -f "l2h$$$h"
	wait_for 10 test -S "/var/run/wireguard/l2h$$$h.sock" || { cat "$BG_LOG"; exit 1; }
	at "$n" ip link add br0 type bridge
	at "$n" ip link set "l2h$$$h" master br0
	at "$n" ip link set "l2h$$$h" up
	at "$n" ip link set br0 up
	at "$n" wg set "l2h$$$h" private-key "$T_DIR/key$h" listen-port "$((51830 + h))"
	[ "$h" = 0 ] && continue
	ns_new "vm$h"
	veth "vm$h" eth0 "$n" "vm$h"
	at "vm$h" ip link set eth0 mtu 1404
	at "$n" ip link set "vm$h" mtu 1404
	at "$n" ip link set "vm$h" master br0
	at "vm$h" ip addr add "10.78.0.$h/24" dev eth0
	at "vm$h" ip addr add "fd78::$h/64" dev eth0 nodad
	at "vm$h" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
	# The hub first: a spoke initiates as soon as it has a peer (its VM's
	# MLD reports), and a lost initiation is retried only after 5 s.
	at h0 wg set "l2h$$0" peer "$(eval echo "\$PUB$h")" endpoint "192.168.78.$((h + 1)):$((51830 + h))"
	at "$n" wg set "l2h$$$h" peer "$PUB0" endpoint "192.168.78.1:51830"
done

# Without hub mode the spokes do not reach each other.
assert_fail "hub off: vm1 cannot reach vm2" pings vm1 10.78.0.2 2
uapi h0 'set=1\nhub=true' | grep -qx errno=0
_t_report $((! $?)) "hub=true is accepted"
# Forget the neighbour resolutions that failed while the hub was off.
for h in 1 2 3; do
	at "vm$h" ip neigh flush all
done
assert_eq "hub=true" "$(uapi h0 'get=1' | grep '^hub=')" "the hub reports hub=true"

for a in 1 2 3; do
	for b in 1 2 3; do
		[ "$a" = "$b" ] && continue
		assert_ok "vm$a -> vm$b over IPv4 through the hub" pings "vm$a" "10.78.0.$b" 2
		assert_ok "vm$a -> vm$b over IPv6 through the hub" pings "vm$a" "fd78::$b" 2
	done
done
assert_eq 1 "$(at s1 wg show "l2h$$1" peers | wc -l)" "s1 has the hub as its only peer"

# A broadcast storm: 200 broadcast pings from vm1. Each becomes one datagram
# to the hub and one from the hub to each other spoke (answers are unicast).
before=$(uapi h0 'get=1' | sed -n 's/^l2_flooded=//p')
tx2a=$(transfer s2 "l2h$$2" 2)
at vm1 ping -b -q -c 200 -i 0.01 -W 1 10.78.0.255 >/dev/null 2>&1
sleep 0.5
after=$(uapi h0 'get=1' | sed -n 's/^l2_flooded=//p')
tx2b=$(transfer s2 "l2h$$2" 2)
flooded=$((after - before))
[ "$flooded" -ge 200 ] && [ "$flooded" -le 230 ]
_t_report $((! $?)) "the hub flooded each broadcast once (200 <= $flooded <= 230)"
# s2 received at most the 200 broadcasts and a little ARP/ND, each <= 128 + 32 bytes.
[ $((tx2b - tx2a)) -le $((230 * 160)) ]
_t_report $((! $?)) "s2 received a bounded amount ($((tx2b - tx2a)) bytes)"
assert_ok "vm3 -> vm1 still works after the storm" pings vm3 10.78.0.1 2
t_done
