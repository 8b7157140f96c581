"""lasso_vs_ridge — the measured table of docs/experiments/lasso_vs_ridge.md (Tibshirani 1996)
from a run of configs/lasso_vs_ridge.yaml (float64, five data sets) and its float32 side run:
per data set and arm the exact zeros, the support against the truth, the distance to the exact
reference, the test loss and the smallest nonzero coefficient."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import _metrics as m  # noqa: E402
from plot_regularization import final_theta  # noqa: E402

CONFIG = "configs/lasso_vs_ridge.yaml"
EXTRA_RUNS = [m.FLOAT32_RUN]
REDUCED_ARGS = ["--set", "training.epochs=200", "--set", "sweep.data.seed=[1,2]"]
ARMS = ("lasso", "ridge", "ridge_strong")


def figure_commands(results, prefix):
    return [m.plot("plot_regularization.py", "lasso_vs_ridge", results, "-o", prefix)]


def table(results, label):
    rows = m.rows(results)
    points = sorted({r["data.seed"] for r in rows}, key=float)
    out = [f"{label}, at the last step:", "",
           "| data.seed | arm | sparsity.out | false zeros | false nonzeros | support recovered "
           "| dist_to_ref | suboptimality | test loss | smallest nonzero \\|w_j\\| |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    worst = {arm: 0.0 for arm in ARMS}
    for i, p in enumerate(points):
        for arm in ARMS:
            last = [r for r in rows if r["arm"] == arm and r["data.seed"] == p][-1]
            w, _ = final_theta(results, arm, last["seed"], i)
            nonzero = [abs(v) for v in w if v != 0.0]
            dist = m.number(last["dist_to_ref"])
            worst[arm] = max(worst[arm], dist)
            out.append(f"| {p} | {arm} | {m.number(last['sparsity.out']):.3g} | "
                       f"{int(m.number(last['false_zeros']))} | {int(m.number(last['false_nonzeros']))} | "
                       f"{int(m.number(last['support_recovered']))} | {dist:.3g} | "
                       f"{m.number(last['suboptimality']):.2g} | {m.number(last['test_loss']):.4g} | "
                       f"{min(nonzero) if nonzero else 0:.3g} |")
    out += ["", "Largest dist_to_ref over the data sets: " +
            ", ".join(f"{arm} {worst[arm]:.3g}" for arm in ARMS) + "."]
    return out


def measured(results):
    return m.both_precisions(results, table)
