#!/usr/bin/python3
"""plot_adagrad_scaling.py — figure and numbers of configs/adagrad_scaling.yaml.

Usage:
    /usr/bin/python3 scripts/plot_adagrad_scaling.py RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (arms adagrad_k1e<k> and gd_k1e<k>, κ = 10^k, swept over
data.seed) and writes OUT_PREFIX.png and .svg (default RESULTS_DIR/adagrad_scaling):
dist_to_ref = ‖θ_t − θ*‖/‖θ₀ − θ*‖ against the step on log-log axes, one line per arm (data
seed 1). Prints, for every data seed: the first evaluated step with dist_to_ref ≤ 1e-3 for each
arm, the ratio of GD's count at κ = 10⁴ to its count at κ = 10, and the largest difference
max_t |dist_κ(t) − dist_10(t)| between Adagrad's curves, over the steps both evaluate.
"""
import argparse
import csv
import math
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

TOL = 1e-3
KAPPAS = [1, 2, 3, 4]


def read_rows(results):
    with open(os.path.join(results, "metrics.csv"), newline="") as f:
        return list(csv.DictReader(f))


def curves(rows):
    """(arm, data seed) -> (steps, dist_to_ref)."""
    out = {}
    for r in rows:
        key = (r["arm"], r.get("data.seed", "1"))
        steps, dist = out.setdefault(key, ([], []))
        steps.append(int(r["step"]))
        dist.append(float(r["dist_to_ref"]))
    return out


def steps_to(curve, tol=TOL):
    for s, d in zip(*curve):
        if d <= tol:
            return s
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out")
    args = ap.parse_args()
    out = args.out or os.path.join(args.results, "adagrad_scaling")
    c = curves(read_rows(args.results))
    seeds = sorted({s for _, s in c}, key=int)

    print("iterations to dist_to_ref <= %g" % TOL)
    print("| data seed | method | " + " | ".join("κ = 1e%d" % k for k in KAPPAS) + " | ratio κ=1e4 / κ=10 |")
    for seed in seeds:
        for method in ("adagrad", "gd"):
            counts = [steps_to(c[("%s_k1e%d" % (method, k), seed)]) for k in KAPPAS]
            ratio = counts[-1] / counts[0] if None not in counts else math.nan
            print("| %s | %s | %s | %.1f |" % (seed, method, " | ".join(str(n) for n in counts), ratio))
    print("Adagrad: max_t |dist_kappa(t) - dist_10(t)|")
    for seed in seeds:
        base_steps, base = c[("adagrad_k1e1", seed)]
        diffs = []
        for k in KAPPAS[1:]:
            steps, dist = c[("adagrad_k1e%d" % k, seed)]
            diffs.append(max(abs(a - b) for a, b in zip(base, dist)))
        print("| %s | %s |" % (seed, " | ".join("%.2e" % d for d in diffs)))

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    colors = plt.cm.viridis([0.0, 0.33, 0.66, 0.9])
    for k, col in zip(KAPPAS, colors):
        s, d = c[("gd_k1e%d" % k, seeds[0])]
        ax.loglog([max(x, 1) for x in s], d, color=col, lw=1.5, label="GD, κ = 1e%d" % k)
    for k, col, style in zip(KAPPAS, colors, ["-", "--", "-.", ":"]):
        s, d = c[("adagrad_k1e%d" % k, seeds[0])]
        ax.loglog([max(x, 1) for x in s], d, color="crimson", ls=style, lw=2.2 - 0.4 * (k - 1),
                  label="Adagrad ε=0, κ = 1e%d" % k)
    ax.axhline(TOL, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("step")
    ax.set_ylabel("‖θ_t − θ*‖ / ‖θ₀ − θ*‖")
    ax.set_title("separable quadratic, λ from 1 to 1/κ (data seed %s)" % seeds[0])
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(out + "." + ext, dpi=110)
    print("wrote %s.png and %s.svg" % (out, out))


if __name__ == "__main__":
    main()
