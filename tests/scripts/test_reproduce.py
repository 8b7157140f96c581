#!/usr/bin/python3
"""test_reproduce.py — scripts/reproduce.py on a page of its own (a tiny synthetic config, a page
module written here, a page with the measured markers): the block between the markers is
replaced by the provenance line (commit, CPU, OpenBLAS kernel, GEMM backend, precision, wall
time) and the module's tables, a side run of EXTRA_RUNS is made and seen by the module, the
text outside the markers is kept byte for byte, a second run replaces the block instead of
adding one; `--from-results` measures without running; a page without the markers, an unknown
name and a failing dlx run exit 2, 2 and 1 and leave the page as it was. Then
scripts/pages/bn_vs_nobn.py on a reduced bn_vs_nobn run (1500 images, 2 epochs): its tables
have a row per claim and a value per seed, computed from that run. Prints "N passed, M
failed"; exits 1 when anything failed. scripts/pages/dropout_vs_l2.py likewise on a reduced run
(1000 images, 3 epochs, 32-unit layers).
"""

import importlib
import os
import shutil
import subprocess
import sys
import tempfile

source_root = os.path.abspath(os.environ.get("DLX_SOURCE_ROOT",
                                             os.path.join(os.path.dirname(__file__), "..", "..")))
dlx = os.path.abspath(os.environ.get("DLX_BIN", os.path.join(source_root, "build", "dlx")))
script = os.path.join(source_root, "scripts", "reproduce.py")
passed = failed = 0

CONFIG = """experiment: tiny
seeds: 2
data: {source: synthetic, kind: linear, dim: 5, n_train: 200, n_test: 100, noise: 0.1, seed: 3}
model: {type: linear}
loss: mse
optimizer: {type: sgd, lr: 0.05}
training: {epochs: 3, batch_size: 20}
"""

MODULE = """import csv, os
CONFIG = {config!r}
EXTRA_RUNS = [("more", ["--set", "training.epochs=5"])]

def figure_commands(results, prefix):
    return [["/bin/sh", "-c", "echo figure > \\"$0.png\\"", prefix]]

def rows(results):
    with open(os.path.join(results, "metrics.csv")) as f:
        return list(csv.DictReader(f))

def measured(results):
    main, more = rows(results), rows(results + ".more")
    return ("| seed | final test loss |\\n|---|---|\\n" +
            "".join(f"| {{r['seed']}} | {{r['test_loss']}} |\\n" for r in main if r['epoch'] == '3') +
            f"side run epochs: {{max(int(r['epoch']) for r in more)}}\\n")
"""

PAGE = """# tiny

Prose before.

<!-- measured: begin -->
old numbers
<!-- measured: end -->

Prose after.
"""


def check(name, condition):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}", file=sys.stderr)


def reproduce(work, *args):
    cmd = ["/usr/bin/python3", script, *args, "--dlx", dlx, "--jobs", "1",
           "--results", os.path.join(work, "results"),
           "--pages-dir", os.path.join(work, "pages"), "--docs-dir", os.path.join(work, "docs")]
    return subprocess.run(cmd, capture_output=True, text=True)


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def test_engine(work):
    config = os.path.join(work, "tiny.yaml")
    write(config, CONFIG)
    write(os.path.join(work, "pages", "tiny.py"), MODULE.format(config=config))
    page = os.path.join(work, "docs", "tiny.md")
    write(page, PAGE)

    res = reproduce(work, "tiny")
    check(f"tiny: exit 0 ({res.returncode}: {res.stderr.strip()[-300:]})", res.returncode == 0)
    text = read(page)
    check("prose before and after kept", text.startswith("# tiny\n\nProse before.\n\n<!-- measured: begin -->\n")
          and text.endswith("<!-- measured: end -->\n\nProse after.\n"))
    check("old block gone", "old numbers" not in text)
    check("provenance names the command, commit and machine",
          "*Measured by `scripts/reproduce.sh tiny` at commit " in text and "OpenBLAS kernel " in text
          and "`--gemm` " in text and "float32" in text and "s wall" in text
          and "--set training.epochs=5" in text)
    with open("/proc/cpuinfo") as f:
        model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
    check("provenance names the CPU", model is None or model in text)
    check("a row per seed", "| 1 | " in text and "| 2 | " in text)
    check("the side run was made and measured", "side run epochs: 5" in text)
    check("figure command ran", read(os.path.join(work, "docs", "tiny.png")).strip() == "figure")

    res = reproduce(work, "tiny", "--from-results")
    text2 = read(page)
    check("--from-results: exit 0", res.returncode == 0)
    check("--from-results: one block, provenance says existing results",
          text2.count("<!-- measured: begin -->") == 1 and "the existing results of" in text2)

    write(page, "# tiny\n\nno markers\n")
    res = reproduce(work, "tiny")
    check("no markers: exit 2", res.returncode == 2)
    check("no markers: message", "needs exactly one line '<!-- measured: begin -->'" in res.stderr)
    check("no markers: page kept", read(page) == "# tiny\n\nno markers\n")

    res = reproduce(work, "nope")
    check("unknown name: exit 2 and the known names",
          res.returncode == 2 and "no reproduction 'nope'" in res.stderr and "tiny" in res.stderr)

    write(page, PAGE)
    write(config, CONFIG.replace("type: sgd", "type: sgdd"))
    res = reproduce(work, "tiny")
    check("failing run: exit 1", res.returncode == 1)
    check("failing run: page kept", read(page) == PAGE)


