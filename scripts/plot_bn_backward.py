#!/usr/bin/python3
"""plot_bn_backward.py — the figure of docs/experiments/bn_backward.md.

Usage:
    /usr/bin/python3 scripts/plot_bn_backward.py RESULTS [-o OUT_PREFIX] [--table]

RESULTS is the output folder of configs/bn_backward.yaml, read through its metrics.csv and
summary.csv. Two panels: training loss and test loss against the epoch, one colour per arm,
one thin line per seed. Writes OUT_PREFIX.png and .svg (default bn_backward beside RESULTS).
With --table it prints, per arm and seed, the final training and test loss and test accuracy.

Exit status: 0 success; 2 a missing or malformed metrics.csv or summary.csv. Needs only Debian's
python3-matplotlib, hence /usr/bin/python3.
"""

import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display: figures go to files only

import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_metrics import save_figure  # noqa: E402


def fail(message):
    print(f"plot_bn_backward.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_rows(folder, name):
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "arm" not in rows[0]:
        fail(f"{path}: no rows")
    return rows


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results")
    parser.add_argument("-o", "--out")
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args(argv)
    metrics = read_rows(args.results, "metrics.csv")
    summary = read_rows(args.results, "summary.csv")
    arms = list(dict.fromkeys(r["arm"] for r in metrics))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for a, arm in enumerate(arms):
        seeds = list(dict.fromkeys(r["seed"] for r in metrics if r["arm"] == arm))
        for k, seed in enumerate(seeds):
            rows = [r for r in metrics if r["arm"] == arm and r["seed"] == seed]
            epochs = [int(r["epoch"]) for r in rows]
            for ax, col in zip(axes, ("train_loss", "test_loss")):
                ax.plot(epochs, [float(r[col]) for r in rows], color=f"C{a}", linewidth=1,
                        label=arm if k == 0 else None)
    for ax, title in zip(axes, ("training loss", "test loss")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(title)
        ax.set_yscale("log")
        ax.set_title(title + " (one line per seed)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    prefix = args.out or os.path.join(os.path.dirname(os.path.abspath(args.results)), "bn_backward")
    for path in save_figure(fig, prefix):
        print(path)
    if args.table:
        print("arm,seed,final_train_loss,final_test_loss,final_test_acc")
        for r in summary:
            print(f"{r['arm']},{r['seed']},{float(r['final_train_loss']):.4f},"
                  f"{float(r['final_test_loss']):.4f},{float(r['final_test_acc']):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
