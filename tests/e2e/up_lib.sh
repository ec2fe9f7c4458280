# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared setup of the `warren up/down/show` tests (sourced, not a test by
# itself). Configs live in $T_DIR and interfaces carry the PID in their
# names, since /etc/wireguard and /var/run/wireguard are shared by every
# namespace; everything runs inside the tests' own namespaces with `at`.
#
# The daemon is chosen as `warren up` chooses it, through
# WG_QUICK_USERSPACE_IMPLEMENTATION: UP_DAEMON=warrend (the default) or
# UP_DAEMON=wireguard-go (the *_wggo.sh variants).

source "$(dirname "${BASH_SOURCE[0]}")/lib/netns.sh"

_up_ifaces=()

_up_cleanup() {
	local i
	_netns_cleanup
	for i in "${_up_ifaces[@]}"; do
		rm -f "/var/run/wireguard/$i.sock"
	done
}
trap _up_cleanup EXIT

# up_iface VAR SUFFIX: a unique interface name "wu<pid><suffix>" in $VAR.
up_iface() {
	local name="wu$$$2"
	_up_ifaces+=("$name")
	printf -v "$1" '%s' "$name"
}

require_up() {
	require_root
	require_cmd wg ip
	[ -x "$WARREN" ] || t_skip "no $WARREN (build first)"
	: "${UP_DAEMON:=warrend}"
	case "$UP_DAEMON" in
	warrend)
		[ -x "$WARREND" ] || t_skip "no $WARREND (build first)"
		export WG_QUICK_USERSPACE_IMPLEMENTATION="$WARREND" ;;
	wireguard-go)
		require_cmd wireguard-go
		export WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go ;;
	*)
		echo "FATAL: UP_DAEMON=$UP_DAEMON" >&2
		exit 1 ;;
	esac
	echo "# daemon: $WG_QUICK_USERSPACE_IMPLEMENTATION"
}

_up_ns_empty() {
	[ -z "$(ip netns pids "$NS_PREFIX-$1")" ]
}

# nothing_left NS IFNAME WHAT: no device, no socket and no process in NS.
nothing_left() {
	local ns=$1 ifname=$2 what=$3
	wait_for 10 _up_ns_empty "$ns"
	assert_fail "$what: no device $ifname" at "$ns" ip link show dev "$ifname"
	assert_fail "$what: no socket" [ -e "/var/run/wireguard/$ifname.sock" ]
	assert_eq "" "$(ip netns pids "$NS_PREFIX-$ns")" "$what: no process (daemon) in the namespace"
}

# logging_resolvconf: a resolvconf first on PATH that takes DNS from
# wg-quick's `resolvconf -a/-d' and logs "-a tun.IF" / "-d tun.IF" lines in
# $T_DIR/resolvconf.log, so that a test can check each -a is undone.
logging_resolvconf() {
	mkdir -p "$T_DIR/bin"
	cat >"$T_DIR/bin/resolvconf" <<EOS
#!/bin/sh
echo "\$1 \$2" >>"$T_DIR/resolvconf.log"
cat >/dev/null
exit 0
EOS
	chmod +x "$T_DIR/bin/resolvconf"
	export PATH="$T_DIR/bin:$PATH"
}
