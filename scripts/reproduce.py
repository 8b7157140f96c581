#!/usr/bin/python3
"""reproduce.py — rerun a reproduction and rewrite the measured part of its page.

Usage:
    /usr/bin/python3 scripts/reproduce.py NAME [NAME ...] | all
        [--jobs N] [--dlx PATH] [--results DIR] [--from-results] [--dry-run]

For each NAME, scripts/pages/NAME.py describes how its page in docs/experiments/NAME.md is
measured (see scripts/pages/README.md for the interface):
  1. `dlx run configs/NAME.yaml --out RESULTS/NAME --force --jobs N` (the module's CONFIG and
     RUN_ARGS), timed: wall seconds and the CPU seconds of dlx and its children; then each of
     the module's EXTRA_RUNS (label, options): the same command with those options added,
     into RESULTS/NAME.label (a side experiment the page quotes);
  2. the module's figure commands (they write docs/experiments/NAME.png and .svg);
  3. the module's measured(results) -> markdown, the page's measured tables;
  4. the page's text between the lines `<!-- measured: begin -->` and `<!-- measured: end -->`
     is replaced by a provenance line and that markdown. The provenance names the commit
     (`git describe --always --dirty`), the date (UTC), the CPU (/proc/cpuinfo's model name,
     family, model), the OpenBLAS kernel, the GEMM backend and the precision (from the run's
     meta.yaml), and the wall and CPU time of the run. Everything outside the markers is left
     as it is: the page's prose must not quote numbers that the block does not hold.
`all` takes every module in scripts/pages/. `--from-results` skips step 1 and measures an
existing RESULTS/NAME (the provenance then says so and gives that run's meta.yaml);
`--dry-run` prints the commands without running anything.

Exit status: 0 every page rewritten; 1 a command failed (the page is left as it was); 2 a usage
error (unknown NAME, a page without the markers). Needs Debian's /usr/bin/python3 with
python3-matplotlib and python3-numpy (the figure scripts).
"""

import argparse
import importlib.util
import os
import resource
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- measured: begin -->"
END = "<!-- measured: end -->"


def fail(message, code=2):
    print(f"reproduce.py: error: {message}", file=sys.stderr)
    sys.exit(code)


