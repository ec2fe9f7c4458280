#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The UAPI of warrend against wireguard-go's, request by request: the same
# raw `set` and `get` requests go to both daemons over their unix sockets,
# and the answers (errno lines, closed connections) and the `get` that
# follows each request must be identical. No traffic flows (wireguard-go's
# link stays down), so counters and handshake times are zero on both.
#
#   ns a: warrend wga$$ (/var/run/wireguard/wga$$.sock)
#   ns b: wireguard-go wgb$$ (/var/run/wireguard/wgb$$.sock)
#
source "$(dirname "$0")/tunnel_lib.sh"
require_tunnel
require_cmd socat wireguard-go od

ns_new a
ns_new b
start_daemon a warrend "$IA"
start_daemon b wireguard-go "$IB"

hex() { wg pubkey <<<"$1" >/dev/null; base64 -d <<<"$1" | od -An -tx1 -v | tr -d ' \n'; }
KA=$(wg genkey) KB=$(wg genkey) KC=$(wg genkey) PSK=$(wg genpsk)
HKA=$(hex "$KA") HPA=$(hex "$(wg pubkey <<<"$KA")") HPB=$(hex "$(wg pubkey <<<"$KB")")
HPC=$(hex "$(wg pubkey <<<"$KC")") HPSK=$(hex "$PSK")
ZERO=$(printf '0%.0s' $(seq 64))

# ask IFNAME REQUEST: sends the raw request, prints the answer.
ask() {
	printf '%b' "$2" | timeout 5 socat -t 1 - "UNIX-CONNECT:/var/run/wireguard/$1.sock" 2>/dev/null
	echo "<closed>"
}
# state IFNAME: the get answer, without the counters (wireguard-go's link
# is down and sends nothing; warrend's is not, see tunnel tests) and
# warrend's drop counters (drop_*, which wg ignores).
state() {
	ask "$1" 'get=1\n\n' | grep -v -e '^tx_bytes=' -e '^drop_'
}

assert_eq "$(state "$IB" | sed 's/^listen_port=.*/listen_port=random/')" \
	"$(state "$IA" | sed 's/^listen_port=.*/listen_port=random/')" "a fresh device: the same state (bound to a random port)"

cases=(
	"set=1\nprivate_key=$HKA\nlisten_port=40001\nfwmark=7\n\n"
	"set=1\npublic_key=$HPB\nendpoint=192.168.241.2:51821\nallowed_ip=10.241.0.2/32\nallowed_ip=fd10:241::2/128\npersistent_keepalive_interval=0\nprotocol_version=1\n\n"
	"set=1\npublic_key=$HPB\nallowed_ip=10.1.2.3/8\nallowed_ip=fd10:241::77/64\n\n"
	"set=1\npublic_key=$HPB\nreplace_allowed_ips=true\nallowed_ip=10.241.0.2/32\n\n"
	"set=1\npublic_key=$HPB\nendpoint=[fd00:241::2]:51821\npreshared_key=$HPSK\n\n"
	"set=1\npublic_key=$HPC\nupdate_only=true\nallowed_ip=10.9.9.9/32\n\n"
	"set=1\npublic_key=$HPB\nupdate_only=true\nallowed_ip=10.9.9.0/24\n\n"
	"set=1\nfoo=bar\n\n"
	"set=1\nlisten_port\n\n"
	"set=1\nprivate_key=1234\n\n"
	"set=1\nlisten_port=70000\n\n"
	"set=1\nlisten_port=+5\n\n"
	"set=1\nfwmark=4294967296\n\n"
	"set=1\nfwmark=0x10\n\n"
	"set=1\npublic_key=$HPB\nendpoint=1.2.3.4\n\n"
	"set=1\npublic_key=$HPB\nendpoint=[1.2.3.4]:5\n\n"
	"set=1\npublic_key=$HPB\nendpoint=fd00::1:5\n\n"
	"set=1\npublic_key=$HPB\nallowed_ip=10.0.0.1\n\n"
	"set=1\npublic_key=$HPB\nallowed_ip=10.0.0.1/33\n\n"
	"set=1\npublic_key=$HPB\nallowed_ip=10.0.0.1/08\n\n"
	"set=1\npublic_key=$HPB\nallowed_ip=fe80::1%lo/64\n\n"
	"set=1\npublic_key=$HPB\nprotocol_version=2\n\n"
	"set=1\npublic_key=$HPB\nremove=false\n\n"
	"set=1\npublic_key=$HPB\nunknown=1\n\n"
	"set=1\npublic_key=$HPB\npublic_key=12\n\n"
	"set=1\npublic_key=$HPB\nallowed_ip=10.6.0.0/16\nbad line\nallowed_ip=10.7.0.0/16\n\n"
	"set=1\nreplace_peers=yes\n\n"
	"set=1\npreshared_key=$HPSK\n\n"
	"get=1\nx"
	"hello=1\n\n"
	"set=1\r\n\r\n"
	"get=1\n"
	"set=1\npublic_key=$HPB\r\nallowed_ip=10.5.0.0/16\r\n\r\n"
	"set=1\npublic_key=$HPB\nallowed_ip=::ffff:1.2.3.4/128\n\n"
	"set=1\npublic_key=$HPB\npersistent_keepalive_interval=25\n\n"
	"set=1\npublic_key=$HPB\npersistent_keepalive_interval=65536\n\n"
	"set=1\npublic_key=$HPA\nallowed_ip=1.1.1.1/32\n\n"
	"set=1\npublic_key=$HPB\nremove=true\nallowed_ip=10.8.0.0/16\n\n"
	"set=1\nreplace_peers=true\npublic_key=$HPB\nallowed_ip=10.241.0.2/32\npublic_key=$HPC\nallowed_ip=10.241.0.3/32\nremove=true\n\n"
	"set=1\nfwmark=0\n\n"
	"set=1\npublic_key=$HPB\npreshared_key=$ZERO\n\n"
	"set=1\nprivate_key=$ZERO\n\n"
	"set=1\npublic_key=$HPB\nallowed_ip=10.3.0.0/16"
	"get=1\n\nget=1\n\n"
)
for i in "${!cases[@]}"; do
	req=${cases[$i]}
	want=$(ask "$IB" "$req")
	got=$(ask "$IA" "$req" | grep -v '^drop_') # warrend's extension keys
	assert_eq "$want" "$got" "case $((i + 1)): answer to $(printf '%q' "${req:0:60}")"
	assert_eq "$(state "$IB")" "$(state "$IA")" "case $((i + 1)): state after it"
