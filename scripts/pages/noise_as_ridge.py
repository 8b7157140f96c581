"""noise_as_ridge — the measured tables of docs/experiments/noise_as_ridge.md (Bishop 1995:
training with input noise is Tikhonov regularization) from a run of configs/noise_as_ridge.yaml
(float64) and its float32 side run: per arm and seed the final distance to the ridge solution,
the geometric mean over seeds, the fitted rate in J and the fresh-noise comparison."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/noise_as_ridge.yaml"
EXTRA_RUNS = [m.FLOAT32_RUN]
REDUCED_ARGS = ["--seeds", "1,2", "--set", "training.epochs=40"]
COPIES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def figure_commands(results, prefix):
    return [m.plot("plot_optimlab.py", "noise_as_ridge", results, "-o", prefix)]


def final_distances(rows, arm):
    """{seed: final dist_to_ref} of one arm."""
    out = {}
    for seed in m.seeds(rows, arm):
        run = m.series(rows, arm, seed)
        out[seed] = m.number(run[max(run)]["dist_to_ref"])
    return out


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def slope(points):
    """Least-squares slope of log d on log J over every (J, d)."""
    lx, ly = [math.log(j) for j, _ in points], [math.log(d) for _, d in points]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def tables(results, label):
    rows = m.rows(results)
    arms = [f"J{j}" for j in COPIES] + ["fresh_noise", "fresh_noise_vs_ols"]
    dist = {arm: final_distances(rows, arm) for arm in arms}
    seeds = sorted(dist["J1"])
    out = [f"{label}: final `dist_to_ref` = ‖θ − θ_ridge‖/‖θ_ridge‖ (over W and b) per seed, and "
           "the geometric mean over the seeds:", "",
           "| arm | " + " | ".join(f"seed {s}" for s in seeds) + " | geometric mean |",
           "|---" * (len(seeds) + 2) + "|"]
    for arm in arms:
        out.append(f"| {arm} | " + " | ".join(f"{dist[arm][s]:.4g}" for s in seeds) +
                   f" | {geomean(dist[arm].values()):.4g} |")
    points = [(j, d) for j in COPIES for d in dist[f"J{j}"].values()]
    fall = geomean(dist["J1"].values()) / geomean(dist[f"J{COPIES[-1]}"].values())
    fresh = [dist["fresh_noise"][s] for s in seeds]
    ratio = [dist["fresh_noise_vs_ols"][s] / dist["fresh_noise"][s] for s in seeds]
    out += ["", f"- Slope of log dist_to_ref against log J over all {len(points)} (J, seed) pairs: "
            f"**{slope(points):.3f}** (theory −1/2); from J = 1 to J = {COPIES[-1]} the geometric "
            f"mean falls by a factor {fall:.1f} ({COPIES[-1]}^(1/2) = {math.sqrt(COPIES[-1]):.0f}).",
            f"- Fresh noise at every step: distance {min(fresh):.3f}–{max(fresh):.3f} from the ridge "
            f"solution; per seed {min(ratio):.1f}–{max(ratio):.1f} times nearer to ridge than to "
            "the unregularized least-squares solution."]
    return out


def measured(results):
    return m.both_precisions(results, tables)
