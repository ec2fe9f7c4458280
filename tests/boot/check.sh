#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make check-boot`: warren@.service under a real systemd as PID 1, as a
# sysadmin runs it (issue 11). The machine boots in a container
# (systemd-nspawn) whose root is this machine's own root under a throwaway
# overlay, with warren installed into it by `meson install` and two
# tunnels enabled before the boot with `systemctl enable warren@wgboot0
# warren@wgboot1`, nothing else done by hand:
#
#   container (own network namespace: lo only), systemd PID 1
#     warren@wgboot0: 10.77.0.1, ListenPort 51870, Endpoint = wgboot1.test:51871
#     warren@wgboot1: 10.77.0.2, ListenPort 51871, Endpoint = wgboot0.test:51870
#     /etc/hosts: wgboot0.test and wgboot1.test are 127.0.0.1
#
# Checks: both units active after the boot (Type=notify: active means warren
# sent READY=1 once the interface was up) with the unit's hardening in force;
# their peers complete a handshake over the container's loopback; warrend's
# info lines are in the journal at priority 6, without a timestamp of their
# own; `systemctl reload` applies an edited config without dropping the
# session; `systemctl stop` removes the interface; `systemctl stop
# warren.target` stops the other. Prints one line per check, then "N passed,
# N failed", and removes the overlay, the container and its files, also when
# interrupted.
#
# Environment: WARREN_BOOT_TIMEOUT=S, how long the boot may take (default
# 300 s; a few seconds on an idle machine).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
source "$SRC/tests/e2e/lib/netns.sh"

require_root
"$SRC/scripts/deps.sh" boot
require_cmd systemd-nspawn nsenter wg meson
BUILD=${WARREN_BUILD:-$SRC/build}
BOOT_TIMEOUT=${WARREN_BOOT_TIMEOUT:-300}

# --- the container's root: this machine's, under an overlay -------------
ROOT="$T_DIR/root"
mkdir -p "$ROOT" "$T_DIR/upper" "$T_DIR/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$T_DIR/upper,workdir=$T_DIR/work" "$ROOT" ||
	{ echo "FATAL: cannot mount an overlay of / on $ROOT" >&2; exit 1; }
NSPAWN_PID=
cleanup_boot() {
	if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
		kill -TERM "$NSPAWN_PID" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$NSPAWN_PID" 2>/dev/null || true
		wait "$NSPAWN_PID" 2>/dev/null || true
	fi
	umount "$ROOT" 2>/dev/null || umount -l "$ROOT" 2>/dev/null || true
}
trap 'cleanup_boot; _netns_cleanup' EXIT

# A throwaway root may hold anything of ours from the host: none of it must
# start in the container but what this test enables.
rm -f "$ROOT"/etc/wireguard/wgboot*.conf
DESTDIR="$ROOT" meson install -C "$BUILD" --no-rebuild --quiet >/dev/null ||
	{ echo "FATAL: meson install into the container failed" >&2; exit 1; }
ldconfig -r "$ROOT"
PREFIX=$(meson introspect --buildoptions "$BUILD" |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
WARREN_IN="$PREFIX/bin/warren"
[ -x "$ROOT$WARREN_IN" ] || { echo "FATAL: $WARREN_IN not installed in the container" >&2; exit 1; }

K0=$(wg genkey) K1=$(wg genkey)
P0=$(wg pubkey <<<"$K0") P1=$(wg pubkey <<<"$K1")
mkdir -p "$ROOT/etc/wireguard"
conf() { # conf NAME KEY ADDR PORT PEERKEY PEERADDR PEERHOST PEERPORT
	cat >"$ROOT/etc/wireguard/$1.conf" <<-EOF
		[Interface]
		PrivateKey = $2
		Address = $3/32
		ListenPort = $4

		[Peer]
		PublicKey = $5
		AllowedIPs = $6/32
		Endpoint = $7:$8
		PersistentKeepalive = 5
	EOF
	chmod 600 "$ROOT/etc/wireguard/$1.conf"
}
conf wgboot0 "$K0" 10.77.0.1 51870 "$P1" 10.77.0.2 wgboot1.test 51871
conf wgboot1 "$K1" 10.77.0.2 51871 "$P0" 10.77.0.1 wgboot0.test 51870
printf '127.0.0.1 wgboot0.test wgboot1.test\n' >>"$ROOT/etc/hosts"
systemctl --root="$ROOT" enable warren@wgboot0.service warren@wgboot1.service >/dev/null 2>&1 ||
	{ echo "FATAL: systemctl --root enable failed" >&2; exit 1; }

# --- the boot ---------------------------------------------------------------
CONSOLE="$T_DIR/console.log"
(cd / && exec systemd-nspawn --quiet --directory="$ROOT" --register=no --keep-unit \
	--private-network --console=read-only --boot) >"$CONSOLE" 2>&1 &
NSPAWN_PID=$!

leader() { # the container's PID 1, seen from here
	local p
	for p in $(pgrep -P "$NSPAWN_PID" 2>/dev/null); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] && { echo "$p"; return 0; }
	done
	return 1
}
wait_for 60 leader >/dev/null || { cat "$CONSOLE" >&2; echo "FATAL: no systemd in the container" >&2; exit 1; }
LEADER=$(leader)
in_ct() { nsenter --target "$LEADER" --all -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
booted() {
	local s
	s=$(in_ct systemctl is-system-running 2>/dev/null) || true
	case "$s" in running | degraded) return 0 ;; *) return 1 ;; esac
}
if ! wait_for "$BOOT_TIMEOUT" booted; then
	sed 's/^/#   console: /' "$CONSOLE" >&2
	echo "FATAL: the container did not finish booting in $BOOT_TIMEOUT s" >&2
	exit 1
