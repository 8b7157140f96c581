"""test_summarize_stats.py — `dlx summarize` over few seeds, on hand-made result folders.

The folders hold resolved.yaml (written by `dlx validate` from a small experiment) and a
summary.csv whose numbers this test chose; every expected statistic is recomputed here from
those numbers (mean, sample sd, Student-t interval with the tabulated quantiles
t_{0.975,1} = 12.7062047, t_{0.975,2} = 4.30265273, t_{0.975,3} = 3.18244631).

Asserted:
- diverged runs are counted in `diverged`, listed by seed (JSON, stderr) and kept out of every
  mean even where their accuracy is finite; interrupted runs are ignored;
- a group of fewer than 3 ok runs: a warning on stderr naming it, `*` after n in the table,
  `few_seeds: true` in the JSON;
- --paired A B: A − B over the seeds both have with status ok (mean, sd, 95% paired t interval,
  n, the seeds), in the table and in the JSON; an interval needs 2 seeds; fewer than 3 warned;
  the metric is final_test_acc for classifiers, final_test_loss for a regression, --metric M
  chooses; unknown arm or metric: exit 2 with "did you mean";
- --format json is valid JSON with the documented fields; --format csv equals --csv (both on a
  pipe, which the CSV writer once refused: it could not seek there); --paired
  with the CSV is refused.
"""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

DLX = os.environ["DLX_BIN"]
T975 = {1: 12.706204736174707, 2: 4.302652729749464, 3: 3.182446305284263}
HEADER = ("arm,seed,status,epochs_done,final_train_loss,final_test_loss,final_gen_gap,"
          "final_train_acc,final_test_acc,best_test_acc,best_epoch,wall_s")
CLASSIFY = """experiment: few
seeds: [1, 2, 3, 4]
data: {source: synthetic, kind: gaussian_mixture, n_train: 60, n_test: 30, dim: 4, classes: 3, seed: 5}
model: {type: mlp, hidden: [4]}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 2}
arms:
  - name: base
  - name: wide
    model: {hidden: [8]}
  - name: tiny
    model: {hidden: [2]}
"""
# (arm, seed, status, train_loss, test_loss, train_acc, test_acc)
ROWS = [
    ("base", 1, "ok", 0.30, 0.41, 0.91, 0.85),
    ("base", 2, "ok", 0.28, 0.38, 0.93, 0.88),
    ("base", 3, "ok", 0.35, 0.47, 0.89, 0.81),
    ("base", 4, "ok", 0.31, 0.40, 0.92, 0.86),
    ("wide", 1, "ok", 0.25, 0.36, 0.94, 0.90),
    ("wide", 2, "ok", 0.24, 0.37, 0.95, 0.87),
    ("wide", 3, "diverged", float("nan"), float("nan"), 0.33, 0.34),
    ("wide", 4, "ok", 0.22, 0.33, 0.96, 0.91),
    ("tiny", 1, "ok", 0.60, 0.70, 0.70, 0.66),
    ("tiny", 2, "diverged", float("inf"), float("nan"), 0.30, 0.31),
    ("tiny", 3, "interrupted", 0.55, 0.69, 0.72, 0.65),
    ("tiny", 4, "diverged", float("nan"), float("nan"), 0.33, 0.33),
]
REGRESS = """experiment: reg
seeds: [1, 2, 3]
data: {source: synthetic, kind: linear, dim: 4, n_train: 50, n_test: 50, noise: 0.5, seed: 3}
model: {type: mlp, hidden: [4]}
loss: mse
optimizer: {type: adam, lr: 0.003}
training: {epochs: 2}
arms:
  - name: small
  - name: big
    model: {hidden: [16]}
"""
REG_ROWS = [("small", s, "ok", 0.2 + 0.01 * s, l, None, None)
            for s, l in ((1, 0.52), (2, 0.61), (3, 0.49))] + \
           [("big", s, "ok", 0.1 + 0.01 * s, l, None, None) for s, l in ((1, 0.47), (2, 0.58), (3, 0.50))]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def close(a, b):
    return a is not None and b is not None and abs(a - b) <= 1e-8 * (1 + abs(b))


def fmt(v):
    return "" if v is None else repr(v) if isinstance(v, str) else "%.9g" % v


