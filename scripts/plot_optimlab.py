#!/usr/bin/python3
"""plot_optimlab.py — figures and measured numbers of the optimization lab's reproductions.

Usage:
    /usr/bin/python3 scripts/plot_optimlab.py min_norm RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_optimlab.py conditioning RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_optimlab.py momentum_rates RESULTS_DIR --kappa KAPPA_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (SPEC §3) with the diagnostics of configs/<name>.yaml, writes
OUT_PREFIX.png and .svg (default RESULTS_DIR/<name>) and prints the numbers that
docs/experiments/<name>.md quotes.

  min_norm      (a) f − f* and (b) dist_to_ref = ||θ_t − θ*||/||θ*|| against the step, log y,
                one line per (arm, seed); prints each run's final values.
  conditioning  f − f* / (f₀ − f*) against the step, log y, one line per arm, labelled with
                κ of the inputs' second-moment matrix; prints κ and the first evaluated step
                at which the relative suboptimality is ≤ 1e-6.
  momentum_rates (a) f − f* against t on log-log axes (configs/momentum_rates.yaml), with the
                slopes fitted by least squares on log f against log t over t ∈ [10, 3000];
                (b) iterations against κ (configs/momentum_rates_kappa.yaml in KAPPA_DIR; κ = L/μ
                of each arm as resolved.yaml's `solutions` records it) to a relative
                suboptimality (f − f*)/(f₀ − f*) ≤ 1e-6 and to a relative distance
                ‖θ_t − θ*‖/‖θ₀ − θ*‖ ≤ 1e-3, with the exponents fitted on log-log axes.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib
import numpy as np
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


SLOPE_WINDOW = (10, 3000)
KAPPA_METHODS = ("gd", "heavy_ball", "nesterov")


def loglog_slope(xs, ys):
    """Least-squares slope of log y against log x (points with x, y > 0)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y > 0]
    return float(np.polyfit([p[0] for p in pts], [p[1] for p in pts], 1)[0])


def solution_conditions(results):
    """arm -> κ = L/μ from the `solutions` section of RESULTS/resolved.yaml."""
    out, arm = {}, None
    with open(os.path.join(results, "resolved.yaml")) as f:
        for line in f:
            key, _, value = line.strip().lstrip("- ").partition(": ")
            if key == "arm":
                arm = value.strip('"')
            elif key == "condition" and arm is not None and line.startswith("    "):
                out[arm] = float(value)
    return out


def first_step(rs, col, tol, scale):
    return next((num(r, "step") for r in rs if num(r, col) <= tol * scale), math.nan)


def plot_momentum_rates(rows, prefix, kappa_dir):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    lo, hi = SLOPE_WINDOW
    for (arm, seed), rs in runs(rows).items():
        steps = [num(r, "step") for r in rs]
        sub = [num(r, "suboptimality") for r in rs]
        win = [(t, f) for t, f in zip(steps, sub) if lo <= t <= hi]
        slope = loglog_slope([w[0] for w in win], [w[1] for w in win])
        axes[0].loglog([t for t in steps if t > 0], positive([f for t, f in zip(steps, sub) if t > 0]),
                       label=f"{arm}: slope {slope:.2f}")
        print(f"(a) {arm} seed {seed}: fitted slope over t in [{lo}, {hi}] {slope:.3f}")
    for ax_x in SLOPE_WINDOW:
        axes[0].axvline(ax_x, color="grey", linestyle=":", linewidth=1)
    axes[0].set(xlabel="step t", ylabel="f(θ_t) − f*", title="(a) p > n least squares (not strongly convex)")
    kappas = solution_conditions(kappa_dir)
    by_method = {m: [] for m in KAPPA_METHODS}
    for (arm, seed), rs in runs(read_rows(kappa_dir)).items():
        method = arm.rsplit("_k", 1)[0]
        f0 = num(rs[0], "suboptimality")
        by_method[method].append((kappas[arm], first_step(rs, "suboptimality", 1e-6, f0),
                                  first_step(rs, "dist_to_ref", 1e-3, 1.0)))
    markers = {"gd": "o", "heavy_ball": "s", "nesterov": "^"}
    for method, pts in by_method.items():
        pts.sort()
        for col, style, what in ((1, "-", "f"), (2, "--", "θ")):
            ok = [(p[0], p[col]) for p in pts if not math.isnan(p[col])]
            if len(ok) < 2:
                continue
            e = loglog_slope([p[0] for p in ok], [p[1] for p in ok])
            axes[1].loglog([p[0] for p in ok], [p[1] for p in ok], style, marker=markers[method],
                           label=f"{method} ({what}): exponent {e:.2f}")
            print(f"(b) {method} criterion {what}: " +
                  ", ".join(f"kappa {p[0]:.6g} -> {p[1]:.0f}" for p in ok) + f"; fitted exponent {e:.3f}")
    axes[1].set(xlabel="κ = L/μ of the training objective", ylabel="iterations",
                title="(b) to (f−f*)/(f₀−f*) ≤ 1e-6 (—), ‖θ−θ*‖/‖θ₀−θ*‖ ≤ 1e-3 (--)")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("momentum_rates: GD, heavy ball and Nesterov with the step sizes of the theory")
    return fig


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("experiment", choices=["min_norm", "conditioning", "momentum_rates"])
    p.add_argument("results")
    p.add_argument("--kappa", help="momentum_rates: the output folder of configs/momentum_rates_kappa.yaml")
    p.add_argument("-o", "--out")
    a = p.parse_args()
    rows = read_rows(a.results)
    prefix = a.out or os.path.join(a.results, a.experiment)
    if a.experiment == "momentum_rates":
        if not a.kappa:
            p.error("momentum_rates needs --kappa KAPPA_DIR")
        fig = plot_momentum_rates(rows, prefix, a.kappa)
    else:
        fig = {"min_norm": plot_min_norm, "conditioning": plot_conditioning}[a.experiment](rows, prefix)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(f"{prefix}.{ext}", dpi=110)
    print(f"wrote {prefix}.png and {prefix}.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
