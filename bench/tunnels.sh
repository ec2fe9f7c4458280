#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TCP throughput through each tunnel between the same pair of namespaces,
# in one run, beside the raw veth they ride on.
#
#   +------ wb<pid>-a ------+   veth 10.200.0.0/24   +------ wb<pid>-b ------+
#   | iperf3 -c 10.201.0.2  |========================| iperf3 -s             |
#   | tunnel 10.201.0.1/24  |  outer: the tunnel's   | tunnel 10.201.0.2/24  |
#   +-----------------------+  encrypted UDP         +-----------------------+
#
#   bench/tunnels.sh [BUILD] [TARGET...]
#   TARGET: veth warren warren-l2 wireguard-go openvpn fastd tinc openvpn-tap,
#           and (not run unless named) warren-poll: warren with busy polling
#           on (WARREN_BUSY_POLL_US=$BENCH_BUSY_POLL_US, default 50), to set
#           its gain and cost beside warren's default in one run
#
# warren-l2 is warrend in L2 mode (docs/l2.md: WARREN_MODE=tap, Ethernet
# frames inside WireGuard) with the addresses on the TAP devices directly
# (no bridge), at the TAP device's default MTU, 1500, as a VM keeps it;
# ARP crosses the tunnel like any frame. The L2 peers beside it, also at
# MTU 1500 on a TAP device: tinc 1.0 in switch mode (its defaults: MSS
# clamped, PMTU discovery; AES-256-CBC + SHA-256) and OpenVPN with
# --dev-type tap (AES-256-GCM, mssfix and fragment 1400). After the table,
# warren-l2's figures as a share of warren's (L3) of the same run.
#
# Each target runs iperf3 for BENCH_TCP_SECONDS (default 10) with 1 stream and
# with 4 streams; the figure is the median of the per-second rates (the first
# two seconds omitted: slow start). Ratios are to raw veth of the same run.
# Beside them:
#   CPU s/GB  CPU seconds of the whole machine (/proc/stat: user, system,
#             irq, softirq; both namespaces share it) per GB moved, over the
#             whole 1-stream (and 4-stream) run
#   RTT       median of 200 pings 10 ms apart through the target, and what
#             it adds to the raw veth's median; the load average at each
#             target's pings is printed under the table
# BENCH_TCP_SECONDS=0 measures the RTT alone (no iperf3).
# and, after the table, the bound: what this machine could carry if the only
# work beyond raw veth TCP were the AEAD (docs/benchmarks.md derives it).
set -u
[ -n "${BENCH_DEBUG:-}" ] && set -x
build=${1:-build}
shift || true
targets=("$@")
[ ${#targets[@]} = 0 ] && targets=(veth warren warren-l2 wireguard-go openvpn fastd tinc openvpn-tap)
secs=${BENCH_TCP_SECONDS:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build=$root/$build ;; esac
WARREN_BUILD=$(cd "$build" && pwd) || exit 1
export WARREN_BUILD
# shellcheck source=../tests/e2e/lib/netns.sh
. "$root/tests/e2e/lib/netns.sh"
require_root
require_cmd iperf3 jq wg

NS_PREFIX="wb$$"
A=10.200.0.1 B=10.200.0.2 TA=10.201.0.1 TB=10.201.0.2
ns_new a
ns_new b
veth a veth0 b veth0
at a ip addr add $A/24 dev veth0
at b ip addr add $B/24 dev veth0

# cpu_busy: jiffies the whole machine spent busy so far (user, nice, system,
# irq, softirq, steal), from /proc/stat.
cpu_busy() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
HZ=$(getconf CLK_TCK)

# iperf3_run STREAMS: prints "GBITS CPU_S_PER_GB" from a to b's tunnel
# address: the median of the per-second rates, and the machine's CPU seconds
# per GB over the whole run (slow start included on both sides).
iperf3_run() {
	local before after
	before=$(cpu_busy)
	at a iperf3 -c "$DST" -t "$secs" -O 2 -P "$1" -J >"$T_DIR/iperf3.json" 2>/dev/null
	after=$(cpu_busy)
	jq -r --argjson cpu "$(((after - before)))" --argjson hz "$HZ" '
		([.intervals[] | select(.sum.omitted | not) | .sum.bits_per_second] | sort |
			if length == 0 then 0 else .[(length / 2 | floor)] / 1e9 end) as $gbit |
		([.intervals[].sum.bytes] | add // 0) as $bytes |
		"\($gbit) \(if $bytes > 0 then $cpu / $hz / ($bytes / 1e9) else 0 end)"' \
		"$T_DIR/iperf3.json" 2>/dev/null || echo "0 0"
}

# rtt_median: the median round trip of 200 pings 10 ms apart, in microseconds.
rtt_median() {
	at a ping -n -c 200 -i 0.01 -W 1 "$DST" 2>/dev/null |
		sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", v[int((NR + 1) / 2)] * 1000; else print "fail" }'
}

# wg_up IMPL [tap] [BUSY_POLL_US]: a WireGuard tunnel with the userspace
# daemon IMPL on both sides; with "tap", warrend in L2 mode (a TAP device at
# Ethernet's MTU); BUSY_POLL_US sets warrend's busy polling (default: its own).
wg_up() {
	local impl=$1 mode=${2:-tun} poll=${3:-} mtu=1420 ka kb
	[ "$mode" = tap ] && mtu=1500
	ka=$(wg genkey) kb=$(wg genkey)
	for side in a b; do
		local dev="wb$$$side" key peer ip peerip
		if [ $side = a ]; then key=$ka peer=$(wg pubkey <<<"$kb") ip=$TA peerip=$B
		else key=$kb peer=$(wg pubkey <<<"$ka") ip=$TB peerip=$A; fi
		WG_PROCESS_FOREGROUND=1 WARREN_MODE=$mode WARREN_BUSY_POLL_US=$poll \
			bg $side "$impl" "$dev"
		wait_for 5 at $side ip link show "$dev" || return 1
		wait_for 5 test -S "/var/run/wireguard/$dev.sock" || return 1
		at $side wg set "$dev" private-key <(echo "$key") listen-port 51820 \
			peer "$peer" endpoint "$peerip:51820" allowed-ips 10.201.0.0/24 || return 1
		at $side ip addr add "$ip/24" dev "$dev"
		at $side ip link set "$dev" mtu "$mtu" up
	done
}

wg_down() {
	at a ip link del "wb$$a" 2>/dev/null
	at b ip link del "wb$$b" 2>/dev/null
	sleep 0.3
	rm -f "/var/run/wireguard/wb$$a.sock" "/var/run/wireguard/wb$$b.sock"
}

openvpn_up() {
	local d=$T_DIR/ovpn side fpa fpb
	mkdir -p "$d"
	for side in a b; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$d/$side.key" -out "$d/$side.crt" -days 1 -subj "/CN=$side" 2>/dev/null || return 1
	done
	fpa=$(openssl x509 -in "$d/a.crt" -noout -fingerprint -sha256 | cut -d= -f2)
	fpb=$(openssl x509 -in "$d/b.crt" -noout -fingerprint -sha256 | cut -d= -f2)
	local common=(--dev-type "${1:-tun}" --proto udp --port 1194 --data-ciphers AES-256-GCM
		--cipher AES-256-GCM --auth none --verb 1 --mute-replay-warnings)
	local ifa=(--ifconfig $TA $TB) ifb=(--ifconfig $TB $TA)
	if [ "${1:-tun}" = tap ]; then
		# OpenVPN's L2 recipe for a 1500-byte segment: clamp TCP, fragment the rest.
		common+=(--tun-mtu 1500 --fragment 1400 --mssfix)
		ifa=(--ifconfig $TA 255.255.255.0) ifb=(--ifconfig $TB 255.255.255.0)
	fi
	bg b openvpn "${common[@]}" --dev ovb$$ --local $B --remote $A --tls-server --dh none \
		--cert "$d/b.crt" --key "$d/b.key" --peer-fingerprint "$fpa" "${ifb[@]}"
	bg a openvpn "${common[@]}" --dev ova$$ --local $A --remote $B --tls-client \
		--cert "$d/a.crt" --key "$d/a.key" --peer-fingerprint "$fpb" "${ifa[@]}"
	wait_for 20 at a ping -c1 -W1 $TB
}

# tinc_up: tinc 1.0 in switch mode (an L2 segment on TAP devices, as
# warren-l2), a connecting to b, the addresses on the TAP devices.
tinc_up() {
	local d=$T_DIR/tinc side other ip bind
	for side in a b; do
		mkdir -p "$d/$side/hosts"
		other=b ip=$TA bind=$A
		[ $side = b ] && other=a ip=$TB bind=$B
		{
			echo "Name = $side"
			echo "Mode = switch"
			echo "DeviceType = tap"
			echo "Interface = ti$$$side"
			echo "AddressFamily = ipv4"
			echo "BindToAddress = $bind"
			[ $side = a ] && echo "ConnectTo = $other"
		} >"$d/$side/tinc.conf"
		printf 'Address = %s\nPort = 655\nCipher = aes-256-cbc\nDigest = sha256\n' \
			"$bind" >"$d/$side/hosts/$side"
		tincd -c "$d/$side" -K2048 </dev/null >/dev/null 2>&1 || return 1
	done
	cp "$d/a/hosts/a" "$d/b/hosts/a"
	cp "$d/b/hosts/b" "$d/a/hosts/b"
	for side in b a; do
		ip=$TA
		[ $side = b ] && ip=$TB
		bg $side tincd -c "$d/$side" -D --pidfile="$d/$side/pid" --logfile="$d/$side/log"
		wait_for 5 at $side ip link show "ti$$$side" || return 1
		at $side ip addr add "$ip/24" dev "ti$$$side"
		at $side ip link set "ti$$$side" up
	done
	wait_for 20 at a ping -c1 -W1 $TB
}

fastd_up() {
	local d=$T_DIR/fastd side
	mkdir -p "$d"
	for side in a b; do
		fastd --generate-key --machine-readable >"$d/$side.secret" 2>/dev/null || return 1
		echo "secret \"$(cat "$d/$side.secret")\";" >"$d/$side.key.conf"
		fastd --show-key --machine-readable -c "$d/$side.key.conf" \
			>"$d/$side.public" 2>/dev/null || return 1
	done
	for side in a b; do
		local other=b ip=$TA bind=$A remote=$B
		[ $side = b ] && other=a ip=$TB bind=$B remote=$A
		cat >"$d/$side.conf" <<CONF
interface "fd$$$side";
mode tun;
method "salsa2012+umac";
bind $bind:10000;
secret "$(cat "$d/$side.secret")";
mtu 1426;
peer "$other" {
	key "$(cat "$d/$other.public")";
	remote $remote:10000;
}
CONF
		bg $side fastd -c "$d/$side.conf" --log-level error
		wait_for 5 at $side ip link show "fd$$$side" || return 1
		at $side ip addr add "$ip/24" dev "fd$$$side"
		at $side ip link set "fd$$$side" up
	done
	wait_for 20 at a ping -c1 -W1 $TB
}

# stop_bg: ends the tunnel daemons of the previous target.
stop_bg() {
	local pid
	for pid in "${_bg_pids[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${_bg_pids[@]}"; do wait "$pid" 2>/dev/null; done
	_bg_pids=()
}

declare -A one four cpu1 cpu4 rtt load
bg b iperf3 -s
SERVER_PID=$BG_PID
wait_for 5 at a bash -c "exec 3<>/dev/tcp/$B/5201"
for t in "${targets[@]}"; do
	DST=$TB
	ok=1
	case "$t" in
	veth) DST=$B ;;
	warren)
		if [ -x "$WARREND" ]; then wg_up "$WARREND" || ok=0; else ok=0; fi ;;
	warren-l2)
		if [ -x "$WARREND" ]; then wg_up "$WARREND" tap || ok=0; else ok=0; fi ;;
	warren-poll)
		if [ -x "$WARREND" ]; then wg_up "$WARREND" tun "${BENCH_BUSY_POLL_US:-50}" || ok=0
		else ok=0; fi ;;
	wireguard-go) require_cmd wireguard-go; wg_up wireguard-go || ok=0 ;;
	openvpn) require_cmd openvpn; openvpn_up || ok=0 ;;
	fastd) require_cmd fastd; fastd_up || ok=0 ;;
	tinc) require_cmd tincd; tinc_up || ok=0 ;;
	openvpn-tap) require_cmd openvpn; openvpn_up tap || ok=0 ;;
	*) echo "unknown target: $t" >&2; exit 2 ;;
	esac
	if [ $ok = 1 ] && wait_for 10 at a ping -c1 -W1 "$DST"; then
		load[$t]=$(cut -d' ' -f1 /proc/loadavg)
		rtt[$t]=$(rtt_median)
		if [ "$secs" -gt 0 ]; then
			read -r "one[$t]" "cpu1[$t]" < <(iperf3_run 1)
			read -r "four[$t]" "cpu4[$t]" < <(iperf3_run 4)
		else
			one[$t]=- four[$t]=- cpu1[$t]=- cpu4[$t]=-
		fi
	else
		one[$t]=fail four[$t]=fail cpu1[$t]=fail cpu4[$t]=fail rtt[$t]=fail
	fi
	case "$t" in warren|warren-l2|warren-poll|wireguard-go) wg_down ;; esac
	# Keep the iperf3 server, stop the tunnel's daemons.
	_bg_pids=("${_bg_pids[@]/$SERVER_PID}")
	stop_bg
	_bg_pids=("$SERVER_PID")