def make_folder(tmp, name, config, rows):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with open(os.path.join(tmp, name + ".yaml"), "w") as f:
        f.write(config)
    p = subprocess.run([DLX, "validate", name + ".yaml"], cwd=tmp, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    with open(os.path.join(d, "resolved.yaml"), "w") as f:
        f.write(p.stdout)
    with open(os.path.join(d, "summary.csv"), "w") as f:
        f.write(HEADER + "\n")
        for arm, seed, status, trl, tel, tra, tea in rows:
            gap = tel - trl
            f.write(",".join([arm, str(seed), status, "2", fmt(trl), fmt(tel), fmt(gap), fmt(tra),
                              fmt(tea), fmt(tea), "2", "0.1"]) + "\n")
    return d


def stats(xs):
    n = len(xs)
    if n == 0:
        return None, None, None, None
    m = sum(xs) / n
    if n < 2:
        return m, None, None, None
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))
    h = T975[n - 1] * sd / math.sqrt(n)
    return m, sd, m - h, m + h


def dlx(args, cwd):
    p = subprocess.run([DLX] + args, cwd=cwd, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="dlx_summarize_")
    try:
        make_folder(tmp, "few", CLASSIFY, ROWS)
        make_folder(tmp, "reg", REGRESS, REG_ROWS)

        # JSON: per group n (ok runs), diverged, their seeds, means without the diverged runs.
        code, out, err = dlx(["summarize", "few", "--format", "json"], tmp)
        check(code == 0, "json exit 0: %s" % err)
        doc = json.loads(out)
        check(doc["format"] == "dlx-summarize" and doc["version"] == 1, "json format/version")
        groups = {g["arm"]: g for g in doc["groups"]}
        check(list(groups) == ["base", "wide", "tiny"], "json groups in order: %s" % list(groups))
        for arm in ("base", "wide", "tiny"):
            g = groups[arm]
            ok = [r for r in ROWS if r[0] == arm and r[2] == "ok"]
            div = [r[1] for r in ROWS if r[0] == arm and r[2] == "diverged"]
            check(g["n"] == len(ok) and g["diverged"] == len(div), "%s: n %d diverged %d" % (arm, g["n"], g["diverged"]))
            check(g["seeds"] == [r[1] for r in ok] and g["diverged_seeds"] == div, "%s: seeds %s %s" % (arm, g["seeds"], g["diverged_seeds"]))
            check(g["few_seeds"] == (len(ok) < 3), "%s: few_seeds" % arm)
            check(g["keys"] == {}, "%s: no keys" % arm)
            for metric, col in (("final_test_acc", 6), ("final_test_loss", 4), ("final_train_loss", 3),
                                ("final_gen_gap", None)):
                xs = [r[4] - r[3] if col is None else r[col] for r in ok]
                m, sd, lo, hi = stats(xs)
                got = g["metrics"][metric]
                for name, want in (("mean", m), ("sd", sd), ("ci95_low", lo), ("ci95_high", hi)):
                    check((want is None and got[name] is None) or close(got[name], want),
                          "%s %s %s: got %s, want %s" % (arm, metric, name, got[name], want))
                check(close(got["min"], min(xs)) and close(got["max"], max(xs)), "%s %s min/max" % (arm, metric))

        # Warnings: tiny has 1 seed; the diverged seeds named.
        check("arm tiny: only 1 run with status ok" in err, "few-seeds warning for tiny: %s" % err)
        check("arm wide: only" not in err and "arm base: only" not in err, "no few-seeds warning for 3+ seeds")
        for arm, seed in (("wide", 3), ("tiny", 2), ("tiny", 4)):
            check("arm %s: seed %d diverged" % (arm, seed) in err, "diverged %s seed %d named" % (arm, seed))

        # Table: * after tiny's n, a legend, the diverged column; CSV forms agree.
        code, out, err2 = dlx(["summarize", "few"], tmp)
        lines = out.splitlines()
        check(lines[0].split()[:3] == ["arm", "n", "diverged"], "table header: %s" % lines[0])
        tiny = [l for l in lines if l.startswith("tiny ")]
        check(len(tiny) == 1 and tiny[0].split()[1:3] == ["1*", "2"], "tiny row: %s" % tiny)
        base = [l for l in lines if l.startswith("base ")]
        check(len(base) == 1 and base[0].split()[1:3] == ["4", "0"], "base row: %s" % base)
        check(any(l.startswith("* fewer than 3 seeds") for l in lines), "table legend for *")
        code, csv1, _ = dlx(["summarize", "few", "--csv"], tmp)
        code2, csv2, _ = dlx(["summarize", "few", "--format", "csv"], tmp)
        check(code == 0 and code2 == 0 and csv1 == csv2, "--format csv equals --csv")
        rows = list(csv.DictReader(io.StringIO(csv1)))
        wide = [r for r in rows if r["arm"] == "wide"][0]
        check(close(float(wide["final_test_acc_mean"]), (0.90 + 0.87 + 0.91) / 3),
              "csv: wide's mean accuracy without the diverged seed: %s" % wide["final_test_acc_mean"])

        # Paired base − wide: shared ok seeds 1, 2, 4 (wide's seed 3 diverged).
        code, out, err = dlx(["summarize", "few", "--paired", "base", "wide", "--format", "json"], tmp)
        check(code == 0, "paired json exit 0: %s" % err)
        p = json.loads(out)["paired"]
        check(p["a"] == "base" and p["b"] == "wide" and p["metric"] == "final_test_acc", "paired header %s" % p)
        c = p["comparisons"]
        check(len(c) == 1 and c[0]["seeds"] == [1, 2, 4] and c[0]["n"] == 3 and not c[0]["few_seeds"], "paired seeds %s" % c)
        acc = {(r[0], r[1]): r[6] for r in ROWS}
        m, sd, lo, hi = stats([acc[("base", s)] - acc[("wide", s)] for s in (1, 2, 4)])
        for name, want in (("mean_diff", m), ("sd_diff", sd), ("ci95_low", lo), ("ci95_high", hi)):
            check(close(c[0][name], want), "paired %s: got %s, want %s" % (name, c[0][name], want))
        check("--paired" not in err, "no paired warning with 3 seeds: %s" % err)
        # The table form shows the same numbers.
        code, out, err = dlx(["summarize", "few", "--paired", "base", "wide"], tmp)
        tail = out[out.index("paired: base − wide, final_test_acc"):].splitlines()
        check(tail[1].split() == ["n", "mean_diff", "sd_diff", "ci95_low", "ci95_high"], "paired table head %s" % tail[1])
        check(tail[2].split() == ["3", "%.4g" % m, "%.4g" % sd, "%.4g" % lo, "%.4g" % hi], "paired table row %s" % tail[2])

        # Paired base − tiny: one shared seed, no interval, a warning; --metric chooses.
        code, out, err = dlx(["summarize", "few", "--paired", "base", "tiny", "--metric",
                              "final_test_loss", "--format", "json"], tmp)
        c = json.loads(out)["paired"]["comparisons"][0]
        check(c["n"] == 1 and c["few_seeds"] and c["sd_diff"] is None and c["ci95_low"] is None, "1 seed: %s" % c)
        check(close(c["mean_diff"], 0.41 - 0.70), "1 seed mean diff %s" % c["mean_diff"])
        check("--paired base tiny: 1 shared seeds" in err, "paired warning for one seed: %s" % err)

        # A regression: the test loss is compared.
        code, out, err = dlx(["summarize", "reg", "--paired", "big", "small", "--format", "json"], tmp)
        doc = json.loads(out)
        check(doc["paired"]["metric"] == "final_test_loss", "regression metric %s" % doc["paired"]["metric"])
        loss = {(r[0], r[1]): r[4] for r in REG_ROWS}
        m, sd, lo, hi = stats([loss[("big", s)] - loss[("small", s)] for s in (1, 2, 3)])
        c = doc["paired"]["comparisons"][0]
        check(all(close(c[k], w) for k, w in (("mean_diff", m), ("sd_diff", sd), ("ci95_low", lo), ("ci95_high", hi))),
              "regression paired %s, want %s" % (c, (m, sd, lo, hi)))
        check(all(g["metrics"]["final_test_acc"]["mean"] is None for g in doc["groups"]), "regression: acc null")

        # Usage errors: exit 2, a message.
        for args, text in ((["--paired", "base", "wdie"], "did you mean 'wide'?"),
                           (["--paired", "base", "wide", "--metric", "test_acc"], "unknown metric"),
                           (["--paired", "base", "wide", "--csv"], "not in the CSV"),
                           (["--paired", "base"], "needs two arms"),
                           (["--format", "xml"], "--format expects table, csv or json")):
            code, out, err = dlx(["summarize", "few"] + args, tmp)
            check(code == 2 and text in err and out == "", "%s: exit 2 and %r, got %d %r" % (args, text, code, err))
    finally:
        shutil.rmtree(tmp)
    if failures:
        print("%d failures" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
