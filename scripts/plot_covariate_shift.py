#!/usr/bin/python3
"""plot_covariate_shift.py — figure and measured numbers of configs/covariate_shift.yaml.

Usage:
    /usr/bin/python3 scripts/plot_covariate_shift.py RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/summary.csv (final test MSE per sweep point and arm; the points are
data.truth x data.seed), resolved.yaml's sweep order and the final (w, b) of each run from its
checkpoint (runs/p<I>/<arm>/seed-1/checkpoint.safetensors), writes OUT_PREFIX.png and .svg
(default RESULTS_DIR/covariate_shift) and prints the numbers the doc page quotes.

  (a) data.seed 1, cubic truth: the training inputs and targets, the truth −x + x³, the two
      input densities (scaled), and the fitted lines of the unweighted fit and of the
      importance-weighted fits (exact weights, λ = 0.5 and 1; classifier weights, λ = 1).
  (b) per data seed, the test MSE of each weighted arm divided by the unweighted one, for the
      cubic (misspecified) and the linear (correct) truth; 1 is the dashed line.
Printed: for each truth and weighted arm, the fraction of data seeds on which it beats the
unweighted fit, the mean over seeds of the MSE ratio, the mean MSEs, the fraction of seeds
on which λ = 0.5 lies between λ = 0 and λ = 1 and on which it beats λ = 1, and the range of
iw_ess (from metrics.csv) of each arm.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_metrics import save_figure  # noqa: E402
from plot_regularization import read_safetensors  # noqa: E402

ARMS = ["unweighted", "exact_half", "exact", "classifier_half", "classifier"]
WEIGHTED = ARMS[1:]


def read_summary(results):
    """{(truth, seed): {arm: test MSE}} and {(truth, seed): point index}."""
    mse, seen = {}, []
    with open(os.path.join(results, "summary.csv")) as f:
        for r in csv.DictReader(f):
            key = (r["data.truth"], int(r["data.seed"]))
            if key not in mse:
                seen.append(key)
            mse.setdefault(key, {})[r["arm"]] = float(r["final_test_loss"])
    return mse, {key: i for i, key in enumerate(seen)}


def normal(x, m, s):
    return math.exp(-0.5 * ((x - m) / s) ** 2) / (s * math.sqrt(2 * math.pi))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("-o", "--out")
    a = ap.parse_args(argv)
    out = a.out or os.path.join(a.results, "covariate_shift")
    mse, point = read_summary(a.results)

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.6))
    # (a) one data set
    p = point[("cubic", 1)]
    xs = [-1.2 + 2.9 * i / 200 for i in range(201)]
    ax.plot(xs, [-x + x ** 3 for x in xs], "k-", lw=1, label="truth −x + x³")
    ax.fill_between(xs, [-1.6] * len(xs), [-1.6 + 0.4 * normal(x, 0.5, 0.5) for x in xs],
                    color="tab:blue", alpha=0.15, label="q₀ = N(0.5, 0.5²) (training)")
    ax.fill_between(xs, [-1.6] * len(xs), [-1.6 + 0.4 * normal(x, 0.0, 0.3) for x in xs],
                    color="tab:red", alpha=0.15, label="q₁ = N(0, 0.3²) (test)")
    styles = {"unweighted": ("tab:blue", "-"), "exact_half": ("tab:purple", "--"),
              "exact": ("tab:red", "-"), "classifier": ("tab:orange", ":")}
    for arm, (colour, ls) in styles.items():
        t = read_safetensors(os.path.join(a.results, "runs", f"p{p}", arm, "seed-1",
                                          "checkpoint.safetensors"))
        w, b = t["out.weight"][0], t["out.bias"][0]
        ax.plot(xs, [w * x + b for x in xs], color=colour, ls=ls,
                label=f"{arm}: test MSE {mse[('cubic', 1)][arm]:.3f}")
    ax.set_xlim(-1.2, 1.7)
    ax.set_ylim(-1.6, 2.0)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("(a) data.seed 1, cubic truth: fitted lines")
    ax.legend(fontsize=7, loc="upper left")
    # (b) ratios per seed
    for t, truth in enumerate(["cubic", "linear"]):
        seeds = sorted(s for (tr, s) in mse if tr == truth)
        for j, arm in enumerate(WEIGHTED):
            ratios = [mse[(truth, s)][arm] / mse[(truth, s)]["unweighted"] for s in seeds]
            xpos = [t * 5 + j + (k / len(seeds) - 0.5) * 0.6 for k in range(len(seeds))]
            bx.scatter(xpos, ratios, s=4, color=["tab:purple", "tab:red", "tab:olive", "tab:orange"][j])
    bx.axhline(1.0, color="k", ls="--", lw=0.8)
    bx.set_yscale("log")
    bx.set_xticks([t * 5 + j for t in range(2) for j in range(4)])
    bx.set_xticklabels([f"{truth}\n{arm}" for truth in ["cubic", "linear"] for arm in WEIGHTED],
                       fontsize=7)
    bx.set_ylabel("test MSE / unweighted test MSE")
    bx.set_title("(b) per data seed (1..%d)" % len(seeds))
    fig.tight_layout()
    save_figure(fig, out)

    print("| truth | arm | weights | λ | seeds where it beats unweighted | mean MSE ratio | mean test MSE | unweighted mean test MSE |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    lam = {"exact_half": 0.5, "exact": 1.0, "classifier_half": 0.5, "classifier": 1.0}
    for truth in ["cubic", "linear"]:
        keys = sorted(k for k in mse if k[0] == truth)
        base = sum(mse[k]["unweighted"] for k in keys) / len(keys)
        for arm in WEIGHTED:
            wins = sum(mse[k][arm] < mse[k]["unweighted"] for k in keys)
            ratio = sum(mse[k][arm] / mse[k]["unweighted"] for k in keys) / len(keys)
            mean = sum(mse[k][arm] for k in keys) / len(keys)
            print(f"| {truth} | {arm} | {arm.split('_')[0]} | {lam[arm]} | {wins}/{len(keys)} | "
                  f"{ratio:.3f} | {mean:.4f} | {base:.4f} |")
    for truth in ["cubic", "linear"]:
        keys = sorted(k for k in mse if k[0] == truth)
        for kind in ["exact", "classifier"]:
            between = sum(min(mse[k][kind], mse[k]["unweighted"]) <= mse[k][kind + "_half"]
                          <= max(mse[k][kind], mse[k]["unweighted"]) for k in keys)
            print(f"{truth} {kind}: λ = 0.5 between λ = 0 and λ = 1 on {between}/{len(keys)} seeds")
        for kind in ["exact", "classifier"]:
            better = sum(mse[k][kind + "_half"] < mse[k][kind] for k in keys)
            print(f"{truth} {kind}: λ = 0.5 better than λ = 1 on {better}/{len(keys)} seeds")
    ess = {}
    with open(os.path.join(a.results, "metrics.csv")) as f:
        for r in csv.DictReader(f):
            if r["epoch"] != "0":
                ess.setdefault(r["arm"], []).append(float(r["iw_ess"]))
    for arm in ARMS:
        v = ess[arm]
        print(f"iw_ess {arm}: min {min(v):.3f} mean {sum(v) / len(v):.3f} max {max(v):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
