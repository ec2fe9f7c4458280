#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check-stress: issue 12's stress suite (tests/stress/README.md). Runs
# each case in turn (each makes and removes its own namespaces, daemons and
# files), then prints every figure against its goal, the time of each case,
# and "N passed, N failed". Exit status 1 on any failed check; a goal that
# is not met is a figure, never a failure. Needs root.
#
#   tests/stress/run.sh [BUILD]        STRESS_QUICK=1 for a shorter run
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
WARREN_BUILD=$(cd "$build" && pwd) || exit 1
export WARREN_BUILD

cases=(handshake_flood starvation peers_100k malformed uapi_fuzz loss_reorder up_100k)
out=$(mktemp -d /tmp/warren-stress.XXXXXX)
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

pass=0 fail=0 n=0 start=$SECONDS
summary=()
for c in "${cases[@]}"; do
	n=$((n + 1))
	echo "# case $n: $c"
	t0=$SECONDS
	bash "$root/tests/stress/$c.sh" 2>&1 | tee "$out/$c.log"
	rc=${PIPESTATUS[0]}
	read -r p f < <(sed -n 's/^# \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out/$c.log")
	if [ "$rc" = 77 ]; then
		summary+=("case $n $c: SKIPPED ($(grep -m1 '^SKIP' "$out/$c.log"))")
		continue
	fi
	if [ -z "${p:-}" ]; then
		# Died before its tally: one failure, so that it cannot pass unseen.
		p=0 f=1
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f))
	summary+=("case $n $c: $p passed, $f failed, $((SECONDS - t0)) s")
	p='' f=''
done

echo
echo "# ---- figures against issue 12's goals ----"
for c in "${cases[@]}"; do
	grep -h '^# goal:' "$out/$c.log"
done
echo "# ---- cases ----"
printf '# %s\n' "${summary[@]}"
echo "# whole suite: $((SECONDS - start)) s$([ "${STRESS_QUICK:-0}" = 1 ] && echo ' (STRESS_QUICK=1)')"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
