#!/usr/bin/python3
"""plot_uncertainty.py — predictive intervals of MC dropout and ensembles, from uncertainty.csv.

Usage:
    /usr/bin/python3 scripts/plot_uncertainty.py RESULTS_DIR_OR_UNCERTAINTY_CSV [-o OUT_PREFIX]

Reads the uncertainty.csv that `dlx run` writes for arms with an `uncertainty:` key
(docs/config.md) and writes OUT_PREFIX.png and OUT_PREFIX.svg (default: uncertainty.png/.svg
beside the CSV), one column of points per arm (one point per MC-dropout model or per ensemble,
the bar their mean):
    (a) coverage of the test targets y by the central 50% and 90% Gaussian predictive
        intervals, with the nominal levels dashed;
    (b) coverage of the regression function f(x) by the 50% and 90% intervals of the model
        alone (empty when the truth is unknown);
    (c) Gaussian negative log-likelihood of the test targets (lower is better);
    (d) the mean model standard deviation √v (spread over masks or members) and the
        estimated noise standard deviation σ.
Exit status: 0 success; 2 a missing or unusable CSV.
"""

import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_metrics import experiment_title, save_figure  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402  (plot_metrics selected the Agg backend)


def fail(message):
    print(f"plot_uncertainty.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_rows(path):
    """The rows of uncertainty.csv grouped by arm, in file order, values as floats (nan when empty)."""
    if os.path.isdir(path):
        path = os.path.join(path, "uncertainty.csv")
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if not rows or "cover90" not in rows[0]:
        fail(f"{path}: not a dlx uncertainty.csv with rows")
    arms = {}
    for r in rows:
        values = {k: float(v) if v not in ("", None) else float("nan")
                  for k, v in r.items() if k not in ("arm", "method", "seeds")}
        arms.setdefault(r["arm"], []).append(values)
    return path, arms


def strip(ax, arms, column, colour, offset, label):
    """One column of points per arm and a bar at their mean."""
    for i, rows in enumerate(arms.values()):
        ys = [r[column] for r in rows if r[column] == r[column]]
        if not ys:
            continue
        xs = [i + offset] * len(ys)
        ax.scatter(xs, ys, s=12, color=colour, alpha=0.6, label=label if i == 0 else None)
        mean = sum(ys) / len(ys)
        ax.plot([i + offset - 0.15, i + offset + 0.15], [mean, mean], color=colour, lw=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("-o", dest="out")
    args = parser.parse_args()
    path, arms = read_rows(args.path)
    prefix = args.out or os.path.join(os.path.dirname(os.path.abspath(path)), "uncertainty")
    prefix = os.path.splitext(prefix)[0] if prefix.endswith((".png", ".svg")) else prefix
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2))
    panels = [
        ("(a) coverage of y", [("cover50", "C0", "50% interval"), ("cover90", "C1", "90% interval")]),
        ("(b) coverage of f(x)", [("truth_cover50", "C0", "50% interval"),
                                  ("truth_cover90", "C1", "90% interval")]),
        ("(c) Gaussian NLL of y", [("nll", "C2", "nll")]),
        ("(d) standard deviations", [("model_sd", "C3", "model √v"), ("noise_sd", "C4", "noise σ")]),
    ]
    for ax, (title, series) in zip(axes, panels):
        for j, (column, colour, label) in enumerate(series):
            strip(ax, arms, column, colour, (j - (len(series) - 1) / 2) * 0.3, label)
        if title.startswith(("(a)", "(b)")):
            for level in (0.5, 0.9):
                ax.axhline(level, color="grey", ls="--", lw=1)
        ax.set_xticks(range(len(arms)))
        ax.set_xticklabels(list(arms), rotation=20, ha="right")
        ax.set_title(title)
        ax.legend(fontsize=8)
    fig.suptitle(experiment_title(path))
    fig.tight_layout()
    for written in save_figure(fig, prefix):
        print(written)


if __name__ == "__main__":
    main()
