#!/usr/bin/env python3
"""check_skips.py TESTLOG.json [--may-skip NAME]... — the tests of a `meson test` run that did
not really run: those meson reports as SKIP (exit status 77: a missing precondition, or every
case skipped) and those with cmocka cases skipped inside an otherwise passing program (its
"[  SKIPPED ] name" lines). Prints one line per such test. With CI=true in the environment,
exits 1 when any test not named by --may-skip is among them (on CI every test must run: CI
installs what each needs); else exits 0. A missing log is an error (exit 2)."""
import json
import os
import re
import sys


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    path, may_skip = argv[0], set()
    rest = argv[1:]
    while rest:
        if rest[0] != "--may-skip" or len(rest) < 2:
            sys.exit(__doc__)
        may_skip.add(rest[1])
        rest = rest[2:]
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            results = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        print(f"check_skips: error: cannot read {path}: {e.strerror}", file=sys.stderr)
        return 2
    skipped = []
    for r in results:
        out = r.get("stdout") or ""
        cases = sorted(set(re.findall(r"^\[  SKIPPED \] (\S+)$", out, re.M)))
        if r["result"] == "SKIP":
            skipped.append((r["name"], "skipped: " + last_line(out)))
        elif cases:
            skipped.append((r["name"], "cases skipped: " + ", ".join(cases)))
    def allowed(name):  # meson's "project:suite / test", or the bare test name
        return name in may_skip or name.split(" / ")[-1] in may_skip
    required = [s for s in skipped if not allowed(s[0])]
    on_ci = os.environ.get("CI") == "true"
    for name, why in skipped:
        tag = "required" if on_ci and not allowed(name) else "allowed"
        print(f"check_skips: {name}: {why} ({tag})", file=sys.stderr)
    print(f"check_skips: {len(results)} tests in {path}, {len(skipped)} with skips"
          f"{', ' + str(len(required)) + ' of them required on CI' if on_ci else ''}", file=sys.stderr)
    return 1 if on_ci and required else 0


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1] if lines else "(no output)"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
