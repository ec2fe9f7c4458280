#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel's drops on warrend's behalf are shown beside its own: with b's
# warrend stopped (SIGSTOP), a flood of datagrams to its UDP port fills
# the socket's receive buffer and a flood into its TUN device fills the
# device's queue. After SIGCONT, `warren show` (text and --metrics) says
# drop_kernel_udp_rcvbuf and drop_kernel_tun_tx, and the tunnel works.
#
#   ns a: warrend wga$$  <== veth (v4 + v6) ==>  ns b: warrend wgb$$ (stopped)
#   flood.py ---- UDP to 192.168.241.2:51821 --->  socket of wgb$$
#                         ns b: flood.py --- UDP to 10.241.0.1 ---> wgb$$ queue
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd python3

# flood NS ADDR PORT COUNT: COUNT datagrams of 1200 bytes as fast as they go.
flood() {
	at "$1" python3 - "$2" "$3" "$4" <<'PY'
import socket, sys
addr, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"\x05" * 1200
for _ in range(count):
    try:
        s.sendto(payload, (addr, port))
    except OSError:
        pass
PY
}

# counter NS IFNAME KEY: a device counter of `warren show` (0 when absent).
counter() {
	at "$1" "$WARREN" show "$2" |
		awk -v k="$(tr _ ' ' <<<"$3")" -F': ' '$1 == "  " k { print $2; f = 1 } END { if (!f) print 0 }'
}

tunnel_setup warrend warrend
peers_fresh 4
assert_ok "ping through the tunnel" pings a "$IN4_B"
assert_eq 0 "$(counter b "$IB" drop_kernel_udp_rcvbuf)" "no socket drops before the flood"
assert_eq 0 "$(counter b "$IB" drop_kernel_tun_tx)" "no TUN queue drops before the flood"

kill -STOP "$PID_B"
# The socket takes about 14 MiB (SO_RCVBUFFORCE 7 MiB, doubled), some
# 5000 datagrams of this size; the TUN queue 500 packets.
flood a "$OUT4_B" 51821 40000
flood b "$IN4_A" 9 5000
kill -CONT "$PID_B"
# SO_RXQ_OVFL comes with the next datagram queued after the drops.
sleep 0.5
assert_ok "ping through the tunnel after the floods" pings a "$IN4_B"

n=$(counter b "$IB" drop_kernel_udp_rcvbuf)
[ "$n" -gt 0 ]
_t_report $((! $?)) "warren show: drop kernel udp rcvbuf ($n)"
n=$(counter b "$IB" drop_kernel_tun_tx)
[ "$n" -gt 0 ]
_t_report $((! $?)) "warren show: drop kernel tun tx ($n)"
at b "$WARREN" show "$IB" --metrics >"$T_DIR/metrics"
for r in kernel_udp_rcvbuf kernel_tun_tx; do
	grep -q "^warren_device_drops_total{interface=\"$IB\",reason=\"$r\"} [1-9]" "$T_DIR/metrics"
	_t_report $((! $?)) "--metrics: warren_device_drops_total reason=$r"
done
at b "$WARREN" show "$IB" -j >"$T_DIR/json"
grep -q '"drop_kernel_udp_rcvbuf"' "$T_DIR/json"
_t_report $((! $?)) "-j: drop_kernel_udp_rcvbuf"
t_done
