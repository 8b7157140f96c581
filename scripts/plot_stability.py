#!/usr/bin/python3
"""plot_stability.py — figures and measured numbers of the stability reproductions.

Usage:
    /usr/bin/python3 scripts/plot_stability.py stability_sgd_convex RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_stability.py stability_ridge_m RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_stability.py gap_vs_passes RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_stability.py stability_bn_dropout RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (SPEC §3) with the columns of the stability diagnostic
(stab_param_dist, stab_loss_sens, stab_bound: each already the mean over the run's twin
pairs), writes OUT_PREFIX.png and .svg (default RESULTS_DIR/<name>) and prints the numbers
that docs/experiments/<name>.md quotes.

  stability_sgd_convex  (a) stab_param_dist against the epoch, per arm the mean over seeds
                with the min–max band over seeds, and the Hardt–Recht–Singer bound
                (2L/n)Σα, log y; (b) stab_loss_sens and gen_gap against the epoch.
                Prints per arm and seed the distance and the bound at epochs 1, 5, 10, 20, and
                the ratio of epoch 20 to epoch 10.
  stability_ridge_m     stab_loss_sens at the last evaluation against m = data.n_train on log-log
                axes, per λ (arms l2_<λ>_r<I>: the largest over the replaced examples I) each
                data seed a dot and the geometric mean a line, with the Bousquet–Elisseeff bound σ²κ²/(λm), σ = 2B(1 + κ√(2/λ)),
                B = κ = 1 (be_bound); the slope of log sens against log m fitted by least
                squares over every (m, data seed) and per data seed. Prints the table and
                the slopes.
  gap_vs_passes (a) gen_gap and (b) stab_param_dist against the epoch, mean over seeds with
                the min–max band. Prints both (and stab_loss_sens) per seed at epochs 1, 5, 10,
                20, 30, 40, and per seed the correlation of the two over the epochs.
  stability_bn_dropout  gen_gap at the last epoch against (a) stab_param_dist and (b)
                stab_loss_sens, each run a dot coloured by arm. Prints every run's values and
                the Pearson and Spearman correlations of each measure with the gap over all runs.
"""
import argparse
import csv
import math
import os
import sys
from collections import defaultdict

import matplotlib
import numpy as np
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_rows(results):
    with open(os.path.join(results, "metrics.csv"), newline="") as f:
        return list(csv.DictReader(f))


def num(row, key):
    v = row.get(key, "")
    return float(v) if v not in ("", None) else math.nan


def save(fig, prefix):
    fig.tight_layout()
    fig.savefig(prefix + ".png", dpi=120)
    fig.savefig(prefix + ".svg")
    print(f"wrote {prefix}.png and {prefix}.svg", file=sys.stderr)


def sgd_convex(rows, prefix):
    runs = defaultdict(list)   # (arm, seed) -> rows in order
    for r in rows:
        runs[(r["arm"], int(r["seed"]))].append(r)
    arms = sorted({a for a, _ in runs}, key=lambda a: (a != "convex", a))
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    print("| arm | seed | epoch 1: dist / bound | epoch 5 | epoch 10 | epoch 20 | dist(20)/dist(10) |")
    print("|---|---|---|---|---|---|---|")
    for i, arm in enumerate(arms):
        seeds = sorted(s for a, s in runs if a == arm)
        epochs = np.array([num(r, "epoch") for r in runs[(arm, seeds[0])]])
        dist = np.array([[num(r, "stab_param_dist") for r in runs[(arm, s)]] for s in seeds])
        sens = np.array([[num(r, "stab_loss_sens") for r in runs[(arm, s)]] for s in seeds])
        gap = np.array([[num(r, "gen_gap") for r in runs[(arm, s)]] for s in seeds])
        bound = np.array([num(r, "stab_bound") for r in runs[(arm, seeds[0])]])
        c = colors[i % len(colors)]
        ax[0].plot(epochs[1:], dist.mean(0)[1:], color=c, label=f"{arm}: mean ‖θ−θ′‖ over pairs")
        ax[0].fill_between(epochs[1:], dist.min(0)[1:], dist.max(0)[1:], color=c, alpha=0.25)
        if i == 0:
            ax[0].plot(epochs[1:], bound[1:], "k--", label="HRS bound (2L/n)Σα")
        ax[1].plot(epochs, sens.mean(0), color=c, label=f"{arm}: stab_loss_sens")
        ax[1].fill_between(epochs, sens.min(0), sens.max(0), color=c, alpha=0.25)
        ax[1].plot(epochs, gap.mean(0), color=c, ls=":", label=f"{arm}: gen_gap")
        for k, s in enumerate(seeds):
            at = {int(e): j for j, e in enumerate(epochs) if e == int(e)}
            cells = [f"{dist[k][at[e]]:.4f} / {bound[at[e]]:.3g}" for e in (1, 5, 10, 20)]
            print(f"| {arm} | {s} | " + " | ".join(cells) +
                  f" | {dist[k][at[20]] / dist[k][at[10]]:.3f} |")
    ax[0].set_yscale("log")
    ax[0].set_xlabel("epoch")
    ax[0].set_ylabel("‖θ_t − θ′_t‖ (mean over 400 pairs)")
    ax[0].set_title("(a) parameter distance against the HRS bound")
    ax[0].legend(fontsize=8)
    ax[1].set_xlabel("epoch")
    ax[1].set_ylabel("loss")
    ax[1].set_title("(b) max test-loss sensitivity and generalization gap")
    ax[1].legend(fontsize=8)
    save(fig, prefix)


