#!/usr/bin/python3
"""plot_bn_conditioning.py — the conditioning of every layer's inputs over training, per arm.

Usage:
    /usr/bin/python3 scripts/plot_bn_conditioning.py RESULTS_DIR_OR_METRICS_CSV [-o OUT_PREFIX]
                                                     [--table]

Reads a metrics.csv written with the `input_covariance_condition` diagnostic (configs/
bn_conditioning.yaml) and writes OUT_PREFIX.png and OUT_PREFIX.svg (default:
bn_conditioning.png/.svg beside the CSV): one panel per layer after the first (fc2 … out)
with κ over the live units (`cov_condition_live.<layer>`, κ of the centred covariance of the
layer's inputs restricted to the units that are not constant on the probe batch) against
training steps on a log scale, one colour per arm: the geometric mean over seeds as a line and
the min-max over seeds as a band; and a last panel with the dead (constant) units of each
layer's input, mean over seeds. The batch-norm arms start at the first evaluation after
step 0: at step 0 batch norm still holds its initial running statistics (mean 0, variance 1),
so in inference mode it measures the network without batch norm.

--table prints, per arm, seed and layer, κ (live) at step 0, at the first evaluation after 0,
at the middle and at the end, max/min over the evaluations from the first after 0 on, and the
dead units at the end.

Exit status: 0 success; 1 the figure could not be written; 2 a usage error or a metrics.csv
without the needed columns. Needs only Debian's python3-matplotlib and python3-numpy.
"""

import argparse
import csv
import math
import os
import sys
import warnings

import matplotlib

matplotlib.use("Agg")  # no display: figures go to files only

import matplotlib.pyplot as plt  # noqa: E402  (must follow matplotlib.use)
import numpy as np  # noqa: E402

PREFIX = "cov_condition_live."


def fail(message, code=2):
    print(f"plot_bn_conditioning.py: error: {message}", file=sys.stderr)
    sys.exit(code)


def read_rows(path):
    """The rows of metrics.csv as dicts of strings, and its header."""
    csv_path = os.path.join(path, "metrics.csv") if os.path.isdir(path) else path
    if not os.path.isfile(csv_path):
        fail(f"{csv_path}: no such file")
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        return csv_path, reader.fieldnames or [], list(reader)


def number(text):
    return float(text) if text not in ("", None) else float("nan")


def in_order(values):
    """Distinct values in the order of their first appearance."""
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def series(rows, arm, seed, column):
    """(steps, values) of column for one (arm, seed), in step order."""
    pts = sorted((int(r["step"]), number(r[column])) for r in rows if r["arm"] == arm and r["seed"] == seed)
    return [p[0] for p in pts], [p[1] for p in pts]


def band(rows, arm, seeds, column, skip_step0):
    """steps and a [seeds, steps] array of log10(column) (nan where not finite)."""
    steps = sorted({int(r["step"]) for r in rows if r["arm"] == arm})
    if skip_step0:
        steps = [s for s in steps if s > 0]
    index = {s: i for i, s in enumerate(steps)}
    out = np.full((len(seeds), len(steps)), np.nan)
    for k, seed in enumerate(seeds):
        for s, v in zip(*series(rows, arm, seed, column)):
            if s in index and math.isfinite(v) and v > 0:
                out[k, index[s]] = math.log10(v)
    return np.array(steps), out


def table(rows, arms, seeds, layers):
    """Per arm, seed, layer: κ_live at 0, first eval, middle, end; max/min after 0; dead at end."""
    for arm in arms:
        for seed in seeds:
            for layer in layers:
                steps, k = series(rows, arm, seed, PREFIX + layer)
                _, dead = series(rows, arm, seed, "constant_units." + layer)
                if len(steps) < 2:
                    continue
                mid = len(steps) // 2
                after = [v for v in k[1:] if math.isfinite(v)]
                move = max(after) / min(after) if after else float("nan")
                print(f"{arm} seed {seed} {layer}: step0 {k[0]:.3g} step{steps[1]} {k[1]:.3g} "
                      f"step{steps[mid]} {k[mid]:.3g} step{steps[-1]} {k[-1]:.3g} "
                      f"max/min {move:.3g} dead_end {dead[-1]:.0f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("-o", "--out", help="output prefix (default: bn_conditioning beside the CSV)")
    ap.add_argument("--table", action="store_true", help="print the per-seed table")
    args = ap.parse_args()
    csv_path, header, rows = read_rows(args.results)
    layers = [c[len(PREFIX):] for c in header if c.startswith(PREFIX)][1:]
    if not layers or "constant_units." + layers[0] not in header:
        fail(f"{csv_path}: no input_covariance_condition columns of a deeper layer "
             "(run with diagnostics: [input_covariance_condition] on an mlp)")
    arms = in_order(r["arm"] for r in rows)
    seeds = in_order(r["seed"] for r in rows)
    if args.table:
        table(rows, arms, seeds, layers)
    prefix = args.out or os.path.join(os.path.dirname(csv_path), "bn_conditioning")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, axes = plt.subplots(1, len(layers) + 1, figsize=(4.2 * (len(layers) + 1), 3.8))
    for j, layer in enumerate(layers):
        ax = axes[j]
        for a, arm in enumerate(arms):
            steps, logk = band(rows, arm, seeds, PREFIX + layer, skip_step0=arm != "no_bn")
            with warnings.catch_warnings():   # a step with no finite κ in any seed stays a gap
                warnings.simplefilter("ignore", RuntimeWarning)
                mean, lo, hi = np.nanmean(logk, 0), np.nanmin(logk, 0), np.nanmax(logk, 0)
            c = colours[a % len(colours)]
            ax.plot(steps, 10 ** mean, color=c, label=arm)
            ax.fill_between(steps, 10 ** lo, 10 ** hi, color=c, alpha=0.2, linewidth=0)
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel("κ of the input covariance (live units)")
        ax.set_title(f"inputs of {layer}")
        ax.grid(True, which="major", alpha=0.3)
        if j == 0:
            ax.legend()
    ax = axes[-1]
    styles = ["-", "--", ":", "-."]
    for a, arm in enumerate(arms):
        for j, layer in enumerate(layers):
            steps = sorted({int(r["step"]) for r in rows if r["arm"] == arm})
            dead = np.array([[number(r["constant_units." + layer]) for r in
                              sorted((r for r in rows if r["arm"] == arm and r["seed"] == seed),
                                     key=lambda r: int(r["step"]))] for seed in seeds])
            ax.plot(steps, np.nanmean(dead, 0), color=colours[a % len(colours)], linestyle=styles[j % 4],
                    label=f"{arm} {layer}")
    ax.set_xlabel("step")
    ax.set_ylabel("dead (constant) input units, mean over seeds")
    ax.set_title("dead units")
    ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)
    fig.suptitle("κ of each layer's input covariance over training (mean over seeds; band min-max)")
    fig.tight_layout()
    try:
        fig.savefig(prefix + ".png", dpi=120)
        fig.savefig(prefix + ".svg")
    except OSError as e:
        fail(f"cannot write {prefix}: {e}", 1)
    print(f"wrote {prefix}.png and {prefix}.svg")


if __name__ == "__main__":
    main()
