#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren show against wg show on the same interfaces: byte for byte for one
# interface (keys hidden and shown, colours on and off), the interface list,
# and -j JSON holding what `wg show dump` holds.
#
#   ns a                                   ns b
#   IA 10.78.0.1/24 (warren up) --veth-- IB 10.78.0.2/24 (warren up)
#   eth0 192.168.78.1/24                   eth0 192.168.78.2/24
#   peers of IA: b (handshaken, traffic), two idle peers, one with a PSK
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd ping python3

ns_new a
ns_new b
veth a eth0 b eth0
at a ip addr add 192.168.78.1/24 dev eth0
at b ip addr add 192.168.78.2/24 dev eth0
up_iface IA a
up_iface IB b
KA=$(wg genkey) KB=$(wg genkey)
cat >"$T_DIR/$IA.conf" <<EOF2
[Interface]
PrivateKey = $KA
ListenPort = 51781
FwMark = 0x42
Address = 10.78.0.1/24

[Peer]
PublicKey = $(wg genkey | wg pubkey)
PresharedKey = $(wg genpsk)
AllowedIPs = 10.79.0.0/16, fd79::/64
Endpoint = [fd00:78::9]:4000
PersistentKeepalive = 3725

[Peer]
PublicKey = $(echo "$KB" | wg pubkey)
AllowedIPs = 10.78.0.2/32
Endpoint = 192.168.78.2:51782

[Peer]
PublicKey = $(wg genkey | wg pubkey)
EOF2
cat >"$T_DIR/$IB.conf" <<EOF2
[Interface]
PrivateKey = $KB
ListenPort = 51782
Address = 10.78.0.2/24

