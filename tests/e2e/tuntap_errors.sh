#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `warren tuntap` fails as `ip tuntap` fails: the same message (with
# "ip tuntap" said as "warren tuntap") and the same exit status. Then what
# warren does better: del by name alone (iproute2 needs "multi_queue"
# restated), and no device left behind by a failed add.
#
#   namespace "e"
#   +---------------------------------------------------------------+
#   |  busy (tun, persistent)   mq (tap multi_queue, persistent)    |
#   |  held (tun, held open by a python3 process, not persistent)   |
#   |  ip and warren -d run without CAP_SYS_PTRACE: they may list   |
#   |  the holder's /proc/PID/fd but not read its links             |
#   |  nested user+net namespace (unshare -Urn) where only uid 0    |
#   |  exists, so TUNSETOWNER fails after TUNSETIFF made the device |
#   +---------------------------------------------------------------+
source "$(dirname "$0")/lib/netns.sh"
require_root
require_cmd ip python3 setpriv unshare

ns_new e
at e ip tuntap add mode tun busy
at e ip tuntap add mode tap multi_queue mq

# A single-queue device held open: a second attach is EBUSY.
cat >"$T_DIR/hold.py" <<'PY'
import fcntl, os, struct, sys, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"held", 0x0001 | 0x1000))
open(sys.argv[1], "w").close()
time.sleep(600)
PY
bg e python3 "$T_DIR/hold.py" "$T_DIR/ready"
wait_for 10 test -e "$T_DIR/ready" || { echo "FATAL: holder did not start"; exit 1; }