done

ratio() {
	awk -v x="$1" -v r="$2" 'BEGIN { if (x + 0 > 0 && r + 0 > 0) printf "%.3f", x / r; else print "-" }'
}
gbit() {
	case "$1" in fail|"") echo "failed" ;; -) echo - ;; *) printf '%.2f Gb' "$1" ;; esac
}
num() {
	case "$1" in fail|""|-) echo "-" ;; *) printf "$2" "$1" ;; esac
}
added() {
	awk -v x="$1" -v r="$2" 'BEGIN { if (x ~ /^[0-9]+$/ && r ~ /^[0-9]+$/) printf "%+d", x - r; else print "-" }'
}
printf '\n%-14s %10s %6s %8s | %10s %6s %8s | %8s %8s\n' "TCP, ${secs}s" "1 stream" "ratio" \
	"CPU s/GB" "4 streams" "ratio" "CPU s/GB" "RTT us" "+veth"
for t in "${targets[@]}"; do
	printf '%-14s %10s %6s %8s | %10s %6s %8s | %8s %8s\n' "$t" \
		"$(gbit "${one[$t]}")" "$(ratio "${one[$t]}" "${one[veth]:-0}")" "$(num "${cpu1[$t]}" %.2f)" \
		"$(gbit "${four[$t]}")" "$(ratio "${four[$t]}" "${four[veth]:-0}")" "$(num "${cpu4[$t]}" %.2f)" \
		"$(num "${rtt[$t]}" %s)" "$(added "${rtt[$t]}" "${rtt[veth]:-}")"
