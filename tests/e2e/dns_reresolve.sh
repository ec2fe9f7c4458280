#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Endpoint host names. Namespace a has its own resolver files: `ip netns
# exec' bind-mounts /etc/netns/NS/{hosts,resolv.conf} over /etc's, so the
# test changes what peer.warren.test resolves to, mid-test, by rewriting
# that hosts file in place; resolv.conf points at a name server that does
# not exist, so a name missing from hosts is a *temporary* failure
# (EAI_AGAIN), as at boot before the network is up.
#
#   ns a                                          ns b
#   IA 10.82.0.1/24                               IB 10.82.0.2/24
#   warren up --foreground                        warren up (plain)
#   Endpoint = peer.warren.test:51822
#   hosts: peer.warren.test -> .2, then -> .3
#   eth0 192.168.82.1/24 -----------veth--------- eth0 192.168.82.2/24, later .3
#
# 1-6   WG_ENDPOINT_RESOLUTION_RETRIES: a name that never comes fails after
#       the retries, with wg's messages and waits; a bad value is refused;
#       `infinity' waits for a name that comes later.
# 7-12  re-resolution by `up --foreground': b moves from .2 to .3, the
#       hosts file follows, a's peer follows the name (logged, counted)
#       and the tunnel works again.
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd ping

ns_new a
ns_new b
ETC_NETNS="/etc/netns/$NS_a"
cleanup() {
	_up_cleanup
	rm -rf "$ETC_NETNS"
}
trap cleanup EXIT
mkdir -p "$ETC_NETNS"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$ETC_NETNS/resolv.conf"
# hosts NAME_ADDRESS: rewrites a's hosts file in place (the bind mount
# holds its inode: a new file would not be seen).
hosts() {
	printf '127.0.0.1 localhost\n%s\n' "${1:+$1 peer.warren.test}" >"$ETC_NETNS/hosts"
}
hosts ""
veth a eth0 b eth0
at a ip addr add 192.168.82.1/24 dev eth0
at b ip addr add 192.168.82.2/24 dev eth0
up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey)
PUB_B=$(echo "$KB" | wg pubkey)
cat >"$T_DIR/$IA.conf" <<EOF2
[Interface]
PrivateKey = $KA
ListenPort = 51821
Address = 10.82.0.1/24

[Peer]
PublicKey = $PUB_B
AllowedIPs = 10.82.0.2/32
Endpoint = peer.warren.test:51822
EOF2
cat >"$T_DIR/$IB.conf" <<EOF2
[Interface]
PrivateKey = $KB
ListenPort = 51822
Address = 10.82.0.2/24

[Peer]
PublicKey = $(echo "$KA" | wg pubkey)
AllowedIPs = 10.82.0.1/32
EOF2
chmod 600 "$T_DIR"/*.conf
assert_ok "warren up in b" at b "$WARREN" up "$T_DIR/$IB.conf"

# 1-3: two retries of a name that never comes: 1 s, then 1.2 s, then fail
out=$(at a env WG_ENDPOINT_RESOLUTION_RETRIES=2 "$WARREN" up "$T_DIR/$IA.conf" 2>&1)
assert_eq 1 "$?" "1: unresolved after 2 retries: exit status 1"
assert_eq "$T_DIR/$IA.conf:9: Temporary failure in name resolution: \`peer.warren.test:51822'. Trying again in 1.00 seconds...
$T_DIR/$IA.conf:9: Temporary failure in name resolution: \`peer.warren.test:51822'. Trying again in 1.20 seconds...
$T_DIR/$IA.conf:9: Temporary failure in name resolution: \`peer.warren.test:51822'" \
	"$out" "2: wg's retry messages and back-off"
assert_fail "3: nothing made" at a ip link show dev "$IA"
# 4
out=$(at a env WG_ENDPOINT_RESOLUTION_RETRIES=lots "$WARREN" up "$T_DIR/$IA.conf" 2>&1)
assert_eq "1 warren: Unable to parse WG_ENDPOINT_RESOLUTION_RETRIES: \`lots'" "$? $out" \
	"4: a bad WG_ENDPOINT_RESOLUTION_RETRIES is refused"
# 5-6: infinity, and the name comes after 2 s (as DNS does at boot)
bg a env WG_ENDPOINT_RESOLUTION_RETRIES=infinity WARREN_RERESOLVE_INTERVAL=2 \
	"$WARREN" up --foreground "$T_DIR/$IA.conf"
pid=$BG_PID
log=$BG_LOG
wait_for 10 grep -q "Trying again" "$log"
sleep 1
hosts 192.168.82.2
wait_for 20 test -S "/var/run/wireguard/$IA.sock"
assert_ok "5: infinity: up once the name resolves" wait_for 10 at a ping -c 1 -W 1 10.82.0.2
assert_eq "192.168.82.2:51822" "$(at a wg show "$IA" endpoints | cut -f2)" "6: endpoint from the name"

# 7-12: b moves; the name follows; so does a
# (deleted first: deleting a primary address takes its secondaries along)
at b ip addr del 192.168.82.2/24 dev eth0
at b ip addr add 192.168.82.3/24 dev eth0
assert_fail "7: b's old address is gone" at a ping -c 1 -W 1 10.82.0.2
hosts 192.168.82.3
assert_ok "8: a's peer follows the name to b's new address" \
	wait_for 15 bash -c "[ \"\$(ip netns exec $NS_a wg show $IA endpoints | cut -f2)\" = 192.168.82.3:51822 ]"
assert_ok "9: the tunnel works again" wait_for 15 at a ping -c 1 -W 1 10.82.0.2
name="peer(${PUB_B:0:4}…${PUB_B:39:4})"
assert_ok "10: the move is logged with the peer's name and counted" grep -qF \
	"$name - Endpoint \`peer.warren.test:51822' now resolves to 192.168.82.3:51822: moved from 192.168.82.2:51822 (1 moves)" "$log"
# 11: an answer that did not change does not move a peer (b answers from .3 now)
sleep 3
assert_eq 1 "$(grep -c 'now resolves to' "$log")" "11: one move, not one per re-resolution"
kill -TERM "$pid"
wait "$pid"
assert_eq 0 "$?" "12: SIGTERM: down, exit status 0"

assert_ok "warren down in b" at b "$WARREN" down "$T_DIR/$IB.conf"
nothing_left a "$IA" "a"
t_done
