#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The bash completion for warren (completion/warren): sourced in bash,
# COMP_WORDS and COMP_CWORD set as bash sets them, _warren called, and
# COMPREPLY compared.
#
#   private mount namespace: tmpfs on /run/wireguard (sockets wcA, wcB)
#   and on /etc/wireguard (wc0.conf, wc1.conf), so no other test's files
#   show up and none of ours leak out
if [ -z "${CLI_COMPLETION_PRIVATE:-}" ] && [ "$(id -u)" = 0 ]; then
	exec unshare -m --propagation private env CLI_COMPLETION_PRIVATE=1 bash "$0" "$@"
fi
source "$(dirname "$0")/lib/netns.sh"
require_root
require_cmd python3
: "${WARREN_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}"
mount -t tmpfs -o mode=0700 warren-test /run/wireguard || t_skip "cannot mount a private /run/wireguard"
mkdir -p /etc/wireguard
mount -t tmpfs -o mode=0700 warren-test /etc/wireguard || t_skip "cannot mount a private /etc/wireguard"
touch /etc/wireguard/wc0.conf /etc/wireguard/wc1.conf /etc/wireguard/notes.txt
for i in wcA wcB; do
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "/run/wireguard/$i.sock"
done
source "$WARREN_SOURCE/completion/warren"

# complete WORDS...: the sorted COMPREPLY for the command line WORDS, whose
# last word is the one being completed (may be "")
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_warren
	printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd' '
}
check() {
	local want=$1 what=$2
	shift 2
	assert_eq "$want" "$(complete_line "$@")" "$what"
}

# Every command in warren's table, and only those.
want=$("$WARREN" help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' | sed '$a tap' | sort | paste -sd' ')
check "$want" "the commands, as warren help lists them (and tap)" warren ""
check "genkey genpsk" "commands by prefix" warren gen
check "show showconf" "after global options" warren -j -n ns1 sh
check "-Version" "global options" warren -V
check "--version" "--version" warren --v
check "add" "tuntap add" warren tuntap a
check "add del help list lst show" "tuntap's commands" warren tuntap ""
check "tap tun" "tuntap mode" warren tuntap add mode ""
check "multi_queue" "tuntap flags" warren tuntap add dev x mu
check "one_queue" "tap is tuntap" warren tap add o
check "all interfaces wcA wcB" "show: interface names" warren show ""
check "wcA wcB" "down: interface names" warren down wc
check "wc0 wc1" "up: configs under /etc/wireguard" warren up wc
check "dump" "show's fields" warren show wcA du
check "--metrics" "show's options" warren show wcA --m
check "latest-handshakes listen-port" "show's fields by prefix" warren show all l
check "" "nothing after interfaces" warren show interfaces ""
check "" "genkey takes nothing" warren genkey ""
check "wcA wcB" "showconf: interface names" warren showconf ""
check "wcA" "syncconf: interface names" warren syncconf wcA
check "peer persistent-keepalive preshared-key private-key" "set's words" warren set wcA p
check "wc0 wc1" "reload: configs under /etc/wireguard" warren reload wc

# warrend (completion/warrend)
source "$WARREN_SOURCE/completion/warrend"
_warren() { _warrend; } # complete_line calls _warren
check "--foreground --group --low-port --user --version" "warrend: its long options" warrend --
check "--low-port" "warrend: --low-port" warrend --l
check "nobody" "warrend --user: users" warrend --user nobod
check "root" "warrend --group: groups" warrend --user nobody --group roo

t_done
