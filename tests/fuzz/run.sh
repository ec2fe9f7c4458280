#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every libFuzzer target in BUILD/tests/fuzz for SECONDS each, starting
# from its seed corpus in tests/fuzz/corpus/<target>/ when there is one.
set -eu
build=$1
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
status=0
found=0
for f in "$build"/tests/fuzz/fuzz_*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	found=1
	name=$(basename "$f")
	work=$(mktemp -d)
	seeds=()
	[ -d "$here/corpus/$name" ] && seeds=("$here/corpus/$name")
	echo "fuzz: $name for ${seconds}s"
	if ! "$f" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$work/" "$work" "${seeds[@]}" >"$work/log" 2>&1; then
		tail -50 "$work/log"
		status=1
	else
		grep -E "stat::number_of_executed_units" "$work/log" || true
	fi
	rm -rf "$work"
done
[ "$found" = 1 ] || echo "fuzz: no targets built yet"
exit $status
