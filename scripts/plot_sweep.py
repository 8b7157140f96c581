#!/usr/bin/python3
"""plot_sweep.py — a sweep at a glance, from the CSV of `dlx summarize` (docs/sweeps.md).

Usage:
    dlx summarize RESULTS... -o stats.csv
    /usr/bin/python3 scripts/plot_sweep.py stats.csv [--metric M] [--x KEY] [--y KEY]
                                          [--heatmap] [-o OUT_PREFIX] [--force]

Writes OUT_PREFIX.png and OUT_PREFIX.svg (default: sweep.png/.svg, or sweep_heatmap.*, beside
the CSV) and prints one line saying what it drew.

  * Line plot (default): the metric M (default final_test_acc; any M with M_mean, M_ci95_low
    and M_ci95_high columns, e.g. best_test_acc, final_test_loss) against the swept key --x
    (default: the first swept key). One line per arm (and per value of the other swept keys,
    labelled `arm, key=value`), the mean over seeds, with the 95% Student-t confidence band
    over seeds that `dlx summarize` computed (no band where a point has fewer than 2 seeds),
    clipped to the metric's range (an accuracy to [0, 1], a loss to >= 0: a t interval over
    few seeds can reach past them, the seeds cannot).
    The x axis is logarithmic when every x is positive and max/min >= 100 (the values span
    two decades or more), as learning rates and weight decays usually do.
  * --heatmap: the mean of M over two swept keys, --x (columns) and --y (rows; default the
    first two swept keys), one panel per arm, each cell annotated with its value.

An existing OUT_PREFIX.png or .svg is never replaced without --force (exit 2, nothing written).
Swept keys are the columns between `arm` and `n` of the summarize CSV. Exit status: 0 success;
1 the figure could not be written; 2 a usage error, a CSV that is not `dlx summarize` output,
or an existing figure without --force.
Needs only Debian's python3-matplotlib and python3-numpy, hence /usr/bin/python3.
"""

import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display: figures go to files only

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

EXIT_RUNTIME = 1
EXIT_INPUT = 2


def fail(message, code=EXIT_INPUT):
    print(f"plot_sweep: error: {message}", file=sys.stderr)
    sys.exit(code)


def read_stats(path):
    """The rows of a `dlx summarize` CSV and its swept keys (columns between arm and n)."""
    try:
        with open(path, newline="") as fp:
            rows = list(csv.DictReader(fp))
            header = list(rows[0].keys()) if rows else []
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if not rows or "arm" not in header or "n" not in header:
        fail(f"{path}: not the CSV of dlx summarize (needs columns arm, ..., n and rows)")
    keys = header[header.index("arm") + 1:header.index("n")]
    if not keys:
        fail(f"{path}: no swept key (a sweep has columns between arm and n)")
    return rows, header, keys


def number(text):
    """A float from CSV text; nan for an empty field."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def sort_key(value):
    """Numbers in numeric order, then other values as text."""
    x = number(value)
    return (0, x, "") if not math.isnan(x) else (1, 0.0, value)


def wants_log(values):
    """Log axis when every value is positive and they span two decades or more."""
    xs = [number(v) for v in values]
    return all(x > 0 for x in xs) and max(xs) / min(xs) >= 100


def plural(count, noun):
    """'1 arm', '2 arms'."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def metric_range(metric):
    """The values metric M can take: accuracies in [0, 1], losses >= 0, else unbounded."""
    if metric.endswith("_acc") or "_acc_" in metric:
        return 0.0, 1.0
    if metric.endswith("_loss") or "_loss_" in metric:
        return 0.0, math.inf
    return -math.inf, math.inf


