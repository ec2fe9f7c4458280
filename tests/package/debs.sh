#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian packages, as a user gets them: build warren, libwarren0 and
# libwarren-dev with dpkg-buildpackage from a copy of the tree, install them
# with apt-get, then use only the installed files:
#   1. the demo (scripts/demo.sh) with /usr/bin/warren, whose `warren up`
#      must start the installed /usr/sbin/warrend;
#   2. examples/tun_echo.c compiled against the installed headers and
#      library through `pkg-config libwarren`, and run.
# The packages are purged again at the end, also on failure. Root.
#
# usage: tests/package/debs.sh [OUT_DIR]   (default: build-deb)
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
out=$(mkdir -p "${1:-build-deb}" && cd "${1:-build-deb}" && pwd)
[ "$(id -u)" = 0 ] || { echo "debs.sh: needs root (apt-get install)" >&2; exit 1; }
scripts/deps.sh build test deb

work=$(mktemp -d /tmp/warren-deb.XXXXXX)
cleanup() {
	set +e
	apt-get purge -y warren libwarren0 libwarren-dev >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

# dpkg-buildpackage writes the packages beside the tree it builds.
mkdir "$work/warren"
git ls-files -z | tar --null -cf - -T - | tar -xf - -C "$work/warren"
(cd "$work/warren" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
	{ tail -40 "$work/build.log"; exit 1; }
rm -f "$out"/*.deb
mv "$work"/*.deb "$out"/
ls -1 "$out"

debs=()
for p in warren libwarren0 libwarren-dev; do debs+=("$out/${p}_"*_*.deb); done
apt-get install -y --no-install-recommends "${debs[@]}" >/dev/null

pass=0 fail=0
check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
		pass=$((pass + 1))
	else
		echo "FAIL: $what"
		fail=$((fail + 1))
	fi
}

check "warren and warrend installed in /usr" test -x /usr/bin/warren -a -x /usr/sbin/warrend
check "warren --version from the package" sh -c '/usr/bin/warren -V | grep -q "warren"'
check "man pages installed" test -f /usr/share/man/man8/warren.8.gz
check "warren.conf(5) in warren, libwarren's section 3 in -dev" \
	test -f /usr/share/man/man5/warren.conf.5.gz -a -f /usr/share/man/man3/warren_tun_open.3.gz

# The demo with the installed binaries only: no build directory in sight.
demo_log="$work/demo.log"
check "the demo runs on the installed binaries" \
	env -u WARREN_BUILD WARREN=/usr/bin/warren PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	timeout 300 "$src/scripts/demo.sh" >"$demo_log" 2>&1 ||
	tail -30 "$demo_log"
check "warren up started the installed warrend" \
	sh -c "grep -q '^\[#\] warrend wdemo-a' '$demo_log' && ! grep -q '$src' '$demo_log'"

# An outside program on the installed API.
check "tun_echo builds against the installed libwarren-dev" \
	sh -c "cc -Wall -Werror -o '$work/tun_echo' '$src/examples/tun_echo.c' \$(pkg-config --cflags --libs libwarren)"
check "tun_echo links the installed libwarren.so.0" \
	sh -c "ldd '$work/tun_echo' | grep -Eq 'libwarren.so.0 => /(usr/)?lib/'"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
