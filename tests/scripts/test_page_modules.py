#!/usr/bin/python3
"""test_page_modules.py — every module of scripts/pages on a reduced run of its config.

For each scripts/pages/NAME.py (the modules of scripts/reproduce.sh, which rewrite the measured
block of docs/experiments/NAME.md):
  - the module defines CONFIG, figure_commands, measured and REDUCED_ARGS, CONFIG exists, and
    docs/experiments/NAME.md has exactly one pair of measured markers;
  - `dlx run CONFIG --out T/NAME RUN_ARGS REDUCED_ARGS` succeeds, and so does each of its
    EXTRA_RUNS with its options added, into T/NAME.LABEL (the way reproduce.py builds them);
  - every figure command succeeds and writes T/fig/NAME.png and .svg;
  - measured(T/NAME) is non-empty markdown holding a table, without "nan" or "inf".
A module whose reduced run breaks its tables (a column renamed, an arm dropped from the
config) fails here, long before a full `scripts/reproduce.sh all`. Prints "N passed, M
failed"; exits 1 when anything failed.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

source_root = os.path.abspath(os.environ.get("DLX_SOURCE_ROOT",
                                             os.path.join(os.path.dirname(__file__), "..", "..")))
dlx = os.path.abspath(os.environ.get("DLX_BIN", os.path.join(source_root, "build", "dlx")))
pages_dir = os.path.join(source_root, "scripts", "pages")
docs_dir = os.path.join(source_root, "docs", "experiments")
BEGIN, END = "<!-- measured: begin -->", "<!-- measured: end -->"


def load(name):
    spec = importlib.util.spec_from_file_location("dlx_page_" + name,
                                                  os.path.join(pages_dir, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(name, tmp):
    """None when the module passes, else what failed."""
    module = load(name)
    for attr in ("CONFIG", "figure_commands", "measured", "REDUCED_ARGS"):
        if not hasattr(module, attr):
            return f"defines no {attr}"
    config = os.path.join(source_root, module.CONFIG)
    if not os.path.isfile(config):
        return f"CONFIG {module.CONFIG} does not exist"
    with open(os.path.join(docs_dir, name + ".md")) as f:
        page = f.read()
    if page.count(BEGIN) != 1 or page.count(END) != 1 or page.find(BEGIN) > page.find(END):
        return "the page does not have exactly one pair of measured markers"
    results = os.path.join(tmp, name)
    base = [dlx, "run", config, "--out", results, "--force", "--quiet", "--jobs", "2"]
    base += list(getattr(module, "RUN_ARGS", [])) + list(module.REDUCED_ARGS)
    runs = [base] + [base[:4] + [f"{results}.{label}"] + base[5:] + list(more)
                     for label, more in getattr(module, "EXTRA_RUNS", [])]
    for cmd in runs:
        t0 = time.monotonic()
        done = subprocess.run(cmd, cwd=source_root, capture_output=True, text=True)
        if done.returncode != 0:
            return f"`{' '.join(cmd[1:])}` exited {done.returncode}: {done.stderr[-800:]}"
        print(f"  {name}: {' '.join(cmd[4:5])} {time.monotonic() - t0:.1f} s", flush=True)
    figures = os.path.join(tmp, "fig")
    os.makedirs(figures, exist_ok=True)
    prefix = os.path.join(figures, name)
    for cmd in module.figure_commands(results, prefix):
        done = subprocess.run(cmd, cwd=source_root, capture_output=True, text=True)
        if done.returncode != 0:
            return f"figure command {cmd} exited {done.returncode}: {done.stderr[-800:]}"
    for ext in (".png", ".svg"):
        if not os.path.isfile(prefix + ext) or os.path.getsize(prefix + ext) == 0:
            return f"the figure commands wrote no {name}{ext}"
    block = module.measured(results)
    if not isinstance(block, str) or not block.strip():
        return "measured() returned nothing"
    if not re.search(r"^\|.*\|\s*$", block, re.M) or \
            not re.search(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$", block, re.M):
        return "measured() holds no markdown table"
    bad = re.search(r"\b(nan|inf)\b", block, re.I)
    if bad:
        line = block[:bad.start()].count("\n")
        return f"measured() shows '{bad.group(0)}': {block.splitlines()[line]}"
    return None


def main():
    names = sorted(f[:-3] for f in os.listdir(pages_dir)
                   if f.endswith(".py") and not f.startswith("_"))
    passed = failed = 0
    tmp = tempfile.mkdtemp(prefix="dlx-pages-")
    try:
        for name in names:
            try:
                problem = check(name, tmp)
            except Exception as e:  # a module that raises is a failing module
                problem = f"{type(e).__name__}: {e}"
            if problem:
                failed += 1
                print(f"FAIL {name}: {problem}", flush=True)
            else:
                passed += 1
                print(f"ok {name}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not names:
        failed += 1
        print("FAIL: no page modules in scripts/pages")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
