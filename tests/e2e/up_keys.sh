#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren up / down with a config that uses every wg-quick key, read back
# through the kernel (addresses, MTU, routes, rules, nftables, sysctl), the
# daemon (wg show dump) and the hooks' and resolvconf's traces; then down,
# SaveConfig's rewrite, and up again from the saved file. Then Table = a
# number and Table = off.
#
#   ns a (no peer needed: nothing is sent)
#   +--------------------------------------------------------------+
#   | IF (warrend | wireguard-go)  10.71.0.1/24 fd71::1/64 mtu 1360 |
#   |   peer 1: 0.0.0.0/0, ::/0 -> fwmark table 0x1234 + 2 rules    |
#   |   peer 2: 10.72.0.0/16   -> main table                       |
#   +--------------------------------------------------------------+
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd nft

ns_new a
up_iface IF k
# at a ip ..., without ip's trailing blanks
ipa() { at a ip "$@" | sed 's/ *$//'; }
CONF="$T_DIR/$IF.conf"
mkdir -p "$T_DIR/bin"
# a resolvconf(8) that records its calls
cat >"$T_DIR/bin/resolvconf" <<EOS
#!/bin/bash
echo "\$*" >>"$T_DIR/resolvconf.args"
[ "\$1" = -a ] && cat >>"$T_DIR/resolvconf.in"
exit 0
EOS
chmod +x "$T_DIR/bin/resolvconf"
export PATH="$T_DIR/bin:$PATH"

PRIV=$(wg genkey) PUB=$(echo "$PRIV" | wg pubkey)
P1=$(wg genkey | wg pubkey) P2=$(wg genkey | wg pubkey) PSK=$(wg genpsk)
cat >"$CONF" <<EOF2
# every key wg-quick(8) knows
[Interface]
PrivateKey = $PRIV
ListenPort = 51871
FwMark = 0x1234
Address = 10.71.0.1/24
Address = fd71::1/64
DNS = 10.71.0.53, fd71::53, example.org corp.example
MTU = 1360
Table = auto
SaveConfig = true
PreUp = echo "pre-up %i" >>$T_DIR/hooks
PostUp = echo "post-up %i" >>$T_DIR/hooks
PreDown = echo "pre-down %i" >>$T_DIR/hooks
PostDown = echo "post-down %i" >>$T_DIR/hooks

[Peer]
PublicKey = $P1
PresharedKey = $PSK
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.1:51820
PersistentKeepalive = 25

[Peer]
PublicKey = $P2
AllowedIPs = 10.72.0.0/16
Endpoint = [2001:db8::2]:51821
EOF2
chmod 600 "$CONF"
cp "$CONF" "$T_DIR/written.conf"

# 1-2: up
assert_ok "warren up with every key" at a "$WARREN" up "$CONF"
assert_eq "pre-up $IF
post-up $IF" "$(cat "$T_DIR/hooks")" "PreUp then PostUp ran, %i replaced"

# 3-5: addresses and MTU
assert_eq "10.71.0.1/24 fd71::1/64" \
	"$(at a ip -br addr show dev "$IF" | awk '{print $3, $4}')" "addresses"
assert_eq "1360" "$(at a cat /sys/class/net/"$IF"/mtu)" "MTU"
assert_ok "link is up" bash -c "ip -n $NS_a link show dev $IF | grep -q '<.*,UP'"

# 6-9: routes: the default through table 0x1234 = 4660, the rest in main
assert_eq "default dev $IF scope link" "$(ipa -4 route show table 4660)" "v4 default in table 4660"
assert_eq "default dev $IF metric 1024 pref medium" "$(ipa -6 route show table 4660)" \
	"v6 default in table 4660"
assert_eq "10.72.0.0/16 dev $IF scope link" "$(ipa -4 route show | grep "$IF" | grep -v kernel)" \
	"10.72.0.0/16 in main"
assert_eq "" "$(at a ip -4 route show table main | grep default)" "no default route in main"

# 10-11: rules, in wg-quick's order and priorities
RULES="32764:	from all lookup main suppress_prefixlength 0
32765:	not from all fwmark 0x1234 lookup 4660"
assert_eq "$RULES" "$(at a ip -4 rule show | grep -E '4660|suppress')" "v4 rules"
assert_eq "$RULES" "$(at a ip -6 rule show | grep -E '4660|suppress')" "v6 rules"

# 12-14: firewall and sysctl
assert_ok "nft table ip wg-quick-$IF" at a nft list table ip "wg-quick-$IF"
assert_ok "nft table ip6 wg-quick-$IF" at a nft list table ip6 "wg-quick-$IF"
assert_eq 1 "$(at a cat /proc/sys/net/ipv4/conf/all/src_valid_mark)" "src_valid_mark"

# 15-16: DNS through resolvconf
assert_eq "-a $IF -m 0 -x" "$(cat "$T_DIR/resolvconf.args")" "resolvconf -a"
assert_eq "nameserver 10.71.0.53
nameserver fd71::53
search example.org corp.example" "$(cat "$T_DIR/resolvconf.in")" "resolvconf input"

