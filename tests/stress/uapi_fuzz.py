#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Random and mutated UAPI requests against a running daemon's socket
(the protocol of wireguard.com/xplatform; wireguard-go device/uapi.go).

  uapi_fuzz.py SOCKET COUNT SEED   COUNT requests, one connection each;
                                   prints what came back
  uapi_fuzz.py SOCKET --idle N     N connections that send nothing; prints
                                   "opened N" and holds them until killed

Requests never touch what the established tunnel needs: no replace_peers=true,
no valid private_key or listen_port, peer keys are random (never the tunnel
peer's) and valid allowed IPs are in 172.16.0.0/12 and fd99::/16 only, so the
tunnel must still work afterwards. Each request is sent whole (then the reply
is read), cut short with the write side shut (read until EOF), or cut short
and abandoned; some are mutated byte-wise; some carry a line of up to 4 MiB.
"""
import os
import random
import signal
import socket
import sys
import time

BAD_VALUES = [b"", b"-1", b"abc", b"99999999999999999999999", b"0x10", b" 1", b"1 ", b"\x00",
              b"\xff\xfe", b"=", b"1=2", b"true\x00x"]


def hexkey(r, n=32):
    return r.randbytes(n).hex().encode()


def device_line(r):
    k = r.choice([b"listen_port", b"fwmark", b"private_key", b"replace_peers"])
    v = r.choice(BAD_VALUES + [b"65536", b"4294967296", b"false", b"TRUE", b"zz" * 32,
                               hexkey(r)[:63], hexkey(r) + b"0"])
    if k == b"fwmark" and r.random() < 0.3:
        v = str(r.randrange(0, 1 << 32)).encode()
    return k + b"=" + v


def peer_line(r):
    choices = [
        b"endpoint=" + r.choice([b"1.2.3.4:5", b"[::1]:51820", b"[::1", b"1.2.3.4:99999",
                                 b"host.invalid:1", b"1.2.3.4", b"[fe80::1%lo]:1"] + BAD_VALUES),
        b"allowed_ip=" + r.choice([
            b"172.%d.%d.%d/32" % (r.randrange(16, 32), r.randrange(256), r.randrange(256)),
            b"172.16.0.0/33", b"fd99::%x/128" % r.randrange(1 << 16), b"fd99::/129",
            b"-172.16.0.1/32", b"fe80::1%lo/128", b"1.2.3.4/", b"/32"] + BAD_VALUES),
        b"persistent_keepalive_interval=" + r.choice([b"0", b"65535", b"65536"] + BAD_VALUES),
        b"preshared_key=" + r.choice([hexkey(r), hexkey(r)[:10]] + BAD_VALUES),
        b"remove=true", b"update_only=true", b"replace_allowed_ips=true",
        b"protocol_version=" + r.choice([b"1", b"2", b"0"] + BAD_VALUES),
        b"public_key=" + r.choice([hexkey(r), hexkey(r)[:62], b"00" * 32] + BAD_VALUES),
    ]
    return r.choice(choices)


def junk_line(r):
    return r.choice([
        b"foo=bar", b"=", b"noequals", b"x" * r.randrange(1, 5000) + b"=1", r.randbytes(40),
        b"get=1", b"set=1", b"errno=0", b"public_key", b"allowed_ip=" + b"9" * 70000,
    ])


def request(r):
    head = r.choice([b"set=1"] * 8 + [b"get=1", b"set=2", b"get=2", b"set=1 x", b"", b"foo"])
    lines = [head]
    for _ in range(r.randrange(0, 4)):
        lines.append(device_line(r))
    for _ in range(r.randrange(0, 4)):
        lines.append(b"public_key=" + hexkey(r))
        for _ in range(r.randrange(0, 6)):
            lines.append(peer_line(r))
    for _ in range(r.randrange(0, 3)):
        lines.insert(r.randrange(1, len(lines) + 1), junk_line(r))
    if r.random() < 0.03:
        lines.append(b"allowed_ip=" + b"1" * r.randrange(1 << 20, 4 << 20))
    data = b"\n".join(lines) + b"\n\n"
    if r.random() < 0.3:
        data = bytearray(data)
        for _ in range(r.randrange(1, 8)):
            i = r.randrange(len(data))
            op = r.randrange(3)
            if op == 0:
                data[i] = r.randrange(256)
            elif op == 1:
                del data[i]
            else:
                data.insert(i, r.choice(b"\n=\x00x1"))
        data = bytes(data)
    return data


def read_reply(s, deadline):
    got = b""
    while b"\n\n" not in got and time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return got, "timeout"
        except OSError:
            return got, "reset"
        if not chunk:
            return got, "closed"
        got += chunk
    return got, "reply" if b"\n\n" in got else "timeout"


def fuzz(path, count, seed):
    r = random.Random(seed)
    stats = {}
    for _ in range(count):
        data = request(r)
        how = r.choice(["whole"] * 6 + ["eof", "abandon"])
        if how != "whole":
            data = data[:r.randrange(len(data))]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(3)
        try:
            s.connect(path)
        except OSError as e:
            stats["connect failed: " + e.strerror] = stats.get("connect failed: " + e.strerror, 0) + 1
            s.close()
            continue
        try:
            s.sendall(data)
            if how == "eof":
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the daemon may answer and close before reading it all
        if how == "abandon":
            s.close()
            key = "abandoned"
        else:
            got, end = read_reply(s, time.monotonic() + 3)
            s.close()
            errno = [ln for ln in got.split(b"\n") if ln.startswith(b"errno=")]
            key = (errno[-1].decode() if errno else "no errno") + " (" + end + ")"
        stats[key] = stats.get(key, 0) + 1
    for k in sorted(stats):
        print(f"{stats[k]} {k}")


def idle(path, n):
    held = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            held.append(s)
        except OSError:
            s.close()
    print(f"opened {len(held)}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if sys.argv[2] == "--idle":
        idle(sys.argv[1], int(sys.argv[3]))
    else:
        fuzz(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
