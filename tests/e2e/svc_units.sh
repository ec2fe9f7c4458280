#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The systemd units as meson generates them (build/systemd/), checked by
# `systemd-analyze verify': syntax, every key known, the instance of the
# template, ExecStart/ExecReload pointing at this build's warren. No
# namespace, no root. Skipped only when systemd-analyze cannot run at all
# (not installed, or no systemd on this machine to run it).
source "$(dirname "$0")/lib/netns.sh"

command -v systemd-analyze >/dev/null || t_skip "needs systemd-analyze (scripts/deps.sh test)"
systemd-analyze --version >/dev/null 2>&1 || t_skip "systemd-analyze does not run here"
UNITS="$WARREN_BUILD/systemd"
SRC="$(dirname "$0")/../../systemd"
[ -f "$UNITS/warren@.service" ] || t_skip "no $UNITS/warren@.service (build first)"

# The installed path of warren, replaced by this build's (verify checks that
# the command exists and is executable).
bindir=$(sed -n 's/^ExecStart=\(.*\)\/warren up .*/\1/p' "$UNITS/warren@.service")
mkdir "$T_DIR/units"
sed "s#^\(Exec[A-Za-z]*=\)$bindir/warren #\1$WARREN #" "$UNITS/warren@.service" \
	>"$T_DIR/units/warren@.service"
cp "$SRC/warren.target" "$T_DIR/units/"
cp "$T_DIR/units/warren@.service" "$T_DIR/units/warren@wg0.service"

# 1-2
out=$(cd "$T_DIR/units" && systemd-analyze verify --man=no ./warren@.service ./warren.target 2>&1)
assert_eq "" "$out" "1: the template and the target verify without a word"
out=$(cd "$T_DIR/units" && systemd-analyze verify --man=no ./warren@wg0.service 2>&1)
assert_eq "" "$out" "2: an instance verifies"
# 3-8: what the unit promises (docs/up.md, "Running it as a service")
u="$T_DIR/units/warren@wg0.service"
assert_eq "ExecStart=$WARREN up --foreground %i" "$(grep '^ExecStart=' "$u")" "3: ExecStart"
assert_eq "ExecReload=$WARREN reload %i" "$(grep '^ExecReload=' "$u")" "4: ExecReload"
assert_eq "Type=notify" "$(grep '^Type=' "$u")" "5: Type=notify"
assert_eq "PartOf=warren.target" "$(grep '^PartOf=' "$u")" "6: PartOf=warren.target"
assert_ok "7: name resolution retried forever" \
	grep -qx "Environment=WG_ENDPOINT_RESOLUTION_RETRIES=infinity" "$u"
assert_eq "After=network-online.target nss-lookup.target" "$(grep '^After=' "$u")" \
	"8: after the network and name service"
# 9: systemd's own reading of the unit: the keys it parsed, with their values
if props=$(systemd-analyze --version >/dev/null && cd "$T_DIR/units" &&
	systemd-analyze security --offline=yes ./warren@wg0.service 2>&1); then
	assert_ok "9: security analysis reads the hardening" grep -q "Overall exposure level" <<<"$props"
else
	echo "# systemd-analyze security --offline unavailable: $props" | head -2
fi
t_done
