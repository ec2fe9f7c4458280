# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared setup of the tunnel tests (sourced, not a test by itself): two
# namespaces joined by a veth with IPv4 and IPv6 outer addresses, and a
# WireGuard daemon in each (warrend or wireguard-go), configured with the
# stock `wg`.
#
#   ns a                                          ns b
#   IA 10.241.0.1/24 fd10:241::1/64               IB 10.241.0.2/24 fd10:241::2/64
#   (warrend | wireguard-go)                      (warrend | wireguard-go)
#   eth0 192.168.241.1/24 fd00:241::1/64 --veth-- eth0 192.168.241.2/24 fd00:241::2/64
#
# Interface names carry the PID ($$) so that parallel tests do not collide
# in /var/run/wireguard, which all namespaces share.

source "$(dirname "${BASH_SOURCE[0]}")/lib/netns.sh"

IA="wga$$"
IB="wgb$$"
IC="wgc$$"
OUT4_A=192.168.241.1 OUT4_B=192.168.241.2 OUT4_C=192.168.241.3
OUT6_A=fd00:241::1 OUT6_B=fd00:241::2 OUT6_C=fd00:241::3
IN4_A=10.241.0.1 IN4_B=10.241.0.2 IN4_C=10.241.0.3
IN6_A=fd10:241::1 IN6_B=fd10:241::2 IN6_C=fd10:241::3

_tunnel_cleanup() {
	_netns_cleanup
	rm -f "/var/run/wireguard/$IA.sock" "/var/run/wireguard/$IB.sock" \
		"/var/run/wireguard/$IC.sock"
}
trap _tunnel_cleanup EXIT

require_tunnel() {
	require_root
	require_cmd wg ip ping
	[ -x "$WARREND" ] || t_skip "no $WARREND (build first)"
}

# start_daemon NS IMPL IFNAME: runs warrend or wireguard-go in the
# foreground inside NS and waits for its UAPI socket.
start_daemon() {
	local ns=$1 impl=$2 ifname=$3
	case "$impl" in
	warrend) bg "$ns" "$WARREND" -f "$ifname" ;;
	wireguard-go) bg "$ns" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "$ifname" ;;
	*) echo "FATAL: unknown implementation $impl" >&2; exit 1 ;;
	esac
	wait_for 10 test -S "/var/run/wireguard/$ifname.sock" || {
		echo "FATAL: $impl did not create /var/run/wireguard/$ifname.sock" >&2
		cat "$BG_LOG" >&2
		exit 1
	}
}

# add_host NS LETTER: the outer addresses of host LETTER (A, B, C) on its eth0.
add_outer() {
	local ns=$1 v4=$2 v6=$3
	at "$ns" ip addr add "$v4/24" dev eth0
	at "$ns" ip addr add "$v6/64" dev eth0 nodad
}

# add_inner NS IFNAME V4 V6: inner addresses, link up.
add_inner() {
	local ns=$1 ifname=$2 v4=$3 v6=$4
	at "$ns" ip addr add "$v4/24" dev "$ifname"
	at "$ns" ip addr add "$v6/64" dev "$ifname" nodad
	at "$ns" ip link set "$ifname" up
}

# tunnel_outer: namespaces a and b (those not made yet) joined by a veth
# with their outer addresses, and a key pair for each side: KEY_A/KEY_B
# (also in $T_DIR/key_a, key_b), PUB_A/PUB_B.
tunnel_outer() {
	[ -n "${NS_a:-}" ] || ns_new a
	[ -n "${NS_b:-}" ] || ns_new b
	veth a eth0 b eth0
	add_outer a "$OUT4_A" "$OUT6_A"
	add_outer b "$OUT4_B" "$OUT6_B"
	KEY_A=$(wg genkey) KEY_B=$(wg genkey)
	PUB_A=$(wg pubkey <<<"$KEY_A") PUB_B=$(wg pubkey <<<"$KEY_B")
	echo "$KEY_A" >"$T_DIR/key_a"
	echo "$KEY_B" >"$T_DIR/key_b"
}

