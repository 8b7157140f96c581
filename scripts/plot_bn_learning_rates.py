#!/usr/bin/python3
"""plot_bn_learning_rates.py — the figure of reproduction 2 (docs/experiments/bn_learning_rates.md).

Usage:
    /usr/bin/python3 scripts/plot_bn_learning_rates.py LR_RESULTS INIT_RESULTS [-o OUT_PREFIX]
                                                      [--chance 0.1] [--table]

LR_RESULTS is the output folder of configs/bn_learning_rates.yaml (a sweep over optimizer.lr),
INIT_RESULTS that of configs/bn_init_scale.yaml (a sweep over model.init.std); each is read
through its summary.csv, whose last column is the swept key (SPEC §3). Two panels: (a) final
test accuracy against the learning rate, (b) against the init std, one line per arm (the mean
over seeds), every seed's run as a dot, a cross at the bottom for a run that diverged
(status `diverged`), and the chance level as a dotted line. Writes OUT_PREFIX.png and .svg
(default bn_learning_rates beside LR_RESULTS). With --table it also prints, per arm and swept
value, the final and best test accuracy of each seed and its status: `diverged` from
summary.csv, or `stalled` when the final test accuracy is within 0.05 of chance.

Exit status: 0 success; 2 a missing or malformed summary.csv. Needs only Debian's
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
from plot_sweep import number, sort_key, wants_log  # noqa: E402

COLOURS = {"no_bn": "tab:blue", "bn": "tab:orange"}
STALL_MARGIN = 0.05  # "stalled": final test accuracy within this of chance


def fail(message):
    print(f"plot_bn_learning_rates.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_summary(folder):
    """The rows of FOLDER/summary.csv and its swept key (the column after wall_s)."""
    path = os.path.join(folder, "summary.csv") if os.path.isdir(folder) else folder
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    if "wall_s" not in header or header[-1] == "wall_s" or not rows:
        fail(f"{path}: not the summary.csv of a sweep (no swept column after wall_s)")
    return rows, header[-1]


def run_status(row, chance):
    """ok, diverged (from summary.csv) or stalled (final accuracy within the margin of chance)."""
    if row["status"] == "diverged":
        return "diverged"
    acc = number(row["final_test_acc"])
    return "stalled" if not acc > chance + STALL_MARGIN else row["status"]


def draw_panel(ax, rows, key, chance, title):
    """Final test accuracy against the swept key: mean line per arm, seed dots, diverged crosses."""
    values = sorted({r[key] for r in rows}, key=sort_key)
    xs = np.array([number(v) for v in values])
    arms = [a for a in COLOURS if any(r["arm"] == a for r in rows)]
    for arm in arms:
        means = []
        for v, x in zip(values, xs):
            runs = [r for r in rows if r["arm"] == arm and r[key] == v]
            accs = [number(r["final_test_acc"]) if r["status"] != "diverged" else np.nan for r in runs]
            finite = [a for a in accs if np.isfinite(a)]
            ax.scatter([x] * len(finite), finite, s=12, color=COLOURS[arm], alpha=0.5)
            n_div = len(accs) - len(finite)
            if n_div:
                ax.scatter([x], [0.02], marker="x", s=40, color=COLOURS[arm])
            means.append(np.mean(accs) if not n_div else 0.0)
        ax.plot(xs, means, "-o", color=COLOURS[arm], label=arm)
    ax.axhline(chance, color="grey", linestyle=":", label="chance")
    if wants_log(values):
        ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel(key)
    ax.set_ylabel("final test accuracy")
    ax.set_title(title)
    ax.legend(loc="center left")


def print_table(rows, key, chance):
    """One line per arm and swept value: each seed's final/best accuracy and status."""
    for arm in COLOURS:
        for v in sorted({r[key] for r in rows if r["arm"] == arm}, key=sort_key):
            runs = sorted((r for r in rows if r["arm"] == arm and r[key] == v),
                          key=lambda r: int(r["seed"]))
            cells = [f"{number(r['final_test_acc']):.4f}/{number(r['best_test_acc']):.4f} "
                     f"{run_status(r, chance)}" for r in runs]
            print(f"{key}={v} {arm}: " + "; ".join(cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lr_results")
    parser.add_argument("init_results")
    parser.add_argument("-o", dest="out", default=None)
    parser.add_argument("--chance", type=float, default=0.1)
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args()
    lr_rows, lr_key = read_summary(args.lr_results)
    init_rows, init_key = read_summary(args.init_results)
    figure, (ax_lr, ax_init) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    draw_panel(ax_lr, lr_rows, lr_key, args.chance, "(a) accuracy against the learning rate")
    draw_panel(ax_init, init_rows, init_key, args.chance, "(b) accuracy against the init std")
    prefix = args.out or os.path.join(os.path.abspath(args.lr_results), "bn_learning_rates")
    root, extension = os.path.splitext(prefix)
    png, svg = save_figure(figure, root if extension.lower() in (".png", ".svg") else prefix)
    if args.table:
        print_table(lr_rows, lr_key, args.chance)
        print_table(init_rows, init_key, args.chance)
    print(f"plot_bn_learning_rates.py: wrote {png} and {svg}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
