#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Least privilege (docs/security.md), read from /proc/PID/status of the
# running daemons: after setup warrend keeps CAP_NET_ADMIN only (plus
# CAP_NET_BIND_SERVICE for a low port) in its effective, permitted and
# bounding sets, has no_new_privs and a seccomp filter, and as --user runs
# as that user; the tunnel, `wg set` and `wg show` keep working under it.
#
#   ns a: warrend --user nobody wga$$  <== veth (v4 + v6) ==>  ns b: warrend wgb$$
#   ns c: warrend --low-port wgc$$, then `warren up` with User = nobody
#
# 1. b (root, no options): CapEff = CapPrm = CapBnd = CAP_NET_ADMIN,
#    CapInh = CapAmb = 0, NoNewPrivs 1, Seccomp 2 (filter).
# 2. a (--user nobody): the same, and uid/gid nobody:nogroup, no groups.
# 3. through them: wg set (key, port, fwmark, peer) and wg show work, ping
#    over IPv4 and IPv6 both ways.
# 4. rebinding under the filter and as nobody: a new listen port >= 1024,
#    the link down and up (the socket closed and bound again), ping after each.
# 5. a port below 1024 without CAP_NET_BIND_SERVICE: wg set fails, the old
#    port stays, the tunnel still passes traffic.
# 6. --low-port (and WARREN_LOW_PORT=1): CAP_NET_BIND_SERVICE kept, port 80
#    binds, also as nobody.
# 7. warren up with User = nobody and ListenPort = 80: the daemon runs as
#    nobody with both capabilities; warren down removes it.
# 8. WARREN_SECCOMP=0: no filter (Seccomp 0), capabilities still dropped.
# 9. an unknown user: exit 1 naming it, no device, no socket.
# 10. every daemon exits 0 on SIGTERM (the exit path under the filter) and
#     no log line mentions seccomp.
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
id nobody >/dev/null 2>&1 || t_skip "needs a user nobody"
NOBODY_UID=$(id -u nobody) NOBODY_GID=$(id -g nobody)
RUN=/var/run/wireguard
IU="wgu$$" # warren up's interface
trap '_tunnel_cleanup; rm -f "$RUN/$IU.sock"' EXIT

NET_ADMIN=0000000000001000          # 1 << CAP_NET_ADMIN (12)
NET_ADMIN_BIND=0000000000001400     # and 1 << CAP_NET_BIND_SERVICE (10)

# field PID NAME: the value of NAME: in /proc/PID/status (tabs squeezed).
field() {
	awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "/proc/$1/status"
}
# privs PID: "CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp"
privs() {
	local p=$1
	echo "$(field "$p" CapInh) $(field "$p" CapPrm) $(field "$p" CapEff)" \
		"$(field "$p" CapBnd) $(field "$p" CapAmb) $(field "$p" NoNewPrivs)" \
		"$(field "$p" Seccomp)"
}
want() { # CAPS [SECCOMP]: what privs prints for a sandboxed daemon
	echo "0000000000000000 $1 $1 $1 0000000000000000 1 ${2:-2}"
}
# daemon_pid NS IFNAME: the pid of the warrend serving IFNAME.
daemon_pid() {
	pgrep -f -x "$WARREND .*$2" | head -1
}

tunnel_outer
WARREND_ALL=$(runnable_by_all "$WARREND")
bg b env LOG_LEVEL=debug "$WARREND" -f "$IB"
PID_B=$BG_PID LOG_B=$BG_LOG
bg a env LOG_LEVEL=debug "$WARREND_ALL" -f --user nobody "$IA"
PID_A=$BG_PID LOG_A=$BG_LOG
wait_for 10 grep -q "Device started" "$LOG_A"
wait_for 10 grep -q "Device started" "$LOG_B"

# ---- 1-2 ----
assert_eq "$(want $NET_ADMIN)" "$(privs "$PID_B")" \
	"1: root warrend keeps CAP_NET_ADMIN only (inh prm eff bnd amb nnp seccomp)"
assert_eq "$(want $NET_ADMIN)" "$(privs "$PID_A")" "2: --user nobody: the same rights"
assert_eq "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" "$(field "$PID_A" Uid)" \
	"2: real, effective, saved and fs uid are nobody's"
assert_eq "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID" "$(field "$PID_A" Gid)" \
	"2: and the gids nobody's group"
assert_eq "" "$(field "$PID_A" Groups)" "2: no supplementary groups"

# ---- 3 ----
add_inner a "$IA" "$IN4_A" "$IN6_A"
add_inner b "$IB" "$IN4_B" "$IN6_B"
assert_ok "3: wg set on nobody's daemon (key, port, fwmark, peer)" at a wg set "$IA" \
	private-key "$T_DIR/key_a" listen-port 51820 fwmark 0x51 \
	peer "$PUB_B" endpoint "$OUT4_B:51821" allowed-ips "$IN4_B/32,$IN6_B/128"
assert_ok "3: wg set on root's daemon" at b wg set "$IB" \
	private-key "$T_DIR/key_b" listen-port 51821 \
	peer "$PUB_A" endpoint "[$OUT6_A]:51820" allowed-ips "$IN4_A/32,$IN6_A/128"
assert_eq "0x51" "$(at a wg show "$IA" fwmark)" "3: fwmark set (CAP_NET_ADMIN kept)"
assert_eq "51820" "$(at a wg show "$IA" listen-port)" "3: wg show reads nobody's daemon"
assert_ok "3: ping over IPv4 a -> b" pings a "$IN4_B"
assert_ok "3: ping over IPv6 b -> a" pings b "$IN6_A"

