#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs what warren needs from Debian 12's packages, and nothing else.
# Idempotent: packages already installed are not touched, and when nothing
# is missing this does no apt-get at all. `make`, `make check`, `make bench`
# and .ci/run call it.
#
#   scripts/deps.sh build   compiler, Meson, libraries
#   scripts/deps.sh test    + the tools and real peers the tests run
#   scripts/deps.sh fuzz    + clang and its sanitizer runtimes
#   scripts/deps.sh bench   + the peers that `make bench` measures
#   scripts/deps.sh lint    + clang-format (`make format`, `make format-check`)
#   scripts/deps.sh deb     + what dpkg-buildpackage needs (`make deb`)
#   scripts/deps.sh boot    + systemd-nspawn, for `make check-boot`
#   scripts/deps.sh vm      + QEMU, busybox and the tools of `make check-vm`
#                           (its Debian kernel is unpacked, not installed:
#                           tests/vm/kernel.sh)
set -eu

build=(make gcc libc6-dev pkg-config meson ninja-build libssl-dev libsodium-dev libmnl-dev libcmocka-dev)
test=(iproute2 iputils-ping iperf3 nftables procps psmisc wireguard-tools wireguard-go socat python3 groff-base systemd)
fuzz=(clang libclang-rt-14-dev)
bench=(openvpn fastd tinc openssl jq util-linux)
lint=(clang-format git)
deb=(build-essential debhelper dpkg-dev git)
vm=(qemu-system-x86 busybox-static cpio kmod)
boot=(systemd-container util-linux)

want=("${build[@]}")
for set in "$@"; do
	case "$set" in
	build) ;;
	test) want+=("${test[@]}") ;;
	fuzz) want+=("${fuzz[@]}") ;;
	deb) want+=("${deb[@]}") ;;
	lint) want+=("${lint[@]}") ;;
	vm) want+=("${test[@]}" "${vm[@]}") ;;
	boot) want+=("${test[@]}" "${boot[@]}") ;;
	bench) want+=("${test[@]}" "${bench[@]}") ;;
	*) echo "usage: $0 [build|test|fuzz|bench|lint|deb|vm|boot]..." >&2; exit 2 ;;
	esac
done

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "warren: missing packages: ${missing[*]}" >&2
	echo "warren: run as root, or: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
echo "warren: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null || {
	apt-get update >/dev/null
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
}
