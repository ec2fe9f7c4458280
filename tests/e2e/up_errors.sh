#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren up refuses bad configs with FILE:LINE, the value and what was
# expected, before anything is made; a failure at a later step (the daemon,
# an address, a hook) undoes every step before it; a config file that
# others may read gets wg-quick's warning.
#
#   ns a: warren up CONFIG -> refused or undone -> no device, no socket,
#         no daemon, no rules, no nftables table left
#
source "$(dirname "$0")/up_lib.sh"
require_up

ns_new a
up_iface IF e
CONF="$T_DIR/$IF.conf"
KEY=$(wg genkey) PEER=$(wg genkey | wg pubkey)

# write_conf BODY: the config file, mode 600
write_conf() {
	printf '%s\n' "$1" >"$CONF"
	chmod 600 "$CONF"
}

# Cases: config body | the expected message (FILE is the config's path)
BAD=(
"[Interface]
PrivateKey = abc"
"FILE:2: Key is not the correct length or format: a secret of 3 characters, not shown (a key is 44 characters of base64)"

"[Interface]
PrivateKey = $KEY
Address = 10.0.0.300/24"
"FILE:3: Address is not an IP address with an optional /prefix: \`10.0.0.300/24'"

"[Interface]
PrivateKey = $KEY
[Peer]
PublicKey = $PEER
AllowedIPs = 10.1.0.0/33"
"FILE:5: AllowedIP is not in the correct format: \`10.1.0.0/33'"

"[Interface]
PrivateKey = $KEY
Foo = bar"
"FILE:3: Key unknown in [Interface] section: \`Foo'"

"[Interface]
PrivateKey = $KEY

[Peer]
AllowedIPs = 10.0.0.0/24"
"FILE:4: Peer is missing a PublicKey: \`[Peer]'"

"[Interface]
PrivateKey = $KEY
[Peer]
PublicKey = $PEER
Endpoint = 192.0.2.1"
"FILE:5: Unable to find port of endpoint: \`192.0.2.1'"

"[Interface]
MTU = 20"
"FILE:2: MTU is not a number 68-65535: \`20'"
)

