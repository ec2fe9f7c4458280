# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared setup of the stress cases (sourced): the e2e tunnel of
# tests/e2e/tunnel_lib.sh (namespaces a and b, a WireGuard daemon in each),
# plus a third namespace c joined to a only, from which floods come.
#
#   ns c: flood --veth 192.168.242.0/24, fd00:242::/64--> eth1 of ns a
#   ns a: IA 10.241.0.1  <== veth 192.168.241.0/24 ==>  ns b: IB 10.241.0.2
#
# Each case runs once with warrend and once with wireguard-go (Debian's, the
# reference), the same implementation on both sides. A case passes on
# correctness (daemon alive, tunnel carries data, sha256 intact); its timings
# are figures, printed as "# goal: ...: met" or "NOT met" and never failing it.

# shellcheck source=tests/e2e/tunnel_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/tunnel_lib.sh"

: "${FLOOD:=$WARREN_BUILD/tests/stress/flood}"
: "${STRESS_QUICK:=0}"
STRESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # read by the cases
IMPLS=(warrend wireguard-go)
OUT4_CA=192.168.242.1 OUT4_C2=192.168.242.3
OUT6_CA=fd00:242::1 OUT6_C2=fd00:242::3

require_stress() {
	require_tunnel
	require_cmd socat sha256sum nft python3 wireguard-go
	[ -x "$FLOOD" ] || t_skip "no $FLOOD (build first)"
}

quick() {
	[ "$STRESS_QUICK" = 1 ]
}

# figure TEXT: one measured figure, as a TAP comment.
figure() {
	echo "#   $*"
}

# goal WHAT VALUE OP LIMIT UNIT: a figure against a goal of the issue,
# marked met or NOT met (a non-numeric VALUE, e.g. ">15", is not met).
goal() {
	local what=$1 val=$2 op=$3 lim=$4 unit=$5 verdict="NOT met"
	if awk -v v="$val" -v l="$lim" -v op="$op" 'BEGIN {
		if (v !~ /^[0-9.]+$/) exit 1
		exit !(op == "<=" ? v + 0 <= l + 0 : v + 0 >= l + 0) }'; then
		verdict=met
	fi
	echo "# goal: $what: $val $unit (goal $op $lim $unit): $verdict"
}

# alive PID: the process still runs.
alive() {
	kill -0 "$1" 2>/dev/null
}

# stop_daemons: ends the daemons of the last stress_tunnel (their TUN
# devices go with them) and removes their sockets.
stop_daemons() {
	local pid
	for pid in ${PID_A:-} ${PID_B:-}; do
		kill "$pid" 2>/dev/null
	done
	for pid in ${PID_A:-} ${PID_B:-}; do
		for _ in $(seq 50); do
			alive "$pid" || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -f "/var/run/wireguard/$IA.sock" "/var/run/wireguard/$IB.sock"
	PID_A='' PID_B=''
}

# stress_tunnel IMPL: a fresh daemon IMPL on each side (namespaces made on
# first use, with c joined to a), peers over IPv4, a session established.
# Returns non-zero when the first pings fail.
stress_tunnel() {
	if [ -z "${NS_a:-}" ]; then
		tunnel_outer
		ns_new c
		veth c eth0 a eth1
		at c ip addr add "$OUT4_C2/24" dev eth0
		at c ip addr add "$OUT6_C2/64" dev eth0 nodad
		at a ip addr add "$OUT4_CA/24" dev eth1
		at a ip addr add "$OUT6_CA/64" dev eth1 nodad
	fi
	stop_daemons
	start_daemon a "$1" "$IA"
	# shellcheck disable=SC2034 # read by the cases
	PID_A=$BG_PID LOG_A=$BG_LOG
	start_daemon b "$1" "$IB"
	PID_B=$BG_PID
	add_inner a "$IA" "$IN4_A" "$IN6_A"
	add_inner b "$IB" "$IN4_B" "$IN6_B"
	at a wg set "$IA" private-key "$T_DIR/key_a" listen-port 51820
	at b wg set "$IB" private-key "$T_DIR/key_b" listen-port 51821
	peers_fresh 4
	wait_for 10 pings b "$IN4_A" 1
}

