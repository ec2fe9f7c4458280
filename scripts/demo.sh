#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: warren in a throwaway network namespace, removed at the end.
#
#   +------------------- namespace wt<pid>-demo -------------------+
#   |  tun0, tap0 (multi_queue): made, shown and deleted by warren |
#   |  ping 10.99.0.2 --> echo0 (TUN) --> examples/tun_echo        |
#   |          <-- echo reply written back by the userspace program |
#   +--------------------------------------------------------------+
#
# Nothing outside that namespace is touched.
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
WARREN_BUILD=$(cd "$build" && pwd)
export WARREN_BUILD
# shellcheck source=../tests/e2e/lib/netns.sh
. tests/e2e/lib/netns.sh
require_root

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# show CMD...: prints CMD as a user would type it, then runs it in the
# namespace ("warren" stands for this build's binary).
show() {
	printf '$ %s\n' "$*"
	if [ "$1" = warren ]; then
		shift
		at demo "$WARREN" "$@"
	else
		at demo "$@"
	fi
}

ns_new demo

step "TUN and TAP devices, made with warren tuntap (the grammar of ip tuntap)"
show warren tuntap add dev tun0 mode tun
show warren tuntap add tap0 mode tap multi_queue vnet_hdr user nobody
show warren tuntap show
show warren -j tuntap show
echo

step "A packet through a TUN device: ping answered by a userspace program"
bg demo "$WARREN_BUILD/examples/tun_echo" echo0 10.99.0.1/24
wait_for 5 at demo ip link show echo0
show warren -d tuntap show
show ping -c 3 -i 0.2 10.99.0.2

step "Delete by name alone (ip tuntap needs 'multi_queue' repeated for tap0)"
show warren tuntap del tun0
show warren tuntap del tap0
show warren tuntap show
printf '\nDone: the namespace and everything in it are removed on exit.\n'
