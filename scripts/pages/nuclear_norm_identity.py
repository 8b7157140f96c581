"""nuclear_norm_identity — the measured tables of docs/experiments/nuclear_norm_identity.md (the
variational form of the nuclear norm, ‖X‖_* = min over UVᵀ = X of ½(‖U‖² + ‖V‖²), attained only
at balanced factors) from a run of configs/nuclear_norm_identity.yaml: per (arm, seed) the final
½(‖U‖² + ‖V‖²) from the weight_norm columns against resolved.yaml's ‖X*‖_*, the balance, the
distance to X* and the gap, then each arm's ranges."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _factorization as fz  # noqa: E402
import _metrics as m  # noqa: E402

CONFIG = "configs/nuclear_norm_identity.yaml"
# Reduced: 2000 steps instead of 8000, rows every 500.
REDUCED_ARGS = ["--set", "training.epochs=2000", "--set", "training.eval_every=500"]


def figure_commands(results, prefix):
    return [m.plot("plot_factorization.py", "identity", results, "-o", prefix)]


def half_norm(r):
    """½(‖U‖²_F + ‖V‖²_F) from the row's weight_norm.U and weight_norm.V (Frobenius norms)."""
    return 0.5 * (m.number(r["weight_norm.U"]) ** 2 + m.number(r["weight_norm.V"]) ** 2)


def measured(results):
    rows = m.rows(results)
    sols = fz.solutions(results)
    nuclear = sols[0]["nuclear_norm"]
    last = fz.last_rows(rows)
    step = max(int(r["step"]) for r in last.values())
    out = [f"‖X*‖_* = {nuclear:.9g}, rank(X*) = {int(sols[0]['rank'])} (resolved.yaml; the same "
           f"X* for both arms); step {step}:", "",
           "| arm | seed | ½(‖U‖² + ‖V‖²) | − ‖X*‖_* | factor_balance | ‖UVᵀ − X*‖/‖X*‖ | f − f* |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for (arm, s), r in last.items():
        h = half_norm(r)
        out.append(f"| {arm} | {s} | {h:.9g} | {h - nuclear:.3g} | {m.number(r['factor_balance']):.3g} | "
                   f"{m.number(r['dist_to_ref']):.3g} | {m.number(r['suboptimality']):.3g} |")
    out += ["", "Per arm, over its seeds (min–max):", "",
            "| arm | (½(‖U‖² + ‖V‖²) − ‖X*‖_*)/‖X*‖_* | factor_balance | ‖UVᵀ − X*‖/‖X*‖ | f − f* |",
            "| --- | --- | --- | --- | --- |"]
    for arm in dict.fromkeys(a for a, _ in last):
        rs = [r for (a, _), r in last.items() if a == arm]
        out.append(f"| {arm} | {fz.span([(half_norm(r) - nuclear) / nuclear for r in rs], '.2g')} | "
                   f"{fz.span([m.number(r['factor_balance']) for r in rs], '.2g')} | "
                   f"{fz.span([m.number(r['dist_to_ref']) for r in rs], '.2g')} | "
                   f"{fz.span([m.number(r['suboptimality']) for r in rs], '.2g')} |")
    return "\n".join(out) + "\n"