# ping_bg NS FILE ARGS...: ping ARGS from NS in the background, output in
# FILE; PING_PID is ping itself (not a subshell), so that a SIGINT to it
# ends it with its summary.
ping_bg() {
	local ns=$1 file=$2
	shift 2
	ip netns exec "$NS_PREFIX-$ns" ping "$@" >"$file" 2>&1 &
	# shellcheck disable=SC2034 # read by the cases
	PING_PID=$!
}

# ping_summary FILE: "LOSS% AVG_MS MAX_MS" of a finished ping's output
# ("-" for the RTTs when nothing came back).
ping_summary() {
	awk '/packets transmitted/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) loss = $i }
		/^rtt/ { split($4, r, "/"); avg = r[2]; max = r[3] }
		END { sub(/%/, "", loss); printf "%s %s %s\n", (loss == "" ? "100" : loss),
			(avg == "" ? "-" : avg), (max == "" ? "-" : max) }' "$1"
}

# send_start NAME FROM_NS TO_NS TO_ADDR MIB [BYTES_PER_S]: MIB MiB of random
# bytes over TCP through the tunnel in the background, paced when a rate is
# given; send_check NAME [TIMEOUT] waits for it and sets SEND_SUMS to "sent
# received" sha256 sums and SEND_SECONDS to its duration. Files in $T_DIR/NAME.*.
send_start() {
	local name=$1 from=$2 to=$3 addr=$4 mib=$5 rate=${6:-0} port=$((20000 + RANDOM % 20000))
	rm -f "$T_DIR/$name".*
	at "$to" timeout 300 socat -u "TCP6-LISTEN:$port,reuseaddr,ipv6only=0" - 2>/dev/null |
		sha256sum | cut -d' ' -f1 >"$T_DIR/$name.recv" &
	echo $! >"$T_DIR/$name.rpid"
	wait_for 10 listening "$to" tcp "$port"
	{
		head -c "${mib}M" /dev/urandom | tee >(sha256sum | cut -d' ' -f1 >"$T_DIR/$name.sent") |
			python3 "$STRESS_DIR/pace.py" "$rate" |
			at "$from" timeout 300 socat -u - "TCP:$addr:$port,connect-timeout=5" 2>/dev/null
	} &
	echo $! >"$T_DIR/$name.spid"
	date +%s.%N >"$T_DIR/$name.t0"
}

send_check() {
	local name=$1 limit=${2:-120} rpid spid t0
	rpid=$(cat "$T_DIR/$name.rpid") spid=$(cat "$T_DIR/$name.spid") t0=$(cat "$T_DIR/$name.t0")
	for _ in $(seq $((limit * 10))); do
		alive "$rpid" || break
		sleep 0.1
	done
	if alive "$rpid"; then
		# Out of time: the sums then differ and the check fails.
		pkill -P "$rpid" 2>/dev/null
		kill "$rpid" 2>/dev/null
	fi
	wait "$rpid" 2>/dev/null
	wait "$spid" 2>/dev/null
	# shellcheck disable=SC2034 # read by the cases
	SEND_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	sleep 0.2
	SEND_SUMS="$(cat "$T_DIR/$name.sent" 2>/dev/null) $(cat "$T_DIR/$name.recv" 2>/dev/null)"
}

# assert_sums WHAT "SENT RECV": the bytes arrived intact.
assert_sums() {
	local s1 s2
	read -r s1 s2 <<<"$2"
	[ -n "$s1" ] && [ "$s1" = "$s2" ]
	_t_report $((! $?)) "$1 (sha256 ${s1:0:16}… / ${s2:0:16}…)"
}

# assert_tunnel WHAT IMPL: the daemons live and the tunnel carries pings
# both ways and 4 MiB intact.
assert_tunnel() {
	alive "$PID_A" && alive "$PID_B"
	_t_report $((! $?)) "$1: both $2 daemons alive"
	assert_ok "$1: pings both ways through the tunnel" \
		wait_for 10 eval "pings a $IN4_B 3 && pings b $IN4_A 3"
	send_start after b a "$IN4_A" 4
	send_check after 60
	assert_sums "$1: 4 MiB b -> a intact" "$SEND_SUMS"
}
