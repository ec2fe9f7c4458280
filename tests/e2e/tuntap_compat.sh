#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `warren tuntap` against iproute2's `ip tuntap`, on the same devices.
#
#   namespace "c" (nothing else; no traffic)
#   +-----------------------------------------------------------------+
#   |  cNNN: one device per combination of {tun,tap} x pi x one_queue |
#   |        x vnet_hdr x multi_queue x {no owner,user,group,both},    |
#   |        made by `ip tuntap add` (even NNN) or `warren tuntap add` |
#   |        (odd NNN)                                                 |
#   |  napi  made by python3 with IFF_NAPI (a flag ip shows in hex)    |
#   |  holder processes "tt-holder-a" and "-b" keep queues open, in   |
#   |  a PID namespace of their own with ip and warren                |
#   +-----------------------------------------------------------------+
#
# 1. Every device shows the flags, owner and group its add asked for
#    (the line is computed from the arguments, independently of both tools).
# 2. show/list/lst/(nothing), -d, -o -d, -j, -j -p print byte for byte what
#    ip prints (its stdout; its stderr has "readlink: Permission denied"
#    lines, warren's must be empty).
# 3. -d -j is valid JSON and is ip's output with each process's bare
#    "name","pid" keys wrapped in an object; -d -j -p holds the same data.
# 4. Deleting crosswise: warren deletes ip's devices by name alone, ip
#    deletes warren's with the flags restated (every flag set, both ways).
# 5. -n NETNS, run from outside the namespace, lists it as ip -n does.
source "$(dirname "$0")/lib/netns.sh"
require_root
require_cmd ip python3

ns_new c

owners=("" "user nobody" "group 4321" "user 1234 group nogroup")
owner_words=("" " user 65534" " group 4321" " user 1234 group 65534")
specs=()  # index -> add arguments minus the name
wants=()  # index -> what `ip tuntap show` prints after the name
i=0
for m in tun tap; do
	for pi in "" pi; do
		for oq in "" one_queue; do
			for vh in "" vnet_hdr; do
				for mq in "" multi_queue; do
					for o in 0 1 2 3; do
						specs[i]="mode $m $pi $oq $vh $mq ${owners[o]}"
						w=" $m${pi:+ pi}${oq:+ one_queue}${mq:+ multi_queue}"
						w+="${vh:+ vnet_hdr} persist${pi:+ filter}${owner_words[o]}"
						wants[i]=$w
						i=$((i + 1))
					done
				done
			done
		done
	done
done
n=${#specs[@]}
names=()
for ((i = 0; i < n; i++)); do printf -v 'names[i]' 'c%03d' "$i"; done

# --- create, in one shell inside the namespace (namespace entry is slow)
for ((i = 0; i < n; i++)); do
	if ((i % 2)); then
		echo "\"\$WARREN\" tuntap add name ${names[i]} ${specs[i]} || echo FAIL $i"
	else
		echo "ip tuntap add dev ${names[i]} ${specs[i]} || echo FAIL $i"
	fi
done >"$T_DIR/add.sh"
assert_eq "" "$(WARREN=$WARREN at c bash "$T_DIR/add.sh" 2>&1)" "all $n adds succeed"

# A device with a flag iproute2 has no word for (IFF_NAPI: printed in hex).
at c python3 - <<'PY'
import fcntl, os, struct
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"napi", 0x0001 | 0x1000 | 0x0010))
fcntl.ioctl(fd, 0x400454cb, 1)  # TUNSETPERSIST
PY

# --- 1. every device as asked
want=$(for ((i = 0; i < n; i++)); do echo "${names[i]}:${wants[i]}"; done
	echo "napi: tun persist 0x10")
assert_eq "$want" "$(at c ip tuntap show 2>/dev/null)" "each device has the flags and owner asked for"

