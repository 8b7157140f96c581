"""dropout_ridge — the measured tables of docs/experiments/dropout_ridge.md (Srivastava et al.
2014, §9.1: dropout on linear regression is a data-dependent ridge) from a run of
configs/dropout_ridge.yaml: the final dist_to_ref per J and seed with the geometric mean, the
least-squares slope of log dist on log J, the J = 256 / J = 1 ratio, fresh_masks' distances,
GD's convergence (last two evaluations), and inverted against test-time scaling (weight ratios
from the checkpoints, test losses, distances)."""

import json
import math
import os
import struct
import sys
from array import array

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/dropout_ridge.yaml"
# Two seeds instead of five.
REDUCED_ARGS = ["--set", "seeds=2"]
JS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
KEEP = 0.7


def figure_commands(results, prefix):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [["/usr/bin/python3", os.path.join(root, "scripts", "plot_dropout_ridge.py"), results,
             "-o", prefix, "--keep", str(KEEP)]]


def weights(results, arm, seed):
    """out.weight of runs/ARM/seed-SEED/checkpoint.safetensors (float32, little-endian)."""
    with open(os.path.join(results, "runs", arm, f"seed-{seed}", "checkpoint.safetensors"), "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    start, end = json.loads(blob[8:8 + n])["out.weight"]["data_offsets"]
    w = array("f")
    w.frombytes(blob[8 + n + start:8 + n + end])
    if sys.byteorder != "little":
        w.byteswap()
    return list(w)


def measured(results):
    rows = m.rows(results)
    seeds = m.seeds(rows, "J1")
    ser = {(r["arm"], int(r["seed"])): None for r in rows}
    for key in ser:
        ser[key] = m.series(rows, *key)
    last = {k: v[max(v)] for k, v in ser.items()}
    dist = {k: m.number(r["dist_to_ref"]) for k, r in last.items()}
    gmean = {j: math.exp(sum(math.log(dist[(f"J{j}", s)]) for s in seeds) / len(seeds)) for j in JS}
    final_step = max(ser[("J1", seeds[0])])
    out = [f"Final dist_to_ref = ‖θ − θ*‖/‖θ*‖ (step {final_step}):", "",
           "| J | " + " | ".join(f"seed {s}" for s in seeds) + " | geometric mean |",
           "|---|" + "---|" * (len(seeds) + 1)]
    for j in JS:
        out.append(f"| {j} | " + " | ".join(f"{dist[(f'J{j}', s)]:.4f}" for s in seeds)
                   + f" | {gmean[j]:.4f} |")
    xs = [math.log(j) for j in JS for _ in seeds]
    ys = [math.log(dist[(f"J{j}", s)]) for j in JS for s in seeds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    # GD convergence: the last two evaluations of every fixed-copy arm
    change = 0.0
    for (arm, s), v in ser.items():
        if arm.startswith("J"):
            steps = sorted(v)
            change = max(change, abs(m.number(v[steps[-1]]["dist_to_ref"]) - m.number(v[steps[-2]]["dist_to_ref"])))
    rises = [f"seed {s}: J = {a} → {b}" for s in seeds for a, b in zip(JS, JS[1:])
             if dist[(f"J{b}", s)] > dist[(f"J{a}", s)]]
    fresh = [dist[("fresh_masks", s)] for s in m.seeds(rows, "fresh_masks")]
    out += ["", "| quantity | measured | theory |", "|---|---|---|",
            f"| slope of log dist on log J (least squares over every (J, seed)) | **{slope:.3f}** | −0.5 |".replace("-", "−"),
            f"| geometric-mean ratio J = 256 / J = 1 | **{gmean[256] / gmean[1]:.4f}** | 1/16 = 0.0625 |",
            f"| fresh_masks, final dist (seeds {', '.join(map(str, m.seeds(rows, 'fresh_masks')))}) | "
            f"{', '.join(f'{d:.4f}' for d in fresh)} | → 0 as the rate decays |",
            f"| largest change of dist_to_ref over the last two evaluations, fixed-copy arms | {change:.1e} | 0 (converged) |",
            f"| single seeds whose distance rises from one J to the next | {'; '.join(rises) or 'none'} | — |"]
    out += ["", "| arms | max over seeds and weights of \\|ratio/p − 1\\| | "
            "max \\|test_loss(inverted) − test_loss(test_time)\\| | dist_to_ref, seed "
            f"{seeds[0]}: inverted, test_time |", "|---|---|---|---|"]
    for j in (16, 256):
        inv, tt = f"J{j}", f"J{j}_test_time"
        worst_ratio = worst_loss = 0.0
        for s in m.seeds(rows, tt):
            for a, b in zip(weights(results, inv, s), weights(results, tt, s)):
                worst_ratio = max(worst_ratio, abs(a / b / KEEP - 1))
            worst_loss = max(worst_loss, abs(m.number(last[(inv, s)]["test_loss"]) - m.number(last[(tt, s)]["test_loss"])))
        out.append(f"| {inv} vs {tt} | {worst_ratio:.1e} | {worst_loss:.1e} | "
                   f"{dist[(inv, seeds[0])]:.6f}, {dist[(tt, seeds[0])]:.6f} |")
    return "\n".join(out) + "\n"
