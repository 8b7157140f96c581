#!/usr/bin/env python3
"""check_layering.py — the dependency picture of docs/architecture.md, enforced.

Each folder of src/ is one layer with a rank; a file may include headers of its
own layer and of layers of lower rank only, never of a peer of equal rank, and
`results` (reading output folders back) is included only by `cli`.

    rank 0  util
    rank 1  spec
    rank 2  io, data, nn, optim
    rank 3  models
    rank 4  solvers, uncertainty
    rank 5  diagnostics
    rank 6  train
    rank 7  experiment, results
    rank 8  cli

Usage: check_layering.py SRC_DIR        exit 0 when every include obeys, else 1
       check_layering.py --self-test    checks that a violation is reported
"""
import os
import re
import sys
import tempfile

RANK = {
    "util": 0, "spec": 1,
    "io": 2, "data": 2, "nn": 2, "optim": 2,
    "models": 3,
    "solvers": 4, "uncertainty": 4,
    "diagnostics": 5,
    "train": 6,
    "experiment": 7, "results": 7,
    "cli": 8,
}
ONLY_INCLUDED_BY = {"results": {"cli", "results"}}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def violations(src):
    """Every (file, line, message) of an include that breaks the layering."""
    found = []
    for layer in sorted(os.listdir(src)):
        folder = os.path.join(src, layer)
        if not os.path.isdir(folder):
            continue
        if layer not in RANK:
            found.append((folder, 0, f"folder '{layer}' has no rank in the layering"))
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                target = m.group(1)
                line = text.count("\n", 0, m.start()) + 1
                if target == layer:
                    continue
                if target not in RANK:
                    found.append((path, line, f"includes from unknown layer '{target}'"))
                elif RANK[target] >= RANK[layer]:
                    kind = "a peer" if RANK[target] == RANK[layer] else "a higher layer"
                    found.append((path, line, f"{layer} (rank {RANK[layer]}) includes {kind}: "
                                  f"{target} (rank {RANK[target]})"))
                elif layer not in ONLY_INCLUDED_BY.get(target, {layer}):
                    found.append((path, line, f"{target} is used only by "
                                  f"{', '.join(sorted(ONLY_INCLUDED_BY[target]))}, not {layer}"))
    return found


def self_test():
    """A tree with one upward include, one peer include and one good include."""
    with tempfile.TemporaryDirectory() as d:
        for layer, body in [("util", '#include "train/run.h"\n'),
                            ("data", '#include "nn/dense.h"\n'),
                            ("train", '#include "util/diag.h"\n'),
                            ("experiment", '#include "results/collect.h"\n')]:
            os.mkdir(os.path.join(d, layer))
            with open(os.path.join(d, layer, "x.c"), "w") as f:
                f.write(body)
        found = violations(d)
        files = sorted(os.path.basename(os.path.dirname(p)) for p, _, _ in found)
        if files != ["data", "experiment", "util"]:
            print(f"self-test: expected violations in data, experiment, util; got {found}")
            return 1
    print("self-test: upward, peer and results includes are reported")
    return 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    found = violations(sys.argv[1])
    for path, line, message in found:
        print(f"{path}:{line}: error: {message}")
    if not found:
        print("layering: every include points down")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
