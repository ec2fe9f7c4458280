#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make check-vm`: real QEMU guests on a warren L2 segment, as a user runs
# VMs (issue 9). Two namespace "hosts" h1 and h2, joined by a veth "wan"
# (MTU 1500), each with a bridge br0 that holds warren's L2 TAP device
# (`warren up` of a Mode = tap, Bridge = br0 config) and a VM's TAP device
# made by `warren tuntap add vnet0 mode tap vnet_hdr`. A QEMU guest (TCG,
# Debian's kernel, virtio-net, busybox in an initramfs) runs in each host on
# its vnet0 and keeps the default MTU 1500. Each guest checks, against the
# other (so every check runs both ways): its MTU is 1500, ARP resolves the
# peer's MAC, ping -s 56, 1400 and 1472, and 8 MiB over HTTP (busybox httpd
# and wget) with the sha256 compared. Then a second pass does it all again
# with `multi_queue` TAP devices, QEMU queues=2, mq=on and 2 vCPUs.
#
#   g1 10.79.0.1 (52:54:00:79:00:01)          g2 10.79.0.2 (52:54:00:79:00:02)
#     | virtio-net, QEMU -netdev tap            | virtio-net, QEMU -netdev tap
#   h1: vnet0 (warren tuntap, vnet_hdr)       h2: vnet0 (warren tuntap, vnet_hdr)
#       br0 + warren L2 TAP (warren up)           br0 + warren L2 TAP (warren up)
#     eth0 192.168.79.1 ------- veth "wan" ----- eth0 192.168.79.2
#
# Environment:
#   WARREN_VM_DIRECT=1    harness self-test: the two bridges are joined by a
#                         plain veth (MTU 1500) instead of warren, so every
#                         check must pass; proves that a failure in a normal
#                         run is warren's, not the harness's.
#   WARREN_VM_TIMEOUT=S   how long a pass may take, boot included (default
#                         900 s: TCG boots in tens of seconds on an idle
#                         machine, minutes on a loaded one)
#   WARREN_VM_CACHE=DIR   where the unpacked Debian kernel is kept (default
#                         $WARREN_BUILD/vm)
#   WARREN_VM_KEEP_LOGS=DIR  copy the guests' serial logs there
#
# It installs what it needs from Debian (scripts/deps.sh vm; the kernel by
# tests/vm/kernel.sh), prints one line per check, then "N passed, N
# failed", exits non-zero on any failure, and removes every namespace,
# device, process and temporary file it made, also when interrupted.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$ROOT/tests/e2e/up_lib.sh"
set -e # netns.sh sets -u and pipefail, not -e; keep all three

require_root
"$ROOT/scripts/deps.sh" vm
require_up
require_cmd qemu-system-x86_64 busybox cpio timeout depmod apt-get dpkg-deb

DIRECT=${WARREN_VM_DIRECT:-0}
PASS_TIMEOUT=${WARREN_VM_TIMEOUT:-900}
CACHE=${WARREN_VM_CACHE:-$WARREN_BUILD/vm}
BLOB_BYTES=$((8 * 1024 * 1024))
CHECKS=(mtu arp ping56 ping1400 ping1472 http)

