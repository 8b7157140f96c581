"""homogeneity — the measured tables of docs/experiments/homogeneity.md (Haeffele & Vidal 2015:
how stringent is the matched-degree condition of the certificate?) from a run of
configs/homogeneity.yaml: per (arm, seed) the final objective, train loss, polar_ratio and active
units; per arm the passes at tol and at tol/10 and the objective's spread over seeds; the
polar_ratio's range over training; the l1 arm's seeds at the zero network; the runs' wall_s."""

import math
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _factorization as fz  # noqa: E402
import _metrics as m  # noqa: E402

CONFIG = "configs/homogeneity.yaml"
# Reduced: 2000 steps instead of 60000, rows every 500.
REDUCED_ARGS = ["--set", "training.epochs=2000", "--set", "training.eval_every=500"]
TOL = 0.01   # the page's tolerance (plot_factorization.py's default --tol)


def figure_commands(results, prefix):
    return [m.plot("plot_factorization.py", "homogeneity", results, "-o", prefix, "--tol", str(TOL))]


def measured(results):
    rows = m.rows(results)
    last = fz.last_rows(rows)
    arms = list(dict.fromkeys(a for a, _ in last))
    step = max(int(r["step"]) for r in last.values())
    num = lambda r, k: m.number(r[k])   # noqa: E731
    out = [f"At step {step} (`objective` is the row's mean regularized objective over the "
           "steps since the previous row):", "",
           "| arm | seed | objective | train_loss | polar_ratio | active_units |",
           "| --- | --- | --- | --- | --- | --- |"]
    for (a, s), r in last.items():
        out.append(f"| {a} | {s} | {num(r, 'objective'):.6g} | {num(r, 'train_loss'):.6g} | "
                   f"{num(r, 'polar_ratio'):.6g} | {int(num(r, 'active_units'))} |")
    out += ["", f"| arm | seeds | polar_ratio ≤ 1 + {TOL:g} | polar_ratio ≤ 1 + {TOL / 10:g} | final "
            "polar_ratio | objective mean | max − min | sd (over seeds, n − 1) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for a in arms:
        rs = [r for (x, _), r in last.items() if x == a]
        obj = [num(r, "objective") for r in rs]
        polar = [num(r, "polar_ratio") for r in rs]
        sd = statistics.stdev(obj) if len(obj) > 1 else 0.0
        out.append(f"| {a} | {len(rs)} | {sum(q <= 1 + TOL for q in polar)}/{len(rs)} | "
                   f"{sum(q <= 1 + TOL / 10 for q in polar)}/{len(rs)} | {fz.span(polar, '.5g')} | "
                   f"{statistics.mean(obj):.6g} | {max(obj) - min(obj):.3g} | {sd:.3g} |")
    steps = sorted({int(r["step"]) for r in rows if int(r["step"]) > 0})
    first, later = steps[0], steps[min(2, len(steps) - 1)]
    out += ["", "polar_ratio over training, every seed of the arm:", "",
            f"| arm | at step {first} | from step {later} on |", "| --- | --- | --- |"]
    for a in arms:
        at = [m.number(r["polar_ratio"]) for r in rows if r["arm"] == a and int(r["step"]) == first]
        on = [m.number(r["polar_ratio"]) for r in rows if r["arm"] == a and int(r["step"]) >= later]
        out.append(f"| {a} | {fz.span(at, '.5g')} | {fz.span(on, '.5g')} |")
    zero = math.log(3)
    for a in arms:
        rs = [r for (x, _), r in last.items() if x == a]
        at_zero = [s for (x, s), r in last.items() if x == a and int(num(r, "active_units")) == 0
                   and abs(num(r, "objective") - zero) < 1e-3]
        if at_zero:
            out += ["", f"`{a}`: seeds at the zero network (objective log 3 = {zero:.5f} to 10⁻³, no "
                    f"active unit): {', '.join(map(str, at_zero))} of {len(rs)}."]
    wall = {}
    for r in m.rows_of(results, "summary.csv"):
        wall.setdefault(r["arm"], []).append(float(r["wall_s"]))
    out += ["", "Training time per seed (summary.csv's wall_s, s): " +
            "; ".join(f"{a} {fz.span(v, '.1f')}" for a, v in wall.items()) + "."]
    return "\n".join(out) + "\n"