done
printf 'RTT: median of 200 pings 10 ms apart; load average at each:'
for t in "${targets[@]}"; do printf ' %s %s' "$t" "${load[$t]:--}"; done
echo

# l2_share: warren-l2 as a share of warren (L3), and the L2 peers beside it.
l2_share() {
	local t
	[ -n "${one[warren-l2]:-}" ] && [ -n "${one[warren]:-}" ] || return 0
	printf '\nL2 / L3 (goal >= 0.8): warren-l2 / warren %s (1 stream), %s (4 streams)\n' \
		"$(ratio "${one[warren-l2]}" "${one[warren]}")" "$(ratio "${four[warren-l2]}" "${four[warren]}")"
	for t in tinc openvpn-tap; do
		[ -n "${one[$t]:-}" ] || continue
		printf '%s / warren-l2: %s (1 stream), %s (4 streams)\n' "$t" \
			"$(ratio "${one[$t]}" "${one[warren-l2]}")" "$(ratio "${four[$t]}" "${four[warren-l2]}")"
	done
}
l2_share

# The bound: cores / (CPU s per Gbit of raw veth TCP + CPU s per Gbit of
# seal+open on one core). CPU s per GB is 8 times CPU s per Gbit.
aead_gbit=
if [ "$secs" -gt 0 ] && [ -x "$build/bench/transport_bench" ]; then
	aead_gbit=$(taskset -c 0 "$build/bench/transport_bench" --seconds 3 2>/dev/null |
		awk '/^seal\+open, one core/ { print $(NF - 1) }')
fi
if [ -n "$aead_gbit" ] && [ "$secs" -gt 0 ] && [ "${cpu1[veth]:-fail}" != fail ]; then
	awk -v cores="$(nproc)" -v veth="${cpu1[veth]}" -v aead="$aead_gbit" -v w="${one[warren]:-0}" '
	BEGIN {
		cv = veth / 8; ca = 1 / aead; bound = cores / (cv + ca)
		printf "\nbound: %.2f Gbit/s = %d cores / (%.3f CPU s/Gbit veth TCP + %.3f CPU s/Gbit seal+open)\n",
			bound, cores, cv, ca
		if (w + 0 > 0)
			printf "warren, 1 stream: %.2f Gbit/s, %.2f of the bound\n", w, w / bound
	}'
fi
