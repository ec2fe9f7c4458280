#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench`: warren's figures beside their references, measured in one
# run on this machine. Benchmarks never fail on a timing; they print.
#
#   bench/run.sh [BUILD]      BUILD defaults to ./build
#
# Engine (one core each):
#   transport   seal+open of 1420-byte packets through the engine's batch
#               API, beside `openssl speed -evp chacha20-poly1305`
#   handshake   initiations consumed and answered by a responder, beside
#               X25519 scalar multiplications per second / 4
# Tunnels: iperf3 TCP through raw veth, warren, wireguard-go, OpenVPN and
# fastd between the same two namespaces (bench/tunnels.sh).
set -eu
build=${1:-build}
secs=${BENCH_SECONDS:-3}
cd "$(dirname "$0")/.."

echo "# warren bench, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) cores,"\
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# openssl's figure: 1000s of bytes per second for 1420-byte AEAD seals.
ossl_kbs=$(taskset -c 0 openssl speed -evp chacha20-poly1305 -bytes 1420 -seconds "$secs" 2>/dev/null |
	awk '/^ChaCha20-Poly1305/ { sub("k", "", $2); print $2 }')
ossl_pps=$(awk -v k="$ossl_kbs" 'BEGIN { printf "%.0f", k * 1000 / 1420 }')
# The same with -aead: a new nonce, and a tag, per 1420-byte record, as a
# tunnel must do; the plain figure above is one endless stream.
aead_kbs=$(taskset -c 0 openssl speed -aead -evp chacha20-poly1305 -bytes 1420 -seconds "$secs" 2>/dev/null |
	awk '/^ChaCha20-Poly1305/ { sub("k", "", $2); print $2 }')
aead_pps=$(awk -v k="$aead_kbs" 'BEGIN { printf "%.0f", k * 1000 / 1420 }')
echo "== transport: 1420-byte packets, one core"
printf '%-44s %12s\n' "openssl speed chacha20-poly1305 (seals/s)" "$ossl_pps"
printf '%-44s %12s\n' "openssl speed -aead, per record (seals/s)" "$aead_pps"
if [ -x "$build/bench/transport_bench" ]; then
	taskset -c 0 "$build/bench/transport_bench" --seconds "$secs" --openssl-seals "$ossl_pps"
else
	echo "(transport_bench not built)"
fi
# Why the goal of 85% is out of reach one packet at a time: the cost of a
# seal's fixed parts (nonce, Poly1305 key block, tag) beside the stream.
if [ -x "$build/bench/aead_bench" ]; then
	taskset -c 0 "$build/bench/aead_bench"
fi
echo

echo "== handshake: responder, one core"
if [ -x "$build/bench/handshake_bench" ]; then
	taskset -c 0 "$build/bench/handshake_bench" "$secs"
else
	echo "(handshake_bench not built)"
fi
echo

echo "== tunnels: TCP through each between two namespaces (bench/tunnels.sh)"
bench/tunnels.sh "$build"
