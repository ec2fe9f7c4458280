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
# ping and a short TCP transfer, and `warren show` prints its counters. Then
# the TUN/TAP side: devices made, shown and deleted by `warren tuntap`.
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
WARREN_BUILD=$(cd "$build" && pwd)
export WARREN_BUILD
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

step "TUN and TAP devices, with warren tuntap (the grammar of ip tuntap)"
show a warren tuntap add dev tun0 mode tun
show a warren tuntap add tap0 mode tap multi_queue vnet_hdr user nobody
show a warren tuntap show
show a warren -j tuntap show
show a warren tuntap del tap0
show a warren tuntap del tun0
printf '\nDone: the namespaces and everything in them are removed on exit.\n'
