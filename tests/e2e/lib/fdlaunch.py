#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Runs a program with descriptors already open, as a supervisor hands
them to wireguard-go or warrend (WG_TUN_FD, WG_UAPI_FD).

  fdlaunch.py [--tun NAME] [--tap] [--persist] [--at N] [--uapi PATH]
              [--uapi-fd N] [--keep] -- PROGRAM ARGS...

--tun NAME   opens /dev/net/tun, attaches it to NAME (TUNSETIFF, IFF_NO_PI;
             IFF_TAP with --tap; TUNSETPERSIST with --persist) and exports
             its number as WG_TUN_FD
--at N       with --tun: the queue is descriptor N (0 replaces stdin)
--uapi PATH  binds a unix stream socket to PATH (umask 077), listens and
             exports its number as WG_UAPI_FD
--uapi-fd N  exports N as WG_UAPI_FD instead (with --uapi: the socket is
             bound but not listening, a descriptor that is not a listener)
--keep       forks: the child runs PROGRAM, this process keeps the
             descriptors open, waits for it, then prints whether the TUN
             device still exists ("device kept"/"device gone") and exits
             with PROGRAM's status

Without --keep the program replaces this process (exec), so its PID is
this one's. Prints nothing else; errors go to stderr with status 2.
"""
import fcntl
import os
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
TUNSETPERSIST = 0x400454CB
IFF_TUN = 0x0001
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def main(argv):
    tun = None
    at = None
    tap = persist = keep = False
    uapi = None
    uapi_fd = None
    while argv and argv[0] != "--":
        opt = argv.pop(0)
        if opt == "--tun":
            tun = argv.pop(0)
        elif opt == "--tap":
            tap = True
        elif opt == "--persist":
            persist = True
        elif opt == "--at":
            at = int(argv.pop(0))
        elif opt == "--keep":
            keep = True
        elif opt == "--uapi":
            uapi = argv.pop(0)
        elif opt == "--uapi-fd":
            uapi_fd = argv.pop(0)
        else:
            sys.exit("fdlaunch: unknown option " + opt)
    if not argv or len(argv) < 2:
        sys.exit("fdlaunch: usage: fdlaunch.py [options] -- PROGRAM ARGS...")
    prog = argv[1:]
    env = dict(os.environ)

    tun_fd = None
    if tun is not None:
        tun_fd = os.open("/dev/net/tun", os.O_RDWR)
        flags = (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI
        fcntl.ioctl(tun_fd, TUNSETIFF, struct.pack("16sH", tun.encode(), flags))
        if persist:
            fcntl.ioctl(tun_fd, TUNSETPERSIST, 1)
        if at is not None and at != tun_fd:
            os.dup2(tun_fd, at)
            os.close(tun_fd)
            tun_fd = at
        os.set_inheritable(tun_fd, True)
        env["WG_TUN_FD"] = str(tun_fd)

    if uapi is not None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            sock.bind(uapi)
        finally:
            os.umask(old)
        if uapi_fd is None:
            sock.listen(128)
        sock.set_inheritable(True)
        env["WG_UAPI_FD"] = str(sock.detach())
    if uapi_fd is not None:
        env["WG_UAPI_FD"] = uapi_fd

    if not keep:
        os.execvpe(prog[0], prog, env)
    pid = os.fork()
    if pid == 0:
        try:
            os.execvpe(prog[0], prog, env)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    if tun is not None:
        kept = os.path.exists("/sys/class/net/" + tun)
        print("device kept" if kept else "device gone", flush=True)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except OSError as e:
        print("fdlaunch:", e, file=sys.stderr)
        sys.exit(2)