# ---- 4 ----
assert_ok "4: nobody's daemon binds a new port >= 1024" at a wg set "$IA" listen-port 51830
assert_eq "51830" "$(at a wg show "$IA" listen-port)" "4: the new port"
at b wg set "$IB" peer "$PUB_A" endpoint "$OUT4_A:51830"
assert_ok "4: ping after the rebind" pings b "$IN4_A"
at a ip link set "$IA" down
at a ip link set "$IA" up
at a ip addr add "$IN4_A/24" dev "$IA" 2>/dev/null
wait_for 5 listening a udp 51830
assert_ok "4: link down and up: the socket is bound again as nobody" listening a udp 51830
assert_ok "4: ping after the link came back" pings a "$IN4_B" 5

# ---- 5 ----
out=$(at b wg set "$IB" listen-port 80 2>&1)
_t_report $(($? != 0)) "5: port 80 without CAP_NET_BIND_SERVICE fails ($out)"
assert_eq "51821" "$(at b wg show "$IB" listen-port)" "5: the old port stays"
assert_ok "5: the log says why" grep -q "Failed to bind port 80: .*Permission denied (a port below 1024 needs CAP_NET_BIND_SERVICE" "$LOG_B"
assert_ok "5: the tunnel still passes traffic" pings a "$IN4_B"

# ---- 6 ----
ns_new c
bg c env LOG_LEVEL=debug "$WARREND_ALL" -f --low-port --user nobody "$IC"
PID_C=$BG_PID LOG_C=$BG_LOG
wait_for 10 grep -q "Device started" "$LOG_C"
assert_eq "$(want $NET_ADMIN_BIND)" "$(privs "$PID_C")" \
	"6: --low-port keeps CAP_NET_BIND_SERVICE beside CAP_NET_ADMIN"
assert_ok "6: and nobody's daemon binds port 80" at c wg set "$IC" listen-port 80
assert_eq "80" "$(at c wg show "$IC" listen-port)" "6: port 80"
kill "$PID_C"
wait_for 5 sh -c "! kill -0 $PID_C"
wait "$PID_C"
assert_eq 0 "$?" "10: --low-port daemon exits 0 on SIGTERM"
bg c env LOG_LEVEL=debug WARREN_LOW_PORT=1 "$WARREND" -f "$IC"
PID_C=$BG_PID
wait_for 10 grep -q "Device started" "$BG_LOG" # the socket comes before the drop
assert_eq "$(want $NET_ADMIN_BIND)" "$(privs "$PID_C")" "6: WARREN_LOW_PORT=1 does the same"
kill "$PID_C"
wait "$PID_C"

# ---- 7 ----
cat >"$T_DIR/$IU.conf" <<EOF2
[Interface]
PrivateKey = $(wg genkey)
ListenPort = 80
Address = 10.242.0.1/24
User = nobody

[Peer]
PublicKey = $PUB_B
AllowedIPs = 10.242.0.2/32
EOF2
chmod 600 "$T_DIR/$IU.conf"
out=$(WG_QUICK_USERSPACE_IMPLEMENTATION="$WARREND_ALL" at c "$WARREN" up "$T_DIR/$IU.conf" 2>&1)
_t_report $((! $?)) "7: warren up with User = nobody, ListenPort = 80"
grep -q "^\[#\] WARREN_LOW_PORT=1 $WARREND_ALL --user nobody $IU\$" <<<"$out"
_t_report $((! $?)) "7: it says how it starts the daemon: $(grep -F -- "--user" <<<"$out")"
pid=$(pgrep -f -x "$WARREND_ALL --user nobody $IU")
assert_eq "$(want $NET_ADMIN_BIND)" "$(privs "$pid")" "7: the daemon keeps both capabilities"
assert_eq "$NOBODY_UID" "$(field "$pid" Uid | awk '{ print $1 }')" "7: and runs as nobody"
assert_eq "80" "$(at c wg show "$IU" listen-port)" "7: on port 80"
assert_ok "7: warren down" at c "$WARREN" down "$T_DIR/$IU.conf"
wait_for 5 sh -c "! kill -0 $pid"
assert_fail "7: the daemon is gone" kill -0 "$pid"
assert_fail "7: and its socket" test -e "$RUN/$IU.sock"

# ---- 8 ----
bg c env LOG_LEVEL=debug WARREN_SECCOMP=0 "$WARREND" -f "$IC"
PID_C=$BG_PID
wait_for 10 grep -q "Device started" "$BG_LOG"
assert_eq "$(want $NET_ADMIN 0)" "$(privs "$PID_C")" "8: WARREN_SECCOMP=0: no filter, rights dropped"
kill "$PID_C"
wait "$PID_C"

# ---- 9 ----
out=$(at c "$WARREND" -f --user no-such-user$$ "$IC" 2>&1)
assert_eq "1 User \`no-such-user$$': no such user" "$? ${out#<3>}" "9: an unknown user: exit 1, named"
assert_fail "9: no device" at c ip link show "$IC"
assert_fail "9: no socket" test -e "$RUN/$IC.sock"

# ---- 10 ----
kill "$PID_A" "$PID_B"
wait "$PID_A"
assert_eq 0 "$?" "10: nobody's daemon exits 0 on SIGTERM"
wait "$PID_B"
assert_eq 0 "$?" "10: root's daemon exits 0 on SIGTERM"
assert_fail "10: no daemon reported a call outside its allow-list" \
	grep -h seccomp "$LOG_A" "$LOG_B" "$LOG_C"
t_done
