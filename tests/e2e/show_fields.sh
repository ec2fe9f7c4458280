#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren show IFNAME|all FIELD against wg show on the same sockets, byte
# for byte (stdout, stderr, exit status), for every field wg has; the
# permission errors as non-root; --metrics checked by a strict parser of
# Prometheus' text format.
#
#   private mount namespace: a tmpfs on /run/wireguard, so that `all` sees
#   only the stand-in daemons below and no other test's sockets
#
#     IA.sock  uapi_stub.py: private key, fwmark, 4 peers: PSK + link-local
#              IPv6 endpoint + keepalive + handshake + traffic / nothing at
#              all / IPv4 endpoint + handshake / IPv6 endpoint, 2 allowed IPs
#     IB.sock  uapi_stub.py: no key, no port, no peer
#     IC.sock  uapi_stub.py: warrend's extension keys (metrics)
#
# The stand-ins' replies never change, so the fields (latest-handshakes,
# transfer, dump) are the same whenever they are read; only the pretty
# text's "seconds ago" moves.
# (show_format.sh compares the same fields on a live tunnel, with retries.)
if [ -z "${SHOW_FIELDS_PRIVATE:-}" ] && [ "$(id -u)" = 0 ]; then
	exec unshare -m --propagation private env SHOW_FIELDS_PRIVATE=1 bash "$0" "$@"
fi
source "$(dirname "$0")/lib/netns.sh"
require_root
require_cmd wg python3 setpriv
[ -x "$WARREN" ] || t_skip "no $WARREN (build first)"
mount -t tmpfs -o mode=0700 warren-test /run/wireguard || t_skip "cannot mount a private /run/wireguard"

IA=wsf$$a IB=wsf$$b IC=wsf$$c
hex() { echo "$1" | base64 -d | od -An -tx1 -v | tr -d ' \n'; }
K=$(wg genkey) PSK=$(wg genpsk)
P1=$(wg genkey | wg pubkey) P2=$(wg genkey | wg pubkey) P3=$(wg genkey | wg pubkey)
P4=$(wg genkey | wg pubkey)
cat >"$T_DIR/$IA" <<EOF2
private_key=$(hex "$K")
listen_port=51820
fwmark=3405643776
public_key=$(hex "$P1")
preshared_key=$(hex "$PSK")
protocol_version=1
endpoint=[fe80::1%1]:4000
last_handshake_time_sec=1700000000
last_handshake_time_nsec=5
tx_bytes=1234
rx_bytes=99999999
persistent_keepalive_interval=25
allowed_ip=10.0.0.0/8
allowed_ip=fd00::/64
public_key=$(hex "$P2")
preshared_key=0000000000000000000000000000000000000000000000000000000000000000
protocol_version=1
last_handshake_time_sec=0
last_handshake_time_nsec=0
tx_bytes=0
rx_bytes=0
persistent_keepalive_interval=0
public_key=$(hex "$P3")
protocol_version=1
endpoint=192.0.2.1:51820
last_handshake_time_sec=1700000100
last_handshake_time_nsec=0
tx_bytes=5
rx_bytes=6
persistent_keepalive_interval=65535
allowed_ip=192.168.1.1/32
public_key=$(hex "$P4")
protocol_version=1
endpoint=[2001:db8::7]:1
last_handshake_time_sec=1700000100
last_handshake_time_nsec=7
tx_bytes=1073741824
rx_bytes=1
persistent_keepalive_interval=0
allowed_ip=0.0.0.0/0
allowed_ip=::/0
errno=0

EOF2
printf 'errno=0\n\n' >"$T_DIR/$IB"
cat >"$T_DIR/$IC" <<EOF2
listen_port=7
drop_no_route=7
drop_no_route=8
l2_macs=3
l2_flooded=10
hub=true
Bad-Key=1
future_counter=42
public_key=$(hex "$P1")
protocol_version=1
last_handshake_time_sec=1700000000
last_handshake_time_nsec=0
tx_bytes=2
rx_bytes=3
persistent_keepalive_interval=0
drop_replayed=2
mac=52:54:00:00:00:01,1000,5,6
public_key=$(hex "$P2")
protocol_version=1
last_handshake_time_sec=0
last_handshake_time_nsec=0
tx_bytes=0
rx_bytes=0
persistent_keepalive_interval=0
errno=0

