#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# warren's command line hygiene: the version three ways, -h/--help on every
# command (usage on stdout, exit 0, nothing on stderr), wrong usage (usage
# on stderr, exit 1), and ip's words left as ip answers them. No network:
# the commands stop at their usage.
source "$(dirname "$0")/lib/netns.sh"
[ -x "$WARREN" ] || t_skip "no $WARREN (build first)"

# run ARGS...: "EXIT|first line of stdout|first line of stderr"
run() {
	local out err rc
	out=$("$WARREN" "$@" 2>"$T_DIR/err" </dev/null)
	rc=$?
	err=$(cat "$T_DIR/err")
	printf '%s|%s|%s' "$rc" "${out%%$'\n'*}" "${err%%$'\n'*}"
}

V=$(run -V)
assert_ok "-V prints the version" grep -Eq '^0\|warren utility, warren-[0-9.]+\|$' <<<"$V"
assert_eq "$V" "$(run --version)" "--version = -V"
assert_eq "$V" "$(run version)" "warren version = -V (wg has \`wg version')"
assert_eq "1||Usage: warren version" "$(run version extra)" "version with an argument: usage, exit 1"

for c in tuntap tap genkey pubkey genpsk up down show help version; do
	for h in -h --help; do
		got=$(run "$c" "$h")
		assert_ok "$c $h: usage on stdout, exit 0, stderr empty" \
			grep -Eq '^0\|Usage: warren .*\|$' <<<"$got"
	done
done
assert_ok "warren -help: usage on stdout, exit 0" grep -Eq '^0\|Usage: warren \[ OPTIONS \]' <<<"$(run -help)"

for args in "genkey x" "pubkey x" "genpsk x" "up" "down" "up a b" "show a b c" "show interfaces dump" \
	"show all dump -j" "show -x" "version x"; do
	# shellcheck disable=SC2086
	got=$(run $args)
	assert_ok "warren $args: usage on stderr, exit 1" grep -Eq '^1\|\|Usage: warren ' <<<"$got"
done

# ip's words and answers stay ip's
assert_ok "tuntap help: ip's usage on stderr, exit 255" \
	grep -Eq '^255\|\|Usage: warren tuntap ' <<<"$(run tuntap help)"
assert_eq '1||Object "bogus" is unknown, try "warren help".' "$(run bogus)" "an unknown command: ip's words, exit 1"
assert_ok "no command: usage on stderr, exit 255 as ip" grep -Eq '^255\|\|Usage: warren ' <<<"$(run)"

t_done
