#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for systemd's notification socket (sd_notify(3)).

    notify_listen.py SOCKET LOG [CHECK...]

Binds an AF_UNIX datagram socket at SOCKET (a path, or '@name' for an
abstract name) and appends every assignment it receives to LOG, one per
line. On the first READY=1 it runs CHECK (a command) at once, before
reading on, and logs "CHECK-AT-READY=<exit status>": what was true the
moment the service said it was ready.
"""
import socket
import subprocess
import sys

path, log, check = sys.argv[1], sys.argv[2], sys.argv[3:]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("\0" + path[1:] if path.startswith("@") else path)
ready_seen = False
with open(log, "a", buffering=1) as out:
    out.write("LISTENING\n")
    while True:
        lines = sock.recv(4096).decode(errors="replace").split("\n")
        for line in lines:
            if line:
                out.write(line + "\n")
        if "READY=1" in lines and not ready_seen and check:
            ready_seen = True
            status = subprocess.run(check, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL).returncode
            out.write("CHECK-AT-READY=%d\n" % status)
