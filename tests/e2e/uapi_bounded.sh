#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The UAPI socket is bounded and management always gets in (issue 12 item
# 5): 100 idle clients, more than warrend's 64 slots, then `wg show`
# answers at once (the client idle longest made room) and `wg set` applies;
# a client idle for 10 s is closed; a client that streams an endless set
# is cut off at 512 MiB with errno=-EFBIG while warrend's memory stays
# bounded. Before, a 65th client was closed at once (`wg show`: "Protocol
# error"), idle ones stayed for ever and an endless set was read (and
# dropped past 64 MiB) for ever.
#
#   uapi.py x100 idle, wg show, wg set, uapi.py endless set
#     --> /var/run/wireguard/wga$$.sock --> ns a: warrend wga$$
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd python3

ns_new a
start_daemon a warrend "$IA"
PID=$BG_PID
SOCK=/var/run/wireguard/$IA.sock

cat >"$T_DIR/uapi.py" <<'EOPY'
import select, socket, sys, time
path, what = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return s
if what == "idle":
    # N connections that send nothing, held until killed.
    held = [conn() for _ in range(int(sys.argv[3]))]
    print("opened", len(held), flush=True)
    time.sleep(600)
elif what == "timeout":
    # Seconds until warrend closes a connection that sends nothing.
    s = conn()
    s.settimeout(30)
    t0 = time.monotonic()
    try:
        got = s.recv(100)
    except socket.timeout:
        got = b"<open after 30 s>"
    print("%.0f %r" % (time.monotonic() - t0, got))
elif what == "endless":
    # set=1, then fwmark lines of 60,000 digits for ever: MiB sent, the answer.
    s = conn()
    line = b"fwmark=" + b"0" * 59992 + b"\n"
    s.sendall(b"set=1\n")
    sent, answer, limit = 0, b"", 1536 << 20
    s.setblocking(False)
    while sent < limit and not answer.endswith(b"\n\n"):
        r, w, _ = select.select([s], [s], [], 10)
        if not r and not w:
            break
        if r:
            try:
                b = s.recv(100)
            except OSError:
                break
            if not b:
                break
            answer += b
        elif w:
            try:
                sent += s.send(line)
            except OSError:
                r, _, _ = select.select([s], [], [], 5)
                if r:
                    answer += s.recv(100)
                break
    print(sent >> 20, answer.decode(errors="replace").strip() or "<no answer>")
EOPY

# wga ARGS...: wg in a, given 5 s.
wga() {
	timeout 5 ip netns exec "$NS_a" wg "$@"
}

rss() {
	awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$PID/status"
}

# 1: more idle clients than slots, then management
python3 "$T_DIR/uapi.py" "$SOCK" idle 100 >"$T_DIR/idle.out" 2>&1 &
IDLE=$!
wait_for 10 grep -q opened "$T_DIR/idle.out"
assert_eq "opened 100" "$(cat "$T_DIR/idle.out")" "100 idle clients connected"
assert_ok "wg show answers with 100 idle clients connected" wga show "$IA"
KEY=$(wg genkey | wg pubkey)
assert_ok "wg set applies with 100 idle clients connected" \
	wga set "$IA" peer "$KEY" allowed-ips 10.9.0.1/32
assert_eq "$KEY" "$(wga show "$IA" peers)" "the peer wg set added is there"
kill "$IDLE"
wait "$IDLE" 2>/dev/null

# 2: an idle client is closed after 10 s
read -r secs got < <(python3 "$T_DIR/uapi.py" "$SOCK" timeout)
assert_eq "b''" "$got" "an idle client is closed (after $secs s)"
assert_ok "... after 9-20 s" test "$secs" -ge 9 -a "$secs" -le 20

# 3: an endless set is cut off at the cap, memory bounded
before=$(rss)
python3 "$T_DIR/uapi.py" "$SOCK" endless >"$T_DIR/endless.out" 2>&1 &
ENDLESS=$!
peak=$before
while kill -0 "$ENDLESS" 2>/dev/null; do
	r=$(rss)
	[ "$r" -gt "$peak" ] && peak=$r
	sleep 0.2
done
wait "$ENDLESS"
read -r mib answer <"$T_DIR/endless.out"
echo "# endless set: $mib MiB sent, answer '$answer'; RSS $before MiB before, peak $peak MiB"
assert_eq "errno=-27" "$answer" "an endless set is cut off with errno=-EFBIG"
assert_ok "... at about 512 MiB ($mib MiB sent)" test "$mib" -ge 510 -a "$mib" -le 600
assert_ok "warrend's RSS stayed within 48 MiB of before ($before -> peak $peak MiB)" \
	test $((peak - before)) -le 48
assert_ok "wg show answers afterwards" wga show "$IA"
t_done
