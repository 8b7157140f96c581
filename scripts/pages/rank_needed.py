"""rank_needed — the measured tables of docs/experiments/rank_needed.md (how large the rank must be
for plain gradient descent to reach the nuclear-norm optimum) from a run of configs/rank_needed.yaml
(a sweep of data.observed × model.rank): the successes (final f − f* < 1e-6·f*) per cell out of the
seeds, with rank(X*) from resolved.yaml's solutions, and the range of the final gap per cell."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _factorization as fz  # noqa: E402
import _metrics as m  # noqa: E402

CONFIG = "configs/rank_needed.yaml"
# Reduced: 2 seeds instead of 10 and 300 steps instead of 3000.
REDUCED_ARGS = ["--seeds", "1,2", "--set", "training.epochs=300", "--set", "training.eval_every=300"]
SUCCESS = 1e-6   # a run succeeds when f − f* < SUCCESS·f*


def figure_commands(results, prefix):
    return [m.plot("plot_factorization.py", "rank_needed", results, "-o", prefix)]


def measured(results):
    rows = m.rows(results)
    sols = fz.solutions(results)
    last = fz.last_rows(rows, key=lambda r: (r["data.observed"], int(r["model.rank"]), int(r["seed"])))
    observed = sorted({k[0] for k in last}, key=float)
    ranks = sorted({k[1] for k in last})
    seeds = sorted({k[2] for k in last})
    head = "| observed | rank(X*) | " + " | ".join(f"r = {r}" for r in ranks)
    sep = "| --- | --- | " + " | ".join("---" for _ in ranks)
    out = [f"Successes (f − f* < {SUCCESS:g}·f* at the last step) out of {len(seeds)} seeds:", "",
           head + " | success exactly when r ≥ rank(X*) |", sep + " | --- |"]
    gaps = []
    for oi, obs in enumerate(observed):
        sol = sols[oi * len(ranks)]   # solutions in sweep-point order, model.rank varying fastest
        star, f_star = int(sol["rank"]), sol["f_star"]
        cells, exact, gap_cells = [], True, []
        for r in ranks:
            g = [m.number(last[(obs, r, s)]["suboptimality"]) for s in seeds if (obs, r, s) in last]
            ok = sum(1 for v in g if v < SUCCESS * f_star)
            cells.append(f"{ok}/{len(g)}")
            exact &= ok == (len(g) if r >= star else 0)
            gap_cells.append(fz.span(g, ".2g"))
        out.append(f"| {obs} | {star} | " + " | ".join(cells) + f" | {'yes' if exact else 'no'} |")
        gaps.append(f"| {obs} | {star} | " + " | ".join(gap_cells) + " |")
    out += ["", "Final f − f* per cell, min–max over the seeds (one value when they agree to two "
            "digits):", "", head + " |", sep + " |"] + gaps
    return "\n".join(out) + "\n"