# same_failure ARGS...: `warren tuntap ARGS` prints what `ip tuntap ARGS`
# prints and exits as it does; both must fail.
same_failure() {
	local want got rc_ip rc_w
	want=$(at e ip tuntap "$@" 2>&1)
	rc_ip=$?
	got=$(at e "$WARREN" tuntap "$@" 2>&1)
	rc_w=$?
	want=${want//ip tuntap/warren tuntap}
	if [ "$rc_ip" = 0 ]; then
		_t_report 0 "tuntap $* (ip succeeded: the case is wrong)"
		return
	fi
	assert_eq "$want (exit $rc_ip)" "$got (exit $rc_w)" "tuntap $*: ${want%%$'\n'*}"
}

# same_global_failure OPTS...: `warren OPTS` fails as `ip OPTS` does, with
# "ip -help" said as "warren -help".
same_global_failure() {
	local want got rc_ip rc_w
	want=$(at e ip "$@" 2>&1)
	rc_ip=$?
	got=$(at e "$WARREN" "$@" 2>&1)
	rc_w=$?
	want=${want//\"ip -help\"/\"warren -help\"}
	want=${want//\"ip help\"/\"warren help\"}
	assert_eq "$want (exit $rc_ip)" "$got (exit $rc_w)" "$*: ${want%%$'\n'*}"
}

# --- the error cases, in the order of ip/iptuntap.c
same_failure frob                                   # unknown command
same_failure ''                                     # empty command
same_failure help                                   # usage, exit 255
same_failure add help
same_failure add mode foo x                         # unknown mode
same_failure add mode tun mode tap x                # two modes
same_failure add m ta mo t x                        # two modes, prefixes
same_failure add x                                  # missing mode (exit 1)
same_failure add mode                               # incomplete
same_failure add mode tun user                      # incomplete
same_failure add mode tun user nosuchuser x         # invalid user
same_failure add mode tun group nosuchgroup x       # invalid group
same_failure add mode tun user 12x x                # not a number, no such user
same_failure add mode tun x y                       # garbage word
same_failure add mode tun dev x name y              # duplicate name
same_failure del user x                             # del knows no "user"
same_failure add mode tun dev a/b                   # bad names
same_failure add mode tun name ''
same_failure add mode tun 'a b'
same_failure add mode tun 0123456789abcdef
same_failure add mode tun .                         # the kernel refuses it
same_failure add mode tun busy                      # device busy
same_failure add mode tap busy
same_failure add mode tun held
same_failure del mode tun held                      # held open: busy
same_failure del mode tap busy                      # wrong mode
same_failure del mode tun lo                        # not TUN/TAP
same_failure del mode tun a:b

# --- the global options, as ip/ip.c refuses them
same_global_failure -c=bad tuntap show              # not a colour mode
same_global_failure -zz tuntap show                 # unknown option
same_global_failure --frob tuntap show
same_global_failure -n "nosuch$$" tuntap show       # no such namespace
same_global_failure tuntapx show                    # unknown object
out=$(at e "$WARREN" -d 2>&1 >/dev/null)
assert_eq "Usage: warren [ OPTIONS ] COMMAND [ ARGUMENTS ] (exit 255)" "${out%%$'\n'*} (exit $?)" \
	"-d and no object: the usage on stderr, exit 255 as ip"
# (ip -n without a name tries to open "(null)"; warren says what is missing)
assert_eq 'Command line is not complete. Try option "help" (exit 255)' \
	"$(at e "$WARREN" -n 2>&1) (exit $?)" "-n without a name"

# ip and warren agree that deleting what is not there succeeds (with a
# mode, as iproute2 requires one).
assert_ok "del of a missing device with a mode succeeds" at e "$WARREN" tuntap del nosuch mode tun
assert_fail "del of a missing device by name alone is an error" \
	at e "$WARREN" tuntap del nosuch
assert_eq "Cannot find device \"nosuch\"" "$(at e "$WARREN" tuntap del nosuch 2>&1)" \
	"...that names the device"
assert_fail "del of lo by name alone fails" at e "$WARREN" tuntap del lo

# --- better than iproute2: del of a multi_queue device by name alone
assert_eq "ioctl(TUNSETIFF): Invalid argument" "$(at e ip tuntap del mq mode tap 2>&1)" \
	"(iproute2 cannot delete mq without \"multi_queue\")"
assert_ok "warren deletes mq by name alone" at e "$WARREN" tuntap del mq
assert_fail "mq is gone" at e ip link show mq
assert_ok "warren deletes busy by name alone" at e "$WARREN" tuntap d busy
assert_fail "busy is gone" at e ip link show busy

# --- better than iproute2: -d says nothing of /proc entries it may not read.
# Without CAP_SYS_PTRACE (and one capability fewer than the other
# processes), a reader may list their /proc/PID/fd but not read the links.
nocap=(setpriv --bounding-set=-sys_ptrace,-sys_module)
at e "${nocap[@]}" ip -d tuntap show >"$T_DIR/ip.out" 2>"$T_DIR/ip.err"
at e "${nocap[@]}" "$WARREN" -d tuntap show >"$T_DIR/w.out" 2>"$T_DIR/w.err"
assert_ok "(ip -d prints readlink: Permission denied)" \
	grep -q "readlink: Permission denied" "$T_DIR/ip.err"
assert_eq "" "$(cat "$T_DIR/w.err")" "-d prints no readlink lines"
assert_eq "$(cat "$T_DIR/ip.out")" "$(cat "$T_DIR/w.out")" "...and what ip prints on stdout"
assert_ok "with the capabilities, -d lists the holder of held" \
	grep -q "Attached to processes:python3($BG_PID)" <(at e "$WARREN" -d tuntap show)

# --- a failed add leaves nothing behind
at e ip tuntap add mode tap one_queue user 7 keep
before=$(at e ip -d link show keep; at e ip tuntap show)
for args in "mode tun user nosuchuser new1" "mode tap group nosuchgroup new2" \
	"mode tun new3 garbage" "mode tun keep" "mode tap keep" "mode tap multi_queue keep"; do
	# shellcheck disable=SC2086 # a word list on purpose
	at e "$WARREN" tuntap add $args 2>/dev/null
	links=$(at e ip -o link show | grep -c -v -e ': lo:' -e ': keep:' -e ': held:')
	assert_eq 0 "$links" "add $args: no device left behind"
done
assert_eq "$before" "$(at e ip -d link show keep; at e ip tuntap show)" \
	"a refused add leaves the existing device as it was"

# TUNSETOWNER fails after TUNSETIFF created the device: in a user
# namespace that maps only uid 0, uid 5 does not exist.
nested=$(at e unshare -Urn bash -c '
	"$1" tuntap add mode tun user 5 own1; echo "rc=$?"
	"$1" tuntap add mode tap group 5 own2; echo "rc=$?"
	ip -o link show | grep -v ": lo:"' _ "$WARREN" 2>&1)
assert_eq "ioctl(TUNSETOWNER): Invalid argument
rc=1
ioctl(TUNSETGROUP): Invalid argument
rc=1" "$nested" "add failing after TUNSETIFF: iproute2's message, no device left"

t_done