# --- holders: queues kept open by two processes, with the device's own
# flags (attaching with other flags would change them). Single-queue devices
# take one holder; multi_queue ones get two queues from one process and one
# from the other, so that a device lists several processes.
hold_a=() hold_b=()
for ((i = 0; i < n; i += 7)); do
	hold_a+=("${names[i]}")
	[[ ${specs[i]} == *multi_queue* ]] && hold_a+=("${names[i]}") && hold_b+=("${names[i]}")
done
cat >"$T_DIR/hold.py" <<'PY'
import fcntl, os, struct, sys, time
comm, ready = sys.argv[1], sys.argv[2]
with open("/proc/self/comm", "w") as f:
    f.write(comm)
fds = []
for dev in sys.argv[3:]:
    with open("/sys/class/net/%s/tun_flags" % dev) as f:
        flags = int(f.read(), 16) & 0x7103  # TUN|TAP|NO_PI|ONE_QUEUE|VNET_HDR|MULTI_QUEUE
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", dev.encode(), flags))
    fds.append(fd)
open(ready, "w").close()
time.sleep(600)
PY

# Every show variant, by ip and by warren, run in one private PID namespace
# with its own /proc: the holders are the only processes with TUN/TAP
# descriptors there (ip's -d reads every /proc/PID/fd once per device, and
# would see other tests' processes), and each run's stdout, stderr and exit
# status go to $T_DIR/out/.
variants=("tuntap" "tuntap show" "tuntap list" "tuntap lst" "tuntap sh extra words"
	"-d tuntap show" "-details tuntap list" "-o -d tuntap show" "-o tuntap show"
	"-j tuntap show" "-j -p tuntap show" "-json -pretty tuntap lst" "-p tuntap show"
	"-d -j tuntap show" "-d -j -p tuntap show"
	# 15-: ip's other global options and its object words
	"-c tuntap show" "-color=always -d tuntap show" "-c=never tuntap show"
	"-c=auto tuntap show" "-j -c tuntap show" "-s tuntap show" "-stats -d tuntap show"
	"-h -4 -r -N tuntap show" "tunt show" "tap" "tap list")
