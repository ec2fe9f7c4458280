#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren's config commands against wg's and wg-quick's: the same operation
# on the same starting state, in two namespaces, must leave the same state,
# compared as `wg showconf` prints it, byte for byte (and `warren showconf`
# must print exactly that too). setconf, addconf, syncconf, set, strip,
# save; then the errors: a bad file (file:line, nothing changed), a
# missing interface, no permission, a change of Mode.
#
#   ns a                                   ns b
#   IA (warrend) <- wg, wg-quick           IB (warrend) <- warren
#   (no link between them: nothing is sent that needs an answer)
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd wg-quick setpriv

ns_new a
ns_new b
up_iface IA a
up_iface IB b
assert_ok "a daemon for wg" at a "$WARREND" "$IA"
assert_ok "a daemon for warren" at b "$WARREND" "$IB"

P1=$(wg genkey | wg pubkey) P2=$(wg genkey | wg pubkey) P3=$(wg genkey | wg pubkey)
PRIV=$(wg genkey) PSK=$(wg genpsk)
echo "$PSK" >"$T_DIR/psk"
(umask 077 && wg genkey >"$T_DIR/newkey")
chmod 600 "$T_DIR/psk" "$T_DIR/newkey"

# same WHAT: both interfaces print the same showconf, and warren's is wg's
same() {
	local a b w
	a=$(at a wg showconf "$IA") b=$(at b wg showconf "$IB") w=$(at b "$WARREN" showconf "$IB")
	assert_eq "$a" "$b" "$1: wg showconf after wg and after warren"
	assert_eq "$b" "$w" "$1: warren showconf is wg showconf"
}

cat >"$T_DIR/one.conf" <<EOF2
[Interface]
PrivateKey = $PRIV
ListenPort = 51830
FwMark = 0x42

[Peer]
PublicKey = $P1
PresharedKey = $PSK
AllowedIPs = 10.80.1.0/24, fd80:1::/64
Endpoint = 192.0.2.1:51820
PersistentKeepalive = 25

[Peer]
PublicKey = $P2
AllowedIPs = 10.80.2.0/24
Endpoint = [2001:db8::2]:51821
EOF2
# 1-2: setconf
at a wg setconf "$IA" "$T_DIR/one.conf"
assert_ok "warren setconf" at b "$WARREN" setconf "$IB" "$T_DIR/one.conf"
same "setconf"

# 3-5: addconf: a new peer and a changed one
cat >"$T_DIR/two.conf" <<EOF2
[Interface]
ListenPort = 51831

[Peer]
PublicKey = $P3
AllowedIPs = 10.80.3.0/24

[Peer]
PublicKey = $P2
Endpoint = 192.0.2.2:51822
PersistentKeepalive = 5
EOF2
at a wg addconf "$IA" "$T_DIR/two.conf"
assert_ok "warren addconf" at b "$WARREN" addconf "$IB" "$T_DIR/two.conf"
same "addconf"

# 6-8: syncconf: P2 goes, P1's allowed IPs and endpoint change, P3 kept
cat >"$T_DIR/three.conf" <<EOF2
[Interface]
PrivateKey = $PRIV
ListenPort = 51831
FwMark = 0x43

[Peer]
PublicKey = $P3
AllowedIPs = 10.80.3.0/24, 10.80.33.0/24

[Peer]
PublicKey = $P1
PresharedKey = $PSK
AllowedIPs = 10.80.1.0/24
Endpoint = 192.0.2.9:51820
PersistentKeepalive = 25
EOF2
at a wg syncconf "$IA" "$T_DIR/three.conf"
assert_ok "warren syncconf" at b "$WARREN" syncconf "$IB" "$T_DIR/three.conf"
same "syncconf"

# 9-11: set, every word of wg's grammar
SET=(listen-port 51832 fwmark 0x44 private-key "$T_DIR/newkey"
	peer "$P1" endpoint 192.0.2.7:7 allowed-ips "10.80.7.0/24, fd80:7::/64" persistent-keepalive 7
	peer "$P3" remove
	peer "$P2" preshared-key "$T_DIR/psk" allowed-ips 10.80.22.0/24 endpoint "[2001:db8::22]:22")
at a wg set "$IA" "${SET[@]}"
assert_ok "warren set" at b "$WARREN" set "$IB" "${SET[@]}"
same "set"
at a wg set "$IA" peer "$P2" preshared-key /dev/null persistent-keepalive off allowed-ips ""
assert_ok "warren set: a key from /dev/null, off, no allowed IPs" \
	at b "$WARREN" set "$IB" peer "$P2" preshared-key /dev/null persistent-keepalive off allowed-ips ""
same "set: removals"

# 12-13: syncconf of showconf changes nothing
at b "$WARREN" showconf "$IB" >"$T_DIR/shown.conf"
before=$(at b wg showconf "$IB")
assert_ok "syncconf of showconf" at b "$WARREN" syncconf "$IB" "$T_DIR/shown.conf"
assert_eq "$before" "$(at b wg showconf "$IB")" "syncconf of showconf: no change"