fi

unit_is() { [ "$(in_ct systemctl show -P "$2" "$1")" = "$3" ]; }
show() { in_ct "$WARREN_IN" show "$@"; }
handshake_of() { show "$1" latest-handshakes | awk -v k="$2" '$1 == k { print $2 }'; } # IF PEER
handshake_done() { local h; h=$(handshake_of "$1" "$2") && [ -n "$h" ] && [ "$h" != 0 ]; }

# 1-2: started at boot, as enabled; Type=notify and READY=1 sent
for i in 0 1; do
	assert_ok "$((i + 1)): warren@wgboot$i active after the boot (Type=notify)" \
		wait_for 60 unit_is "warren@wgboot$i.service" ActiveState active
done
assert_ok "3: the unit is Type=notify and its main process is warren up --foreground" \
	unit_is warren@wgboot0.service Type notify
# 4: the unit's hardening reaches warrend (CapabilityBoundingSet=)
no_sys_admin() {
	local pid bnd
	pid=$(in_ct pgrep -o -f 'warrend.*wgboot0') || return 1
	bnd=$(in_ct awk '/^CapBnd:/ { print $2 }' "/proc/$pid/status") || return 1
	(((0x$bnd & (1 << 21)) == 0)) # CAP_SYS_ADMIN
}
assert_ok "4: warrend runs without CAP_SYS_ADMIN in its bounding set" no_sys_admin
# 5: the tunnels handshake over the container's loopback, by host name
assert_ok "5: wgboot0 and wgboot1 complete a handshake (Endpoint by name)" \
	wait_for 30 handshake_done wgboot0 "$P1"
# 6: warrend's info lines in the journal, priority 6, no timestamp of their own
journal_line() {
	in_ct journalctl -u warren@wgboot0.service -o json --no-pager 2>/dev/null |
		python3 -c '
import json, re, sys
ok = False
for line in sys.stdin:
    e = json.loads(line)
    m = e.get("MESSAGE", "")
    if isinstance(m, str) and "Handshake completed" in m:
        if e.get("PRIORITY") != "6" or re.match(r"\d{4}[-/]\d\d[-/]\d\d|\w{3} +\d+ \d\d:", m):
            sys.exit(1)
        ok = True
sys.exit(0 if ok else 1)'
}
assert_ok "6: journal: 'Handshake completed' at priority 6, no second timestamp" \
	wait_for 20 journal_line
# 7-9: reload applies an edit without dropping the session
H_BEFORE=$(handshake_of wgboot0 "$P1")
printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.77.0.99/32\n' "$(wg genkey | wg pubkey)" \
	>>"$ROOT/etc/wireguard/wgboot0.conf"
two_peers() { [ "$(show wgboot0 peers | wc -l)" = 2 ]; }
assert_ok "7: systemctl reload warren@wgboot0 applies the edit (a second peer)" \
	in_ct systemctl reload warren@wgboot0.service
assert_ok "8: ...the new peer is there" wait_for 10 two_peers
assert_eq "$H_BEFORE" "$(handshake_of wgboot0 "$P1")" "9: ...and the session is kept (same latest handshake)"
assert_ok "10: ...and the unit stays active" unit_is warren@wgboot0.service ActiveState active
# 11-12: stop takes the interface down; the target stops the rest
link_gone() { ! in_ct ip link show "$1" >/dev/null 2>&1; }
in_ct systemctl stop warren@wgboot0.service || true
assert_ok "11: systemctl stop warren@wgboot0 removes wgboot0" wait_for 10 link_gone wgboot0
in_ct systemctl stop warren.target || true
assert_ok "12: systemctl stop warren.target stops warren@wgboot1 and removes it" \
	wait_for 10 link_gone wgboot1
sock_gone() { ! in_ct test -e "/run/wireguard/$1.sock"; }
assert_ok "13: warrend removed its UAPI sockets (exited, not killed)" \
	bash -c '! grep -q "Killing process .* (warrend) with signal SIGKILL" <<<"$1"' _ \
	"$(in_ct journalctl -u 'warren@*' --no-pager 2>/dev/null)"
assert_ok "14: no UAPI socket left behind" wait_for 5 sock_gone wgboot0
warren_failed() { in_ct systemctl --failed --no-legend | grep -q warren; }
assert_fail "15: no unit of ours failed" warren_failed

if [ "$T_FAIL" != 0 ]; then
	in_ct journalctl -u 'warren@*' --no-pager 2>/dev/null | tail -n 40 | sed 's/^/#   journal: /' || true
fi
t_done
