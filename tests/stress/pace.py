#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Copies stdin to stdout at BYTES_PER_SECOND (0: as fast as it can), so that
a transfer through a tunnel under a flood is a steady load, not a burst.

usage: pace.py BYTES_PER_SECOND"""
import sys
import time

rate = float(sys.argv[1])
src, dst = sys.stdin.buffer, sys.stdout.buffer
start, done = time.monotonic(), 0
while True:
    chunk = src.read(65536)
    if not chunk:
        break
    dst.write(chunk)
    dst.flush()
    done += len(chunk)
    if rate > 0:
        late = start + done / rate - time.monotonic()
        if late > 0:
            time.sleep(late)
