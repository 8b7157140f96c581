#!/usr/bin/python3
"""plot_error_decomposition.py — figure and measured numbers of configs/error_decomposition.yaml.

Usage:
    /usr/bin/python3 scripts/plot_error_decomposition.py RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (the columns err_approx, err_est, err_opt, err_excess of the
error_decomposition diagnostic at every epoch; sweep points data.n_train x data.seed; arms
k5..k40, the classes of linear models on the first k inputs), writes OUT_PREFIX.png and .svg
(default RESULTS_DIR/error_decomposition) and prints the numbers the doc page quotes.

  (a) k = 40 after 64 epochs: the estimation and optimization errors against n (mean over
      data seeds), with the theory of the estimation error, σ²·k/(n − k − 1) for least squares
      with Gaussian inputs (the expectation over training sets), and the approximation error
      of k = 10 and 20 as horizontal lines.
  (b) the excess error after 64 epochs against the class size k, one line per n: the
      approximation-estimation trade-off (small classes win at small n).
  (c) the excess error at a fixed budget of B example gradients (B = 800, 1600, 3200) against
      the number of passes B/n over n examples, k = 40: every seed as a thin line, the mean thick.
Printed: the mean terms per (k, n) after 64 epochs with the theory of err_est; per data seed
and budget the excess error of each split of the budget, and on how many seeds one pass over
B examples beats every split with more passes.
"""
import argparse
import csv
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_metrics import save_figure  # noqa: E402

TERMS = ["err_approx", "err_est", "err_opt", "err_excess"]
SIGMA2 = 0.25
DIM = 40


def read(results):
    """{(arm, n, seed, epoch): {term: value}}."""
    at = {}
    with open(os.path.join(results, "metrics.csv")) as f:
        for r in csv.DictReader(f):
            key = (r["arm"], int(r["data.n_train"]), int(r["data.seed"]), int(r["epoch"]))
            at[key] = {t: float(r[t]) for t in TERMS}
    return at


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("-o", "--out")
    a = ap.parse_args(argv)
    at = read(a.results)
    arms = sorted({k[0] for k in at}, key=lambda s: int(s[1:]))
    ns = sorted({k[1] for k in at})
    seeds = sorted({k[2] for k in at})
    last = max(k[3] for k in at)

    def mean(arm, n, epoch, term):
        return sum(at[(arm, n, s, epoch)][term] for s in seeds) / len(seeds)

    print(f"mean over {len(seeds)} data seeds after {last} epochs (σ² = {SIGMA2}):")
    print("| k | n | err_approx | err_est | σ²·k/(n−k−1) | err_opt | err_excess |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for arm in arms:
        k = int(arm[1:])
        for n in ns:
            # the omitted inputs act as noise of variance err_approx for the smaller classes
            theory = (SIGMA2 + mean(arm, n, last, "err_approx")) * k / (n - k - 1) if n > k + 1 else float("nan")
            print(f"| {k} | {n} | {mean(arm, n, last, 'err_approx'):.4f} | {mean(arm, n, last, 'err_est'):.4f} | "
                  f"{theory:.4f} | {mean(arm, n, last, 'err_opt'):+.4f} | {mean(arm, n, last, 'err_excess'):.4f} |")

    budgets = [b for b in (800, 1600, 3200) if b in ns]
    full = arms[-1]
    print(f"\nfixed budget, {full}: excess error after B/n passes over n examples, per data seed")
    for b in budgets:
        splits = [n for n in ns if n <= b and b // n <= last and b % n == 0]
        print(f"\nB = {b}:\n\n| seed | " + " | ".join(f"n={n} ({b // n}×)" for n in splits) + " |")
        print("| --- " * (len(splits) + 1) + "|")
        wins = 0
        for s in seeds:
            v = [at[(full, n, s, b // n)]["err_excess"] for n in splits]
            wins += all(v[-1] < x for x in v[:-1])
            print(f"| {s} | " + " | ".join(f"{x:.4f}" for x in v) + " |")
        means = [sum(at[(full, n, s, b // n)]["err_excess"] for s in seeds) / len(seeds) for n in splits]
        print("| mean | " + " | ".join(f"{x:.4f}" for x in means) + " |")
        print(f"one pass over {b} beats every split with more passes on {wins}/{len(seeds)} seeds")

    fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(15, 4.6))
    ax.plot(ns, [mean(full, n, last, "err_est") for n in ns], "o-", color="tab:blue", label="err_est (measured)")
    kk = int(full[1:])
    ax.plot([n for n in ns if n > kk + 1], [SIGMA2 * kk / (n - kk - 1) for n in ns if n > kk + 1], "k--", lw=1,
            label="σ²·k/(n−k−1)")
    ax.plot(ns, [abs(mean(full, n, last, "err_opt")) for n in ns], "s-", color="tab:red", label="|err_opt| after 64 epochs")
    ax.plot(ns, [abs(mean(full, n, 1, "err_opt")) for n in ns], "s:", color="tab:orange", label="|err_opt| after 1 epoch")
    for arm, colour in zip(arms[:-1], ["tab:gray", "tab:olive", "tab:green"]):
        ax.axhline(mean(arm, ns[0], last, "err_approx"), color=colour, lw=0.8, ls="-.", label=f"err_approx, {arm}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n (training examples)")
    ax.set_title(f"(a) the terms, {full}, mean over {len(seeds)} seeds")
    ax.legend(fontsize=7)
    for n in ns:
        bx.plot([int(x[1:]) for x in arms], [mean(arm, n, last, "err_excess") for arm in arms], "o-", label=f"n = {n}")
    bx.set_yscale("log")
    bx.set_xlabel("k (inputs of the class)")
    bx.set_ylabel("excess error F(θ) − σ²")
    bx.set_title(f"(b) excess error after {last} epochs against the class")
    bx.legend(fontsize=7)
    for b, colour in zip(budgets, ["tab:blue", "tab:orange", "tab:green"]):
        splits = [n for n in ns if n <= b and b // n <= last and b % n == 0]
        passes = [b // n for n in splits]
        for s in seeds:
            cx.plot(passes, [at[(full, n, s, b // n)]["err_excess"] for n in splits], color=colour, lw=0.4, alpha=0.5)
        cx.plot(passes, [sum(at[(full, n, s, b // n)]["err_excess"] for s in seeds) / len(seeds) for n in splits],
                "o-", color=colour, lw=2, label=f"B = {b} example gradients")
    cx.set_xscale("log", base=2)
    cx.set_yscale("log")
    cx.set_xlabel("passes B/n over n examples")
    cx.set_ylabel("excess error")
    cx.set_title(f"(c) fixed budget, {full}: fewer passes over more data")
    cx.legend(fontsize=7)
    fig.tight_layout()
    png, svg = save_figure(fig, a.out or os.path.join(a.results, "error_decomposition"))
    print(f"\nwrote {png} and {svg}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
