"""factorization_certificate — the measured tables of docs/experiments/factorization_certificate.md
(Haeffele & Vidal 2015, the global-optimality certificate of a matrix factorization) from a run of
configs/factorization_certificate.yaml: per (arm, seed) the final gap f − f*, cert_ratio, factor
balance, factor rank against rank(X*) (resolved.yaml's solutions) and zero columns, then per arm
the ranges the page's prose discusses (relative gap, distance to X*, |cert_ratio − 1|, balance)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _factorization as fz  # noqa: E402
import _metrics as m  # noqa: E402

CONFIG = "configs/factorization_certificate.yaml"
# Reduced: 400 steps instead of 4000, rows every 50 (enough for every column to be written).
REDUCED_ARGS = ["--set", "training.epochs=400"]
ARMS = ("full", "completion")


def figure_commands(results, prefix):
    return [m.plot("plot_factorization.py", "certificate", results, "-o", prefix)]


def measured(results):
    rows = m.rows(results)
    sol = {e["arm"]: e for e in fz.solutions(results)}
    last = fz.last_rows(rows)
    step = max(int(r["step"]) for r in last.values())
    out = [f"At step {step}:", "",
           "| arm | seed | f − f* | f* | cert_ratio | factor_balance | factor_rank | rank(X*) "
           "| zero_columns | dist_to_ref |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (arm, s), r in last.items():
        out.append(f"| {arm} | {s} | {m.number(r['suboptimality']):.3g} | {sol[arm]['f_star']:.6g} | "
                   f"{m.number(r['cert_ratio']):.9g} | {m.number(r['factor_balance']):.3g} | "
                   f"{int(m.number(r['factor_rank']))} | {int(sol[arm]['rank'])} | "
                   f"{int(m.number(r['zero_columns']))} | {m.number(r['dist_to_ref']):.3g} |")
    out += ["", "Per arm, over its seeds (ranges min–max):", "",
            "| arm | (f − f*)/f* | ‖UVᵀ − X*‖_F/‖X*‖_F | \\|cert_ratio − 1\\| | factor_balance "
            "| r − rank(X*) = zero_columns on every seed |",
            "| --- | --- | --- | --- | --- | --- |"]
    for arm in dict.fromkeys(a for a, _ in last):
        rs = [r for (a, _), r in last.items() if a == arm]
        f_star = sol[arm]["f_star"]
        rank = int(m.number(rs[0]["factor_rank"])) + int(m.number(rs[0]["zero_columns"]))
        zero_ok = all(int(m.number(r["zero_columns"])) == rank - sol[arm]["rank"] for r in rs)
        out.append(f"| {arm} | {fz.span([m.number(r['suboptimality']) / f_star for r in rs], '.2g')} | "
                   f"{fz.span([m.number(r['dist_to_ref']) for r in rs], '.2g')} | "
                   f"{fz.span([abs(m.number(r['cert_ratio']) - 1) for r in rs], '.2g')} | "
                   f"{fz.span([m.number(r['factor_balance']) for r in rs], '.2g')} | "
                   f"{'yes' if zero_ok else 'no'} |")
    return "\n".join(out) + "\n"