def be_bound(lam, m, B=1.0, kappa=1.0):
    """Bousquet & Elisseeff (2002) Theorem 22 for ridge: β ≤ σ²κ²/(2λ'm) with dlx's (λ/2)‖w‖²,
    so λ' = λ/2 and β ≤ σ²κ²/(λm); square loss with |y| ≤ B and ‖w‖ ≤ B/√λ' is σ-admissible
    with σ = 2B(1 + κ/√λ') = 2B(1 + κ√(2/λ))."""
    sigma = 2.0 * B * (1.0 + kappa * math.sqrt(2.0 / lam))
    return sigma * sigma * kappa * kappa / (lam * m)


def ridge_m(rows, prefix, swept_m="data.n_train", swept_seed="data.seed"):
    final = {}
    for r in rows:   # the last row of each (point, arm, seed) run
        final[(r["arm"], int(r[swept_m]), int(r[swept_seed]))] = r
    # arms l2_<λ>_r<I>: the largest sensitivity over the replaced examples I of each λ
    last = {}
    for (arm, m, d), r in final.items():
        lam_arm = "l2_" + arm.split("_")[1]
        if (lam_arm, m, d) not in last or num(r, "stab_loss_sens") > num(last[(lam_arm, m, d)],
                                                                         "stab_loss_sens"):
            last[(lam_arm, m, d)] = r
    arms = sorted({a for a, _, _ in last}, key=lambda a: -float(a.split("_", 1)[1]))
    ms = sorted({m for _, m, _ in last})
    dseeds = sorted({d for _, _, d in last})
    fig, ax = plt.subplots(figsize=(7, 4.8))
    colors = ["tab:blue", "tab:orange"]
    print("| λ | m | max over I of stab_loss_sens, data seeds " + ", ".join(map(str, dseeds)) +
          " | geometric mean | B&E bound σ²κ²/(λm) | bound / measured |")
    print("|---|---|---|---|---|---|")
    slopes = {}
    for i, arm in enumerate(arms):
        lam = float(arm.split("_", 1)[1])
        sens = {(m, d): num(last[(arm, m, d)], "stab_loss_sens") for m in ms for d in dseeds}
        gm = [math.exp(np.mean([math.log(sens[(m, d)]) for d in dseeds])) for m in ms]
        xs = [math.log(m) for m in ms for d in dseeds]
        ys = [math.log(sens[(m, d)]) for m in ms for d in dseeds]
        slopes[arm] = (np.polyfit(xs, ys, 1)[0],
                       [np.polyfit([math.log(m) for m in ms],
                                   [math.log(sens[(m, d)]) for m in ms], 1)[0] for d in dseeds])
        c = colors[i % 2]
        for m in ms:
            ax.plot([m] * len(dseeds), [sens[(m, d)] for d in dseeds], "o", color=c, ms=3)
            b = be_bound(lam, m)
            print(f"| {lam:g} | {m} | " + ", ".join(f"{sens[(m, d)]:.3g}" for d in dseeds) +
                  f" | {gm[ms.index(m)]:.3g} | {b:.3g} | {b / max(sens[(m, d)] for d in dseeds):.3g} |")
        ax.plot(ms, gm, color=c, label=f"λ = {lam:g}: measured (slope {slopes[arm][0]:.3f})")
        ax.plot(ms, [be_bound(lam, m) for m in ms], color=c, ls="--",
                label=f"λ = {lam:g}: Bousquet–Elisseeff bound")
    ref = gm[0] * ms[0]
    ax.plot(ms, [ref / m for m in ms], "k:", label="∝ 1/m")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("m = n_train")
    ax.set_ylabel("max over test z of |ℓ(θ_S; z) − ℓ(θ_S′; z)|")
    ax.set_title("replace-one loss sensitivity of ridge regression")
    ax.legend(fontsize=7)
    save(fig, prefix)
    print()
    print("| λ | slope over every (m, data seed) | slope per data seed |")
    print("|---|---|---|")
    for arm in arms:
        all_slope, per = slopes[arm]
        print(f"| {arm.split('_', 1)[1]} | {all_slope:.3f} | " + ", ".join(f"{v:.3f}" for v in per) + " |")