for ((i = 0; i < ${#BAD[@]}; i += 2)); do
	n=$((i / 2 + 1))
	write_conf "${BAD[i]}"
	out=$(at a "$WARREN" up "$CONF" 2>&1)
	rc=$?
	assert_eq "1 ${BAD[i + 1]//FILE/$CONF}" "$rc $out" "bad config $n: exit 1 and the message"
	nothing_left a "$IF" "bad config $n"
done

# A NUL byte is refused at its line: wg would read port 518
printf '[Interface]\nPrivateKey = %s\nListenPort = 518\0%s\n' "$KEY" 30 >"$CONF"
chmod 600 "$CONF"
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq "1 $CONF:3: Line holds a control character: byte 0x00 at column 17" "$? $out" \
	"a NUL byte: exit 1 and the message"
nothing_left a "$IF" "a NUL byte"

# Failures after the daemon started: everything before them is undone.
GOOD="[Interface]
PrivateKey = $KEY
Address = 10.75.0.1/24
[Peer]
PublicKey = $PEER
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.1:51820"

# check_undone WHAT: no rules, tables, nft tables either
check_undone() {
	nothing_left a "$IF" "$1"
	assert_eq "" "$(at a ip -4 rule show | grep -E 'fwmark|suppress')" "$1: no v4 rules"
	assert_eq "" "$(at a ip -6 rule show | grep -E 'fwmark|suppress')" "$1: no v6 rules"
	assert_eq "" "$(at a ip route show table all | grep "$IF")" "$1: no routes"
	if command -v nft >/dev/null; then
		assert_eq "" "$(at a nft list tables)" "$1: no nftables tables"
	fi
}

write_conf "$GOOD
[Interface]
PostUp = false"
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq 1 "$?" "a failing PostUp fails up"
assert_ok "and says so" grep -q "hook failed with status 1: \`false'" <<<"$out"
check_undone "failing PostUp"

write_conf "$GOOD
[Interface]
PreUp = exit 3"
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq 1 "$?" "a failing PreUp fails up"
check_undone "failing PreUp"

write_conf "$GOOD
[Interface]
Address = 10.75.0.1/24"
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq 1 "$?" "an address given twice fails up"
assert_ok "with the kernel's answer" grep -q "RTM_NEWADDR: File exists" <<<"$out"
check_undone "address twice"

write_conf "$GOOD"
out=$(WG_QUICK_USERSPACE_IMPLEMENTATION=false at a "$WARREN" up "$CONF" 2>&1)
assert_eq 1 "$?" "a daemon that fails to start fails up"
assert_ok "and says so" grep -q "\`false $IF' failed with status 1" <<<"$out"
check_undone "failing daemon"

# SIGTERM while a PostUp hook runs: wg-quick's trap undoes everything
write_conf "$GOOD
[Interface]
PostUp = touch $T_DIR/postup; sleep 2"
# not through at(): $! must be warren itself (ip netns exec execs it)
rm -f "$T_DIR/postup"
ip netns exec "$NS_a" "$WARREN" up "$CONF" 2>"$T_DIR/sigterm.log" &
pid=$!
wait_for 10 test -e "$T_DIR/postup"
kill -TERM "$pid"
wait "$pid"
assert_eq 1 "$?" "SIGTERM during up fails up"
assert_ok "and says so" grep -q "interrupted by signal 15; undoing" "$T_DIR/sigterm.log"
check_undone "SIGTERM"

write_conf "[Interface]
Table = nosuchtable"
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq "1 warren: $CONF:2: Table \`nosuchtable' is neither a number nor a name in /etc/iproute2/rt_tables" \
	"1 $out" "an unknown table name"
check_undone "unknown table"

# DNS without resolvconf fails closed, as wg-quick does: no tunnel that leaks DNS.
write_conf "$(sed 's/^Address = .*/&\nDNS = 10.9.9.53/' <<<"$GOOD")"
mkdir -p "$T_DIR/nopath"
out=$(at a env PATH="$T_DIR/nopath" "$WARREN" up "$CONF" 2>&1)
assert_eq "1 warren: $CONF: DNS is set but resolvconf(8) is not installed (install openresolv or resolvconf, or remove DNS)" \
	"$? $(grep -m1 "resolvconf(8)" <<<"$out")" "DNS without resolvconf fails up"
check_undone "DNS without resolvconf"

# A name that does not resolve is reported at its Endpoint line, not its [Peer]'s.
write_conf "[Interface]
PrivateKey = $KEY

[Peer]
PublicKey = $(echo "$KEY" | "$WARREN" pubkey)
AllowedIPs = 10.9.9.9/32
Endpoint = no-such-host.invalid:51820"
# No resolver answers here, a temporary failure: not retried, as wg's 0.
out=$(at a env WG_ENDPOINT_RESOLUTION_RETRIES=0 "$WARREN" up "$CONF" 2>&1)
assert_eq "$CONF:7:" "$(head -n1 <<<"$out" | cut -d' ' -f1)" "an unresolvable Endpoint, at its own line"
check_undone "unresolvable endpoint"

# Names and files as wg-quick checks them
out=$(at a "$WARREN" up "$T_DIR/nosuch.conf" 2>&1)
assert_eq "warren: \`$T_DIR/nosuch.conf' does not exist" "$out" "a missing file"
cp "$CONF" "$T_DIR/bad name.conf"
out=$(at a "$WARREN" up "$T_DIR/bad name.conf" 2>&1)
assert_eq "warren: The config file must be a valid interface name, followed by .conf" "$out" \
	"a file name that is no interface name"
out=$(at a "$WARREN" down "$CONF" 2>&1)
assert_eq "1 warren: \`$IF' is not a WireGuard interface" "$? $out" "down of an interface that is not up"

# World-readable private key file: wg-quick's warning, and up goes on
write_conf "[Interface]
PrivateKey = $KEY"
chmod 644 "$CONF"
chmod 755 "$T_DIR"
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq 0 "$?" "a world-readable config still comes up"
assert_eq "Warning: \`$CONF' is world accessible" "$(grep Warning <<<"$out")" "the warning"
want=$(wg-quick strip "$CONF" 2>&1 >/dev/null | grep Warning)
assert_eq "$want" "$(grep Warning <<<"$out")" "the same warning as wg-quick's"
assert_ok "down" at a "$WARREN" down "$CONF"
chmod 600 "$CONF"
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq "" "$(grep Warning <<<"$out")" "no warning at mode 600"
assert_ok "down" at a "$WARREN" down "$CONF"
nothing_left a "$IF" "the end"

t_done
