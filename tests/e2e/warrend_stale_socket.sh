#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A warrend killed with -9 leaves its UAPI socket file behind (issue 12
# item 8). The next warrend for a new TUN device of that name replaces it
# (connect() to it is refused: nobody answers) and `wg` reaches the new
# one; a socket someone still answers on is never taken over, not even
# when its backlog is full (connect() would wait): warrend exits with a
# clear error and the other's socket stays.
#
#   ns a: warrend wgs$$ (killed -9), warrend wgs$$ again
#         uapi.py listening on wgt$$.sock (never accepting), warrend wgt$$
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd python3

IF="wgs$$"
LIVE="wgt$$"
SOCK="/var/run/wireguard/$IF.sock"
LSOCK="/var/run/wireguard/$LIVE.sock"
trap '_tunnel_cleanup; rm -f "$SOCK" "$LSOCK"' EXIT

ns_new a

# 1: kill -9 leaves the socket
start_daemon a warrend "$IF"
OLD=$BG_PID
kill -9 "$OLD"
wait "$OLD" 2>/dev/null
wait_for 10 bash -c "! ip netns exec $NS_a ip link show $IF"
assert_ok "kill -9 leaves the socket file behind" test -S "$SOCK"
ino=$(stat -c %i "$SOCK")
# (Not with wg: it removes a socket whose connect() is refused, as warrend does.)
assert_eq ECONNREFUSED "$(python3 -c 'import socket, sys
try:
    socket.socket(socket.AF_UNIX).connect(sys.argv[1])
    print("connected")
except ConnectionRefusedError:
    print("ECONNREFUSED")' "$SOCK")" "nobody answers on it"

# 2: the next warrend replaces it
bg a env LOG_LEVEL=info "$WARREND" -f "$IF"
NEW=$BG_PID
wait_for 10 bash -c "[ -S $SOCK ] && [ \$(stat -c %i $SOCK) != $ino ]"
assert_ok "a new warrend for a new $IF runs" kill -0 "$NEW"
assert_ok "wg reaches it through the replaced socket" \
	wait_for 10 timeout 5 ip netns exec "$NS_a" wg show "$IF"
assert_ok "it said it replaced a stale socket" grep -q "stale socket" "$BG_LOG"

# 3: a live socket, its backlog full, is not taken over
cat >"$T_DIR/uapi.py" <<'EOPY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(0)
held = []
for _ in range(8):  # fill the backlog: a further connect() would wait
    c = socket.socket(socket.AF_UNIX)
    c.setblocking(False)
    try:
        c.connect(sys.argv[1])
    except BlockingIOError:
        break
    held.append(c)
print("listening", flush=True)
time.sleep(600)
EOPY
python3 "$T_DIR/uapi.py" "$LSOCK" >"$T_DIR/live.out" 2>&1 &
PY=$!
wait_for 10 grep -q listening "$T_DIR/live.out"
lino=$(stat -c %i "$LSOCK")
timeout 20 ip netns exec "$NS_a" "$WARREND" -f "$LIVE" >"$T_DIR/live.log" 2>&1
rc=$?
echo "# warrend on a live socket: exit $rc: $(grep -m1 -i 'uapi' "$T_DIR/live.log")"
assert_ok "warrend refuses a live socket at once (exit $rc, not a hang)" \
	test "$rc" != 0 -a "$rc" != 124
assert_ok "... saying so" grep -q "a live daemon answers on the socket" "$T_DIR/live.log"
assert_eq "$lino" "$(stat -c %i "$LSOCK")" "the live socket file is the same one"
kill "$PY"
t_done