EOF2
for i in "$IA" "$IB"; do
	bg - python3 "$(dirname "$0")/lib/uapi_stub.py" "/run/wireguard/$i.sock" "$T_DIR/$i"
	wait_for 10 test -S "/run/wireguard/$i.sock"
done

# (in a directory that nobody may write to, for the permission tests)
chmod 711 "$T_DIR"
mkdir -m 777 "$T_DIR/tmp"
export RUN_TMP=$T_DIR/tmp
# run WHAT ARGS...: stdout, then stderr, then the exit status of WHAT show ARGS
run() {
	local what=$1 out err rc
	shift
	out=$("$what" show "$@" 2>"$RUN_TMP/err.$(id -u)")
	rc=$?
	err=$(sed 's/^Usage: wg show/Usage: warren show/' "$RUN_TMP/err.$(id -u)")
	printf '%s\n--stderr--\n%s\n--exit %s--\n' "$out" "$err" "$rc"
}
# wg's usage has no [ -j | --metrics ]: the rest of the line is compared
# (the pretty text says "N seconds ago": a second may tick between the two
# reads, so it is read again until both agree, up to five times)
same() {
	local what=$1 w g
	shift
	for _ in 1 2 3 4 5; do
		w=$(run "$WARREN" "$@" | sed 's/ \[ -j | --metrics \]$//')
		g=$(run wg "$@")
		[ "$g" == "$w" ] && break
	done
	assert_eq "$g" "$w" "$what"
}

assert_eq "5 4" "$("$WARREN" show "$IA" dump | wc -l) $(wg show "$IA" dump | grep -c "$P1\|$P2\|$P3\|$P4")" \
	"the stand-in answers: a dump of 4 peers"
# every field, for each interface
FIELDS="public-key private-key listen-port fwmark peers preshared-keys endpoints allowed-ips latest-handshakes transfer persistent-keepalive dump"
for i in "$IA" "$IB"; do
	for f in $FIELDS bogus; do
		same "show ${i/$$/} $f = wg's" "$i" "$f"
	done
done
# and for all; wg 1.0.20210914 prefixes only the first line of
# `all endpoints` with the interface (fixed in wireguard-tools b4f6b4f):
# there the want is wg's per-interface output with the prefix on each line.
for f in $FIELDS; do
	if [ "$f" = endpoints ]; then
		want=$(for i in $("$WARREN" show interfaces); do wg show "$i" endpoints | sed "s/^/$i\t/"; done)
		assert_eq "$want" "$("$WARREN" show all endpoints)" "show all endpoints: every line prefixed (wg's fix)"
		continue
	fi
	same "show all $f = wg's" all "$f"
done
# the rest of the grammar
same "show interfaces" interfaces
same "interfaces takes no field" interfaces dump
same "too many arguments" "$IA" dump x
same "show all (pretty, keys shown)" all
WG_HIDE_KEYS=never same "show IA pretty, keys shown" "$IA"
same "all with a bad field" all bogus
out=$(run "$WARREN" nosuch$$ dump)
assert_eq $'\n--stderr--\nUnable to access interface: No such device\n--exit 1--' "$out" \
	"a missing interface: wg's perror() line, exit 1"
# wg falls back to the kernel for a name without a socket: ENODEV, or
# EPROTONOSUPPORT where the wireguard module is not loaded
assert_ok "wg says the same, or that its kernel module is missing" \
	grep -Eq "^Unable to access interface: (No such device|Protocol not supported)$" <<<"$(wg show nosuch$$ 2>&1)"
assert_eq "0" "$("$WARREN" show "$IA" -h >/dev/null; echo $?)" "show IFNAME -h: usage, exit 0"