done

# up with a port set: both bind it and report it; down again: still reported
at a ip link set "$IA" up
at b ip link set "$IB" up
ask "$IA" 'set=1\nlisten_port=40003\n\n' >/dev/null
ask "$IB" 'set=1\nlisten_port=40003\n\n' >/dev/null
assert_eq "$(state "$IB")" "$(state "$IA")" "link up, port 40003: the same state"
assert_ok "link up: warrend's socket is bound to 40003" bash -c "ip netns exec $NS_a ss -Huln | grep -q ':40003 '"
at a ip link set "$IA" down
at b ip link set "$IB" down
# warrend closes its socket when it sees the link go down
wait_for 10 bash -c "! ip netns exec $NS_a ss -Huln | grep -q ':40003 '"
assert_eq "$(state "$IB")" "$(state "$IA")" "link down again: the same state"
assert_fail "link down: warrend's socket is closed" bash -c "ip netns exec $NS_a ss -Huln | grep -q ':40003 '"

# Removal with allowed_ip=-P came after the Debian wireguard-go (2022), which
# answers -EINVAL; warrend does as wireguard-go does since: P goes if this
# peer holds it, and removing what it does not hold is no error.
assert_eq "$(printf 'errno=0\n\n<closed>')" "$(ask "$IA" "set=1\npublic_key=$HPB\nallowed_ip=10.4.0.0/16\nallowed_ip=10.5.0.0/16\n\n")" \
	"allowed_ip: two prefixes added"
assert_eq "$(printf 'errno=0\n\n<closed>')" "$(ask "$IA" "set=1\npublic_key=$HPB\nallowed_ip=-10.4.0.0/16\nallowed_ip=-10.99.0.0/16\n\n")" \
	"allowed_ip=-P removes P, and an unknown P is no error"
assert_eq "10.5.0.0/16" "$(ask "$IA" 'get=1\n\n' | sed -n 's,^allowed_ip=\(10\.[45]\..*\),\1,p')" \
	"allowed_ip=-P: only the other prefix is left"

# a line longer than 64 KiB
long="set=1\npublic_key=$HPB\nallowed_ip=$(head -c 70000 /dev/zero | tr '\0' 1)\n\n"
assert_eq "$(ask "$IB" "$long")" "$(ask "$IA" "$long")" "a 70000-byte line: same answer"

# Two connections at once: a set arriving in pieces is applied whole at its
# empty line. In between, another connection removes the peer it is
# configuring and a third reads the state (found in review: the first set
# then wrote through the freed peer).
cat >"$T_DIR/interleave.py" <<'EOPY'
import socket, sys, time
path, pub = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return s
def ask(req):
    s = conn()
    s.sendall(req.encode())
    out = b""
    while not out.endswith(b"\n\n"):
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    return out.decode()
first = conn()
first.sendall(("set=1\npublic_key=%s\nendpoint=192.0.2.2:9\n" % pub).encode())
time.sleep(0.3)
half = ask("get=1\n\n")
print("half seen:", "endpoint=192.0.2.2:9" in half)
print("removed:", ask("set=1\npublic_key=%s\nremove=true\n\n" % pub).strip())
first.sendall(b"allowed_ip=10.77.0.0/16\npersistent_keepalive_interval=1\n\n")
print("first:", first.recv(100).decode().strip())
full = ask("get=1\n\n")
print("applied:", "endpoint=192.0.2.2:9" in full and "allowed_ip=10.77.0.0/16" in full)
EOPY
HPD=$(hex "$(wg genkey | wg pubkey)")
assert_eq "$(printf 'half seen: False\nremoved: errno=0\nfirst: errno=0\napplied: True')" \
	"$(timeout 10 python3 "$T_DIR/interleave.py" "/var/run/wireguard/$IA.sock" "$HPD" 2>&1)" \
	"a set in pieces is applied whole, after another connection's remove"
assert_ok "warrend still answers" at a wg show "$IA"

# the socket is private to root
assert_eq "srwx------" "$(stat -c %A "/var/run/wireguard/$IA.sock")" "socket mode 0700 (umask 077)"

t_done
