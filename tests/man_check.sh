#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Keeps the man pages honest against the tree:
#   - every public function of include/warren/*.h has a page: one whose
#     .TH is its name, or a .so link named after it whose target exists and
#     lists the function in its NAME section;
#   - every config key the reader accepts (src/core/wgconf_keys.c) has its
#     own entry (`.B[IR] "Key = "`) in man/warren.conf.5;
#   - no page gives groff warnings (skipped, with a message, without groff).
#
#   tests/man_check.sh [SOURCE_DIR]      (default: $WARREN_SOURCE, else ..)
set -u

src=${1:-${WARREN_SOURCE:-$(dirname "$0")/..}}
man="$src/man"
fail=0

bad() {
	echo "FAIL: $*"
	fail=$((fail + 1))
}

# Declarations start in column 0 (a type); comments start with "/*" or " *".
# The name may also start a line, its type on the line before.
functions=$(sed -n -e 's/^[a-z][a-z0-9_ *]*[ *]\(warren_[a-z0-9_]*\)(.*/\1/p' \
	-e 's/^\(warren_[a-z0-9_]*\)(.*/\1/p' "$src"/include/warren/*.h | sort -u)
[ -n "$functions" ] || bad "no public function found in $src/include/warren/*.h"

# The NAME section of page $1: its lines up to the next .SH.
name_section() {
	sed -n '/^\.SH NAME/,/^\.SH/p' "$1"
}

n=0
for f in $functions; do
	n=$((n + 1))
	page="$man/$f.3"
	if [ ! -f "$page" ]; then
		bad "$f: no man/$f.3 (a page, or a .so link to the page of its header)"
		continue
	fi
	first=$(head -n 1 "$page")
	case "$first" in
	.so\ *)
		target="$man/$(basename "${first#.so }")"
		if [ ! -f "$target" ]; then
			bad "$f: man/$f.3 links to ${first#.so }, which is not in man/"
		elif ! name_section "$target" | grep -qw -- "$f"; then
			bad "$f: man/$f.3 links to ${first#.so }, whose NAME does not list $f"
		fi
		;;
	*)
		grep -qi "^\.TH $f 3" "$page" || bad "$f: man/$f.3 is neither a .so link nor .TH $f 3"
		;;
	esac
done
echo "functions: $n public functions of include/warren/*.h checked"

# The key table: wg's keys (KEY("...")), wg-quick's and the L2 ones
# (strcasecmp(key, "...")) and the hooks (hook_names[]).
keys=$(grep -oE 'KEY\("[A-Za-z]+"\)|strcasecmp\(key, "[A-Za-z]+"\)|\] = "[A-Za-z]+"' \
	"$src/src/core/wgconf_keys.c" | grep -oE '"[A-Za-z]+"' | tr -d '"' | sort -u)
[ -n "$keys" ] || bad "no config key found in src/core/wgconf_keys.c"
n=0
for k in $keys; do
	n=$((n + 1))
	grep -qE "^\.B[IR]? \"$k = " "$man/warren.conf.5" ||
		bad "config key $k: no entry (.BI \"$k = \" ...) in man/warren.conf.5"
done
echo "keys: $n config keys of src/core/wgconf_keys.c checked: $(echo $keys)"

if command -v groff >/dev/null 2>&1; then
	n=0 warned=0
	for page in "$man"/*.[1-9]; do
		head -n 1 "$page" | grep -q '^\.so ' && continue
		n=$((n + 1))
		out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
		if [ -n "$out" ]; then
			warned=$((warned + 1))
			bad "groff warns on man/${page##*/}:
$out"
		fi
	done
	echo "groff: $n pages rendered, $warned with warnings"
else
	echo "groff: not installed, rendering not checked (scripts/deps.sh test installs groff-base)"
fi

if [ "$fail" != 0 ]; then
	echo "$fail problems"
	exit 1
fi
echo "ok"
