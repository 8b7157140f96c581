#!/usr/bin/python3
"""plot_bn_quantiles.py — figure 1 of Ioffe & Szegedy (2015) from a dlx bn_vs_nobn run.

Usage:
    /usr/bin/python3 scripts/plot_bn_quantiles.py RESULTS_DIR_OR_METRICS_CSV [-o OUT_PREFIX]
                                                  [--layer fc3] [--unit 0] [--arms no_bn,bn]

Reads a metrics.csv written with `eval_every: N` steps and the `act_quantiles` diagnostic and
writes OUT_PREFIX.png and OUT_PREFIX.svg (default: bn_quantiles.png/.svg beside the CSV):
    (a) test accuracy against training steps, one colour per arm: mean over seeds as a line,
        min-max over seeds as a band;
    (b), (c) for each of the two arms, the 15th, 50th and 85th percentiles of the input to the
        sigmoids of LAYER (default: the last hidden layer) over the probe batch, against steps:
        mean over seeds as a line, min-max over seeds as a band.
With the `unit_quantiles` diagnostic in the file as well, a second row follows:
    (d), (e) for each arm, the same three percentiles of ONE unit's input (UNIT, default 0, of
        LAYER), which pooling over the layer's units in (b), (c) cannot show;
    (f) unit_drift.LAYER against steps for both arms: the mean over all units of the layer of
        each unit's largest percentile move since the first evaluation after step 0, in units
        of its own 15-85 spread there.
The percentile panels start at the first evaluation after step 0: at step 0 a batch-norm
network in inference mode still holds its initial running statistics (mean 0, variance 1),
so its "normalized" input is the raw one and would set the scale of the whole panel.

Exit status: 0 success; 1 the figure could not be written; 2 a usage error or a metrics.csv
without the needed columns. Needs only Debian's python3-matplotlib and python3-numpy.
"""

import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display: figures go to files only

import matplotlib.pyplot as plt  # noqa: E402  (must follow matplotlib.use)
import numpy as np  # noqa: E402

PERCENTILES = ("15", "50", "85")
PERCENTILE_STYLES = {"15": ":", "50": "-", "85": "--"}


def fail(message, code=2):
    print(f"plot_bn_quantiles.py: error: {message}", file=sys.stderr)
    sys.exit(code)


def read_rows(path):
    """The rows of metrics.csv as dicts of strings, and its header."""
    csv_path = os.path.join(path, "metrics.csv") if os.path.isdir(path) else path
    if not os.path.isfile(csv_path):
        fail(f"{csv_path}: no such file")
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if r.get("wall_s") not in (None, "")]
        return csv_path, reader.fieldnames or [], rows


def number(text):
    return float(text) if text not in ("", None) else float("nan")


def curves(rows, arm, column, skip_step0):
    """steps, and a [seeds, steps] array of column for arm (nan where a seed has no row)."""
    by_seed = {}
    for r in rows:
        if r["arm"] != arm or (skip_step0 and int(r["step"]) == 0):
            continue
        by_seed.setdefault(r["seed"], {})[int(r["step"])] = number(r[column])
    steps = sorted({s for d in by_seed.values() for s in d})
    values = np.array([[d.get(s, np.nan) for s in steps] for d in by_seed.values()])
    return np.array(steps), values


def band(ax, steps, values, colour, style="-", label=None):
    """Mean over seeds as a line, min-max as a band (all-nan columns left out)."""
    ok = ~np.all(np.isnan(values), axis=0)
    if not ok.any():
        return
    s, v = steps[ok], values[:, ok]
    ax.plot(s, np.nanmean(v, axis=0), style, color=colour, label=label, linewidth=1.4)
    ax.fill_between(s, np.nanmin(v, axis=0), np.nanmax(v, axis=0), color=colour, alpha=0.2,
                    linewidth=0)


