#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Case 7: `warren up` of 100k peers (issue 12, item 3). A wg-quick config of
# PEERS peers (random public keys, a /32 each in 100.64.0.0/10 and an
# Endpoint each), brought up with warrend in a namespace of its own, then
# taken down; then REF peers with wg-quick and wireguard-go (wg-quick asks
# `ip route show match` once per prefix and wireguard-go stops at 65,536
# peers, so the reference runs at a size it finishes), and warren with
# wireguard-go at the same size, for the ratio.
#
#   ns u: warren up IF.conf (PEERS peers) ; warren down IF.conf
#   ns w: wg-quick up / down with wireguard-go, REF peers; warren the same
#
# Correctness: every route is there and the link is up; after down nothing
# is left (device, socket, process, routes). Figures: the whole up and its
# steps, from the times of its [#] lines; down. Goal (issue 12): up of 100k
# peers <= 30 s.
# shellcheck source=tests/stress/stress_lib.sh
source "$(dirname "$0")/stress_lib.sh"
require_root
require_cmd python3 perl wg wg-quick wireguard-go
if [ ! -x "$WARREN" ] || [ ! -x "$WARREND" ]; then
	t_skip "no $WARREN (build first)"
fi

PEERS=100000 REF=100
quick && PEERS=20000 REF=50

ns_new u
ns_new w
IF=wx$$

# conf FILE N: a wg-quick config of N peers.
conf() {
	python3 - "$2" "$(wg genkey)" >"$1" <<'PY'
import base64, os, sys
n, key = int(sys.argv[1]), sys.argv[2]
out = [f"[Interface]\nPrivateKey = {key}\nAddress = 10.96.0.1/16\n"]
keys = os.urandom(32 * n)
for i in range(n):
    k = base64.b64encode(keys[32 * i:32 * i + 32]).decode()
    ip = (100 << 24 | 64 << 16) + i
    out.append(f"[Peer]\nPublicKey = {k}\n"
               f"AllowedIPs = {ip >> 24}.{ip >> 16 & 255}.{ip >> 8 & 255}.{ip & 255}/32\n"
               f"Endpoint = 192.0.2.{i % 250 + 1}:{10000 + i % 50000}\n")
sys.stdout.write("\n".join(out))
PY
	chmod 600 "$1"
}

# stamp T0: each line of stdin with the seconds since T0 (date +%s.%N),
# "S.mmm LINE", and "S.mmm END" at its end.
stamp() {
	T0=$1 perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 }
		printf "%.3f %s", time - $ENV{T0}, $_;
		END { printf "%.3f END\n", time - $ENV{T0} }'
}

# at_line LOG PATTERN [last]: the time of the first (or last) line matching.
at_line() {
	if [ "${3:-}" = last ]; then
		grep -E "$2" "$1" | tail -n1 | cut -d' ' -f1
	else
		grep -m1 -E "$2" "$1" | cut -d' ' -f1
	fi
}

# timed NS LOG CMD...: runs CMD in NS, its stderr stamped into LOG; the
# exit status is CMD's.
timed() {
	local ns=$1 log=$2 rc
	shift 2
	ip netns exec "$NS_PREFIX-$ns" "$@" 2>&1 >/dev/null | stamp "$(date +%s.%N)" >"$log"
	rc=${PIPESTATUS[0]}
	return "$rc"
}

link_up() {
	[[ $(ip -n "$NS_PREFIX-$1" link show dev "$IF") == *,UP[,\>]* ]]
}

secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "?"; else printf "%.1f", b - a }'
}

routes_in() {
	ip -n "$NS_PREFIX-$1" -4 route show dev "$IF" proto boot | wc -l
}

# 1-5: warren up and down of PEERS peers, warrend
conf "$T_DIR/$IF.conf" "$PEERS"
export WG_QUICK_USERSPACE_IMPLEMENTATION=$WARREND
timed u "$T_DIR/up.log" "$WARREN" up "$T_DIR/$IF.conf"
assert_eq 0 "$?" "warren up of $PEERS peers"
L=$T_DIR/up.log
total=$(at_line "$L" END)
figure "warren up, $PEERS peers: $total s: start and config $(at_line "$L" '\[#\] .*warrend') s," \
	"daemon and setconf $(secs "$(at_line "$L" 'wg setconf')" "$(at_line "$L" 'address add')") s," \
	"endpoint MTUs $(secs "$(at_line "$L" 'address add' last)" "$(at_line "$L" 'link set mtu')") s," \
	"$(grep -c 'route add' "$L") routes $(secs "$(at_line "$L" 'link set mtu')" "$(at_line "$L" 'route add' last)") s"
goal "warren up of $PEERS peers (warrend)" "$total" "<=" 30 s
assert_eq "$PEERS" "$(routes_in u)" "a route for each of the $PEERS allowed IPs"
assert_ok "the link is up" link_up u
timed u "$T_DIR/down.log" "$WARREN" down "$T_DIR/$IF.conf"
assert_eq 0 "$?" "warren down of $PEERS peers"
figure "warren down, $PEERS peers: $(at_line "$T_DIR/down.log" END) s"
nothing_left() {
	wait_for 10 eval "[ -z \"\$(ip netns pids $NS_PREFIX-$1)\" ]"
	! ip -n "$NS_PREFIX-$1" link show dev "$IF" >/dev/null 2>&1 &&
		[ ! -e "/var/run/wireguard/$IF.sock" ] && [ -z "$(ip netns pids "$NS_PREFIX-$1")" ]
}
assert_ok "nothing left after down (device, socket, process)" nothing_left u

# 6-9: REF peers: wg-quick + wireguard-go, then warren + wireguard-go
conf "$T_DIR/$IF.conf" "$REF"
export WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go
timed w "$T_DIR/wgq.log" wg-quick up "$T_DIR/$IF.conf"
assert_eq 0 "$?" "wg-quick up of $REF peers (wireguard-go)"
ref=$(at_line "$T_DIR/wgq.log" END)
ip netns exec "$NS_PREFIX-w" wg-quick down "$T_DIR/$IF.conf" >/dev/null 2>&1
wait_for 10 eval "! ip -n $NS_PREFIX-w link show dev $IF"
timed w "$T_DIR/wup.log" "$WARREN" up "$T_DIR/$IF.conf"
assert_eq 0 "$?" "warren up of $REF peers (wireguard-go)"
mine=$(at_line "$T_DIR/wup.log" END)
assert_eq "$REF" "$(routes_in w)" "a route for each of the $REF allowed IPs"
ip netns exec "$NS_PREFIX-w" "$WARREN" down "$T_DIR/$IF.conf" >/dev/null 2>&1
assert_ok "nothing left after down" nothing_left w
figure "$REF peers with wireguard-go: wg-quick up $ref s, warren up $mine s" \
	"($(awk -v a="$ref" -v b="$mine" 'BEGIN { printf "%.1f", a / b }') times as fast)"
t_done
