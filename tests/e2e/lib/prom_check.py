#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# A strict reader of Prometheus' text exposition format (0.0.4) for the
# tests, stricter than node_exporter's textfile collector where it matters:
# every sample's family has exactly one # HELP and one # TYPE line, before
# its samples; a family's lines come together; names and label names are
# valid; label values are quoted with only \\ \" \n escapes; values are
# numbers; counters end in _total; no series (name and labels) comes twice.
# Reads stdin; exits 1 with the first fault and its line number.
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
TYPES = {"counter", "gauge", "untyped", "summary", "histogram"}


def fail(n, msg):
    print(f"line {n}: {msg}", file=sys.stderr)
    sys.exit(1)


helps, types, done, series = {}, {}, set(), set()
current = None
for n, line in enumerate(sys.stdin.read().split("\n")[:-1], 1):
    if line.startswith("#"):
        m = re.fullmatch(r"# (HELP|TYPE) (\S+) (.+)", line)
        if not m:
            fail(n, f"not a HELP or TYPE line: {line!r}")
        kind, name, rest = m.groups()
        if not NAME.fullmatch(name):
            fail(n, f"bad metric name {name!r}")
        table = helps if kind == "HELP" else types
        if name in table:
            fail(n, f"second {kind} for {name}")
        if kind == "TYPE":
            if rest not in TYPES:
                fail(n, f"bad type {rest!r}")
            if rest == "counter" and not name.endswith("_total"):
                fail(n, f"counter {name} without _total")
            if name not in helps:
                fail(n, f"TYPE before HELP for {name}")
        if current and current != name:
            done.add(current)
        if name in done:
            fail(n, f"{name} comes back after other families")
        current = name
        table[name] = rest
        continue
    m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
    if not m:
        fail(n, f"not a sample: {line!r}")
    name, labels, value = m.groups()
    if name != current or name not in types or name not in helps:
        fail(n, f"sample of {name} outside its family or without HELP and TYPE")
    pairs, rest = [], labels or ""
    while rest:
        lm = LABEL.match(rest)
        if not lm:
            fail(n, f"bad labels {labels!r}")
        pairs.append((lm.group(1), lm.group(2)))
        rest = rest[lm.end():]
        if rest.startswith(","):
            rest = rest[1:]
            if not rest:
                fail(n, "trailing comma")
        elif rest:
            fail(n, f"bad labels {labels!r}")
    if len({k for k, _ in pairs}) != len(pairs):
        fail(n, "a label twice")
    try:
        float(value)
    except ValueError:
        fail(n, f"bad value {value!r}")
    key = (name, tuple(sorted(pairs)))
    if key in series:
        fail(n, f"series twice: {line}")
    series.add(key)
for name in helps:
    if name not in types:
        fail(0, f"{name} has HELP but no TYPE")
