#!/usr/bin/python3
"""plot_noising_penalty.py — figure and numbers of configs/noising_penalty.yaml.

Usage:
    /usr/bin/python3 scripts/plot_noising_penalty.py RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (the last row of each sweep point, arm and seed) and writes
OUT_PREFIX.png and .svg (default RESULTS_DIR/noising_penalty):
(a) Wager, Wang & Liang's figure 1: the noising penalty of one example against its linear
predictor z, for Gaussian noise with (x̃ − x)·β ~ N(0, 1): the exact E[A(z + Z)] − A(z) and the
quadratic ½A''(z), A(z) = log(1 + e^z). This panel is the formula evaluated here (numpy's
128-node Gauss–Hermite rule, independently of dlx's), not a run;
(b) noise_penalty_rel_err against σ, each seed of each arm a line (fixed_beta solid, trained
dashed), with the σ² slope dotted;
(c) dropout_penalty_rel_err against δ, the same way;
(d) dropout_penalty_clt / dropout_penalty_exact against δ: how far the normal approximation of
x̃·β is from the exact dropout expectation.
Prints every point's numbers per arm and seed.
"""
import argparse
import csv
import os

import matplotlib
import numpy as np
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def finals(results):
    """(arm, seed, sigma, delta) -> last row of the run."""
    with open(os.path.join(results, "metrics.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        key = (r["arm"], int(r["seed"]), float(r["regularizer.input_noise"]), float(r["model.dropout.input"]))
        out[key] = r
    return out


def softplus(z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def figure1_curves(z, s):
    nodes, weights = np.polynomial.hermite.hermgauss(128)
    shifted = z[:, None] + np.sqrt(2.0) * s * nodes[None, :]
    exact = softplus(shifted) @ weights / np.sqrt(np.pi) - softplus(z)
    p = 1.0 / (1.0 + np.exp(-z))
    return exact, 0.5 * s * s * p * (1.0 - p)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out")
    args = ap.parse_args()
    out = args.out or os.path.join(args.results, "noising_penalty")
    last = finals(args.results)
    arms = sorted({k[0] for k in last})
    seeds = sorted({k[1] for k in last})
    fig, ax = plt.subplots(1, 4, figsize=(19, 4.4))

    z = np.linspace(-6.0, 6.0, 241)
    exact, quadratic = figure1_curves(z, 1.0)
    ax[0].plot(z, exact, "k-", label="exact E[A(z+Z)] − A(z)")
    ax[0].plot(z, quadratic, "r--", label="quadratic ½A''(z)")
    ax[0].set_xlabel("linear predictor z = x·β")
    ax[0].set_ylabel("noising penalty of one example")
    ax[0].set_title("(a) Gaussian noise, (x̃−x)·β ~ N(0, 1)")
    ax[0].legend(fontsize=8)
    print("figure 1 (one example, s = 1): z = 0: exact %.4f quadratic %.4f; z = 4: exact %.4f quadratic %.4f"
          % (exact[120], quadratic[120], exact[200], quadratic[200]))

    colors = {arm: c for arm, c in zip(arms, ["tab:blue", "tab:orange", "tab:green"])}
    for arm in arms:
        style = "-" if arm == "fixed_beta" else "--"
        for seed in seeds:
            noise = sorted((k[2], r) for k, r in last.items() if k[0] == arm and k[1] == seed and k[2] > 0)
            drop = sorted((k[3], r) for k, r in last.items() if k[0] == arm and k[1] == seed and k[3] > 0)
            sig = [s for s, _ in noise]
            ax[1].plot(sig, [float(r["noise_penalty_rel_err"]) for _, r in noise], style, marker="o", ms=3,
                       color=colors[arm], label=arm if seed == seeds[0] else None)
            dl = [d for d, _ in drop]
            ax[2].plot(dl, [float(r["dropout_penalty_rel_err"]) for _, r in drop], style, marker="o", ms=3,
                       color=colors[arm], label=arm if seed == seeds[0] else None)
            ax[3].plot(dl, [float(r["dropout_penalty_clt"]) / float(r["dropout_penalty_exact"]) for _, r in drop],
                       style, marker="o", ms=3, color=colors[arm], label=arm if seed == seeds[0] else None)
            print("%s seed %d:" % (arm, seed))
            print("  sigma   R^q/n        R/n (exact)  rel_err   ||beta||")
            for s, r in noise:
                print("  %-6g  %.6g  %.6g  %.4g  %.4g" % (s, float(r["noise_penalty"]), float(r["noise_penalty_exact"]),
                                                         float(r["noise_penalty_rel_err"]), float(r["weight_norm.out"])))
            print("  delta   R^q/n        R/n (exact)  CLT/n        rel_err   CLT/exact")
            for d, r in drop:
                print("  %-6g  %.6g  %.6g  %.6g  %.4g  %.3f" % (
                    d, float(r["dropout_penalty"]), float(r["dropout_penalty_exact"]), float(r["dropout_penalty_clt"]),
                    float(r["dropout_penalty_rel_err"]), float(r["dropout_penalty_clt"]) / float(r["dropout_penalty_exact"])))
    sig = np.array([0.05, 1.5])
    first = [float(r["noise_penalty_rel_err"]) for k, r in last.items() if k[0] == "fixed_beta" and k[2] == 0.05]
    if first:
        ax[1].plot(sig, np.mean(first) * (sig / 0.05) ** 2, "k:", label="∝ σ²")
    ax[1].set_xscale("log")
    ax[1].set_yscale("log")
    ax[1].set_xlabel("Gaussian noise σ")
    ax[1].set_ylabel("Σ|R^q_i − R_i| / Σ R_i")
    ax[1].set_title("(b) quadratic approximation, Gaussian noise")
    ax[1].legend(fontsize=8)
    ax[2].set_yscale("log")
    ax[2].set_xlabel("dropout rate δ")
    ax[2].set_ylabel("Σ|R^q_i − R_i| / Σ R_i")
    ax[2].set_title("(c) quadratic approximation, dropout (exact R)")
    ax[2].legend(fontsize=8)
    ax[3].axhline(1.0, color="k", lw=0.5)
    ax[3].set_xlabel("dropout rate δ")
    ax[3].set_ylabel("R (CLT normal) / R (exact)")
    ax[3].set_title("(d) normal approximation of x̃·β, dropout")
    ax[3].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=110)
    fig.savefig(out + ".svg")
    print("wrote %s.png and %s.svg" % (out, out))


if __name__ == "__main__":
    main()
