"""adagrad_scaling — the measured tables of docs/experiments/adagrad_scaling.md (Duchi, Hazan &
Singer 2011) from a run of configs/adagrad_scaling.yaml: per data seed, the iterations of
Adagrad (ε = 0) and of GD (η = 1/L) to ‖θ_t − θ*‖ ≤ 10⁻³·‖θ₀ − θ*‖ at κ = 10 … 10⁴, the largest
gap between Adagrad's curves at κ and at 10, and the float floors the runs reach."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/adagrad_scaling.yaml"
# One data seed, and GD at κ = 10⁴ cut to 20 000 epochs (it then never reaches the tolerance).
REDUCED_ARGS = ["--set", "sweep.data.seed=[1]", "--set", "arms.7.training.epochs=20000"]
TOL = 1e-3
KAPPAS = (1, 2, 3, 4)


def figure_commands(results, prefix):
    return [m.plot("plot_adagrad_scaling.py", results, "-o", prefix)]


def curves(rows):
    """(arm, data seed) -> [(step, dist_to_ref)] in step order."""
    out = {}
    for r in rows:
        out.setdefault((r["arm"], int(r.get("data.seed") or 1)), []).append(
            (int(r["step"]), m.number(r["dist_to_ref"])))
    return {k: sorted(v) for k, v in out.items()}


def steps_to(curve):
    return next((s for s, d in curve if d <= TOL), math.nan)


def measured(results):
    c = curves(m.rows(results))
    seeds = sorted({s for _, s in c})
    heads = " | ".join(f"κ = 10^{k}" for k in KAPPAS)
    out = [f"Iterations to ‖θ_t − θ*‖ ≤ {TOL:g}·‖θ₀ − θ*‖ (first evaluated step):", "",
           f"| data seed | method | {heads} | ratio 10⁴ / 10 | theory |",
           "|---|---|" + "---|" * len(KAPPAS) + "---|---|"]
    for seed in seeds:
        for method, label, theory in (("adagrad", "Adagrad, ε = 0", "1"), ("gd", "GD, η = 1/L", "≈ 1000")):
            counts = [steps_to(c[(f"{method}_k1e{k}", seed)]) for k in KAPPAS]
            ratio = counts[-1] / counts[0]
            cells = " | ".join(m.fmt([n], 0) for n in counts)
            r = "never" if math.isnan(ratio) else (f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}")
            out.append(f"| {seed} | {label} | {cells} | **{r}** | {theory} |")
    out += ["", "max_t |dist_κ(t) − dist_10(t)| between the Adagrad curves (relative distances, "
            "every evaluated step):", "",
            "| data seed | " + " | ".join(f"κ = 10^{k}" for k in KAPPAS[1:]) + " |",
            "|---|" + "---|" * (len(KAPPAS) - 1)]
    for seed in seeds:
        base = dict(c[("adagrad_k1e1", seed)])
        diffs = []
        for k in KAPPAS[1:]:
            other = dict(c[(f"adagrad_k1e{k}", seed)])
            diffs.append(max(abs(base[s] - other[s]) for s in base if s in other))
        out.append(f"| {seed} | " + " | ".join(f"{d:.1e}" for d in diffs) + " |")
    out += ["", "Float floors: the smallest dist_to_ref each arm reaches (data seeds "
            f"{', '.join(map(str, seeds))}):", "",
            "| method | " + " | ".join(f"κ = 10^{k}" for k in KAPPAS) + " |",
            "|---|" + "---|" * len(KAPPAS)]
    for method, label in (("adagrad", "Adagrad, ε = 0"), ("gd", "GD, η = 1/L")):
        cells = [", ".join(f"{min(d for _, d in c[(f'{method}_k1e{k}', s)]):.1e}" for s in seeds)
                 for k in KAPPAS]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
