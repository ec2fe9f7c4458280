#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kill -9 of `warren up --foreground` and of its daemon (issue 12, item 8):
# the device goes with the daemon, but a /0's two rules per family, the
# nftables tables, the DNS entry and the socket stay. `warren up` again must
# remove them instead of adding a second copy, and `warren down` must take
# them away when the interface is already gone.
#
#   ns a: warren up --foreground IF.conf (0.0.0.0/0, ::/0, DNS)
#         kill -9 warren, kill -9 warrend  -> leftovers
#         warren up IF.conf                -> one copy of each
#         warren down IF.conf              -> nothing left
#         (again) kill -9 both; warren down IF.conf -> nothing left
#
source "$(dirname "$0")/up_lib.sh"
require_up
require_cmd nft

ns_new a
up_iface IF k
CONF="$T_DIR/$IF.conf"
logging_resolvconf
: >"$T_DIR/resolvconf.log"
cat >"$CONF" <<EOF
[Interface]
PrivateKey = $(wg genkey)
Address = 10.97.0.1/24, fd97::1/64
DNS = 10.97.0.53

[Peer]
PublicKey = $(wg genkey | wg pubkey)
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 127.0.0.1:51820
EOF
chmod 600 "$CONF"

# rules FAMILY: add_default()'s rules of that family, priorities left out.
rules() {
	at a ip "$1" rule show | grep -E 'fwmark|suppress' | sed 's/^[0-9]*:[[:space:]]*//'
}

# tables: the nftables tables in a.
tables() {
	at a nft list tables
}

# In `ip rule' order (priority: the suppress rule is the later, numbered lower)
# and nft's (::/0 comes first in wg-quick's route order).
RULES='from all lookup main suppress_prefixlength 0
not from all fwmark 0xca6c lookup 51820'
TABLES="table ip6 wg-quick-$IF
table ip wg-quick-$IF"

all_made() {
	[ "$(rules -4)" = "$RULES" ] && [ "$(rules -6)" = "$RULES" ] && [ "$(tables)" = "$TABLES" ]
}

# crash WHAT: up --foreground, then kill -9 warren and its daemon at once.
crash() {
	local daemon
	bg a "$WARREN" up --foreground "$CONF"
	assert_ok "$1: up --foreground made its rules and tables" wait_for 20 all_made
	daemon=$(ip netns pids "$NS_PREFIX-a" | xargs -r ps -o pid=,comm= -p | awk '$2 == "warrend" { print $1 }')
	kill -9 "$BG_PID" ${daemon:+"$daemon"}
	wait "$BG_PID" 2>/dev/null
	wait_for 10 _up_ns_empty a
	assert_fail "$1: the device went with the daemon" at a ip link show dev "$IF"
	assert_eq "$RULES" "$(rules -4)" "$1: its IPv4 rules are left"
	assert_eq "$RULES" "$(rules -6)" "$1: its IPv6 rules are left"
	assert_eq "$TABLES" "$(tables)" "$1: its nftables tables are left"
	assert_ok "$1: its socket is left" [ -S "/var/run/wireguard/$IF.sock" ]
}

# check_undone WHAT: nothing of the interface is left in a.
check_undone() {
	nothing_left a "$IF" "$1"
	assert_eq "" "$(rules -4)" "$1: no IPv4 rules"
	assert_eq "" "$(rules -6)" "$1: no IPv6 rules"
	assert_eq "" "$(tables)" "$1: no nftables tables"
	assert_eq "-d $IF" "$(tail -n1 "$T_DIR/resolvconf.log")" "$1: the DNS entry removed last"
}

# 1-6
crash "first crash"
# 7-11: up again: one of each, not two
out=$(at a "$WARREN" up "$CONF" 2>&1)
assert_eq 0 "$?" "up after the crash"
assert_ok "it says what it removes" grep -q "was not taken down" <<<"$out"
assert_eq "$RULES" "$(rules -4)" "one copy of each IPv4 rule"
assert_eq "$RULES" "$(rules -6)" "one copy of each IPv6 rule"
assert_eq "$TABLES" "$(tables)" "one copy of each nftables table"
# 12-18
assert_ok "down" at a "$WARREN" down "$CONF"
check_undone "down after up"

# 19-24
crash "second crash"
# 25-32: down of what is left
out=$(at a "$WARREN" down "$CONF" 2>&1)
assert_eq 0 "$?" "down of a crashed interface"
printf '%s\n' "$out" | sed 's/^/#   /'
check_undone "down of the leftovers"
# 33: then it is not there at all
out=$(at a "$WARREN" down "$CONF" 2>&1)
assert_eq "1 warren: \`$IF' is not a WireGuard interface" "$? $out" "a second down refuses, as wg-quick"

t_done
