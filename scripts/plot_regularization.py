#!/usr/bin/python3
"""plot_regularization.py — figures and measured numbers of lasso_vs_ridge and dropout_adaptive_reg.

Usage:
    /usr/bin/python3 scripts/plot_regularization.py lasso_vs_ridge RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_regularization.py dropout_adaptive_reg RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (SPEC §3) and the final weights of each run from its
checkpoint (runs/[p<I>/]<arm>/seed-<k>/checkpoint.safetensors, SPEC §3), writes OUT_PREFIX.png
and .svg (default RESULTS_DIR/<name>) and prints the numbers the doc pages quote.

  lasso_vs_ridge        (a) the 50 final coefficients of each arm on the first sweep point,
                        the lasso's nonzeros marked (its support_recovered column says whether
                        they are the true support); (b) |w_j| on a log axis, zeros drawn at the
                        bottom. Prints, for every point and arm: sparsity, false zeros/nonzeros,
                        support recovered, dist_to_ref, test loss, smallest |w_j|.
  dropout_adaptive_reg  (a) the shrinkage w_j / w_j(mle) of dropout and of l2_matched against
                        the feature's standard deviation s_j = 10^(−j/19); (b) dist_to_ref of
                        the dropout runs against the epoch. Prints dist_to_ref (dropout against
                        dropout_quadratic), the distance of each dropout run from l2_matched,
                        the matched λ = 2·dropout_penalty/weight_norm², and the shrinkage Σ|w_j|/Σ|w_j(mle)| of
                        dropout and l2_matched on the large (s_j > 0.5) and small (s_j < 0.3)
                        features.
"""
import argparse
import json
import math
import os
import struct
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_metrics import save_figure  # noqa: E402
from plot_optimlab import num, read_rows, runs  # noqa: E402


def read_safetensors(path):
    """name -> flat list of floats, for the F32 and F64 tensors of a safetensors file."""
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name != "__metadata__" and t["dtype"] in ("F32", "F64"):
            a, b = t["data_offsets"]
            size, code = (4, "f") if t["dtype"] == "F32" else (8, "d")
            out[name] = list(struct.unpack(f"<{(b - a) // size}{code}", data[a:b]))
    return out


def final_theta(results, arm, seed, point=None):
    """(w, b) of a run's last checkpoint."""
    folder = os.path.join(results, "runs", *( [f"p{point}"] if point is not None else []), arm, f"seed-{seed}")
    t = read_safetensors(os.path.join(folder, "checkpoint.safetensors"))
    return t["out.weight"], t["out.bias"]


def rel_dist(a, b):
    """||a − b|| / ||b||."""
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)) / sum(y * y for y in b))


def plot_lasso_vs_ridge(rows, results):
    arms = ["lasso", "ridge", "ridge_strong"]
    points = sorted({r.get("data.seed", "") for r in rows}, key=lambda v: float(v) if v else 0)
    for i, p in enumerate(points):
        for arm in arms:
            last = [r for r in rows if r["arm"] == arm and r.get("data.seed", "") == p][-1]
            w, _ = final_theta(results, arm, last["seed"], i if p else None)
            nonzero = [abs(v) for v in w if v != 0.0]
            print(f"data.seed {p} {arm}: sparsity {num(last, 'sparsity.out'):.4g} false_zeros "
                  f"{int(num(last, 'false_zeros'))} false_nonzeros {int(num(last, 'false_nonzeros'))} "
                  f"support_recovered {int(num(last, 'support_recovered'))} dist_to_ref "
                  f"{num(last, 'dist_to_ref'):.3g} test_loss {num(last, 'test_loss'):.4g} "
                  f"min|w_j| {min(nonzero) if nonzero else 0:.3g}")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    coef = {arm: final_theta(results, arm, 1, 0 if points[0] else None)[0] for arm in arms}
    support = [j for j, v in enumerate(coef["lasso"]) if v != 0.0]
    x = list(range(len(coef["lasso"])))
    width = 0.28
    for k, arm in enumerate(arms):
        axes[0].bar([j + (k - 1) * width for j in x], coef[arm], width, label=arm)
        axes[1].semilogy(x, [abs(v) if v != 0 else 1e-9 for v in coef[arm]], "o", ms=4, label=arm)
    for j in support:
        axes[0].axvspan(j - 0.45, j + 0.45, color="grey", alpha=0.15, linewidth=0)
    axes[0].set(xlabel="coefficient j", ylabel="w_j",
                title="(a) final coefficients (shaded: the lasso's nonzeros = true support)")
    axes[1].axhline(1e-9, color="grey", linestyle=":", linewidth=1)
    axes[1].set(xlabel="coefficient j", ylabel="|w_j| (exact zeros drawn at 1e-9)",
                title="(b) magnitudes: lasso 45 exact zeros, ridge none")
    for ax in axes:
        ax.legend()
        ax.grid(True, alpha=0.3)
    fig.suptitle(f"lasso_vs_ridge: n = 100, p = 50, k = 5, data.seed {points[0] or 'as configured'}")
    return fig