mkdir "$T_DIR/out"
{
	echo 'python3 "$T_DIR/hold.py" tt-holder-a "$T_DIR/out/pid.a" '"${hold_a[*]}"' &'
	echo 'echo $! >"$T_DIR/out/pid.a.n"'
	echo 'python3 "$T_DIR/hold.py" tt-holder-b "$T_DIR/out/pid.b" '"${hold_b[*]}"' &'
	echo 'echo $! >"$T_DIR/out/pid.b.n"'
	echo 'for _ in $(seq 100); do [ -e "$T_DIR/out/pid.a" ] && [ -e "$T_DIR/out/pid.b" ] && break; sleep 0.1; done'
	for ((v = 0; v < ${#variants[@]}; v++)); do
		for tool in ip '"$WARREN"'; do
			t=${tool//\"/}
			echo "$tool ${variants[v]} >\"\$T_DIR/out/$v.${t#\$}.out\" 2>\"\$T_DIR/out/$v.${t#\$}.err\"; echo \$? >>\"\$T_DIR/out/$v.${t#\$}.out\""
		done
	done
	echo 'kill $(cat "$T_DIR/out/pid.a.n" "$T_DIR/out/pid.b.n"); wait'
} >"$T_DIR/show.sh"
WARREN=$WARREN T_DIR=$T_DIR at c unshare --pid --fork --mount-proc bash "$T_DIR/show.sh"
assert_ok "holders started" test -e "$T_DIR/out/pid.a" -a -e "$T_DIR/out/pid.b"

# --- 2. byte for byte (ip's stderr is ignored: "readlink: Permission denied")
for ((v = 0; v < ${#variants[@]}; v++)); do
	[[ ${variants[v]} == "-d -j"* ]] && continue
	assert_eq "$(cat "$T_DIR/out/$v.ip.out")" "$(cat "$T_DIR/out/$v.WARREN.out")" \
		"${variants[v]}: as ip prints it"
	assert_eq "" "$(cat "$T_DIR/out/$v.WARREN.err")" "${variants[v]}: nothing on stderr"
done
pid_a=$(cat "$T_DIR/out/pid.a.n") pid_b=$(cat "$T_DIR/out/pid.b.n")
got=$(cat "$T_DIR/out/5.WARREN.out")
assert_ok "-d lists holder a" grep -q "tt-holder-a($pid_a)" <<<"$got"
assert_ok "-d lists holder b" grep -q "tt-holder-b($pid_b)" <<<"$got"
assert_ok "-d lists both holders of one device" \
	grep -q "tt-holder-a($pid_a)tt-holder-a($pid_a)tt-holder-b($pid_b)" <<<"$got"
assert_ok "ip's hex flags word is printed" grep -qx 'napi: tun persist 0x10' <<<"$got"

# --- 3. -d -j: ip's form is not JSON; warren's is, with the same data
want=$(sed 's/"name":"\([^"]*\)","pid":\([0-9]*\)/{"name":"\1","pid":\2}/g' "$T_DIR/out/13.ip.out")
got=$(cat "$T_DIR/out/13.WARREN.out")
assert_eq "$want" "$got" "-d -j is ip's output with processes as objects"
assert_fail "(ip's -d -j is not JSON)" python3 -m json.tool "$T_DIR/out/13.ip.out"
assert_ok "-d -j is valid JSON" python3 -m json.tool <<<"${got%$'\n'*}"
assert_ok "-d -j -p holds the same data as -d -j" python3 -c '
import json, sys
a = json.loads(open(sys.argv[1]).read().rsplit("\n", 2)[0])
b = json.loads(open(sys.argv[2]).read().rsplit("\n", 2)[0])
assert a == b and any(d["processes"] for d in a), "differs"
' "$T_DIR/out/13.WARREN.out" "$T_DIR/out/14.WARREN.out"
assert_eq "" "$(cat "$T_DIR/out/13.WARREN.err" "$T_DIR/out/14.WARREN.err")" \
	"-d -j: nothing on stderr"

# --- 4. delete crosswise (the holders are gone with their PID namespace):
# the devices without owner or with a user (each of the 32 flag sets twice),
# ip's by warren by name alone, warren's by ip with the flags restated. The
# namespace takes the other half away at exit, in one batch (every
# unregister costs the kernel a grace period).
left=()
for ((i = 0; i < n; i++)); do
	if ((i % 4 >= 2)); then
		left+=("${names[i]}:${wants[i]}")
		continue
	fi
	read -r _ m _ <<<"${specs[i]}"
	mq=
	[[ ${specs[i]} == *multi_queue* ]] && mq=multi_queue
	if ((i % 2)); then
		echo "ip tuntap del ${names[i]} mode $m $mq || echo FAIL $i"
	else
		echo "\"\$WARREN\" tuntap del ${names[i]} || echo FAIL $i"
	fi
done >"$T_DIR/del.sh"
echo "\"\$WARREN\" tuntap del napi || echo FAIL napi" >>"$T_DIR/del.sh"
assert_eq "" "$(WARREN=$WARREN at c bash "$T_DIR/del.sh" 2>&1)" "all deletes succeed"
assert_eq "$(printf '%s\n' "${left[@]}")" "$(at c ip tuntap show 2>&1)" \
	"exactly the deleted devices are gone"
assert_eq "$(at c ip -j tuntap show 2>/dev/null)" "$(at c "$WARREN" -j tuntap show)" \
	"-j after the deletes, as ip prints it"

# --- 5. -n NETNS from outside the namespace, as ip -n: the listing comes
# from the namespace's own /sys
for opts in "-n $NS_c" "-netns $NS_c -d" "-n $NS_c -j -p"; do
	# shellcheck disable=SC2086
	assert_eq "$(ip $opts tuntap show 2>/dev/null; echo "exit $?")" \
		"$("$WARREN" $opts tuntap show 2>"$T_DIR/n.err"; echo "exit $?")" "$opts tuntap show, as ip prints it"
	assert_eq "" "$(cat "$T_DIR/n.err")" "$opts tuntap show: nothing on stderr"
done

t_done
