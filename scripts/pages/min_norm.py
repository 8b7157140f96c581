"""min_norm — the measured tables of docs/experiments/min_norm.md (the implicit bias of
gradient descent; Tikhonov's ridge path) from a run of configs/min_norm.yaml (float64) and its
float32 side run: the final suboptimality and distance to the pseudo-inverse solution of GD
from zero and from elsewhere, and the ridge arms' distances against λ with their log-log slope."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/min_norm.yaml"
EXTRA_RUNS = [m.FLOAT32_RUN]
REDUCED_ARGS = ["--set", "training.epochs=600", "--seeds", "1"]
LAMBDAS = ("1e-4", "1e-3", "1e-2", "1e-1")


def figure_commands(results, prefix):
    return [m.plot("plot_optimlab.py", "min_norm", results, "-o", prefix)]


def last(rows, arm, seed):
    run = m.series(rows, arm, seed)
    return run[max(run)]


def slope(xs, ys):
    """Least-squares slope of log y on log x."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return (sum((a - mx) * (b - my) for a, b in zip(lx, ly)) /
            sum((a - mx) ** 2 for a in lx))


def tables(results, label):
    rows = m.rows(results)
    out = [f"{label}:", "", "| arm | seed | step | f − f* | ‖θ − θ*‖/‖θ*‖ |", "|---|---|---|---|---|"]
    for arm in ("from_zero", "elsewhere"):
        for seed in m.seeds(rows, arm):
            r = last(rows, arm, seed)
            out.append(f"| {arm} | {seed} | {r['step']} | {m.number(r['suboptimality']):.3g} | "
                       f"{m.number(r['dist_to_ref']):.4g} |")
    seed = m.seeds(rows, "ridge_" + LAMBDAS[0])[0]
    dist = [m.number(last(rows, f"ridge_{lam}", seed)["dist_to_ref"]) for lam in LAMBDAS]
    gd = [m.number(last(rows, f"ridge_{lam}_gd", seed)["dist_to_ref"]) for lam in LAMBDAS]
    out += ["", "| λ | ridge θ_λ to the pseudo-inverse: ‖θ_λ − θ⁺‖/‖θ⁺‖ | GD to its closed-form "
            "ridge optimum: ‖θ_GD − θ_λ‖/‖θ_λ‖ |", "|---|---|---|"]
    out += [f"| {lam} | {d:.6g} | {g:.3g} |" for lam, d, g in zip(LAMBDAS, dist, gd)]
    out += ["", f"Log-log slope of the distance to the pseudo-inverse over λ = {LAMBDAS[0]} .. "
            f"{LAMBDAS[-1]}: {slope([float(x) for x in LAMBDAS], dist):.4f}; largest GD distance to "
            f"its ridge optimum: {max(gd):.3g}."]
    return out


def measured(results):
    return m.both_precisions(results, tables)
