"""grow_rank — the measured tables of docs/experiments/grow_rank.md (Haeffele & Vidal 2015,
Algorithm 1: grow the rank until the certificate holds) from a run of configs/grow_rank.yaml:
growth.csv's rows (one per rank tried and seed), then per seed where it stopped, whether the gap
fell strictly with r and the certificate failed below the stop, and how far the seeds' rows
differ at each rank."""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _factorization as fz  # noqa: E402
import _metrics as m  # noqa: E402

CONFIG = "configs/grow_rank.yaml"
# Reduced: 200 steps per rank instead of 1000 (the phases still reach their optima).
REDUCED_ARGS = ["--set", "training.grow_rank.epochs=200"]


def figure_commands(results, prefix):
    return [m.plot("plot_factorization.py", "grow_rank", results, "-o", prefix)]


def tol_of(results):
    """training.grow_rank.tol from resolved.yaml."""
    with open(os.path.join(results, "resolved.yaml")) as f:
        text = f.read()
    block = text.split("grow_rank:", 2)[-1]
    return float(re.search(r"\n\s+tol: ([^\n]+)", block).group(1))


def measured(results):
    rows = m.rows_of(results, "growth.csv")
    sol = fz.solutions(results)[0]
    tol = tol_of(results)
    by_seed = {}
    for r in rows:
        by_seed.setdefault(int(r["seed"]), []).append(r)
    out = ["| seed | rank | epochs | f − f* | cert_ratio |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        out.append(f"| {r['seed']} | {r['rank']} | {r['epochs']} | {m.number(r['suboptimality']):.6g} | "
                   f"{m.number(r['cert_ratio']):.9g} |")
    out += ["", f"rank(X*) = {int(sol['rank'])} (resolved.yaml), f* = {sol['f_star']:.6g}, "
            f"tol = {tol:g}:", "",
            "| seed | stopped at r | cert_ratio − 1 at the stop | f − f* at the stop "
            "| gap falls strictly with r | cert_ratio > 1 + tol at every r below the stop |",
            "| --- | --- | --- | --- | --- | --- |"]
    for s, rs in sorted(by_seed.items()):
        gaps = [m.number(r["suboptimality"]) for r in rs]
        certs = [m.number(r["cert_ratio"]) for r in rs]
        falls = all(b < a for a, b in zip(gaps, gaps[1:]))
        fails = all(c > 1 + tol for c in certs[:-1])
        out.append(f"| {s} | {rs[-1]['rank']} | {certs[-1] - 1:.2g} | {gaps[-1]:.3g} | "
                   f"{'yes' if falls else 'no'} | {'yes' if fails else 'no'} |")
    ranks = sorted({int(r["rank"]) for r in rows})
    out += ["", "Largest relative difference between the seeds' rows at each rank "
            "(max − min over seeds, divided by the mean):", "",
            "| rank | f − f* | cert_ratio |", "| --- | --- | --- |"]
    for k in ranks:
        at = [r for r in rows if int(r["rank"]) == k]
        cells = []
        for key in ("suboptimality", "cert_ratio"):
            v = [m.number(r[key]) for r in at]
            mean = sum(v) / len(v)
            cells.append(f"{(max(v) - min(v)) / mean:.2g}" if mean else "0")
        out.append(f"| {k} | {cells[0]} | {cells[1]} |")
    return "\n".join(out) + "\n"