# 17: the daemon's state (without the byte counters: a daemon may count a
# handshake initiation that found no route)
DUMP="$PRIV	$PUB	51871	0x1234
$P1	$PSK	192.0.2.1:51820	0.0.0.0/0,::/0	0	25
$P2	(none)	[2001:db8::2]:51821	10.72.0.0/16	0	off"
dump() { at a wg show "$IF" dump | cut -f1-5,8; }
got=$(dump)
assert_eq "$(sort <<<"$DUMP")" "$(sort <<<"$got")" "wg show dump"

# 18-19: up again refused, nothing changed
assert_fail "a second up is refused" at a "$WARREN" up "$CONF"
assert_eq "\`$IF' already exists" "$(at a "$WARREN" up "$CONF" 2>&1 | sed 's/^warren: //')" \
	"already exists message"

# 20-30: down. SaveConfig's temporary file is planted as a symlink to a
# file of someone else's: it must be neither followed nor left.
echo "not yours" >"$T_DIR/victim"
ln -s "$T_DIR/victim" "$CONF.tmp"
: >"$T_DIR/hooks"
assert_ok "warren down" at a "$WARREN" down "$CONF"
assert_eq "not yours" "$(cat "$T_DIR/victim")" "SaveConfig did not write through a planted $CONF.tmp symlink"
assert_fail "and left no temporary file" test -e "$CONF.tmp"
assert_eq "pre-down $IF
post-down $IF" "$(cat "$T_DIR/hooks")" "PreDown then PostDown ran"
assert_eq "-d $IF -f" "$(tail -n1 "$T_DIR/resolvconf.args")" "resolvconf -d"
nothing_left a "$IF" "down"
assert_eq "" "$(at a ip -4 rule show | grep -E '4660|suppress')" "v4 rules removed"
assert_eq "" "$(at a ip -6 rule show | grep -E '4660|suppress')" "v6 rules removed"
assert_eq "" "$(at a ip route show table 4660; at a ip -6 route show table 4660)" "table 4660 empty"
assert_fail "nft tables removed" at a nft list table ip "wg-quick-$IF"

# 30-33: SaveConfig rewrote the file: wg-quick's [Interface] and wg showconf
SAVED="[Interface]
Address = 10.71.0.1/24
Address = fd71::1/64
DNS = 10.71.0.53
DNS = fd71::53
DNS = example.org
DNS = corp.example
MTU = 1360
SaveConfig = true
PreUp = echo \"pre-up %i\" >>$T_DIR/hooks
PostUp = echo \"post-up %i\" >>$T_DIR/hooks
PreDown = echo \"pre-down %i\" >>$T_DIR/hooks
PostDown = echo \"post-down %i\" >>$T_DIR/hooks
ListenPort = 51871
FwMark = 0x1234
PrivateKey = $PRIV"
assert_eq "$SAVED" "$(sed -n '1,/^$/p' "$CONF" | sed '/^$/d')" "SaveConfig: [Interface]"
# the peers as written, which is how wg showconf prints them (in the
# daemon's order, so sorted)
peers() { sed -n '/^\[Peer\]/,$p' "$1" | sed '/^$/d' | sort; }
assert_eq "$(peers "$T_DIR/written.conf")" "$(peers "$CONF")" "SaveConfig: [Peer] sections"
assert_eq "1" "$(tail -c 2 "$CONF" | grep -c .)" "SaveConfig: no blank line at the end"
assert_eq "600" "$(stat -c %a "$CONF")" "SaveConfig: mode 600"
assert_ok "the saved config comes up again" at a "$WARREN" up "$CONF"
got=$(dump)
assert_eq "$(sort <<<"$DUMP")" "$(sort <<<"$got")" "wg show dump after the round trip"
assert_ok "and down" at a "$WARREN" down "$CONF"
nothing_left a "$IF" "second down"

# Table = a number: every route there, no rules; Table = off: no routes
up_iface IT t
cat >"$T_DIR/$IT.conf" <<EOF2
[Interface]
PrivateKey = $(wg genkey)
Address = 10.73.0.1/24
Table = 1234

[Peer]
PublicKey = $P1
AllowedIPs = 0.0.0.0/0, 10.74.0.0/16
EOF2
chmod 600 "$T_DIR/$IT.conf"
assert_ok "up with Table = 1234" at a "$WARREN" up "$T_DIR/$IT.conf"
assert_eq "default dev $IT scope link
10.74.0.0/16 dev $IT scope link" "$(ipa -4 route show table 1234)" "routes in table 1234"
assert_eq "" "$(at a ip -4 rule show | grep -E 'fwmark|suppress')" "no rules for a numbered table"
assert_eq "1420" "$(at a cat /sys/class/net/"$IT"/mtu)" "MTU without endpoints or default route: 1500 - 80"
assert_ok "down" at a "$WARREN" down "$T_DIR/$IT.conf"
nothing_left a "$IT" "Table = 1234 down"

sed -i 's/^Table = .*/Table = off/' "$T_DIR/$IT.conf"
assert_ok "up with Table = off" at a "$WARREN" up "$T_DIR/$IT.conf"
assert_eq "10.73.0.0/24 dev $IT proto kernel scope link src 10.73.0.1" \
	"$(ipa -4 route show table all | grep "$IT" | grep -v local)" "Table = off: the prefix route only"
assert_ok "down" at a "$WARREN" down "$T_DIR/$IT.conf"
nothing_left a "$IT" "Table = off down"

t_done
