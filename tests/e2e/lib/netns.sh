# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The network-namespace harness for warren's end-to-end tests.
#
# Source it at the top of a test script, then:
#   ns_new a                  # namespace "$NS_PREFIX-a", lo up; name in $NS_a
#   veth a eth0 b eth0        # a veth pair between two namespaces, links up
#   at a ip addr add ...      # run a command inside namespace a
#   bg a warrend -f wg0       # run in the background; killed at exit
#   assert_eq "$want" "$got" "what is compared"
#   assert_ok  "message" cmd ...   /   assert_fail "message" cmd ...
#   t_done                    # prints the tally; exit status 1 on failure
#
# Every namespace, background process and temporary file made through these
# helpers is removed by an EXIT trap, also when the script fails halfway or
# is interrupted. Nothing here touches the default namespace's links,
# addresses or routes: tests only ever create links inside their namespaces
# (a veth is created inside its first namespace, never in the default one).

set -u
set -o pipefail

NS_PREFIX="wt$$"
T_DIR=$(mktemp -d "/tmp/warren-test.$$.XXXXXX")
T_PASS=0
T_FAIL=0
_ns_list=()
_bg_pids=()

: "${WARREN_BUILD:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/build}"
# The binaries under test: this build's, unless the caller names others
# (installed ones: WARREN=/usr/bin/warren WARREND=/usr/sbin/warrend).
: "${WARREN:=$WARREN_BUILD/src/cli/warren}"
: "${WARREND:=$WARREN_BUILD/src/cli/warrend}"

_netns_cleanup() {
	local pid ns
	# Runs to the end whatever fails (the script may have set -e).
	set +e
	for pid in "${_bg_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${_bg_pids[@]}"; do
		# Give a daemon its chance to clean up, then insist.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${_ns_list[@]}"; do
		# Whatever still runs inside gets SIGTERM and a second to clean up
		# after itself (a daemon removes its socket), then SIGKILL; then the
		# namespace goes, and with it every link that lives there.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	for ns in "${_ns_list[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
			sleep 0.1
		done
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T_DIR"
}
trap _netns_cleanup EXIT
trap 'exit 130' INT TERM

# Exit code 77 tells meson the test was skipped.
t_skip() {
	echo "SKIP: $*"
	exit 77
}

require_root() {
	[ "$(id -u)" = 0 ] || t_skip "needs root (network namespaces)"
	[ -c /dev/net/tun ] || t_skip "no /dev/net/tun"
}

# runnable_by_all PROGRAM: the path of a copy of PROGRAM that any user may
# run. A test that drops privileges must not depend on where the build sits:
# under root's home or a mktemp -d, only root may enter it.
runnable_by_all() {
	local dir="$T_DIR/all"

	chmod 0711 "$T_DIR"
	mkdir -p -m 0755 "$dir"
	cp "$1" "$dir/" && chmod 0755 "$dir/${1##*/}" && echo "$dir/${1##*/}"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || t_skip "needs $c"
	done
}

# ns_new NAME: creates namespace "$NS_PREFIX-NAME" and sets $NS_NAME to it.
ns_new() {
	local ns="$NS_PREFIX-$1"
	ip netns add "$ns" || { echo "FATAL: ip netns add $ns" >&2; exit 1; }
	_ns_list+=("$ns")
	ip -n "$ns" link set lo up
	printf -v "NS_$1" '%s' "$ns"
}

# at NAME CMD...: runs CMD inside namespace NAME.
at() {
	local ns="$NS_PREFIX-$1"
	shift
	ip netns exec "$ns" "$@"
}

# veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both ends up.
veth() {
	local a="$NS_PREFIX-$1" b="$NS_PREFIX-$3"
	ip -n "$a" link add "$2" type veth peer name "$4" netns "$b" || {
		echo "FATAL: veth $1:$2 - $3:$4" >&2
		exit 1
	}
	ip -n "$a" link set "$2" up
	ip -n "$b" link set "$4" up
}

# bg NAME CMD...: runs CMD in the background inside namespace NAME (or in
# the default namespace when NAME is "-"); output goes to $T_DIR/bg.N.log.
# Sets $BG_PID. Killed at exit.
bg() {
	local ns="$1" log="$T_DIR/bg.${#_bg_pids[@]}.log"
	shift
	if [ "$ns" = - ]; then
		"$@" >"$log" 2>&1 &
	else
		ip netns exec "$NS_PREFIX-$ns" "$@" >"$log" 2>&1 &
	fi
	BG_PID=$!
	BG_LOG=$log
	_bg_pids+=("$BG_PID")
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

_t_report() {
	local ok=$1
	shift
	if [ "$ok" = 1 ]; then
		T_PASS=$((T_PASS + 1))
		echo "ok $((T_PASS + T_FAIL)) - $*"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $((T_PASS + T_FAIL)) - $*"
	fi
}

# assert_eq WANT GOT WHAT: compares two strings; prints a diff on mismatch.
assert_eq() {
	if [ "$1" == "$2" ]; then
		_t_report 1 "$3"
	else
		_t_report 0 "$3"
		diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sed 's/^/#   /' | head -40
	fi
}

# assert_ok WHAT CMD...: CMD must exit 0.
assert_ok() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		_t_report 1 "$what"
	else
		_t_report 0 "$what (exit $?: $*)"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -20
	fi
}

# assert_fail WHAT CMD...: CMD must exit non-zero.
assert_fail() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		_t_report 0 "$what (succeeded: $*)"
	else
		_t_report 1 "$what"
	fi
}

# t_done: prints the tally and sets the exit status.
t_done() {
	echo "# $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" = 0 ]
}