def gap_vs_passes(rows, prefix):
    runs = defaultdict(list)
    for r in rows:
        runs[int(r["seed"])].append(r)
    seeds = sorted(runs)
    epochs = np.array([num(r, "epoch") for r in runs[seeds[0]]])
    gap = np.array([[num(r, "gen_gap") for r in runs[s]] for s in seeds])
    dist = np.array([[num(r, "stab_param_dist") for r in runs[s]] for s in seeds])
    sens = np.array([[num(r, "stab_loss_sens") for r in runs[s]] for s in seeds])
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, (y, label) in enumerate([(gap, "gen_gap = test_loss − train_loss"),
                                    (dist, "stab_param_dist (mean over pairs)")]):
        ax[k].plot(epochs, y.mean(0), color="tab:blue", label=label + ", mean over seeds")
        ax[k].fill_between(epochs, y.min(0), y.max(0), color="tab:blue", alpha=0.25,
                           label="min–max over seeds")
        ax[k].set_xlabel("epoch (passes over the 500 training images)")
        ax[k].legend(fontsize=8)
    ax[0].set_title("(a) generalization gap")
    ax[1].set_title("(b) ‖θ_t − θ′_t‖ of the twin runs")
    save(fig, prefix)
    marks = [e for e in (1, 5, 10, 20, 30, 40) if e in set(epochs.astype(int))]
    at = {int(e): j for j, e in enumerate(epochs) if e == int(e)}
    print("| seed | quantity | " + " | ".join(f"epoch {e}" for e in marks) + " |")
    print("|---|---|" + "---|" * len(marks))
    for k, s in enumerate(seeds):
        for name, y in (("gen_gap", gap), ("stab_param_dist", dist), ("stab_loss_sens", sens)):
            print(f"| {s} | {name} | " + " | ".join(f"{y[k][at[e]]:.4g}" for e in marks) + " |")
    print()
    print("| seed | Pearson r(gen_gap, stab_param_dist) over epochs ≥ 1 |")
    print("|---|---|")
    for k, s in enumerate(seeds):
        print(f"| {s} | {np.corrcoef(gap[k][1:], dist[k][1:])[0, 1]:.3f} |")


def ranks(v):
    order = np.argsort(v)
    r = np.empty(len(v))
    r[order] = np.arange(len(v))
    return r


def bn_dropout(rows, prefix):
    final = {}
    for r in rows:   # the last row of each (arm, seed)
        final[(r["arm"], int(r["seed"]))] = r
    arms = []
    for r in rows:
        if r["arm"] not in arms:
            arms.append(r["arm"])
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    print("| arm | seed | test_acc | gen_gap | stab_param_dist | stab_loss_sens |")
    print("|---|---|---|---|---|---|")
    gaps, dists, senses = [], [], []
    for i, arm in enumerate(arms):
        keys = sorted(k for k in final if k[0] == arm)
        g = [num(final[k], "gen_gap") for k in keys]
        d = [num(final[k], "stab_param_dist") for k in keys]
        z = [num(final[k], "stab_loss_sens") for k in keys]
        gaps += g
        dists += d
        senses += z
        ax[0].plot(d, g, "o", color=colors[i % 4], label=arm)
        ax[1].plot(z, g, "o", color=colors[i % 4], label=arm)
        for k, gg, dd, zz in zip(keys, g, d, z):
            print(f"| {arm} | {k[1]} | {num(final[k], 'test_acc'):.3f} | {gg:.4f} | {dd:.4f} | {zz:.4f} |")
    ax[0].set_xlabel("stab_param_dist at the last epoch")
    ax[1].set_xlabel("stab_loss_sens at the last epoch")
    for a in ax:
        a.set_ylabel("gen_gap at the last epoch")
        a.legend(fontsize=8)
    ax[0].set_title("(a) gap against ‖θ − θ′‖ (each dot a seed)")
    ax[1].set_title("(b) gap against the test-loss sensitivity")
    save(fig, prefix)
    print()
    print("| over all runs | Pearson r with gen_gap | Spearman ρ with gen_gap |")
    print("|---|---|---|")
    for name, v in (("stab_param_dist", dists), ("stab_loss_sens", senses)):
        pr = np.corrcoef(v, gaps)[0, 1]
        sr = np.corrcoef(ranks(np.array(v)), ranks(np.array(gaps)))[0, 1]
        print(f"| {name} | {pr:.3f} | {sr:.3f} |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name", choices=["stability_sgd_convex", "stability_ridge_m", "gap_vs_passes",
                                      "stability_bn_dropout"])
    p.add_argument("results")
    p.add_argument("-o", "--out")
    a = p.parse_args()
    rows = read_rows(a.results)
    prefix = a.out or os.path.join(a.results, a.name)
    if a.name == "stability_sgd_convex":
        sgd_convex(rows, prefix)
    elif a.name == "stability_bn_dropout":
        bn_dropout(rows, prefix)
    elif a.name == "gap_vs_passes":
        gap_vs_passes(rows, prefix)
    else:
        ridge_m(rows, prefix)


if __name__ == "__main__":
    main()
