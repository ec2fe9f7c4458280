#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guests' kernel for `make check-vm`: Debian's own, unpacked, never
# installed. linux-image-amd64's postinst would run initramfs-tools and
# touch the host's /boot, so the versioned package it depends on is fetched
# with `apt-get download` (Debian's registry, nothing else) and unpacked
# with `dpkg-deb -x`; only vmlinuz and the modules the guests load are kept.
#
#   tests/vm/kernel.sh CACHE    prints the folder that holds:
#     vmlinuz           the kernel
#     modules/*.ko      virtio_pci, virtio_net and what modules.dep says
#                       they need (failover, net_failover, virtio, ...)
#     modules.load      their file names, in the order to insmod them
#
# Idempotent: a folder that is complete (it has modules.load) is reused;
# the unpacked package (400 MB) is removed once the files are copied out.
set -euo pipefail

# What the guests load; built-in ones are skipped (modules.builtin).
WANT=(virtio_pci virtio_net)

cache=${1:?usage: $0 CACHE}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -1)
[ -n "$pkg" ] || {
	echo "kernel.sh: linux-image-amd64 has no linux-image-*-amd64 dependency (apt-get update?)" >&2
	exit 1
}
ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
out="$cache/$pkg-$ver"
if [ -f "$out/modules.load" ] && [ -f "$out/vmlinuz" ]; then
	echo "$out"
	exit 0
fi

work=$(mktemp -d "$cache/unpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt-get download drops privileges to _apt where it can write.
id _apt >/dev/null 2>&1 && chown _apt "$work"
echo "kernel.sh: fetching $pkg $ver from Debian" >&2
(cd "$work" && apt-get download -q "$pkg=$ver" >/dev/null) || {
	apt-get update -q >/dev/null
	(cd "$work" && apt-get download -q "$pkg=$ver" >/dev/null)
}
dpkg-deb -x "$work"/*.deb "$work/root"
kver=${pkg#linux-image-}
mods="$work/root/lib/modules/$kver"
# The package has no modules.dep: its postinst makes it. depmod -b makes it
# here, in the unpacked tree only.
depmod -b "$work/root" "$kver"

rm -rf "$out.tmp"
mkdir -p "$out.tmp/modules"
cp "$work/root/boot/vmlinuz-$kver" "$out.tmp/vmlinuz"
cp "$work/root/boot/config-$kver" "$out.tmp/config"

# load MODULE: appends MODULE's dependencies (depth first) and then MODULE
# to modules.load, each once.
declare -A seen=()
load() {
	local name=$1 line path dep
	[ -z "${seen[$name]:-}" ] || return 0
	seen[$name]=1
	if grep -q "/$name\.ko$" "$mods/modules.builtin"; then
		return 0
	fi
	line=$(grep -E "(^|/)$name\.ko(\.[a-z]+)?:" "$mods/modules.dep") || {
		echo "kernel.sh: $name is neither a module nor built in" >&2
		exit 1
	}
	path=${line%%:*}
	for dep in ${line#*:}; do
		dep=$(basename "$dep")
		load "${dep%%.ko*}"
	done
	cp "$mods/$path" "$out.tmp/modules/"
	basename "$path" >>"$out.tmp/modules.load"
}
for m in "${WANT[@]}"; do
	load "$m"
done
rm -rf "$out"
mv "$out.tmp" "$out"
echo "kernel.sh: $out: vmlinuz, $(tr '\n' ' ' <"$out/modules.load")" >&2
echo "$out"