def percentile_panels(rows, arms, axes, columns, first_letter, ylabel, colours):
    """One panel per arm with the 15/50/85th percentile columns against steps (from the first
    evaluation after step 0), all panels on the same y range so their drifts compare directly."""
    lows, highs = [], []
    for i, (arm, ax) in enumerate(zip(arms, axes)):
        for p, column in zip(PERCENTILES, columns):
            steps, q = curves(rows, arm, column, True)
            band(ax, steps, q, colours[i], PERCENTILE_STYLES[p], label=f"{p}th percentile")
            if q.size and not np.all(np.isnan(q)):
                lows.append(np.nanmin(q))
                highs.append(np.nanmax(q))
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
        ax.set_title(f"({chr(ord(first_letter) + i)}) {arm}: 15/50/85th percentiles")
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
    if lows:
        pad = 0.05 * (max(highs) - min(lows) + 1e-12)
        for ax in axes:
            ax.set_ylim(min(lows) - pad, max(highs) + pad)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("-o", "--out", help="output prefix (writes .png and .svg)")
    parser.add_argument("--layer", help="hidden layer, e.g. fc3 (default: the last one)")
    parser.add_argument("--unit", type=int, default=0,
                        help="unit of LAYER for panels (d), (e) (default 0)")
    parser.add_argument("--arms", default="no_bn,bn", help="the two arms (default no_bn,bn)")
    args = parser.parse_args()

    csv_path, header, rows = read_rows(args.path)
    layers = sorted({c.split(".", 1)[1] for c in header if c.startswith("act_q50.")},
                    key=lambda name: int(name[2:]) if name[2:].isdigit() else 0)
    if not layers:
        fail(f"{csv_path}: no act_q50.<layer> column: run with `diagnostics: [act_quantiles]`")
    layer = args.layer or layers[-1]
    if layer not in layers:
        fail(f"{csv_path}: no layer '{layer}'; the file has {', '.join(layers)}")
    arms = args.arms.split(",")
    present = {r["arm"] for r in rows}
    for arm in arms:
        if arm not in present:
            fail(f"{csv_path}: no arm '{arm}'; the file has {', '.join(sorted(present))}")

    unit_cols = [f"unit_q{p}.{layer}.u{args.unit}" for p in PERCENTILES]
    per_unit = f"unit_drift.{layer}" in header
    if per_unit and not all(c in header for c in unit_cols):
        fail(f"{csv_path}: no column {unit_cols[0]}; choose --unit below the diagnostic's K")

    colours = plt.get_cmap("tab10").colors
    n_rows = 2 if per_unit else 1
    fig, grid = plt.subplots(n_rows, 1 + len(arms), figsize=(4.2 * (1 + len(arms)), 3.6 * n_rows),
                             squeeze=False)
    axes = grid[0]
    for i, arm in enumerate(arms):
        steps, acc = curves(rows, arm, "test_acc", False)
        band(axes[0], steps, acc, colours[i], label=arm)
    axes[0].set_xlabel("training step")
    axes[0].set_ylabel("test accuracy")
    axes[0].set_title("(a) test accuracy")
    axes[0].legend(loc="lower right")
    axes[0].grid(alpha=0.3)

    percentile_panels(rows, arms, axes[1:], [f"act_q{p}.{layer}" for p in PERCENTILES],
                      "b", f"input to the sigmoids of {layer}", colours)
    if per_unit:
        row = grid[1]
        percentile_panels(rows, arms, row[:len(arms)], unit_cols, chr(ord("b") + len(arms)),
                          f"input to unit {args.unit} of {layer}", colours)
        ax = row[len(arms)]
        for i, arm in enumerate(arms):
            steps, drift = curves(rows, arm, f"unit_drift.{layer}", True)
            band(ax, steps, drift, colours[i], label=arm)
        ax.set_xlabel("training step")
        ax.set_ylabel(f"unit_drift.{layer} (in units of spread)")
        ax.set_title(f"({chr(ord('b') + 2 * len(arms))}) mean per-unit drift of {layer}")
        ax.legend(loc="best")
        ax.grid(alpha=0.3)

    fig.tight_layout()
    prefix = args.out or os.path.join(os.path.dirname(csv_path), "bn_quantiles")
    try:
        for ext in ("png", "svg"):
            fig.savefig(f"{prefix}.{ext}", dpi=120)
    except OSError as e:
        fail(f"{prefix}: {e.strerror}", 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