# tunnel_setup IMPL_A IMPL_B: the topology above, keys in KEY_A/KEY_B,
# PUB_A/PUB_B, each side knowing the other (endpoints over IPv4).
tunnel_setup() {
	tunnel_outer
	start_daemon a "$1" "$IA"
	PID_A=$BG_PID LOG_A=$BG_LOG
	start_daemon b "$2" "$IB"
	PID_B=$BG_PID LOG_B=$BG_LOG
	add_inner a "$IA" "$IN4_A" "$IN6_A"
	add_inner b "$IB" "$IN4_B" "$IN6_B"
	at a wg set "$IA" private-key "$T_DIR/key_a" listen-port 51820
	at b wg set "$IB" private-key "$T_DIR/key_b" listen-port 51821
}

# peers_fresh FAMILY: removes and re-adds each side's peer (no session left)
# with endpoints over the outer IPv4 (4) or IPv6 (6) addresses.
peers_fresh() {
	local ea eb
	if [ "$1" = 6 ]; then
		ea="[$OUT6_A]:51820" eb="[$OUT6_B]:51821"
	else
		ea="$OUT4_A:51820" eb="$OUT4_B:51821"
	fi
	at a wg set "$IA" peer "$PUB_B" remove
	at b wg set "$IB" peer "$PUB_A" remove
	at a wg set "$IA" peer "$PUB_B" endpoint "$eb" allowed-ips "$IN4_B/32,$IN6_B/128"
	at b wg set "$IB" peer "$PUB_A" endpoint "$ea" allowed-ips "$IN4_A/32,$IN6_A/128"
}

# transfer NS IFNAME FIELD: `wg show IFNAME transfer` of the only peer: FIELD 2 rx, 3 tx.
transfer() {
	at "$1" wg show "$2" transfer | awk -v f="$3" '{ print $f; exit }'
}

# handshake NS IFNAME: seconds since the epoch of the peer's last handshake (0 = never).
handshake() {
	at "$1" wg show "$2" latest-handshakes | awk '{ print $2; exit }'
}

# pings NS ADDR [COUNT]: quiet ping that must get every answer.
pings() {
	at "$1" ping -q -c "${3:-3}" -i 0.2 -W 2 "$2" >/dev/null 2>&1
}

# listening NS tcp|udp PORT: true once a socket in NS listens on PORT.
listening() {
	at "$1" ss -Hln --"$2" "sport = :$3" | grep -q .
}

# tcp_transfer FROM_NS TO_NS TO_ADDR MIB: MIB MiB of random bytes over TCP
# through the tunnel; prints "sent-sha256 received-sha256".
tcp_transfer() {
	local from=$1 to=$2 addr=$3 mib=$4 port=$((20000 + RANDOM % 20000))
	rm -f "$T_DIR/recv.sha" "$T_DIR/sent.sha"
	at "$to" timeout 120 socat -u "TCP6-LISTEN:$port,reuseaddr,ipv6only=0" - 2>/dev/null |
		sha256sum | cut -d' ' -f1 >"$T_DIR/recv.sha" &
	local rpid=$!
	wait_for 10 listening "$to" tcp "$port" # socat does not retry a refused connect
	head -c "${mib}M" /dev/urandom | tee >(sha256sum | cut -d' ' -f1 >"$T_DIR/sent.sha") |
		at "$from" timeout 120 socat -u - "TCP:$addr:$port,connect-timeout=5" 2>/dev/null
	wait "$rpid"
	sleep 0.2
	echo "$(cat "$T_DIR/sent.sha" 2>/dev/null) $(cat "$T_DIR/recv.sha" 2>/dev/null)"
}

# assert_transfer WHAT FROM_NS TO_NS TO_ADDR MIB: tcp_transfer, reported as
# one test: the received bytes hash as the sent ones.
assert_transfer() {
	local s1 s2
	read -r s1 s2 <<<"$(tcp_transfer "$2" "$3" "$4" "$5")"
	[ -n "$s1" ] && [ "$s1" = "$s2" ]
	_t_report $((! $?)) "$1 ($s1 / $s2)"
}

