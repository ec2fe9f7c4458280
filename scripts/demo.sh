#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: two hosts joined by a warren tunnel, in throwaway network
# namespaces that are removed at the end. Nothing outside them is touched.
#
#   +---------- wt<pid>-a ----------+                +---------- wt<pid>-b ----------+
#   | wdemo-a  10.88.0.1  fd88::1   |   WireGuard    | wdemo-b  10.88.0.2  fd88::2   |
#   |   warrend (warren up)         |<==============>|   warrend (warren up)         |
#   | eth0 10.77.0.1 ---------------+------ veth ----+--------------- eth0 10.77.0.2 |
#   +-------------------------------+                +-------------------------------+
#
# The tunnel comes up from the configs below (wg-quick's format), carries a
# ping and a short TCP transfer, and `warren show` prints its counters.
# Then L2 mode (docs/l2.md): on each host a bridge holds a "VM" (its own
# namespace, joined by veth) and a warren TAP device brought up with
# `Mode = tap` and `Bridge = br0`, so the two VMs share one Ethernet across
# the hosts; they ping each other and `warren show` lists the MACs it
# learned. Then the TUN/TAP side: devices made, shown and deleted by
# `warren tuntap`.
#
#   vm-a 10.99.0.1 --veth-- br0 + wl2-a (TAP)  <== WireGuard, L2 ==>  wl2-b (TAP) + br0 --veth-- vm-b 10.99.0.2
#
# usage: scripts/demo.sh [BUILD_DIR]   (default: build)
#        WARREN=/usr/bin/warren scripts/demo.sh   (installed binaries; warren up
#                                                   then finds warrend on PATH)
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
if [ -z "${WARREN:-}" ]; then
	WARREN_BUILD=$(cd "$build" && pwd)
	export WARREN_BUILD
fi
# shellcheck source=../tests/e2e/lib/netns.sh
. tests/e2e/lib/netns.sh
require_root

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# show NS CMD...: prints CMD as a user would type it, then runs it in NS
# ("warren" stands for this build's binary).
show() {
	local ns=$1
	shift
	printf '%s$ %s\n' "$ns" "$*"
	if [ "$1" = warren ]; then
		shift
		at "$ns" "$WARREN" "$@"
	else
		at "$ns" "$@"
	fi
}

ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 10.77.0.1/24 dev eth0
at b ip addr add 10.77.0.2/24 dev eth0

step "Keys, as wg makes them"
key_a=$("$WARREN" genkey)
key_b=$("$WARREN" genkey)
pub_a=$("$WARREN" pubkey <<<"$key_a")
pub_b=$("$WARREN" pubkey <<<"$key_b")
echo "a: $pub_a"
echo "b: $pub_b"

# The embedded default: one wg-quick config per side.
umask 077
cat >"$T_DIR/wdemo-a.conf" <<CONF
[Interface]
PrivateKey = $key_a
Address = 10.88.0.1/24, fd88::1/64
ListenPort = 51820

[Peer]
PublicKey = $pub_b
AllowedIPs = 10.88.0.2/32, fd88::2/128
Endpoint = 10.77.0.2:51820
CONF
cat >"$T_DIR/wdemo-b.conf" <<CONF
[Interface]
PrivateKey = $key_b
Address = 10.88.0.2/24, fd88::2/64
ListenPort = 51820

[Peer]
PublicKey = $pub_a
AllowedIPs = 10.88.0.1/32, fd88::1/128
Endpoint = 10.77.0.1:51820
PersistentKeepalive = 25
CONF

step "The tunnel, from a wg-quick config (warren up starts warrend)"
sed 's/^PrivateKey = .*/PrivateKey = (hidden)/' "$T_DIR/wdemo-a.conf"
echo
show a warren up "$T_DIR/wdemo-a.conf"
show b warren up "$T_DIR/wdemo-b.conf"

step "Traffic through it"
show a ping -c 3 -i 0.2 10.88.0.2
show a ping -c 3 -i 0.2 fd88::2
bg b iperf3 -s
wait_for 5 at a bash -c "exec 3<>/dev/tcp/10.88.0.2/5201"
printf 'a$ iperf3 -c 10.88.0.2 -t 3\n'
at a iperf3 -c 10.88.0.2 -t 3 -f m | grep -E "sender|receiver"

step "What warren show sees (wg show's layout, plus drop counters)"
show a warren show wdemo-a
show b warren show wdemo-b -j | head -c 600
echo

step "Down again"
show a warren down "$T_DIR/wdemo-a.conf"
show b warren down "$T_DIR/wdemo-b.conf"

step "L2: two VMs on one Ethernet across the hosts (Mode = tap, Bridge = br0)"
for h in a b; do
	ns_new "vm$h"
	at "$h" ip link add br0 type bridge
	at "$h" ip link set br0 up
	veth "vm$h" eth0 "$h" vm
	# The VM's MTU fits the warren TAP device's (1500 - 96 = 1404).
	at "$h" ip link set vm mtu 1404
	at "vm$h" ip link set eth0 mtu 1404
	at "$h" ip link set vm master br0
	at "vm$h" ip link set eth0 address "02:00:00:99:00:0$([ $h = a ] && echo 1 || echo 2)"
	at "vm$h" ip addr add "10.99.0.$([ $h = a ] && echo 1 || echo 2)/24" dev eth0
done
cat >"$T_DIR/wl2-a.conf" <<CONF
[Interface]
PrivateKey = $key_a
ListenPort = 51821
Mode = tap
Bridge = br0

[Peer]
PublicKey = $pub_b
Endpoint = 10.77.0.2:51821
AllowedMACs = 02:00:00:99:00:00/40
CONF
cat >"$T_DIR/wl2-b.conf" <<CONF
[Interface]
PrivateKey = $key_b
ListenPort = 51821
Mode = tap
Bridge = br0

[Peer]
PublicKey = $pub_a
Endpoint = 10.77.0.1:51821
CONF
sed 's/^PrivateKey = .*/PrivateKey = (hidden)/' "$T_DIR/wl2-a.conf"
echo
show a warren up "$T_DIR/wl2-a.conf"
show b warren up "$T_DIR/wl2-b.conf"
show vma ping -c 3 -i 0.2 10.99.0.2
show vma ip neigh show dev eth0
show a warren show wl2-a
show a warren down "$T_DIR/wl2-a.conf"
show b warren down "$T_DIR/wl2-b.conf"

step "TUN and TAP devices, with warren tuntap (the grammar of ip tuntap)"
show a warren tuntap add dev tun0 mode tun
show a warren tuntap add tap0 mode tap multi_queue vnet_hdr user nobody
show a warren tuntap show
show a warren -j tuntap show
show a warren tuntap del tap0
show a warren tuntap del tun0
printf '\nDone: the namespaces and everything in them are removed on exit.\n'
