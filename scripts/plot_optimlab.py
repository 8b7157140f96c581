#!/usr/bin/python3
"""plot_optimlab.py — figures and measured numbers of the optimization lab's reproductions.

Usage:
    /usr/bin/python3 scripts/plot_optimlab.py min_norm RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_optimlab.py conditioning RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (SPEC §3) with the diagnostics of configs/<name>.yaml, writes
OUT_PREFIX.png and .svg (default RESULTS_DIR/<name>) and prints the numbers that
docs/experiments/<name>.md quotes.

  min_norm      (a) f − f* and (b) dist_to_ref = ||θ_t − θ*||/||θ*|| against the step, log y,
                one line per (arm, seed); prints each run's final values.
  conditioning  f − f* / (f₀ − f*) against the step, log y, one line per arm, labelled with
                κ of the inputs' second-moment matrix; prints κ and the first evaluated step
                at which the relative suboptimality is ≤ 1e-6.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def read_rows(results):
    path = results if results.endswith(".csv") else os.path.join(results, "metrics.csv")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(row, col):
    v = row.get(col, "")
    return float(v) if v not in ("", None) else math.nan


def runs(rows):
    """(arm, seed) -> rows, in file order."""
    out = {}
    for r in rows:
        out.setdefault((r["arm"], r["seed"]), []).append(r)
    return out


def positive(values, floor=1e-300):
    return [v if v > 0 else floor for v in values]


def plot_min_norm(rows, prefix):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    colours = {"from_zero": "tab:blue", "elsewhere": "tab:orange"}
    for (arm, seed), rs in runs(rows).items():
        steps = [num(r, "step") for r in rs]
        label = f"{arm}" if seed == "1" else None
        axes[0].semilogy(steps, positive([num(r, "suboptimality") for r in rs]),
                         color=colours.get(arm), label=label, alpha=0.8)
        axes[1].semilogy(steps, positive([num(r, "dist_to_ref") for r in rs]),
                         color=colours.get(arm), label=label, alpha=0.8)
        print(f"{arm} seed {seed}: step {int(steps[-1])} f-f* {num(rs[-1], 'suboptimality'):.3g} "
              f"dist_to_ref {num(rs[-1], 'dist_to_ref'):.4g}")
    axes[0].set(xlabel="step (full-batch GD)", ylabel="f(θ_t) − f*", title="(a) suboptimality")
    axes[1].set(xlabel="step (full-batch GD)", ylabel="‖θ_t − θ*‖ / ‖θ*‖",
                title="(b) distance to the pseudo-inverse solution")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("min_norm: p = 200 > n = 50, GD from 0 and from N(0, 0.1²)")
    return fig


def plot_conditioning(rows, prefix):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (arm, seed), rs in runs(rows).items():
        steps = [num(r, "step") for r in rs]
        f0 = num(rs[0], "suboptimality")
        rel = [num(r, "suboptimality") / f0 for r in rs]
        kappa = num(rs[0], "condition_number.out")
        hit = next((int(s) for s, v in zip(steps, rel) if v <= 1e-6), None)
        ax.semilogy(steps, positive(rel), label=f"{arm} (κ = {kappa:.4g})")
        print(f"{arm}: kappa {kappa:.9g} steps to 1e-6 {hit if hit is not None else '> ' + str(int(steps[-1]))} "
              f"final relative f-f* {rel[-1]:.3g}")
    ax.axhline(1e-6, color="grey", linestyle=":", linewidth=1)
    ax.set(xlabel="step (full batch)", ylabel="(f(θ_t) − f*) / (f(θ_0) − f*)",
           title="conditioning: the same regression (κ(Σ) = 1000), four ways")
    ax.set_ylim(1e-17, 2)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("experiment", choices=["min_norm", "conditioning"])
    p.add_argument("results")
    p.add_argument("-o", "--out")
    a = p.parse_args()
    rows = read_rows(a.results)
    prefix = a.out or os.path.join(a.results, a.experiment)
    fig = {"min_norm": plot_min_norm, "conditioning": plot_conditioning}[a.experiment](rows, prefix)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(f"{prefix}.{ext}", dpi=110)
    print(f"wrote {prefix}.png and {prefix}.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
