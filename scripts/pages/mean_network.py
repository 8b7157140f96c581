"""mean_network — the measured tables of docs/experiments/mean_network.md (Hinton et al. 2012, §1:
the weight-scaled network is the geometric mean of all 2^N dropout subnetworks) from a run of
configs/mean_network.yaml: per (arm, seed) the largest geometric gap and the range of the
arithmetic gap over every evaluation point and the final test accuracy, and a summary against
the theory."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _metrics as m  # noqa: E402

CONFIG = "configs/mean_network.yaml"
# Reduced: seed 1, 2 epochs, 10 hidden units (1024 masks instead of 65 536).
REDUCED_ARGS = ["--seeds", "1", "--set", "training.epochs=2", "--set", "model.hidden=[10]"]
LABELS = {"relu_p0.5": "relu, p = 0.5", "relu_p0.8": "relu, p = 0.8",
          "relu_p0.5_test_time": "relu, p = 0.5, test-time scaling", "sigmoid_p0.5": "sigmoid, p = 0.5"}


def figure_commands(results, prefix):
    return [m.plot("plot_mean_network.py", results, "-o", prefix)]


def measured(results):
    rows = m.rows(results)
    arms = list(dict.fromkeys(r["arm"] for r in rows))
    seeds = m.seeds(rows, arms[0])
    points = len(m.series(rows, arms[0], seeds[0]))
    epochs = max(int(r["epoch"]) for r in rows)
    out = [f"Over all {points} evaluation points (epochs 0–{epochs}) of each run:", "",
           "| arm | seed | max geometric gap | arithmetic gap (min … max) | final test acc. |",
           "| --- | --- | --- | --- | --- |"]
    geo_all, ari_all = [], []
    for a in arms:
        for s in seeds:
            run = m.series(rows, a, s)
            geo = [m.number(r["mean_net_geo_gap"]) for r in run.values()]
            ari = [m.number(r["mean_net_arith_gap"]) for r in run.values()]
            geo_all += geo
            ari_all += ari
            out.append(f"| {LABELS.get(a, a)} | {s} | {max(geo):.1e} | {min(ari):.3f} … {max(ari):.3f} | "
                       f"{m.number(run[max(run)]['test_acc']):.3f} |")
    out += ["", "| quantity | measured | theory |", "| --- | --- | --- |",
            f"| geometric mean vs weight scaling | ≤ {max(geo_all):.1e} at every point of every run | 0 |",
            f"| arithmetic mean vs weight scaling | {min(ari_all):.3f} to {max(ari_all):.3f} | > 0 (no identity) |"]
    return "\n".join(out) + "\n"
