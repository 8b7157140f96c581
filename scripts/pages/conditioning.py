"""conditioning — the measured tables of docs/experiments/conditioning.md (LeCun et al. 1998,
§4.3, §5) from a run of configs/conditioning.yaml (float64) and its float32 side run: per arm,
κ of the preprocessed inputs, the steps to relative suboptimality 1e-6 and 1e-10, and the
relative suboptimality at the arm's last step."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/conditioning.yaml"
EXTRA_RUNS = [m.FLOAT32_RUN]
# A few seconds: 600 steps for the slow arms (their κ is still measured, their steps say "never").
REDUCED_ARGS = ["--set", "training.epochs=600"]
ARMS = ("none", "standardize", "whiten", "adagrad")


def figure_commands(results, prefix):
    return [m.plot("plot_optimlab.py", "conditioning", results, "-o", prefix)]


def arm_figures(run):
    """κ, steps to relative f − f* ≤ 1e-6 and ≤ 1e-10, the last step and its relative f − f*."""
    steps = sorted(run)
    f0 = m.number(run[steps[0]]["suboptimality"])
    rel = {t: m.number(run[t]["suboptimality"]) / f0 for t in steps}
    first = lambda tol: next((t for t in steps if rel[t] <= tol), math.nan)  # noqa: E731
    return {"kappa": m.number(run[steps[0]]["condition_number.out"]), "t6": first(1e-6),
            "t10": first(1e-10), "last": steps[-1], "rel": rel[steps[-1]],
            "dist": m.number(run[steps[-1]]["dist_to_ref"])}


def table(results):
    rows = m.rows(results)
    out = ["| arm | κ after preprocessing | κ − 1 | steps to 1e-6 | steps to 1e-10 "
           "| last step | relative f − f* there | ‖θ − θ*‖/‖θ*‖ there |", "|---|---|---|---|---|---|---|---|"]
    for arm in ARMS:
        seed = m.seeds(rows, arm)[0]
        f = arm_figures(m.series(rows, arm, seed))
        steps = lambda t: "never" if math.isnan(t) else str(t)  # noqa: E731
        out.append(f"| {arm} | {f['kappa']:.10g} | {f['kappa'] - 1:.3g} | {steps(f['t6'])} | "
                   f"{steps(f['t10'])} | {f['last']} | {f['rel']:.3g} | {f['dist']:.3g} |")
    return out


def measured(results):
    return ("Relative suboptimality (f − f*)/(f₀ − f*), every 10 steps (the whiten arm every "
            "step).\n\n" + m.both_precisions(results, lambda r, label: [label + ":", ""] + table(r)))
