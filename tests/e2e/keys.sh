#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren genkey / pubkey / genpsk against wg's own: same formats, same
# public keys, same messages (with "warren" for "wg") and exit codes.
# No network and no root: the processes and their stdin/stdout only.
#
#   warren genkey --> key --+--> warren pubkey --> P1
#                           +--> wg pubkey     --> P2     P1 == P2
#   wg genkey     --> key --+--> (same)
#
source "$(dirname "$0")/lib/netns.sh"
require_cmd wg base64 od
[ -x "$WARREN" ] || t_skip "no $WARREN"

# is_key B64 [clamped]: 44 characters that decode to 32 bytes, and for a
# private key the bits X25519 clamps.
is_key() {
	local b64=$1 bytes
	[[ $b64 =~ ^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$ ]] || return 1
	bytes=$(printf '%s' "$b64" | base64 -d | od -An -tu1 -v | tr -s ' \n' ' ')
	read -ra b <<<"$bytes"
	[ "${#b[@]}" = 32 ] || return 1
	[ "${2:-}" = clamped ] || return 0
	(( (b[0] & 7) == 0 && (b[31] & 128) == 0 && (b[31] & 64) == 64 ))
}

# 1-3: formats
ok=1
for _ in $(seq 8); do is_key "$("$WARREN" genkey)" clamped || ok=0; done
_t_report $ok "8 keys from warren genkey are 44-char base64 of clamped 32 bytes"
ok=1
for _ in $(seq 8); do is_key "$("$WARREN" genpsk)" || ok=0; done
_t_report $ok "8 keys from warren genpsk are 44-char base64 of 32 bytes"
a=$("$WARREN" genkey) b=$("$WARREN" genkey)
assert_fail "two keys from genkey differ" [ "$a" = "$b" ]

# 4-5: pubkey equals wg's, for warren's and wg's private keys
ok=1
for _ in $(seq 8); do
	k=$("$WARREN" genkey)
	[ "$(echo "$k" | "$WARREN" pubkey)" = "$(echo "$k" | wg pubkey)" ] || ok=0
done
_t_report $ok "warren pubkey = wg pubkey for 8 keys from warren genkey"
ok=1
for _ in $(seq 8); do
	k=$(wg genkey)
	[ "$(echo "$k" | "$WARREN" pubkey)" = "$(echo "$k" | wg pubkey)" ] || ok=0
done
_t_report $ok "warren pubkey = wg pubkey for 8 keys from wg genkey"

# 6-: fixed keys, also unclamped ones and odd trailing bytes; wg is the judge
cases=(
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	"//////////////////////////////////////////8="
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M="
	$'wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=\n\n \t\r\n'
	""
	"x"
	"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M"
	"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=x"
	"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M= x"
	"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3N="
	"wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV-M="
	"=MRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M="
)
for i in "${!cases[@]}"; do
	in=${cases[$i]}
	want=$(printf '%s' "$in" | wg pubkey 2>&1; echo "exit $?")
	got=$(printf '%s' "$in" | "$WARREN" pubkey 2>&1; echo "exit $?")
	assert_eq "${want//wg:/warren:}" "$got" "pubkey case $((i + 1)): $(printf '%q' "$in")"
done
want=$(printf 'wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=\0\n' | wg pubkey 2>&1; echo "exit $?")
got=$(printf 'wMRqOLEWAkjLUyh2TIFwhVtTCX6JkHcNbMxoBReuV3M=\0\n' | "$WARREN" pubkey 2>&1; echo "exit $?")
assert_eq "$want" "$got" "pubkey: a NUL after the key is allowed, as by wg"

# usage lines and exit codes
for c in genkey pubkey genpsk; do
	want=$(wg $c extra </dev/null 2>&1; echo "exit $?")
	got=$("$WARREN" $c extra </dev/null 2>&1; echo "exit $?")
	assert_eq "${want//Usage: wg/Usage: warren}" "$got" "$c with an argument: usage and exit 1"
done

# the warning for a world-accessible output file, and none under umask 077
for c in genkey genpsk; do
	want=$(umask 022; wg $c 2>&1 >"$T_DIR/wg.$c")
	got=$(umask 022; "$WARREN" $c 2>&1 >"$T_DIR/warren.$c")
	assert_eq "$want" "$got" "$c to a world-readable file warns as wg does"
	got=$(umask 077; "$WARREN" $c 2>&1 >"$T_DIR/warren077.$c")
	assert_eq "" "$got" "$c under umask 077 does not warn"
	is_key "$(cat "$T_DIR/warren077.$c")" || _t_report 0 "$c output file holds a key"
done

t_done