# permission errors as wg's, for a user who may not read the sockets
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
WARREN_ALL=$(runnable_by_all "$WARREN")
same_nobody() {
	local what=$1 w g
	shift
	w=$(as_nobody bash -c "$(declare -f run); run '$WARREN_ALL' $*")
	g=$(as_nobody bash -c "$(declare -f run); run wg $*")
	[ -n "${DEBUG:-}" ] && printf '%s\n' "$w" | sed 's/^/# /'
	assert_eq "$g" "$w" "$what"
}
same_nobody "non-root, socket directory 0700: show = wg's" ""
same_nobody "non-root: show all dump = wg's" all dump
assert_eq $'\n--stderr--\nUnable to access interface: Permission denied\n--exit 1--' \
	"$(as_nobody bash -c "$(declare -f run); run '$WARREN_ALL' $IA")" \
	"non-root: show IFNAME says Permission denied, exit 1"
chmod 755 /run/wireguard # as wireguard-go and warrend leave it; sockets stay 0600
same_nobody "non-root, directory 0755: each interface refused as wg's, exit 1" ""
same_nobody "non-root, directory 0755: show all transfer" all transfer
chmod 700 /run/wireguard

# --metrics, parsed by a strict reader of the text format
bg - python3 "$(dirname "$0")/lib/uapi_stub.py" "/run/wireguard/$IC.sock" "$T_DIR/$IC"
wait_for 10 test -S "/run/wireguard/$IC.sock"
ID="wsf\"\\$$" # a name with a quote and a backslash, escaped in labels
bg - python3 "$(dirname "$0")/lib/uapi_stub.py" "/run/wireguard/$ID.sock" "$T_DIR/$IB"
wait_for 10 test -S "/run/wireguard/$ID.sock"
check_metrics() {
	python3 "$(dirname "$0")/lib/prom_check.py"
}
m=$("$WARREN" show all --metrics)
assert_ok "show all --metrics: valid text format, no series twice" check_metrics <<<"$m"
assert_ok "show IC --metrics: valid" check_metrics <<<"$("$WARREN" show "$IC" --metrics)"
assert_eq "4" "$(grep -c '^warren_device_peers{' <<<"$m")" "one warren_device_peers per interface"
assert_ok "rx bytes per peer" grep -qxF "warren_peer_receive_bytes_total{interface=\"$IA\",public_key=\"$P1\"} 99999999" <<<"$m"
assert_ok "tx bytes per peer" grep -qxF "warren_peer_transmit_bytes_total{interface=\"$IA\",public_key=\"$P4\"} 1073741824" <<<"$m"
assert_ok "latest handshake as a Unix time" grep -qxF "warren_peer_latest_handshake_seconds{interface=\"$IA\",public_key=\"$P3\"} 1700000100" <<<"$m"
assert_ok "a device drop, first of two repeated keys" grep -qxF "warren_device_drops_total{interface=\"$IC\",reason=\"no_route\"} 7" <<<"$m"
assert_ok "a peer drop" grep -qxF "warren_peer_drops_total{interface=\"$IC\",public_key=\"$P1\",reason=\"replayed\"} 2" <<<"$m"
assert_ok "an L2 counter" grep -qxF "warren_device_l2_flooded_total{interface=\"$IC\"} 10" <<<"$m"
assert_ok "an unknown key, untyped" grep -qxF "# TYPE warren_device_future_counter untyped" <<<"$m"
assert_ok "a label escaped" grep -qxF "warren_device_peers{interface=\"wsf\\\"\\\\$$\"} 0" <<<"$m"
assert_fail "no key that is no metric name" grep -qi "bad.key\|hub\|_mac{" <<<"$m"
assert_ok "each --metrics line is HELP, TYPE or a sample" bash -c '! grep -Ev "^(# (HELP|TYPE) |warren_[a-z0-9_]+\{)" <<<"$1"' _ "$m"
same_err() { "$WARREN" show "$@" >/dev/null 2>&1; echo $?; }
assert_eq "1 1 1" "$(same_err "$IA" dump --metrics) $(same_err -j "$IA" --metrics) $(same_err interfaces --metrics)" \
	"--metrics with a field, -j or interfaces: usage, exit 1"

t_done
