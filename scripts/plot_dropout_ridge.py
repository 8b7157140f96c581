#!/usr/bin/python3
"""plot_dropout_ridge.py — figure and numbers of configs/dropout_ridge.yaml.

Usage:
    /usr/bin/python3 scripts/plot_dropout_ridge.py RESULTS_DIR [-o OUT_PREFIX] [--keep P]

Reads RESULTS_DIR/metrics.csv and the runs' checkpoints (runs/<arm>/seed-<k>/
checkpoint.safetensors) and writes OUT_PREFIX.png and .svg (default RESULTS_DIR/dropout_ridge):
(a) the final dist_to_ref = ‖θ − θ*‖/‖θ*‖ (θ* the dropout_ridge optimum) against the number of
mask copies J (arms J<J>) on log-log axes, each seed a dot, the geometric mean over seeds a line,
the J^(−1/2) slope from J = 1 dotted, and fresh_masks' final distances as a band; (b) each
seed's ratio out.weight(J<J>) / out.weight(J<J>_test_time) per weight, against the keep
probability P (default 0.7). Prints the per-J geometric mean and the slope of log dist against
log J fitted over every (J, seed); for the test_time arms the largest |ratio/P − 1| and the
largest |test_loss(inverted) − test_loss(test_time)|; fresh_masks' final distances.
"""
import argparse
import csv
import json
import math
import os
import struct

import matplotlib
import numpy as np
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def read_rows(results):
    with open(os.path.join(results, "metrics.csv"), newline="") as f:
        return list(csv.DictReader(f))


def finals(rows):
    """(arm, seed) -> last row."""
    out = {}
    for r in rows:
        out[(r["arm"], int(r["seed"]))] = r
    return out


def weights(results, arm, seed):
    path = os.path.join(results, "runs", arm, "seed-%d" % seed, "checkpoint.safetensors")
    with open(path, "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    start, end = header["out.weight"]["data_offsets"]
    return np.frombuffer(blob[8 + n + start:8 + n + end], dtype=np.float32).astype(np.float64)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out")
    ap.add_argument("--keep", type=float, default=0.7)
    args = ap.parse_args()
    out = args.out or os.path.join(args.results, "dropout_ridge")
    last = finals(read_rows(args.results))
    seeds = sorted({s for _, s in last})
    js = sorted({int(a[1:]) for a, _ in last if a.startswith("J") and a[1:].isdigit()})

    print("| J | " + " | ".join("seed %d" % s for s in seeds) + " | geometric mean |")
    xs, ys, gmeans = [], [], []
    for j in js:
        d = [float(last[("J%d" % j, s)]["dist_to_ref"]) for s in seeds]
        g = math.exp(sum(math.log(v) for v in d) / len(d))
        gmeans.append(g)
        xs += [math.log(j)] * len(d)
        ys += [math.log(v) for v in d]
        print("| %d | %s | %.4f |" % (j, " | ".join("%.4f" % v for v in d), g))
    slope = np.polyfit(xs, ys, 1)[0]
    print("fitted slope of log dist on log J: %.3f (theory -0.5)" % slope)
    print("geometric-mean ratio J=%d / J=%d: %.4f (theory %.4f)" % (js[-1], js[0], gmeans[-1] / gmeans[0],
                                                                     math.sqrt(js[0] / js[-1])))
    ratios = {}
    for arm in sorted({a for a, _ in last if a.endswith("_test_time")}):
        inv = arm[:-len("_test_time")]
        worst_ratio, worst_loss = 0.0, 0.0
        for s in seeds:
            r = weights(args.results, inv, s) / weights(args.results, arm, s)
            ratios.setdefault(arm, []).append(r)
            worst_ratio = max(worst_ratio, float(np.max(np.abs(r / args.keep - 1))))
            worst_loss = max(worst_loss, abs(float(last[(inv, s)]["test_loss"]) - float(last[(arm, s)]["test_loss"])))
        print("%s: max |w_inv/w_tt / p - 1| = %.2e; max |test_loss difference| = %.2e" % (arm, worst_ratio, worst_loss))
    fresh = [float(last[("fresh_masks", s)]["dist_to_ref"]) for s in seeds if ("fresh_masks", s) in last]
    if fresh:
        print("fresh_masks final dist_to_ref: " + ", ".join("%.4f" % v for v in fresh))

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    for s in seeds:
        a.loglog(js, [float(last[("J%d" % j, s)]["dist_to_ref"]) for j in js], "o", color="grey", ms=3, alpha=0.6)
    a.loglog(js, gmeans, "-", color="navy", lw=2, label="geometric mean over seeds (slope %.2f)" % slope)
    a.loglog(js, [gmeans[0] * math.sqrt(js[0] / j) for j in js], ":", color="black", label="J^(−1/2)")
    if fresh:
        a.axhspan(min(fresh), max(fresh), color="orange", alpha=0.3, label="fresh masks (SGD), final")
    a.set_xlabel("mask copies J")
    a.set_ylabel("‖θ − θ*‖ / ‖θ*‖,  θ* = dropout ridge")
    a.set_title("(a) least squares on J masked copies")
    a.legend(fontsize=8)
    for k, (arm, rs) in enumerate(sorted(ratios.items())):
        for r in rs:
            b.plot(np.arange(len(r)) + 0.1 * k, r, "o", ms=4, color="C%d" % k, alpha=0.7)
        b.plot([], [], "o", color="C%d" % k, label=arm.replace("_test_time", "") + ": inverted / test-time")
    b.axhline(args.keep, color="black", ls=":", label="p = %.2f" % args.keep)
    b.set_xlabel("weight index j")
    b.set_ylabel("w_j (inverted) / w_j (test-time scaling)")
    b.set_title("(b) converged weights, every seed")
    b.legend(fontsize=8)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(out + "." + ext, dpi=110)
    print("wrote %s.png and %s.svg" % (out, out))


if __name__ == "__main__":
    main()
