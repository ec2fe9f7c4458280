#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# A stand-in userspace WireGuard daemon for the show tests: it listens on
# the UAPI socket SOCKET_PATH and answers every get=1 with the fixed text in
# REPLY_FILE (a whole get reply, ending with errno=0 and its empty line), and
# every set=1 with errno=22. Its state never moves, so wg and warren read the
# same handshake times and counters however long apart they run.
#
#   uapi_stub.py SOCKET_PATH REPLY_FILE
import os
import socket
import sys

path, reply_file = sys.argv[1], sys.argv[2]
with open(reply_file, "rb") as f:
    reply = f.read()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o600)
s.listen(16)
while True:
    c, _ = s.accept()
    data = b""
    while not data.endswith(b"\n\n"):
        d = c.recv(4096)
        if not d:
            break
        data += d
    try:
        if data.startswith(b"get=1"):
            c.sendall(reply)
        elif data:
            c.sendall(b"errno=22\n\n")
    except OSError:
        pass
    c.close()