def reduced_block(work, name, *settings):
    """The measured block of scripts/pages/NAME.py on a run of configs/NAME.yaml with the
    `--set` settings given; None (and a failed check) when the run fails."""
    out = os.path.join(work, name)
    cmd = [dlx, "run", os.path.join(source_root, "configs", name + ".yaml"), "--out", out,
           "--quiet", "--jobs", "2"]
    for setting in settings:
        cmd += ["--set", setting]
    res = subprocess.run(cmd, capture_output=True, text=True)
    check(f"reduced {name} run ({res.stderr.strip()[-300:]})", res.returncode == 0)
    if res.returncode != 0:
        return None
    sys.path.insert(0, os.path.join(source_root, "scripts", "pages"))
    return importlib.import_module(name).measured(out)


def test_bn_vs_nobn_module(work):
    block = reduced_block(work, "bn_vs_nobn", "data.n_train=1500", "training.epochs=2",
                          "training.eval_every=10")
    if block is None:
        return
    for label in ("steps to test accuracy ≥ 0.75", "final test accuracy (step 50)",
                  "largest move of a pooled fc3 percentile after step 10",
                  "`unit_drift.fc3` at step 50", "Unit 0 of fc3",
                  "First evaluation at which `bn`'s `unit_drift.fc3` exceeds `no_bn`'s"):
        check(f"bn_vs_nobn block has '{label}'", label in block)
    final = [line for line in block.splitlines() if line.startswith("| final test accuracy")]
    check("three values per arm", len(final) == 1 and final[0].count(",") == 4)
    check("no side-run table without the side run", "Side run" not in block)


def test_dropout_vs_l2_module(work):
    block = reduced_block(work, "dropout_vs_l2", "data.n_train=1000", "training.epochs=3",
                          "model.hidden=[32,32]")
    if block is None:
        return
    check("dropout_vs_l2: at epoch 3", block.startswith("At epoch 3 (seeds 1 / 2):"))
    for arm in ("none", "l2", "dropout", "dropout_maxnorm"):
        row = [line for line in block.splitlines() if line.startswith(f"| {arm} |")]
        check(f"dropout_vs_l2: a row for {arm} with two seeds per cell",
              len(row) == 1 and row[0].count(" / ") == 7)
    check("dropout_vs_l2: max-norm and training time lines",
          "First epoch at which `dropout_maxnorm` differs" in block and "summed over summary.csv" in block)


def main():
    data = os.environ.get("DLX_DATA", "")
    have_fashion = (os.path.isdir(os.path.join(data, "fashion-mnist")) if data else False) or \
        os.path.isdir("/usr/share/datasets/fashion-mnist")
    work = tempfile.mkdtemp(prefix="dlx-reproduce-")
    try:
        test_engine(work)
        if have_fashion:
            test_bn_vs_nobn_module(work)
            test_dropout_vs_l2_module(work)
        else:
            print("Fashion-MNIST missing: the bn_vs_nobn part is skipped", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