# 14-15: strip, against wg-quick strip (comments, blanks, every wg-quick key)
cat >"$T_DIR/$IA.conf" <<EOF2
# a wg-quick config
[Interface]
  PrivateKey = $PRIV   # trailing comment
Address = 10.80.0.1/24
DNS = 10.80.0.53
MTU = 1380
Table = off
SaveConfig = false
PreUp = true
PostUp = true # a hook keeps its '#'
PreDown = true
PostDown = true
ListenPort = 51833

[Peer]
PublicKey = $P1
AllowedIPs = 10.80.1.0/24
Address = 10.99.0.1/24
EOF2
chmod 600 "$T_DIR/$IA.conf"
cp "$T_DIR/$IA.conf" "$T_DIR/$IB.conf"
want=$(at a wg-quick strip "$T_DIR/$IA.conf" 2>/dev/null; echo x)
assert_fail "a [Peer] Address is refused by warren (wg would refuse it at setconf)" \
	at b "$WARREN" strip "$T_DIR/$IB.conf"
sed -i '$d' "$T_DIR/$IA.conf" "$T_DIR/$IB.conf"
want=$(at a wg-quick strip "$T_DIR/$IA.conf" 2>/dev/null; echo x)
got=$(at b "$WARREN" strip "$T_DIR/$IB.conf"; echo x)
assert_eq "$want" "$got" "strip: wg-quick strip's output, byte for byte"

# 16-17: save, against wg-quick save, on an interface each brought up
# (Table = off: nothing but the address; the hooks do nothing). Not
# compared: DNS (wg-quick saves what resolvconf -l says, warren the
# config's) and a hook's comment (the installed wg-quick cuts it).
sed -i -e '/^DNS/d' -e 's/ # a hook.*//' "$T_DIR/$IA.conf" "$T_DIR/$IB.conf"
at a "$WARREN" down "$IA" >/dev/null 2>&1
at a ip link del "$IA" 2>/dev/null
at b ip link del "$IB" 2>/dev/null
wait_for 5 bash -c "[ ! -e /var/run/wireguard/$IA.sock ] && [ ! -e /var/run/wireguard/$IB.sock ]"
assert_ok "wg-quick's side up" at a "$WARREN" up "$T_DIR/$IA.conf"
assert_ok "warren's side up" at b "$WARREN" up "$T_DIR/$IB.conf"
at a wg set "$IA" peer "$P2" allowed-ips 10.80.2.0/24
at b wg set "$IB" peer "$P2" allowed-ips 10.80.2.0/24
at a wg-quick save "$T_DIR/$IA.conf" >/dev/null 2>&1
assert_ok "warren save" at b "$WARREN" save "$T_DIR/$IB.conf"
assert_eq "$(grep -v fe80 "$T_DIR/$IA.conf")" "$(grep -v fe80 "$T_DIR/$IB.conf")" \
	"save: wg-quick save's file, byte for byte (link-local addresses aside)"

# 18-21: a bad file: its file and line, and nothing changed
before=$(at b wg showconf "$IB")
printf '[Interface]\nListenPort = 51834\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.1.2.3/33\n' \
	"$P3" >"$T_DIR/bad.conf"
for cmd in setconf addconf syncconf; do
	got=$(at b "$WARREN" "$cmd" "$IB" "$T_DIR/bad.conf" 2>&1)
	assert_eq "$T_DIR/bad.conf:6: AllowedIP is not in the correct format: \`10.1.2.3/33'" "$got" \
		"$cmd of a bad file: file:line"
done
assert_eq "$before" "$(at b wg showconf "$IB")" "bad files changed nothing"

# 22-25: a missing interface, and no permission
assert_eq "Unable to access interface \`nosuch$$': No such device" \
	"$(at b "$WARREN" showconf "nosuch$$" 2>&1)" "showconf: missing interface"
assert_fail "syncconf: missing interface, exit status" at b "$WARREN" syncconf "nosuch$$" "$T_DIR/one.conf"
WARREN_ALL=$(runnable_by_all "$WARREN")
got=$(at b setpriv --reuid=65534 --regid=65534 --clear-groups "$WARREN_ALL" showconf "$IB" 2>&1)
assert_eq "Unable to access interface \`$IB': Permission denied" "$got" "showconf as nobody: permission"
assert_fail "set as nobody fails" \
	at b setpriv --reuid=65534 --regid=65534 --clear-groups "$WARREN_ALL" set "$IB" listen-port 1

# 26-27: Mode cannot change on a running interface
printf '[Interface]\nListenPort = 51834\nMode = tap\n' >"$T_DIR/tap.conf"
got=$(at b "$WARREN" syncconf "$IB" "$T_DIR/tap.conf" 2>&1)
assert_eq "$T_DIR/tap.conf:3: Mode cannot change on a running interface: \`tap' (\`$IB' is tun); take it down and up" \
	"$got" "syncconf refuses a change of Mode, naming file and line"
assert_eq "$before" "$(at b wg showconf "$IB")" "and changed nothing"

at a "$WARREN" down "$T_DIR/$IA.conf" >/dev/null 2>&1
at b "$WARREN" down "$T_DIR/$IB.conf" >/dev/null 2>&1
t_done
