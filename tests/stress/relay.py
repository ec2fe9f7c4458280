#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A UDP relay between two WireGuard peers that loses, reorders and
duplicates datagrams, for the stress suite's loss-and-reordering case.

  relay.py ADDR PORT_A PORT_B A_HOST:A_PORT B_HOST:B_PORT LOSS REORDER DUP SEED

Peer A sends to ADDR:PORT_A, and what comes there goes to B from ADDR:PORT_B;
what B sends to ADDR:PORT_B goes to A from ADDR:PORT_A, so each peer sees the
relay as the other's endpoint. Each datagram, either way, is dropped with
probability LOSS, else held back 1-3 ms with probability REORDER (later ones
overtake it), and sent twice with probability DUP. On SIGTERM prints
"forwarded=N dropped=N delayed=N duplicated=N"."""
import heapq
import random
import select
import signal
import socket
import sys
import time


def hostport(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


def main():
    addr, port_a, port_b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    peer_a, peer_b = hostport(sys.argv[4]), hostport(sys.argv[5])
    loss, reorder, dup = (float(x) for x in sys.argv[6:9])
    r = random.Random(int(sys.argv[9]))
    sa = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sb = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for s, port in ((sa, port_a), (sb, port_b)):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.bind((addr, port))
        s.setblocking(False)
    # From A's side out through B's socket to B, and back.
    route = {sa: (sb, peer_b), sb: (sa, peer_a)}
    stats = {"forwarded": 0, "dropped": 0, "delayed": 0, "duplicated": 0}
    held, seq = [], 0

    def report(*_):
        print(" ".join(f"{k}={v}" for k, v in stats.items()), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, report)

    def send(out, dst, data):
        try:
            out.sendto(data, dst)
            stats["forwarded"] += 1
        except OSError:
            pass

    while True:
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else 1.0
        ready, _, _ = select.select([sa, sb], [], [], timeout)
        for s in ready:
            for _ in range(64):
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    break
                out, dst = route[s]
                x = r.random()
                if x < loss:
                    stats["dropped"] += 1
                    continue
                if x < loss + reorder:
                    stats["delayed"] += 1
                    seq += 1
                    heapq.heappush(held, (time.monotonic() + r.uniform(0.001, 0.003), seq,
                                          out, dst, data))
                    continue
                send(out, dst, data)
                if r.random() < dup:
                    stats["duplicated"] += 1
                    send(out, dst, data)
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, out, dst, data = heapq.heappop(held)
            send(out, dst, data)


if __name__ == "__main__":
    main()
