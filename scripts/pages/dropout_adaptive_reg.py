"""dropout_adaptive_reg — the measured tables of docs/experiments/dropout_adaptive_reg.md (Wager,
Wang & Liang 2013) from a run of configs/dropout_adaptive_reg.yaml: per dropout seed the
distance to the dropout_quadratic optimum and to the matched-L2 optimum, the penalty, the
matched λ and the test loss; the shrinkage of large- and small-scale features; the test losses
of every arm; dist_to_ref of the dropout runs along the way."""

import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE)))
import _metrics as m  # noqa: E402
from plot_regularization import final_theta, rel_dist  # noqa: E402

CONFIG = "configs/dropout_adaptive_reg.yaml"
# 300 full-batch steps instead of 2000 (evaluations at 0, 100, 200, 300).
REDUCED_ARGS = ["--set", "training.epochs=300"]
ALONG = (100, 500, 1000)


def figure_commands(results, prefix):
    return [m.plot("plot_regularization.py", "dropout_adaptive_reg", results, "-o", prefix)]


def measured(results):
    rows = m.rows(results)
    seeds = m.seeds(rows, "dropout")
    run = {(arm, s): m.series(rows, arm, s) for arm in ("dropout", "l2_matched", "mle")
           for s in m.seeds(rows, arm)}
    first = seeds[0]
    last_step = max(run[("dropout", first)])
    w_mle, _ = final_theta(results, "mle", first)
    w_l2, b_l2 = final_theta(results, "l2_matched", first)
    l2_last = run[("l2_matched", first)][last_step]
    out = [f"At step {last_step}; distances are ‖θ − θ_ref‖/‖θ_ref‖ over (w, b); the distance to "
           "`l2_matched` compares the dropout checkpoint with the `l2_matched` run's (seed "
           f"{first}), whose own dist_to_ref to its exact optimum is "
           f"{m.number(l2_last['dist_to_ref']):.1e}.", "",
           "| dropout seed | dist_to_ref (dropout_quadratic) | distance to l2_matched | ratio "
           "| dropout_penalty | matched λ = 2·penalty/‖w‖² | test loss |",
           "|---|---|---|---|---|---|---|"]
    for s in seeds:
        last = run[("dropout", s)][last_step]
        w, b = final_theta(results, "dropout", s)
        d_ref = m.number(last["dist_to_ref"])
        d_l2 = rel_dist(w + b, w_l2 + b_l2)
        lam = 2 * m.number(last["dropout_penalty"]) / m.number(last["weight_norm.out"]) ** 2
        out.append(f"| {s} | {d_ref:.4f} | {d_l2:.3f} | {d_l2 / d_ref:.1f} | "
                   f"{m.number(last['dropout_penalty']):.4f} | {lam:.5f} | {m.number(last['test_loss']):.4f} |")
    dim = len(w_mle)
    scales = [10 ** (-j / (dim - 1)) for j in range(dim)]
    large = [j for j in range(dim) if scales[j] > 0.5]
    small = [j for j in range(dim) if scales[j] < 0.3]

    def kept(w, idx):
        return sum(abs(w[j]) for j in idx) / sum(abs(w_mle[j]) for j in idx)

    out += ["", "Shrinkage Σ|w_j| / Σ|w_j(mle)| over the large-scale (s_j > 0.5) and small-scale "
            "(s_j < 0.3) features, and w_j / w_j(mle) at the smallest scale s_j = 0.1:", "",
            "| fit | s_j > 0.5 | s_j < 0.3 | at s_j = 0.1 |", "|---|---|---|---|"]
    for s in seeds:
        w = final_theta(results, "dropout", s)[0]
        out.append(f"| dropout (seed {s}) | {kept(w, large):.3f} | {kept(w, small):.3f} | "
                   f"{w[-1] / w_mle[-1]:.2f} |")
    out.append(f"| l2_matched | {kept(w_l2, large):.3f} | {kept(w_l2, small):.3f} | "
               f"{w_l2[-1] / w_mle[-1]:.2f} |")
    out += ["", "Test loss at the last step: " + "; ".join(
        f"{arm} {m.fmt([m.number(run[(arm, s)][last_step]['test_loss']) for s in m.seeds(rows, arm)], 4)}"
        for arm in ("mle", "dropout", "l2_matched")) + " (seeds " + ", ".join(map(str, seeds)) + ")."]
    steps = [t for t in ALONG if t in run[("dropout", first)]] or sorted(run[("dropout", first)])[1:2]
    out += ["", "dist_to_ref of the dropout runs along the way (seeds " + ", ".join(map(str, seeds)) + "):",
            "", "| step | " + " | ".join(str(t) for t in steps + [last_step]) + " |",
            "|---|" + "---|" * (len(steps) + 1),
            "| dist_to_ref | " + " | ".join(
                m.fmt([m.number(run[("dropout", s)][t]["dist_to_ref"]) for s in seeds], 3)
                for t in steps + [last_step]) + " |"]
    assert not any(math.isnan(x) for x in scales)
    return "\n".join(out) + "\n"
