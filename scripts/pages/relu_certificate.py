"""relu_certificate — the measured tables of docs/experiments/relu_certificate.md (the polar
certificate of a two-layer ReLU network as it widens, Haeffele & Vidal 2015 §4) from a run of
configs/relu_certificate.yaml (a sweep of model.hidden): per (width, seed) the final objective,
train loss, polar_ratio and active units, then per width their ranges over the seeds."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _factorization as fz  # noqa: E402
import _metrics as m  # noqa: E402

CONFIG = "configs/relu_certificate.yaml"
# Reduced: 1000 steps instead of 20000, rows every 500.
REDUCED_ARGS = ["--set", "training.epochs=1000", "--set", "training.eval_every=500"]


def figure_commands(results, prefix):
    return [m.plot("plot_factorization.py", "relu", results, "-o", prefix)]


def measured(results):
    rows = m.rows(results)
    last = fz.last_rows(rows, key=lambda r: (int(r["model.hidden"].strip("[]")), int(r["seed"])))
    widths = sorted({w for w, _ in last})
    step = max(int(r["step"]) for r in last.values())
    out = [f"At step {step}:", "",
           "| width r | seed | objective | train_loss | polar_ratio | active_units |",
           "| --- | --- | --- | --- | --- | --- |"]
    for (w, s), r in sorted(last.items()):
        out.append(f"| {w} | {s} | {m.number(r['objective']):.6g} | {m.number(r['train_loss']):.6g} | "
                   f"{m.number(r['polar_ratio']):.6g} | {int(m.number(r['active_units']))} |")
    out += ["", "Per width, over the seeds (min–max):", "",
            "| width r | polar_ratio | objective | active units |", "| --- | --- | --- | --- |"]
    polar_max, objective_max = [], []
    for w in widths:
        rs = [r for (x, _), r in last.items() if x == w]
        polar = [m.number(r["polar_ratio"]) for r in rs]
        obj = [m.number(r["objective"]) for r in rs]
        polar_max.append((min(polar), max(polar)))
        objective_max.append((min(obj), max(obj)))
        out.append(f"| {w} | {fz.span(polar, '.4g')} | {fz.span(obj, '.3f')} | "
                   f"{fz.span([m.number(r['active_units']) for r in rs], '.0f')} of {w} |")
    falls = all(b[1] < a[0] for a, b in zip(polar_max, polar_max[1:]))
    above = all(lo > 1 for lo, _ in polar_max)
    out += ["", f"polar_ratio falls with the width (every seed's value below every value at the "
            f"previous width): {'yes' if falls else 'no'}; above 1 on every run: "
            f"{'yes' if above else 'no'}."]
    return "\n".join(out) + "\n"
