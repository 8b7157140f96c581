"""depth_efficiency — the measured tables of docs/experiments/depth_efficiency.md (Cohen, Sharir &
Shashua 2016) from a run of configs/depth_efficiency.yaml: per arm the number of parameters and the
final fit_rel_error (min, median, max over seeds × data seeds) and matricization_rank, the HT
model's runs one by one, and how HT compares with CP of about as many parameters."""

import math
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/depth_efficiency.yaml"
# The test harness's short run: every arm, one seed, data seeds 1–3, 300 steps.
REDUCED_ARGS = ["--seeds", "1", "--set", "training.epochs=300", "--set", "training.eval_every=100"]


def figure_commands(results, prefix):
    return [m.plot("plot_depth_efficiency.py", results, "-o", prefix)]


def read_shape(results):
    """data.shape from resolved.yaml."""
    with open(os.path.join(results, "resolved.yaml")) as f:
        found = re.search(r"^\s*shape: \[([0-9, ]+)\]", f.read(), re.M)
    return [int(x) for x in found.group(1).split(",")]


def n_params(arm, shape):
    """Parameters of arm cpZ (Z·Σ M_n) or htR (Σ M_n·R + (N − 2)·R² + R)."""
    kind, rank = re.fullmatch(r"(cp|ht)(\d+)", arm).groups()
    rank = int(rank)
    if kind == "cp":
        return rank * sum(shape)
    return sum(shape) * rank + (len(shape) - 2) * rank * rank + rank


def g3(x):
    """Three significant digits, with a power of ten below 10⁻³."""
    if math.isnan(x):
        return "nan"
    if x != 0 and abs(x) < 1e-3:
        mant, exp = f"{x:.2e}".split("e")
        sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
        return f"{float(mant):.3g}·10{str(int(exp)).translate(sup)}"
    return f"{x:.3g}"


def finals(results):
    """(arm, seed, data.seed) -> the last row of that run."""
    last = {}
    for r in m.rows(results):
        key = (r["arm"], int(r["seed"]), int(r.get("data.seed") or 0))
        if key not in last or int(r["step"]) >= int(last[key]["step"]):
            last[key] = r
    return last


def measured(results):
    shape = read_shape(results)
    last = finals(results)
    by_arm = {}
    for (arm, seed, dseed), r in last.items():
        by_arm.setdefault(arm, []).append((seed, dseed, m.number(r["fit_rel_error"]),
                                           m.number(r["matricization_rank"]), int(r["step"])))
    arms = sorted(by_arm, key=lambda a: (a[:2], n_params(a, shape)))
    out = ["**The fits** (final values; runs = seeds × data seeds):", "",
           "| arm | parameters | runs | steps | fit_rel_error min | median | max | matricization_rank |",
           "|---|---|---|---|---|---|---|---|"]
    for a in arms:
        v = by_arm[a]
        fits = [x[2] for x in v]
        ranks = sorted({int(x[3]) for x in v if not math.isnan(x[3])})
        out.append(f"| {a} | {n_params(a, shape)} | {len(v)} | {v[0][4]} | {g3(min(fits))} | "
                   f"{g3(statistics.median(fits))} | {g3(max(fits))} | {', '.join(map(str, ranks))} |")
    hts = [a for a in arms if a.startswith("ht")]
    cps = {int(a[2:]): a for a in arms if a.startswith("cp")}
    for h in hts:
        out += ["", f"{h}, each run, beside CP of 4 and 8 terms on the same seed and data seed:", "",
                "| seed | data.seed | " + h + " fit_rel_error | cp4 | cp8 | cp4 / " + h + " |",
                "|---|---|---|---|---|---|"]
        for seed, dseed, fit, _, _ in sorted(by_arm[h]):
            cp4 = last.get((cps.get(4, ""), seed, dseed))
            cp8 = last.get((cps.get(8, ""), seed, dseed))
            f4 = m.number(cp4["fit_rel_error"]) if cp4 else math.nan
            f8 = m.number(cp8["fit_rel_error"]) if cp8 else math.nan
            out.append(f"| {seed} | {dseed} | {g3(fit)} | {g3(f4)} | {g3(f8)} | {f4 / fit:.3g} |")
    return "\n".join(out) + "\n"
