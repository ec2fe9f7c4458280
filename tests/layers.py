#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""
The source tree's shape, checked from the build: the rules of
docs/architecture.md that a reader relies on when they open a file.

  1. Layers only reach down: a file under src/<layer>/ includes headers of
     its own layer or a lower one, and calls only functions defined there.
     cli > daemon > os > engine > core.
  2. No call cycles between files: if a.c calls into b.c, nothing in b.c
     (nor in anything b.c calls) calls back into a.c.
  3. No source file over MAX_LINES lines: one concept per file.

Calls are read from the objects the build made (nm), found through
compile_commands.json, so static inline helpers in headers do not count
and every real cross-file call does.

usage: layers.py BUILD_DIR SOURCE_DIR
"""
import json
import os
import re
import subprocess
import sys

LAYERS = ["core", "engine", "os", "daemon", "cli"]
MAX_LINES = 750
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z]+)/[^"]+"', re.M)


def layer_of(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "src" and parts[1] in LAYERS else None


def symbols(obj):
    """(defined, undefined) global function and data symbols of one object."""
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBRVW" or kind in "CG":
            defined.add(name)
    return defined, undefined


def sccs(nodes, edges):
    """Tarjan's strongly connected components with more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    build, source = sys.argv[1], os.path.realpath(sys.argv[2])
    with open(os.path.join(build, "compile_commands.json")) as f:
        units = json.load(f)

    objects = {}  # src/<layer>/<file>.c -> object path
    for u in units:
        path = os.path.relpath(os.path.realpath(os.path.join(u["directory"], u["file"])), source)
        if layer_of(path):
            objects[path] = os.path.join(u["directory"], u["output"])
    if not objects:
        sys.exit("layers: no object of src/ in %s/compile_commands.json" % build)

    faults = []
    rank = {name: i for i, name in enumerate(LAYERS)}

    # 1a. Includes, from every .c and .h under src/.
    for dirpath, _, files in os.walk(os.path.join(source, "src")):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.relpath(os.path.join(dirpath, name), source)
            mine = layer_of(path)
            with open(os.path.join(source, path), encoding="utf-8", errors="replace") as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                theirs = m.group(1)
                if theirs in rank and mine and rank[theirs] > rank[mine]:
                    line = text.count("\n", 0, m.start()) + 1
                    faults.append("%s:%d: %s includes a header of %s, a layer above it"
                                  % (path, line, mine, theirs))
            if name.endswith(".c") and text.count("\n") > MAX_LINES:
                faults.append("%s: %d lines, over %d: split it by concept"
                              % (path, text.count("\n"), MAX_LINES))

    # 1b and 2. Calls, from the objects.
    defined_by, needs = {}, {}
    for path, obj in objects.items():
        defined, undefined = symbols(obj)
        needs[path] = undefined
        for sym in defined:
            defined_by.setdefault(sym, set()).add(path)
    edges, why = {}, {}
    for path, undefined in needs.items():
        for sym in undefined:
            for target in defined_by.get(sym, ()):
                # Two programs (warren, warrend) may each define main().
                if target == path or layer_of(target) == "cli" and layer_of(path) == "cli" \
                        and sym == "main":
                    continue
                edges.setdefault(path, set()).add(target)
                why.setdefault((path, target), set()).add(sym)
    for (a, b), syms in sorted(why.items()):
        if rank[layer_of(b)] > rank[layer_of(a)]:
            faults.append("%s calls %s in %s, a layer above it" % (a, ", ".join(sorted(syms)), b))
    for comp in sccs(objects.keys(), edges):
        members = set(comp)
        calls = ["%s -> %s (%s)" % (a, b, ", ".join(sorted(why[(a, b)])[:3]))
                 for a in comp for b in sorted(edges.get(a, ())) if b in members]
        faults.append("call cycle between %s:\n    %s" % (", ".join(comp), "\n    ".join(calls)))

    for fault in faults:
        print(fault)
    print("layers: %d source files, %d objects, %d cross-file call edges, %d faults"
          % (sum(1 for _ in objects), len(objects), sum(len(v) for v in edges.values()), len(faults)))
    sys.exit(1 if faults else 0)


if __name__ == "__main__":
    main()