def line_plot(rows, keys, metric, x_key):
    others = [k for k in keys if k != x_key]
    groups = {}
    for r in rows:
        label = r["arm"] + "".join(f", {k}={r[k]}" for k in others)
        groups.setdefault(label, []).append(r)
    x_values = sorted({r[x_key] for r in rows}, key=sort_key)
    numeric = all(not math.isnan(number(v)) for v in x_values)
    log = numeric and wants_log(x_values)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, rs in groups.items():
        rs = sorted(rs, key=lambda r: sort_key(r[x_key]))
        xs = [number(r[x_key]) if numeric else x_values.index(r[x_key]) for r in rs]
        mean = np.array([number(r[metric + "_mean"]) for r in rs])
        lo = np.array([number(r[metric + "_ci95_low"]) for r in rs])
        hi = np.array([number(r[metric + "_ci95_high"]) for r in rs])
        lowest, highest = metric_range(metric)
        lo, hi = np.clip(lo, lowest, highest), np.clip(hi, lowest, highest)
        (line,) = ax.plot(xs, mean, marker="o", label=label)
        ax.fill_between(xs, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    if log:
        ax.set_xscale("log")
    if not numeric:
        ax.set_xticks(range(len(x_values)), x_values)
    ax.set_xlabel(x_key + (" (log scale)" if log else ""))
    ax.set_ylabel(f"{metric} (mean, 95% t band over seeds)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig, f"{metric} against {x_key} ({'log' if log else 'linear'} x axis), {plural(len(groups), 'line')}"


def heatmap(rows, metric, x_key, y_key):
    arms = list(dict.fromkeys(r["arm"] for r in rows))
    xs = sorted({r[x_key] for r in rows}, key=sort_key)
    ys = sorted({r[y_key] for r in rows}, key=sort_key)
    fig, axes = plt.subplots(1, len(arms), figsize=(4.5 * len(arms) + 1, 4), squeeze=False)
    for ax, arm in zip(axes[0], arms):
        grid = np.full((len(ys), len(xs)), np.nan)
        for r in rows:
            if r["arm"] == arm:
                grid[ys.index(r[y_key]), xs.index(r[x_key])] = number(r[metric + "_mean"])
        image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
        middle = np.nanmean([np.nanmin(grid), np.nanmax(grid)])
        for i in range(len(ys)):
            for j in range(len(xs)):
                if not math.isnan(grid[i, j]):
                    colour = "k" if grid[i, j] > middle else "w"  # readable on yellow and on purple
                    ax.text(j, i, f"{grid[i, j]:.3g}", ha="center", va="center", color=colour, fontsize="small")
        ax.set_xticks(range(len(xs)), xs)
        ax.set_yticks(range(len(ys)), ys)
        ax.set_xlabel(x_key)
        ax.set_ylabel(y_key)
        ax.set_title(arm)
        fig.colorbar(image, ax=ax, label=f"{metric} (mean over seeds)")
    fig.tight_layout()
    return fig, f"heat map of {metric} over {x_key} x {y_key}, {plural(len(arms), 'arm')}"


def main(argv):
    parser = argparse.ArgumentParser(
        description="Plot a sweep from the CSV of `dlx summarize`: a metric against a swept "
                    "key (mean over seeds, 95% t band), or a heat map over two swept keys.",
        epilog="Exit status: 0 written; 1 the figure could not be written; 2 a usage error, "
               "a CSV that is not `dlx summarize` output, or an existing figure without "
               "--force.")
    parser.add_argument("csv", metavar="STATS_CSV",
                        help="the CSV written by `dlx summarize RESULTS... -o STATS_CSV`")
    parser.add_argument("--metric", default="final_test_acc", metavar="M",
                        help="the metric to draw: any M with columns M_mean, M_ci95_low, "
                             "M_ci95_high (default: final_test_acc; e.g. best_test_acc, "
                             "final_test_loss)")
    parser.add_argument("--x", metavar="KEY",
                        help="the swept key on the x axis (heat map: the columns); "
                             "default: the first swept key")
    parser.add_argument("--y", metavar="KEY",
                        help="with --heatmap, the swept key of the rows; default: the first "
                             "swept key other than --x")
    parser.add_argument("--heatmap", action="store_true",
                        help="draw a heat map of the mean over --x and --y, one panel per arm, "
                             "instead of the line plot")
    parser.add_argument("-o", "--output", metavar="OUT_PREFIX",
                        help="write OUT_PREFIX.png and OUT_PREFIX.svg (default: sweep.png/.svg, "
                             "or sweep_heatmap.png/.svg, beside STATS_CSV)")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT_PREFIX.png/.svg when they exist (without it an "
                             "existing figure is never overwritten: exit 2)")
    args = parser.parse_args(argv)
    rows, header, keys = read_stats(args.csv)
    for suffix in ("_mean", "_ci95_low", "_ci95_high"):
        if args.metric + suffix not in header:
            fail(f"{args.csv}: no column {args.metric + suffix} (is --metric right?)")
    for name, key in (("--x", args.x), ("--y", args.y)):
        if key is not None and key not in keys:
            fail(f"{name} {key}: not a swept key (the swept keys are: {', '.join(keys)})")
    x_key = args.x or keys[0]
    default = "sweep_heatmap" if args.heatmap else "sweep"
    prefix = args.output or os.path.join(os.path.dirname(os.path.abspath(args.csv)), default)
    root, extension = os.path.splitext(prefix)
    prefix = root if extension.lower() in (".png", ".svg") else prefix
    for ext in ("png", "svg"):
        if os.path.exists(f"{prefix}.{ext}") and not args.force:
            fail(f"{prefix}.{ext} exists; not overwriting it (use --force to replace it, "
                 "or -o for another name)")
    if args.heatmap:
        rest = [k for k in keys if k != x_key]
        y_key = args.y or (rest[0] if rest else None)
        if y_key is None or y_key == x_key:
            fail("--heatmap needs two different swept keys")
        fig, what = heatmap(rows, args.metric, x_key, y_key)
    else:
        fig, what = line_plot(rows, keys, args.metric, x_key)
    try:
        for ext in ("png", "svg"):
            fig.savefig(f"{prefix}.{ext}", dpi=120)
    except OSError as e:
        fail(f"cannot write {prefix}: {e.strerror}", EXIT_RUNTIME)
    print(f"wrote {prefix}.png and {prefix}.svg: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
