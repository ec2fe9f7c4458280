#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warrend out of file descriptors: UAPI connections beyond RLIMIT_NOFILE
# are refused (accepted and closed through the spare fd) instead of
# leaving the listening socket readable and the loop spinning; the UAPI
# works again once they are gone.
#
#   ns a: warrend wgf$$ under prlimit --nofile=16, 30 UAPI clients
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd prlimit python3

IF="wgf$$"
SOCK="/var/run/wireguard/$IF.sock"
trap '_tunnel_cleanup; rm -f "$SOCK"' EXIT

ns_new a
bg a prlimit --nofile=16 "$WARREND" -f "$IF"
PID=$BG_PID
assert_ok "warrend made its socket under a limit of 16 fds" wait_for 10 test -S "$SOCK"

# cpu_ticks PID: user + system clock ticks used so far.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

python3 - "$SOCK" "$T_DIR/connected" <<'PY' &
import socket, sys, time
held = []
for i in range(30):
    c = socket.socket(socket.AF_UNIX)
    c.connect(sys.argv[1])
    held.append(c)
open(sys.argv[2], "w").close()
time.sleep(4)
PY
CLIENTS=$!
# Measured once all 30 are connected and warrend has had time to refuse
# the excess: from then on it has nothing to do, unless it spins.
wait_for 10 test -e "$T_DIR/connected"
sleep 0.5
T0=$(cpu_ticks "$PID")
sleep 2
T1=$(cpu_ticks "$PID")
wait "$CLIENTS"
HZ=$(getconf CLK_TCK)
# A spinning loop uses the whole 2 s; an idle one next to nothing.
assert_ok "no busy loop at EMFILE ($((T1 - T0)) ticks of $((2 * HZ)))" test $((T1 - T0)) -lt $((HZ / 2))
assert_ok "connections beyond the limit were refused (logged)" grep -q "out of file descriptors" "$BG_LOG"
assert_ok "the UAPI answers again after the clients left" wait_for 10 at a wg show "$IF"
t_done