def load_page_module(pages_dir, name):
    """The module scripts/pages/NAME.py, or exit 2 naming the pages there are."""
    path = os.path.join(pages_dir, name + ".py")
    if not os.path.isfile(path):
        known = ", ".join(page_names(pages_dir)) or "none"
        fail(f"no reproduction '{name}' (scripts/pages/{name}.py); there are: {known}")
    spec = importlib.util.spec_from_file_location("dlx_page_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for attr in ("CONFIG", "figure_commands", "measured"):
        if not hasattr(module, attr):
            fail(f"{path}: defines no {attr}")
    return module


def page_names(pages_dir):
    if not os.path.isdir(pages_dir):
        return []
    return sorted(f[:-3] for f in os.listdir(pages_dir)
                  if f.endswith(".py") and not f.startswith("_"))


def read_meta(path):
    """meta.yaml's top-level `key: value` lines as strings (quotes removed)."""
    meta = {}
    with open(path) as f:
        for line in f:
            if ":" in line and not line.startswith(" "):
                key, value = line.split(":", 1)
                meta[key.strip()] = value.strip().strip('"')
    return meta


def cpu_name():
    """/proc/cpuinfo's model name with its family and model numbers."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" in line:
                    key, value = (s.strip() for s in line.split(":", 1))
                    fields.setdefault(key, value)
                elif fields:
                    break
    except OSError:
        return "unknown CPU"
    name = fields.get("model name", "unknown CPU")
    if "cpu family" in fields and "model" in fields:
        name += f" (family {fields['cpu family']}, model {fields['model']})"
    return name


def commit_of(root):
    try:
        return subprocess.run(["git", "-C", root, "describe", "--always", "--dirty"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"


def splice(text, block, page):
    """text with the part between the markers replaced by block; exit 2 without markers."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start or text.count(BEGIN) != 1 or text.count(END) != 1:
        fail(f"{page}: needs exactly one line '{BEGIN}' followed by one line '{END}'")
    return text[:start + len(BEGIN)] + "\n" + block.rstrip("\n") + "\n" + text[end:]


def shown(path):
    """A path as the page shows it: relative to the repository when it lies inside it."""
    if os.path.isabs(path) and path.startswith(ROOT + os.sep):
        return os.path.relpath(path, ROOT)
    return path


def run(cmd, dry_run):
    print("reproduce: " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr, flush=True)
    if dry_run:
        return
    if subprocess.run(cmd, cwd=ROOT).returncode != 0:
        fail(f"command failed: {' '.join(shlex.quote(c) for c in cmd)}", 1)


def reproduce(name, args):
    module = load_page_module(args.pages_dir, name)
    page = os.path.join(args.docs_dir, name + ".md")
    if not os.path.isfile(page):
        fail(f"{page}: no such page")
    with open(page) as f:
        text = f.read()
    splice(text, "", page)  # check the markers before spending minutes on the run
    results = os.path.join(args.results, name)
    config = os.path.join(ROOT, module.CONFIG) if not os.path.isabs(module.CONFIG) else module.CONFIG
    cmd = [args.dlx, "run", config, "--out", results, "--force", "--quiet",
           "--jobs", str(args.jobs)] + list(getattr(module, "RUN_ARGS", []))
    extra = [cmd[:4] + [f"{results}.{label}"] + cmd[5:] + list(more)
             for label, more in getattr(module, "EXTRA_RUNS", [])]
    commit = commit_of(ROOT)  # before the run: the code that is measured
    wall = cpu = None
    if not args.from_results:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        for command in [cmd] + extra:
            run(command, args.dry_run)
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    prefix = os.path.join(args.docs_dir, name)
    for figure in module.figure_commands(results, prefix):
        run(figure, args.dry_run)
    if args.dry_run:
        return
    meta = read_meta(os.path.join(results, "meta.yaml"))
    block = module.measured(results)
    how = (" and ".join(f"`dlx {' '.join(shlex.quote(shown(c)) for c in command[1:])}`"
                        for command in [cmd] + extra)
           if wall is not None else f"the existing results of {meta.get('start', '?')}")
    timing = (f"; {wall:.0f} s wall, {cpu:.0f} s CPU with `--jobs {args.jobs}`"
              if wall is not None else "")
    provenance = (f"*Measured by `scripts/reproduce.sh {name}` at commit "
                  f"{commit} (dlx build {meta.get('build_commit', '?')}) on "
                  f"{time.strftime('%Y-%m-%d', time.gmtime())}: {how} on {cpu_name()}, "
                  f"{os.cpu_count()} cores, OpenBLAS kernel {meta.get('blas_core', '?')}, "
                  f"`--gemm` {meta.get('gemm', '?')}, {meta.get('precision', '?')}{timing}.*\n")
    with open(page + ".tmp", "w") as f:
        f.write(splice(text, provenance + "\n" + block, page))
    os.replace(page + ".tmp", page)
    print(f"reproduce: rewrote {os.path.relpath(page, ROOT)}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--dlx", default=os.environ.get("DLX_BIN", os.path.join(ROOT, "build", "dlx")))
    p.add_argument("--results", default=os.path.join(ROOT, "results"))
    p.add_argument("--from-results", action="store_true")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--pages-dir", default=os.path.join(ROOT, "scripts", "pages"),
                   help=argparse.SUPPRESS)  # for the tests
    p.add_argument("--docs-dir", default=os.path.join(ROOT, "docs", "experiments"),
                   help=argparse.SUPPRESS)
    args = p.parse_args()
    names = page_names(args.pages_dir) if args.names == ["all"] else args.names
    if args.jobs < 1:
        fail("--jobs must be at least 1")
    for name in names:
        load_page_module(args.pages_dir, name)  # every name known before anything runs
    for name in names:
        reproduce(name, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
