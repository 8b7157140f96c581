#!/usr/bin/python3
"""plot_depth_efficiency.py — the figure and measured numbers of configs/depth_efficiency.yaml.

Usage:
    /usr/bin/python3 scripts/plot_depth_efficiency.py RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv and resolved.yaml (the tensor's shape), writes OUT_PREFIX.png and
.svg (default RESULTS_DIR/depth_efficiency) and prints, as Markdown tables, the numbers that
docs/experiments/depth_efficiency.md quotes.

  (a) the final fit_rel_error ‖Y − Ŷ‖_F/‖Y‖_F against the number of parameters: the CP models
      (arms cpZ, Z terms: Z·Σ M_n parameters) as a line through the median over the runs
      (seeds × data seeds) with a band from the smallest to the largest, the HT model (arm htR:
      Σ M_n·R + (N − 2)·R² + R parameters) as points;
  (b) the final matricization_rank of the fitted model against Z, with the bound min(Z, 16).
"""
import argparse
import csv
import math
import os
import re
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_shape(results):
    """data.shape from resolved.yaml."""
    with open(os.path.join(results, "resolved.yaml")) as f:
        m = re.search(r"^\s*shape: \[([0-9, ]+)\]", f.read(), re.M)
    return [int(x) for x in m.group(1).split(",")]


def n_params(arm, shape):
    """Parameters of arm cpZ or htR on a tensor of that shape (models/tensor_model.h)."""
    kind, rank = re.fullmatch(r"(cp|ht)(\d+)", arm).groups()
    rank, total, order = int(rank), sum(shape), len(shape)
    if kind == "cp":
        return kind, rank, rank * total
    return kind, rank, total * rank + (order - 2) * rank * rank + rank


def final_rows(results):
    """(arm, seed, data.seed) -> the last row of that run."""
    last = {}
    with open(os.path.join(results, "metrics.csv"), newline="") as f:
        for r in csv.DictReader(f):
            last[(r["arm"], r["seed"], r.get("data.seed", ""))] = r
    return last


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out", default=None)
    args = ap.parse_args()
    prefix = args.out or os.path.join(args.results, "depth_efficiency")
    shape = read_shape(args.results)
    last = final_rows(args.results)
    by_arm = {}
    for (arm, seed, dseed), r in last.items():
        by_arm.setdefault(arm, []).append((seed, dseed, float(r["fit_rel_error"]), float(r["matricization_rank"]),
                                           int(r["epoch"])))
    arms = sorted(by_arm, key=lambda a: (a[:2], n_params(a, shape)[2]))
    full_rank = 1
    for i, m in enumerate(shape):
        full_rank *= m if i % 2 == 0 else 1
    cols = 1
    for i, m in enumerate(shape):
        cols *= m if i % 2 == 1 else 1
    full_rank = min(full_rank, cols)

    fig, (ax_fit, ax_rank) = plt.subplots(1, 2, figsize=(11, 4.2))
    cp = [a for a in arms if a.startswith("cp")]
    xs = [n_params(a, shape)[2] for a in cp]
    med = [statistics.median(v[2] for v in by_arm[a]) for a in cp]
    lo = [min(v[2] for v in by_arm[a]) for a in cp]
    hi = [max(v[2] for v in by_arm[a]) for a in cp]
    ax_fit.fill_between(xs, lo, hi, color="tab:blue", alpha=0.25)
    ax_fit.plot(xs, med, "o-", color="tab:blue", label="CP (shallow), Z terms")
    for a, x, y in zip(cp, xs, med):
        ax_fit.annotate(f"Z={n_params(a, shape)[1]}", (x, y), textcoords="offset points", xytext=(4, 6), fontsize=7)
    for a in arms:
        if a.startswith("ht"):
            p = n_params(a, shape)[2]
            ys = [v[2] for v in by_arm[a]]
            ax_fit.plot([p] * len(ys), ys, "s", color="tab:red", label=f"HT (deep), r={n_params(a, shape)[1]}")
    ax_fit.set_xscale("log")
    ax_fit.set_yscale("log")
    ax_fit.set_xlabel("parameters")
    ax_fit.set_ylabel("final fit_rel_error  ‖Y − Ŷ‖/‖Y‖")
    ax_fit.set_title(f"(a) fitting an HT tensor of shape {shape}")
    ax_fit.grid(True, which="both", alpha=0.3)
    ax_fit.legend(fontsize=8)
    zs = [n_params(a, shape)[1] for a in cp]
    for a, z in zip(cp, zs):
        ax_rank.plot([z] * len(by_arm[a]), [v[3] for v in by_arm[a]], "o", color="tab:blue", alpha=0.5)
    ax_rank.plot(zs, [min(z, full_rank) for z in zs], "k--", label=f"min(Z, {full_rank})")
    for a in arms:
        if a.startswith("ht"):
            ax_rank.axhline(statistics.median(v[3] for v in by_arm[a]), color="tab:red", label=f"fitted {a}")
    ax_rank.set_xlabel("Z (CP terms)")
    ax_rank.set_ylabel("final matricization_rank of Ŷ")
    ax_rank.set_title("(b) rank of the odd/even matricization")
    ax_rank.grid(True, alpha=0.3)
    ax_rank.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(prefix + ".png", dpi=120)
    fig.savefig(prefix + ".svg")

    print("| arm | parameters | runs | epochs | fit_rel_error min | median | max | matricization_rank |")
    print("|---|---|---|---|---|---|---|---|")
    for a in arms:
        v = by_arm[a]
        ranks = sorted({int(x[3]) for x in v if not math.isnan(x[3])})
        print(f"| {a} | {n_params(a, shape)[2]} | {len(v)} | {v[0][4]} | {min(x[2] for x in v):.3g} | "
              f"{statistics.median(x[2] for x in v):.3g} | {max(x[2] for x in v):.3g} | "
              f"{', '.join(str(r) for r in ranks)} |")
    print()
    print("| arm | seed | data.seed | fit_rel_error | matricization_rank |")
    print("|---|---|---|---|---|")
    for a in arms:
        for seed, dseed, fit, rank, _ in sorted(by_arm[a]):
            print(f"| {a} | {seed} | {dseed} | {fit:.3g} | {int(rank)} |")


if __name__ == "__main__":
    main()
