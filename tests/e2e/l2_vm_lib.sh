# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# What the L2 "VM" tests (l2_vm_mtu.sh, l2_vm_three.sh) read and send:
# the UAPI's counters, links' drops, the kernel's fragments, TCP with a
# sha256 on both ends and one 1472-byte UDP datagram. Sourced after
# up_lib.sh (at, wait_for, _t_report, $T_DIR, $NS_PREFIX).

uapi_get() { # NS IFNAME
	at "$1" sh -c "printf 'get=1\n\n' | socat -t 5 - UNIX-CONNECT:/var/run/wireguard/$2.sock"
}
counter() { # NS IFNAME KEY: a device-level number (0 when absent)
	local v
	v=$(uapi_get "$1" "$2" | sed -n "s/^$3=//p" | head -1)
	echo "${v:-0}"
}
ifdrops() { # NS DEV: rx + tx dropped of a link
	at "$1" ip -s -s link show dev "$2" |
		awk '/RX:/ { getline; rx = $4 } /TX:/ { getline; tx = $4 } END { print rx + tx }'
}
frag_creates() { # NS 4|6: the kernel's IP fragments made
	if [ "$2" = 4 ]; then
		at "$1" awk '/^Ip:/ { if (h) { for (i = 1; i <= NF; i++) if (k[i] == "FragCreates") print $i } else { h = 1; for (i = 1; i <= NF; i++) k[i] = $i } }' /proc/net/snmp
	else
		at "$1" awk '$1 == "Ip6FragCreates" { print $2 }' /proc/net/snmp6
	fi
}
# tcp_sha FROM TO ADDR MIB: MIB MiB over TCP; prints "sent received" sha256.
tcp_sha() {
	local port=$((20000 + RANDOM % 20000)) rpid
	rm -f "$T_DIR/recv.sha" "$T_DIR/sent.sha"
	at "$2" timeout 120 socat -u "TCP6-LISTEN:$port,reuseaddr,ipv6only=0" - 2>/dev/null |
		sha256sum | cut -d' ' -f1 >"$T_DIR/recv.sha" &
	rpid=$!
	wait_for 10 sh -c "ip netns exec '$NS_PREFIX-$2' ss -Hln --tcp 'sport = :$port' | grep -q ."
	head -c "${4}M" /dev/urandom | tee >(sha256sum | cut -d' ' -f1 >"$T_DIR/sent.sha") |
		at "$1" timeout 120 socat -u - "TCP:$3:$port,connect-timeout=5" 2>/dev/null
	wait "$rpid"
	sleep 0.2
	echo "$(cat "$T_DIR/sent.sha" 2>/dev/null) $(cat "$T_DIR/recv.sha" 2>/dev/null)"
}
assert_tcp() { # WHAT FROM TO ADDR MIB
	local s1 s2
	read -r s1 s2 <<<"$(tcp_sha "$2" "$3" "$4" "$5")"
	[ -n "$s1" ] && [ "$s1" = "$s2" ]
	_t_report $((! $?)) "$1 ($s1 / $s2)"
}
# udp_big FROM TO ADDR: one 1472-byte datagram (1500 bytes of IPv4) arrives whole.
udp_big() {
	local port=$((20000 + RANDOM % 20000)) rpid
	rm -f "$T_DIR/udp.out"
	at "$2" timeout 10 socat -u "UDP6-RECV:$port,ipv6only=0" "OPEN:$T_DIR/udp.out,creat,trunc" &
	rpid=$!
	wait_for 10 sh -c "ip netns exec '$NS_PREFIX-$2' ss -Hln --udp 'sport = :$port' | grep -q ."
	head -c 1472 /dev/urandom >"$T_DIR/udp.in"
	at "$1" socat -u "OPEN:$T_DIR/udp.in" "UDP-SENDTO:$3:$port"
	wait_for 5 test -s "$T_DIR/udp.out"
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	cmp -s "$T_DIR/udp.in" "$T_DIR/udp.out"
}

