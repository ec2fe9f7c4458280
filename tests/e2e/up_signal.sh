#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A signal ends the step of `warren up` under way at once, and the undo is
# complete (issue 12, item 3): SIGTERM while up adds the routes of 20,000
# allowed IPs, SIGINT while a PostUp hook sleeps (by then DNS, rules and
# nftables are made), SIGTERM while the daemon takes a set of 600k peers,
# SIGTERM while a PreUp hook sleeps. Each time warren
# must be gone within LIMIT seconds (an up that heeds signals only between
# steps takes tens of seconds here) and leave nothing behind: no device,
# socket, process, rule, route, nftables table or DNS entry.
#
#   ns a: warren up IF.conf (20k peers + a /0, DNS, hooks)
#           --SIGTERM/SIGINT--> exit 1, "interrupted by signal N; undoing"
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd python3 nft

LIMIT=5 # seconds from the signal to warren's exit, the undo included
PEERS=20000

ns_new a
up_iface IF s
CONF="$T_DIR/$IF.conf"
logging_resolvconf

# write_conf HOOKS: PEERS peers with a /32 each in 100.64.0.0/10, one with
# both /0s, DNS, and the [Interface] lines HOOKS.
write_conf() {
	python3 - "$PEERS" "$(wg genkey)" "$1" >"$CONF" <<'PY'
import base64, os, sys
n, key, hooks = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = [f"[Interface]\nPrivateKey = {key}\nAddress = 10.98.0.1/16, fd98::1/64\n"
       f"DNS = 10.98.0.53\n{hooks}\n"]
keys = os.urandom(32 * (n + 1))
for i in range(n + 1):
    k = base64.b64encode(keys[32 * i:32 * i + 32]).decode()
    ip = (100 << 24 | 64 << 16) + i
    allowed = (f"{ip >> 24}.{ip >> 16 & 255}.{ip >> 8 & 255}.{ip & 255}/32"
               if i < n else "0.0.0.0/0, ::/0")
    out.append(f"[Peer]\nPublicKey = {k}\nAllowedIPs = {allowed}\n")
sys.stdout.write("\n".join(out))
PY
	chmod 600 "$CONF"
}

# check_undone WHAT: nothing of the interface is left in a.
check_undone() {
	nothing_left a "$IF" "$1"
	assert_eq "" "$(at a ip -4 rule show | grep -E 'fwmark|suppress')" "$1: no v4 rules"
	assert_eq "" "$(at a ip -6 rule show | grep -E 'fwmark|suppress')" "$1: no v6 rules"
	assert_eq "" "$(at a ip route show table all | grep "$IF")" "$1: no routes"
	assert_eq "" "$(at a ip -6 route show table all | grep "$IF")" "$1: no v6 routes"
	assert_eq "" "$(at a nft list tables)" "$1: no nftables tables"
	assert_eq "$(grep -c '^-a ' "$T_DIR/resolvconf.log")" "$(grep -c '^-d ' "$T_DIR/resolvconf.log")" \
		"$1: every resolvconf -a undone by a resolvconf -d"
}

# interrupt WHAT SIGNAL READY...: starts warren up, waits (up to 300 s)
# until the command READY succeeds, sends SIGNAL, and checks that warren
# exits 1 within LIMIT seconds, having said so, and that nothing is left.
interrupt() {
	local what=$1 sig=$2 pid t0 ms rc
	shift 2
	: >"$T_DIR/resolvconf.log"
	# ip netns exec execs warren: $! is warren itself.
	ip netns exec "$NS_PREFIX-a" "$WARREN" up "$CONF" 2>"$T_DIR/up.err" >/dev/null &
	pid=$!
	if ! wait_for 300 "$@"; then
		_t_report 0 "$what: the step to interrupt never came"
		tail -5 "$T_DIR/up.err" | sed 's/^/#   /'
	fi
	kill "-$sig" "$pid"
	t0=$(date +%s%N)
	for _ in $(seq $((LIMIT * 100))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	if kill -0 "$pid" 2>/dev/null || [ "$ms" -gt $((LIMIT * 1000)) ]; then
		_t_report 0 "$what: warren still ran ${LIMIT} s after SIG$sig ($ms ms)"
		wait "$pid"
	else
		wait "$pid"
		rc=$?
		_t_report 1 "$what: warren exits within $LIMIT s of SIG$sig ($ms ms, the undo included)"
		assert_eq 1 "$rc" "$what: exit status 1"
	fi
	echo "#   $(grep -c 'route add' "$T_DIR/up.err") routes had been added"
	assert_ok "$what: says it was interrupted" grep -q "interrupted by signal" "$T_DIR/up.err"
	check_undone "$what"
}

# first_route: a route of one of the /32s is there.
first_route() {
	[[ $(at a ip -4 route show dev "$IF" 2>/dev/null) == *$'\n'100.6[4-7].* ]]
}

# hook_sleeps: the hook's sleep runs in a.
hook_sleeps() {
	[[ $'\n'$(ip netns pids "$NS_PREFIX-a" | xargs -r ps -o args= -p) == *$'\n'"sleep 600"* ]]
}

# 1-12: in the middle of the routes
write_conf "PostUp = sleep 600"
interrupt "SIGTERM during the routes" TERM first_route

# 13-24: in PostUp, everything made (DNS, rules, nftables, 20k routes)
interrupt "SIGINT during PostUp" INT hook_sleeps

# 25-36: in the set, which gives the daemon 600k peers (seconds of text):
# the request ends at the signal, the daemon goes with its device
sock_there() { [ -S "/var/run/wireguard/$IF.sock" ]; }
PEERS=600000
write_conf ""
interrupt "SIGTERM during the set of 600k peers" TERM sock_there

# 37-48: in PreUp, before the daemon
PEERS=10
write_conf "PreUp = sleep 600"
interrupt "SIGTERM during PreUp" TERM hook_sleeps

t_done