# tunnel_interop IMPL_A IMPL_B: the interop scenario. Four rounds with fresh
# peers: outer IPv4 with a initiating, IPv6 with b, IPv6 with a, IPv4 with b;
# each pings over IPv4 and IPv6 inside, checks the handshake, the endpoint
# and that one side's tx equals the other's rx. Then 64 MiB over TCP.
tunnel_interop() {
	local fam ini res ini_if res_if ini_in4 ini_in6 res_in4 res_in6 out_ini
	local tx rx tx2 rx2 round=0 sums

	tunnel_setup "$1" "$2"
	for r in "4 a" "6 b" "6 a" "4 b"; do
		read -r fam ini <<<"$r"
		round=$((round + 1))
		if [ "$ini" = a ]; then
			res=b ini_if=$IA res_if=$IB res_in4=$IN4_B res_in6=$IN6_B
			out_ini=$([ "$fam" = 4 ] && echo "$OUT4_A:51820" || echo "[$OUT6_A]:51820")
		else
			res=a ini_if=$IB res_if=$IA res_in4=$IN4_A res_in6=$IN6_A
			out_ini=$([ "$fam" = 4 ] && echo "$OUT4_B:51821" || echo "[$OUT6_B]:51821")
		fi
		peers_fresh "$fam"
		what="round $round ($1 a, $2 b; outer IPv$fam; $ini initiates)"
		assert_ok "$what: first ping over IPv4 inside" pings "$ini" "$res_in4" 1
		sleep 0.3
		tx=$(transfer "$ini" "$ini_if" 3) rx=$(transfer "$ini" "$ini_if" 2)
		tx2=$(transfer "$res" "$res_if" 3) rx2=$(transfer "$res" "$res_if" 2)
		assert_eq "$tx $rx" "$rx2 $tx2" "$what: initiator tx/rx = responder rx/tx"
		# One initiation (148) and one ping (84 bytes padded to 96, +32);
		# wireguard-go adds a keepalive (32) after the response.
		case "$tx" in 276 | 308) ok=1 ;; *) ok=0 ;; esac
		_t_report $ok "$what: initiator sent 148 + 128 (+32) bytes (got $tx)"
		assert_eq "220" "$tx2" "$what: responder sent 92 + 128 bytes"
		assert_ok "$what: ping over IPv4 inside" pings "$ini" "$res_in4"
		assert_ok "$what: ping over IPv6 inside" pings "$ini" "$res_in6"
		assert_ok "$what: ping back over IPv6 inside" pings "$res" \
			"$([ "$ini" = a ] && echo "$IN6_A" || echo "$IN6_B")"
		[ "$(handshake a "$IA")" -gt 0 ] && [ "$(handshake b "$IB")" -gt 0 ]
		_t_report $((! $?)) "$what: both sides report a handshake"
		assert_eq "$out_ini" "$(at "$res" wg show "$res_if" endpoints | cut -f2)" \
			"$what: the responder learnt the initiator's endpoint"
	done

	assert_transfer "64 MiB over TCP a -> b arrive intact" a b "$IN4_B" 64
	assert_transfer "16 MiB over TCP/IPv6 b -> a arrive intact" b a "[$IN6_A]" 16
	sleep 0.5
	tx=$(transfer a "$IA" 3) rx=$(transfer a "$IA" 2)
	tx2=$(transfer b "$IB" 3) rx2=$(transfer b "$IB" 2)
	# Under a bulk load the receiver's socket buffer may overflow (UDP), so
	# what one side received is at most what the other sent.
	[ "$rx2" -le "$tx" ] && [ "$rx" -le "$tx2" ] && [ "$rx2" -gt $((64 << 20)) ]
	_t_report $((! $?)) "after the transfers: rx <= the other side's tx ($rx2 <= $tx, $rx <= $tx2)"
	[ "$tx" -gt $((64 << 20)) ]
	_t_report $((! $?)) "a's tx counter holds the 64 MiB ($tx bytes)"
}
