#!/usr/bin/python3
"""plot_dropout_bn_order.py — the figure of docs/experiments/dropout_bn_order.md.

Usage:
    /usr/bin/python3 scripts/plot_dropout_bn_order.py RESULTS [-o OUT_PREFIX] [--table]

RESULTS is the output folder of configs/dropout_bn_order.yaml, read through its metrics.csv
(the variance_shift.bnL columns of the diagnostic variance_shift) and summary.csv. Three panels:
(a) the variance-shift ratio Var_infer(BN input)/running_var of every batch-norm layer at the
last evaluation point, one marker per seed, grouped by arm; (b) the ratio of the last batch
norm against the epoch, the mean over seeds per arm; (c) final test accuracy per arm, one
marker per seed. Writes OUT_PREFIX.png and .svg (default dropout_bn_order beside RESULTS).
With --table it prints, per arm and seed, the last ratios of every layer and the final test
accuracy.

Exit status: 0 success; 2 a missing or malformed metrics.csv or summary.csv. Needs only Debian's
python3-matplotlib and python3-numpy, hence /usr/bin/python3.
"""

import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display: figures go to files only

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_metrics import save_figure  # noqa: E402


def fail(message):
    print(f"plot_dropout_bn_order.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_csv(folder, name):
    """The header and rows of FOLDER/NAME."""
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return reader.fieldnames or [], rows


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results")
    parser.add_argument("-o", "--out")
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args(argv)
    header, metrics = read_csv(args.results, "metrics.csv")
    layers = [c for c in header if c.startswith("variance_shift.bn")]
    if not layers or not metrics:
        fail(f"{args.results}/metrics.csv: no variance_shift columns")
    _, summary = read_csv(args.results, "summary.csv")
    arms = list(dict.fromkeys(r["arm"] for r in metrics))
    seeds = sorted({int(r["seed"]) for r in metrics})
    last = {}
    for r in metrics:
        last[(r["arm"], int(r["seed"]))] = r
    acc = {(r["arm"], int(r["seed"])): number(r["final_test_acc"]) for r in summary}

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    width = 0.8 / len(layers)
    for a, arm in enumerate(arms):
        for li, col in enumerate(layers):
            x = a + (li - (len(layers) - 1) / 2) * width
            values = [number(last[(arm, s)][col]) for s in seeds if (arm, s) in last]
            axes[0].scatter([x] * len(values), values, s=18, color=f"C{li}",
                            label=col.split(".")[1] if a == 0 else None)
    axes[0].axhline(1.0, color="grey", linestyle=":")
    axes[0].set_xticks(range(len(arms)), arms, rotation=20, fontsize=8)
    axes[0].set_ylabel("Var_infer(BN input) / running_var")
    axes[0].set_title("(a) variance shift at the end, per seed")
    axes[0].legend(fontsize=8)
    deepest = layers[-1]
    for a, arm in enumerate(arms):
        by_epoch = {}
        for r in metrics:
            if r["arm"] == arm:
                by_epoch.setdefault(int(r["epoch"]), []).append(number(r[deepest]))
        epochs = sorted(e for e in by_epoch if e > 0)
        axes[1].plot(epochs, [np.nanmean(by_epoch[e]) for e in epochs], marker=".", label=arm)
    axes[1].axhline(1.0, color="grey", linestyle=":")
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel(f"{deepest} (mean over seeds)")
    axes[1].set_title(f"(b) {deepest.split('.')[1]} during training")
    axes[1].legend(fontsize=8)
    for a, arm in enumerate(arms):
        values = [acc.get((arm, s), float("nan")) for s in seeds]
        axes[2].scatter([a] * len(values), values, s=18, color="tab:blue")
    axes[2].set_xticks(range(len(arms)), arms, rotation=20, fontsize=8)
    axes[2].set_ylabel("final test accuracy")
    axes[2].set_title("(c) test accuracy, per seed")
    fig.tight_layout()
    prefix = args.out or os.path.join(os.path.dirname(os.path.abspath(args.results)), "dropout_bn_order")
    for path in save_figure(fig, prefix):
        print(path)
    if args.table:
        print("arm,seed," + ",".join(c.split(".")[1] for c in layers) + ",final_test_acc")
        for arm in arms:
            for s in seeds:
                if (arm, s) in last:
                    ratios = ",".join(f"{number(last[(arm, s)][c]):.4f}" for c in layers)
                    print(f"{arm},{s},{ratios},{acc.get((arm, s), float('nan')):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