# --- the guests' kernel and initramfs -------------------------------------
KDIR=$(timeout 600 "$HERE/kernel.sh" "$CACHE")
IRD="$T_DIR/initramfs"
mkdir -p "$IRD"/{bin,dev,proc,sys,tmp,www,lib/modules}
cp "$(command -v busybox)" "$IRD/bin/busybox"
"$IRD/bin/busybox" true # a static binary: it runs without any library
cp "$KDIR"/modules/*.ko "$IRD/lib/modules/"
cp "$KDIR/modules.load" "$IRD/modules.load"
install -m 755 "$HERE/init.sh" "$IRD/init"
# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$IRD/dev/console" c 5 1
head -c "$BLOB_BYTES" /dev/urandom >"$IRD/www/blob"
SHA=$(sha256sum "$IRD/www/blob" | cut -d' ' -f1)
(cd "$IRD" && find . | cpio -o -H newc --quiet) >"$T_DIR/initramfs.cpio"
rm -rf "$IRD"
echo "# kernel: $KDIR"
echo "# initramfs: $(du -h "$T_DIR/initramfs.cpio" | cut -f1) (busybox, $(tr '\n' ' ' <"$KDIR/modules.load")8 MiB blob)"

# --- the hosts -------------------------------------------------------------
ns_new h1
ns_new h2
veth h1 eth0 h2 eth0
at h1 ip addr add 192.168.79.1/24 dev eth0
at h2 ip addr add 192.168.79.2/24 dev eth0
for h in h1 h2; do
	at "$h" ip link add br0 type bridge
	at "$h" ip link set br0 up
done

if [ "$DIRECT" = 1 ]; then
	echo "# WARREN_VM_DIRECT=1: the bridges are joined by a plain veth, not by warren"
	veth h1 seg h2 seg
	at h1 ip link set seg master br0
	at h2 ip link set seg master br0
else
	up_iface I1 1
	up_iface I2 2
	# shellcheck disable=SC2034 # read as ${!k}
	K1=$(wg genkey) K2=$(wg genkey)
	for n in 1 2; do
		o=$((3 - n))
		k="K$n" ko="K$o" i="I$n"
		cat >"$T_DIR/${!i}.conf" <<EOF
[Interface]
PrivateKey = ${!k}
ListenPort = $((51790 + n))
Mode = tap
Bridge = br0

[Peer]
PublicKey = $(wg pubkey <<<"${!ko}")
Endpoint = 192.168.79.$o:$((51790 + o))
EOF
		chmod 600 "$T_DIR/${!i}.conf"
	done
	# h2 first: h1's TAP device sends frames (DAD, MLD) as it comes up, and
	# the handshake they start must find h2 listening.
	assert_ok "h2: warren up (Mode = tap, Bridge = br0)" at h2 timeout 60 "$WARREN" up "$T_DIR/$I2.conf"
	assert_ok "h1: warren up (Mode = tap, Bridge = br0)" at h1 timeout 60 "$WARREN" up "$T_DIR/$I1.conf"
	echo "# warren's L2 TAP devices: h1 $I1 mtu $(at h1 cat /sys/class/net/"$I1"/mtu), h2 $I2 mtu $(at h2 cat /sys/class/net/"$I2"/mtu)"
fi

# --- one pass: two guests boot, check each other, report -------------------

# stop_bg PID: stops a background process now (and forgets it for the trap).
stop_bg() {
	local pid=$1 p keep=()
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${_bg_pids[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	_bg_pids=("${keep[@]}")
}

# run_pass NAME SMP TUNTAP_FLAGS NETDEV_EXTRA DEVICE_EXTRA
run_pass() {
	local pass=$1 smp=$2 flags=$3 ndx=$4 dvx=$5
	local n o h serial pids=() logs=() t0=$SECONDS deadline done_all line c r detail
	echo "# pass \"$pass\": tuntap $flags; -netdev tap,...$ndx -device virtio-net-pci,...$dvx; -smp $smp"
	for n in 1 2; do
		o=$((3 - n))
		h=h$n
		# shellcheck disable=SC2086 # the flags are words
		at "$h" "$WARREN" tuntap add dev vnet0 mode tap $flags
		at "$h" ip link set vnet0 master br0
		at "$h" ip link set vnet0 up
		serial="$T_DIR/$pass-g$n.serial"
		: >"$serial"
		bg "$h" timeout "$((PASS_TIMEOUT + 60))" qemu-system-x86_64 \
			-accel tcg -m 256 -smp "$smp" \
			-nodefaults -no-user-config -display none -monitor none -no-reboot \
			-serial "file:$serial" \
			-kernel "$KDIR/vmlinuz" -initrd "$T_DIR/initramfs.cpio" \
			-append "console=ttyS0 panic=-1 loglevel=4 warren.name=g$n warren.ip=10.79.0.$n warren.peer=10.79.0.$o warren.peermac=52:54:00:79:00:0$o warren.sha=$SHA warren.wait=$((PASS_TIMEOUT / 2))" \
			-netdev "tap,id=n0,ifname=vnet0,script=no,downscript=no,vnet_hdr=on$ndx" \
			-device "virtio-net-pci,netdev=n0,mac=52:54:00:79:00:0$n$dvx"
		pids+=("$BG_PID")
		logs+=("$BG_LOG")
	done
	deadline=$((SECONDS + PASS_TIMEOUT))
	while :; do
		done_all=1
		for n in 1 2; do
			grep -aq "^DONE g$n" "$T_DIR/$pass-g$n.serial" || done_all=0
		done
		[ "$done_all" = 1 ] && break
		for n in 0 1; do
			kill -0 "${pids[$n]}" 2>/dev/null && continue
			echo "# g$((n + 1)): QEMU exited before the checks were done:"
			sed 's/^/#   /' "${logs[$n]}" | tail -5
			break 2
		done
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "# pass \"$pass\": timed out after $PASS_TIMEOUT s"
			break
		fi
		sleep 1
	done
	echo "# pass \"$pass\": $((SECONDS - t0)) s"
	for n in 1 2; do
		serial="$T_DIR/$pass-g$n.serial"
		for c in "${CHECKS[@]}"; do
			line=$(tr -d '\r' <"$serial" | grep -a "^RESULT g$n $c " | tail -1) || true
			if [ -z "$line" ]; then
				_t_report 0 "$pass: g$n: $c: no result (the guest did not get that far)"
				continue
			fi
			r=$(cut -d' ' -f4 <<<"$line")
			detail=$(cut -d' ' -f5- <<<"$line")
			_t_report "$([ "$r" = pass ] && echo 1 || echo 0)" "$pass: g$n: $c: $detail"
		done
		if ! grep -aq "^DONE g$n" "$serial"; then
			echo "# g$n's console, last lines:"
			tr -d '\r' <"$serial" | tail -15 | sed 's/^/#   /'
		fi
	done
	if [ "$DIRECT" != 1 ]; then
		for n in 1 2; do
			i="I$n"
			echo "# h$n: warren show ${!i} after pass \"$pass\":"
			at "h$n" "$WARREN" show "${!i}" 2>&1 | sed 's/^/#   /'
			echo "# h$n: ip -s link show ${!i} (warren's TAP device; TX is what the bridge gave warren):"
			at "h$n" ip -s link show dev "${!i}" | sed 's/^/#   /'
		done
	fi
	for n in 1 2; do
		echo "# h$n: ip -s link show vnet0 (the VM's TAP device):"
		at "h$n" ip -s link show dev vnet0 | sed 's/^/#   /'
	done
	if [ -n "${WARREN_VM_KEEP_LOGS:-}" ]; then
		mkdir -p "$WARREN_VM_KEEP_LOGS"
		cp "$T_DIR/$pass"-g?.serial "$WARREN_VM_KEEP_LOGS/"
	fi
	for n in 0 1; do
		stop_bg "${pids[$n]}"
	done
	for n in 1 2; do
		# shellcheck disable=SC2086 # the same flags as the add
		at "h$n" "$WARREN" tuntap del dev vnet0 mode tap $flags
	done
}

run_pass single-queue 1 "vnet_hdr" "" ""
run_pass multi-queue 2 "vnet_hdr multi_queue" ",queues=2" ",mq=on,vectors=6"

if [ "$DIRECT" != 1 ]; then
	assert_ok "h1: warren down" at h1 timeout 60 "$WARREN" down "$T_DIR/$I1.conf"
	assert_ok "h2: warren down" at h2 timeout 60 "$WARREN" down "$T_DIR/$I2.conf"
fi
t_done