def plot_dropout_adaptive_reg(rows, results):
    by_run = runs(rows)
    seeds = sorted({s for (a, s) in by_run if a == "dropout"}, key=int)
    w_mle, _ = final_theta(results, "mle", seeds[0])
    w_l2, b_l2 = final_theta(results, "l2_matched", seeds[0])
    theta_l2 = w_l2 + b_l2
    dim = len(w_mle)
    scales = [10 ** (-j / (dim - 1)) for j in range(dim)]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for s in seeds:
        w, b = final_theta(results, "dropout", s)
        last = by_run[("dropout", s)][-1]
        lam = 2 * num(last, "dropout_penalty") / num(last, "weight_norm.out") ** 2
        print(f"dropout seed {s}: dist_to_ref (dropout_quadratic) {num(last, 'dist_to_ref'):.4g} "
              f"distance from l2_matched {rel_dist(w + b, theta_l2):.4g} dropout_penalty "
              f"{num(last, 'dropout_penalty'):.4g} matched lambda {lam:.4g} test_loss {num(last, 'test_loss'):.4g}")
        axes[0].semilogx(scales, [a / m for a, m in zip(w, w_mle)], "o-", color="tab:blue", alpha=0.6,
                         label="dropout δ = 0.3" if s == seeds[0] else None)
    for arm in ("l2_matched", "mle"):
        last = by_run[(arm, seeds[0])][-1]
        print(f"{arm}: dist_to_ref {num(last, 'dist_to_ref'):.3g} test_loss {num(last, 'test_loss'):.4g}")
    axes[0].semilogx(scales, [a / m for a, m in zip(w_l2, w_mle)], "s-", color="tab:red", label="l2_matched")
    small = [j for j in range(dim) if scales[j] < 0.3]
    large = [j for j in range(dim) if scales[j] > 0.5]
    for name, w in (("dropout seed 1", final_theta(results, "dropout", seeds[0])[0]), ("l2_matched", w_l2)):
        kept = lambda idx: sum(abs(w[j]) for j in idx) / sum(abs(w_mle[j]) for j in idx)
        print(f"{name}: shrinkage sum|w_j|/sum|w_j(mle)| on features with s_j > 0.5: {kept(large):.3f}, "
              f"s_j < 0.3: {kept(small):.3f}")
    axes[0].set(xlabel="feature std s_j", ylabel="w_j / w_j(mle)",
                title="(a) shrinkage by feature scale")
    for s in seeds:
        rs = by_run[("dropout", s)]
        axes[1].semilogy([num(r, "epoch") for r in rs], [num(r, "dist_to_ref") for r in rs],
                         label=f"dropout seed {s}")
    axes[1].set(xlabel="epoch (full batch, Adagrad)", ylabel="‖θ_t − θ*‖ / ‖θ*‖",
                title="(b) distance to the dropout_quadratic optimum")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("dropout_adaptive_reg: logistic regression, 20 features, s_j from 1 to 0.1")
    return fig


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("experiment", choices=["lasso_vs_ridge", "dropout_adaptive_reg"])
    p.add_argument("results")
    p.add_argument("-o", "--out")
    a = p.parse_args()
    rows = read_rows(a.results)
    prefix = a.out or os.path.join(a.results, a.experiment)
    plot = {"lasso_vs_ridge": plot_lasso_vs_ridge, "dropout_adaptive_reg": plot_dropout_adaptive_reg}
    fig = plot[a.experiment](rows, a.results)
    fig.tight_layout()
    print("wrote %s and %s" % save_figure(fig, prefix), file=sys.stderr)


if __name__ == "__main__":
    main()
