#!/usr/bin/python3
"""plot_optimlab.py — figures and measured numbers of the optimization lab's reproductions.

Usage:
    /usr/bin/python3 scripts/plot_optimlab.py min_norm RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_optimlab.py conditioning RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_optimlab.py momentum_rates RESULTS_DIR --kappa KAPPA_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_optimlab.py noise_as_ridge RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (SPEC §3) with the diagnostics of configs/<name>.yaml, writes
OUT_PREFIX.png and .svg (default RESULTS_DIR/<name>) and prints the numbers that
docs/experiments/<name>.md quotes.

  min_norm      (a) f − f* and (b) dist_to_ref = ||θ_t − θ*||/||θ*|| against the step, log y,
                one line per (arm, seed) of the arms from_zero and elsewhere; (c) the ridge arms'
                final distances against λ on log-log axes: ridge_L to the pseudo-inverse
                solution (slope 1 expected) and ridge_L_gd, GD to its own ridge optimum;
                prints each run's final values.
  conditioning  f − f* / (f₀ − f*) against the step, log y, one line per arm, labelled with
                κ of the inputs' second-moment matrix; prints κ and the first evaluated step
                at which the relative suboptimality is ≤ 1e-6.
  momentum_rates (a) f − f* against t on log-log axes (configs/momentum_rates.yaml), with the
                slopes fitted by least squares on log f against log t over t ∈ [10, 3000];
                (b) iterations against κ (configs/momentum_rates_kappa.yaml in KAPPA_DIR; κ = L/μ
                of each arm as resolved.yaml's `solutions` records it) to a relative
                suboptimality (f − f*)/(f₀ − f*) ≤ 1e-6 and to a relative distance
                ‖θ_t − θ*‖/‖θ₀ − θ*‖ ≤ 1e-3, with the exponents fitted on log-log axes.
  noise_as_ridge (a) the final dist_to_ref against the number of noise copies J (arms `J<J>`)
                on log-log axes, each seed a dot, the geometric mean over seeds a line, and the
                slope of log dist against log J fitted by least squares over every (J, seed);
                the final distances of the arm fresh_noise as a band; (b) dist_to_ref of
                fresh_noise against the step. Prints the per-J mean, geometric mean and the slope,
                and fresh_noise's distances to ridge and (arm fresh_noise_vs_ols) to least squares.
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
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    colours = {"from_zero": "tab:blue", "elsewhere": "tab:orange"}
    ridge = {}   # (λ, against its own optimum) -> final dist_to_ref of seed 1
    for (arm, seed), rs in runs(rows).items():
        if arm.startswith("ridge_"):
            if seed == "1":
                ridge[(float(arm.split("_")[1]), arm.endswith("_gd"))] = num(rs[-1], "dist_to_ref")
            continue
        steps = [num(r, "step") for r in rs]
        label = f"{arm}" if seed == "1" else None
        axes[0].semilogy(steps, positive([num(r, "suboptimality") for r in rs]),
                         color=colours.get(arm), label=label, alpha=0.8)
        axes[1].semilogy(steps, positive([num(r, "dist_to_ref") for r in rs]),
                         color=colours.get(arm), label=label, alpha=0.8)
        print(f"{arm} seed {seed}: step {int(steps[-1])} f-f* {num(rs[-1], 'suboptimality'):.3g} "
              f"dist_to_ref {num(rs[-1], 'dist_to_ref'):.4g}")
    axes[0].set(xlabel="step (full-batch GD)", ylabel="f(θ_t) − f*", title="(a) suboptimality")
    axes[0].set_ylim(bottom=1e-32)  # float64's f − f* ends at ±1e-30, round-off of f*
    axes[1].set(xlabel="step (full-batch GD)", ylabel="‖θ_t − θ*‖ / ‖θ*‖",
                title="(b) distance to the pseudo-inverse solution")
    for own, label, marker in ((False, "ridge θ_λ to the pseudo-inverse θ⁺", "o"),
                               (True, "GD to its own ridge optimum", "s")):
        lams = sorted(lam for lam, o in ridge if o == own)
        if lams:
            axes[2].loglog(lams, [ridge[(lam, own)] for lam in lams], marker=marker, label=label)
    if ridge:
        lams = sorted({lam for lam, _ in ridge})
        ref = ridge.get((lams[0], False))
        if ref:
            axes[2].loglog(lams, [ref * lam / lams[0] for lam in lams], color="grey",
                           linestyle=":", label="slope 1")
    axes[2].set(xlabel="λ (l2)", ylabel="final ‖θ − θ_ref‖ / ‖θ_ref‖",
                title="(c) ridge: distance O(λ); GD reaches its optimum")
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


def plot_noise_as_ridge(rows, prefix):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    final = {}
    for (arm, seed), rs in runs(rows).items():
        final.setdefault(arm, []).append(num(rs[-1], "dist_to_ref"))
        if arm == "fresh_noise":
            axes[1].loglog([num(r, "step") for r in rs[1:]], [num(r, "dist_to_ref") for r in rs[1:]],
                           color="tab:green", alpha=0.7, label="fresh_noise" if seed == "1" else None)
    copies = sorted((int(a[1:]), d) for a, d in final.items() if a[:1] == "J" and a[1:].isdigit())
    js = [j for j, ds in copies for _ in ds]
    dists = [d for _, ds in copies for d in ds]
    slope = loglog_slope(js, dists)
    means = [math.exp(np.mean(np.log(ds))) for _, ds in copies]
    axes[0].loglog(js, dists, "o", color="tab:blue", alpha=0.4, label="one seed")
    axes[0].loglog([j for j, _ in copies], means, "-", color="tab:blue", label="geometric mean over seeds")
    j0 = copies[0][0]
    fit0 = math.exp(np.mean(np.log(dists)) - slope * np.mean(np.log(js)))
    axes[0].loglog([j for j, _ in copies], [fit0 * j ** slope for j, _ in copies], "--", color="black",
                   label=f"fit: slope {slope:.3f}")
    for j, ds in copies:
        print(f"J {j}: mean dist_to_ref {np.mean(ds):.4g} geometric mean {math.exp(np.mean(np.log(ds))):.4g} "
              f"over {len(ds)} seeds")
    print(f"fitted slope of log dist_to_ref against log J: {slope:.4f} (J from {j0} to {copies[-1][0]})")
    if "fresh_noise" in final:
        fresh = final["fresh_noise"]
        axes[0].axhspan(min(fresh), max(fresh), color="tab:green", alpha=0.2,
                        label="fresh noise every step (SGD), final")
        print(f"fresh_noise: final dist_to_ref mean {np.mean(fresh):.4g} min {min(fresh):.4g} "
              f"max {max(fresh):.4g} over {len(fresh)} seeds")
    if "fresh_noise_vs_ols" in final:
        ols = final["fresh_noise_vs_ols"]
        ratios = [o / f for o, f in zip(ols, final["fresh_noise"])]
        print(f"fresh_noise against the unregularized least squares (min_norm): mean {np.mean(ols):.4g}; "
              f"distance ratio OLS / ridge min {min(ratios):.3g} max {max(ratios):.3g}")
    axes[0].set(xlabel="J, noisy copies of the training set", ylabel="‖θ_J − θ_ridge‖ / ‖θ_ridge‖",
                title="(a) least squares on J noisy copies → ridge, λ = 2σ²")
    axes[1].set(xlabel="step (minibatch SGD, new noise each step)", ylabel="‖θ_t − θ_ridge‖ / ‖θ_ridge‖",
                title="(b) per-step input noise")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    return fig


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("experiment", choices=["min_norm", "conditioning", "momentum_rates", "noise_as_ridge"])
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
        fig = {"min_norm": plot_min_norm, "conditioning": plot_conditioning,
               "noise_as_ridge": plot_noise_as_ridge}[a.experiment](rows, prefix)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(f"{prefix}.{ext}", dpi=110)
    print(f"wrote {prefix}.png and {prefix}.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
