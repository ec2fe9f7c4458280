#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the guests of `make check-vm` (tests/vm/check.sh builds the
# initramfs: busybox, the virtio modules, this script, /www/blob). Both
# guests run the same checks against each other, so every check is done
# both ways. The kernel command line says who this guest is:
#
#   warren.name=g1 warren.ip=10.79.0.1 warren.peer=10.79.0.2
#   warren.peermac=52:54:00:79:00:02 warren.sha=<sha256 of /www/blob>
#   warren.wait=SECONDS   how long to wait for the peer to answer ARP
#
# Results go to the serial console, one line each, for the host to parse:
#
#   RESULT <guest> <check> pass|fail <detail>
#
# then "DONE <guest>". The guest keeps serving (httpd, ping) until the host
# stops it: the other guest may still be running its checks.
# shellcheck shell=sh
# shellcheck disable=SC2154 # W_* come from the command line, by eval

/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
exec </dev/console >/dev/console 2>&1

# shellcheck disable=SC2013 # words, not lines
for kv in $(cat /proc/cmdline); do
	case "$kv" in
	warren.*=*)
		k=${kv%%=*}
		k=${k#warren.}
		eval "W_$k=\${kv#*=}"
		;;
	esac
done
me=${W_name:-g?}

result() { # CHECK pass|fail DETAIL...
	c=$1 r=$2
	shift 2
	echo "RESULT $me $c $r $*"
}

finish() {
	echo "DONE $me"
	# Serve the peer until the host stops this machine.
	while :; do sleep 3600; done
}

booted=$(cut -d' ' -f1 /proc/uptime)
echo "warren-vm: $me: $(uname -r), $(nproc) CPU(s), init at uptime $booted s"
# shellcheck disable=SC2013 # one name a line, no spaces
for m in $(cat /modules.load); do
	insmod "/lib/modules/$m" || echo "warren-vm: insmod $m failed"
done
ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if ! ip link set eth0 up || ! ip addr add "$W_ip/24" dev eth0; then
	result eth0 fail "no eth0: $(ls /sys/class/net)"
	finish
fi
mtu=$(cat /sys/class/net/eth0/mtu)
queues=$(find /sys/class/net/eth0/queues -name "tx-*" | wc -l)
# The guest keeps the default MTU: that is what is tested.
if [ "$mtu" = 1500 ]; then r=pass; else r=fail; fi
result mtu "$r" "eth0 mtu $mtu, $queues tx queue(s), $(cat /sys/class/net/eth0/address), init at uptime $booted s"

httpd -p 80 -h /www

# ARP: wait for the peer to boot and answer; its MAC must be the one QEMU gave it.
deadline=$(($(cut -d. -f1 /proc/uptime) + ${W_wait:-300}))
got=
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ]; do
	got=$(arping -f -c 1 -w 2 -I eth0 "$W_peer" 2>/dev/null |
		sed -n 's/.*reply from [0-9.]* \[\([0-9a-fA-F:]*\)\].*/\1/p' | head -1)
	[ -n "$got" ] && break
	sleep 1
done
got=$(echo "$got" | tr 'A-F' 'a-f')
if [ "$got" = "$W_peermac" ]; then r=pass; else r=fail; fi
result arp "$r" "$W_peer is at ${got:-nothing} (want $W_peermac)"

for s in 56 1400 1472; do
	out=$(ping -c 3 -w 20 -s "$s" "$W_peer" 2>&1)
	rc=$?
	sum=$(echo "$out" | grep 'packets transmitted' | sed 's/, [0-9]*% packet loss//')
	if [ $rc = 0 ]; then r=pass; else r=fail; fi
	result "ping$s" "$r" "ping -s $s $W_peer (IP packet $((s + 28)) bytes): ${sum:-no summary}"
done

# 8 MiB over HTTP from the peer's httpd; the sha256 is the host's.
t0=$(cut -d' ' -f1 /proc/uptime)
# No wget -T: Debian's busybox 1.35 wget crashes with it (SIGSEGV).
timeout 120 wget -q -O /tmp/blob "http://$W_peer/blob"
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
size=$(stat -c %s /tmp/blob 2>/dev/null || echo 0)
sha=$(sha256sum /tmp/blob 2>/dev/null | cut -d' ' -f1)
if [ $rc = 0 ] && [ "$sha" = "$W_sha" ]; then r=pass; else r=fail; fi
result http "$r" "wget http://$W_peer/blob: exit $rc, $size bytes in $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s, sha256 ${sha:-none}$([ "$sha" = "$W_sha" ] || echo " (want $W_sha)")"
rm -f /tmp/blob

finish