[Peer]
PublicKey = $(echo "$KA" | wg pubkey)
AllowedIPs = 10.78.0.1/32
EOF2
chmod 600 "$T_DIR"/*.conf
# b first: a's daemon sends its first handshake as soon as it is up
at b "$WARREN" up "$T_DIR/$IB.conf" 2>/dev/null || { echo "FATAL: up b"; exit 1; }
at a "$WARREN" up "$T_DIR/$IA.conf" 2>/dev/null || { echo "FATAL: up a"; exit 1; }
assert_ok "ping a -> b through the tunnel" at a ping -c 3 -i 0.2 -W 2 10.78.0.2

# same_output WHAT ARGS...: `warren show ARGS` = `wg show ARGS` in a, with
# retries for a second that ticks between the two. The drop counters that
# warrend adds (an IPv6 router solicitation with no route, ...) are left
# out here and checked below.
no_drops() { grep -Ev $'^  (\e\\[1m)?drop '; }
same_output() {
	local what=$1 w g
	shift
	for _ in 1 2 3 4 5; do
		w=$(at a "$WARREN" show "$@" 2>&1 | no_drops)
		g=$(at a wg show "$@" 2>&1)
		[ "$w" == "$g" ] && break
	done
	assert_eq "$g" "$w" "$what"
}

# 1-5
same_output "show IFNAME = wg show IFNAME" "$IA"
WG_HIDE_KEYS=never same_output "with WG_HIDE_KEYS=never" "$IA"
WG_COLOR_MODE=always same_output "with WG_COLOR_MODE=always" "$IA"
same_output "an idle interface" "$IB"
out=$(at a "$WARREN" show "$IA")
assert_ok "it shows the handshake and transfer" \
	grep -Eq "latest handshake: (Now|.* ago)" <<<"$out"
assert_ok "and the transfer" grep -q "transfer: .* received, .* sent" <<<"$out"

# 7-8: all / interfaces hold ours, as wg's
assert_ok "show interfaces lists both" \
	bash -c "'$WARREN' show interfaces | tr ' ' '\n' | grep -qx $IA && '$WARREN' show interfaces | tr ' ' '\n' | grep -qx $IB"
section() { awk -v i="interface: $2" '$0 == i {p=1; print; next} /^interface: / {p=0} p' <<<"$1" | sed '/^$/d'; }
for _ in 1 2 3; do # the same retries as same_output: a second may tick between
	w=$(at a "$WARREN" show all | no_drops) g=$(at a wg show all)
	[ "$(section "$g" "$IB")" == "$(section "$w" "$IB")" ] && break
done
assert_eq "$(section "$g" "$IB")" "$(section "$w" "$IB")" "show all: the section of $IB as wg's"

# 9-12: JSON against wg show dump
json=$(at a "$WARREN" show "$IA" -j)
assert_ok "-j is valid JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$json"
# peers come in the daemon's order, which wireguard-go does not keep; the
# counters move (a handshake retried towards a peer that never answers,
# IPv6 router solicitations that warrend drops for want of a route)
norm='import json,sys; d=json.load(sys.stdin); [i["peers"].sort(key=lambda p: p["public_key"]) for i in d]; [[p.pop(k) for k in ("rx_bytes", "tx_bytes", "latest_handshake", "extensions")] for i in d for p in i["peers"]]; [i.pop("extensions") for i in d]; print(json.dumps(d, sort_keys=True))'
assert_eq "$(python3 -c "$norm" <<<"$json")" "$(at a "$WARREN" -j show "$IA" | python3 -c "$norm")" \
	"-j before show is the same"
from_json=$(python3 - "$json" <<'EOPY'
import json, sys
d = json.loads(sys.argv[1])
assert len(d) == 1
i = d[0]
print(i["interface"], i["public_key"], i["listen_port"], hex(i["fwmark"]))
for p in sorted(i["peers"], key=lambda p: p["public_key"]):
    print(p["public_key"], p["endpoint"] or "(none)", ",".join(p["allowed_ips"]) or "(none)",
          p["latest_handshake"] > 0, p["rx_bytes"] > 0, p["tx_bytes"] > 0,
          p["persistent_keepalive"] or "off", "psk" if p["preshared_key"] else "-")
EOPY
)
from_dump=$(at a wg show "$IA" dump | awk -v i="$IA" '
	NR == 1 { print i, $2, $3, $4; next }
	{ print $1, $3, $4, ($5 > 0 ? "True" : "False"), ($6 > 0 ? "True" : "False"),
	  ($7 > 0 ? "True" : "False"), $8, ($2 == "(none)" ? "-" : "psk") | "sort" }')
assert_eq "$from_dump" "$from_json" "-j holds what wg show dump holds"

# 13-16: keys a daemon adds to its get reply (warrend's drop counters) are
# shown after wg's fields, and wg itself ignores them; a stand-in daemon
# answers with a fixed reply.
up_iface IX x
PUBX=$(wg genkey | wg pubkey)
hex() { echo "$1" | base64 -d | od -An -tx1 -v | tr -d ' \n'; }
REPLY="listen_port=4242
drop_no_route=7
public_key=$(hex "$PUBX")
preshared_key=0000000000000000000000000000000000000000000000000000000000000000
protocol_version=1
endpoint=192.0.2.7:4243
last_handshake_time_sec=0
last_handshake_time_nsec=0
tx_bytes=0
rx_bytes=0
persistent_keepalive_interval=0
allowed_ip=10.99.0.0/16
drop_replayed=2
errno=0
"
bg - python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    data = b""
    while not data.endswith(b"\n\n"):
        d = c.recv(4096)
        if not d:
            break
        data += d
    try:
        if data.startswith(b"get=1"):
            c.sendall(sys.argv[2].encode() + b"\n")
        elif data:
            c.sendall(b"errno=22\n\n")
    except OSError:
        pass
    c.close()
' "/var/run/wireguard/$IX.sock" "$REPLY"
wait_for 10 test -S "/var/run/wireguard/$IX.sock"
WANT="interface: $IX
  listening port: 4242
  drop no route: 7

peer: $PUBX
  endpoint: 192.0.2.7:4243
  allowed ips: 10.99.0.0/16
  drop replayed: 2"
assert_eq "$WANT" "$("$WARREN" show "$IX")" "extension keys shown after wg's fields"
assert_eq "$(grep -v drop <<<"$WANT")" "$(wg show "$IX")" "which wg ignores"
assert_eq "7 2" "$("$WARREN" show "$IX" -j | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print(d["extensions"]["drop_no_route"], d["peers"][0]["extensions"]["drop_replayed"])')" \
	"and -j holds them as numbers"

# 16-18: warrend's own drop counters, shown by warren show and ignored by wg
if [ "$UP_DAEMON" = warrend ]; then
	count() { at a "$WARREN" show "$IA" | sed -n "s/^  drop $1: //p" | grep . || echo 0; }
	junk=$(count "invalid message") noroute=$(count "no route")
	for _ in 1 2 3; do
		at b bash -c 'echo hello >/dev/udp/192.168.78.1/51781'
	done
	at a ping -c 2 -i 0.2 -W 1 10.78.0.99 >/dev/null 2>&1
	junk_counted() { [ "$(count "invalid message")" -ge $((junk + 3)) ]; }
	wait_for 10 junk_counted # the daemon reads them after the shell has sent them
	assert_eq $((junk + 3)) "$(count "invalid message")" "three junk datagrams: drop invalid message + 3"
	# (at least: the kernel's own IPv6 router solicitations go there too)
	assert_ok "two pings to nobody: drop no route + 2 or more" [ "$(count "no route")" -ge $((noroute + 2)) ]
	# The daemon's own drops beside the engine's: the first peer's endpoint
	# (fd00:78::9) has no route, so its handshakes fail to send.
	assert_ok "a send the kernel refused: drop udp send 1 or more" [ "$(count "udp send")" -ge 1 ]
	same_output "and otherwise the same as wg show" "$IA"
fi

# every wg show field on the live tunnel, retried while a counter or a
# handshake moves between the two reads (show_fields.sh compares them on
# frozen replies); the peers in the daemon's order, as wg prints them
for f in public-key private-key listen-port fwmark peers preshared-keys endpoints \
	allowed-ips latest-handshakes transfer persistent-keepalive dump; do
	same_output "show IFNAME $f = wg's" "$IA" "$f"
done

# errors as wg's
out=$(at a "$WARREN" show nosuch$$ 2>&1)
assert_eq "1 Unable to access interface: No such device" "$? $out" "an unknown interface"
assert_fail "an unknown argument" at a "$WARREN" show "$IA" bogus

at a "$WARREN" down "$T_DIR/$IA.conf" 2>/dev/null
at b "$WARREN" down "$T_DIR/$IB.conf" 2>/dev/null
nothing_left a "$IA" "a"
nothing_left b "$IB" "b"

t_done
