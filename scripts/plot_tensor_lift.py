#!/usr/bin/python3
"""plot_tensor_lift.py — the figure and measured numbers of configs/tensor_lift.yaml.

Usage:
    /usr/bin/python3 scripts/plot_tensor_lift.py RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (arms lift and sgd, swept data.seed and data.n_train), writes
OUT_PREFIX.png and .svg (default RESULTS_DIR/tensor_lift) and prints, as Markdown tables, the
numbers that docs/experiments/tensor_lift.md quotes.

  (a) the recovery error 1 − weight_recovery (1 − min_j max_i |cos(a_j, w_i)|) against n_train,
      one line per data seed: NN-LIFT after its fit (solid), SGD after its last epoch (dashed),
      with a 1/n slope for reference (the moment's error falls like 1/√n, the angle with it);
  (b) test_loss against wall_s at the largest n_train: SGD's trajectory per data seed (one point
      per epoch) and NN-LIFT's single fit (large markers), with the noise floor noise².
"""
import argparse
import csv
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_rows(results):
    """Every row of metrics.csv, numbers as floats."""
    rows = []
    with open(os.path.join(results, "metrics.csv"), newline="") as f:
        for r in csv.DictReader(f):
            for k in ("epoch", "test_loss", "train_loss", "wall_s", "weight_recovery", "data.seed",
                      "data.n_train"):
                r[k] = float(r[k]) if r.get(k) not in (None, "") else float("nan")
            rows.append(r)
    return rows


def noise_of(results):
    """data.noise from resolved.yaml."""
    with open(os.path.join(results, "resolved.yaml")) as f:
        m = re.search(r"^\s*noise: ([0-9.eE+-]+)", f.read(), re.M)
    return float(m.group(1)) if m else float("nan")


def final(rows):
    """(arm, data.seed, n_train) -> the run's last row."""
    last = {}
    for r in rows:
        last[(r["arm"], int(r["data.seed"]), int(r["data.n_train"]))] = r
    return last


def first_epoch(rows):
    """(data.seed, n_train) -> SGD's row after its first epoch."""
    out = {}
    for r in rows:
        if r["arm"] == "sgd" and r["epoch"] == 1:
            out[(int(r["data.seed"]), int(r["data.n_train"]))] = r
    return out


def print_tables(last, after_one, seeds, sizes):
    """The page's tables."""
    print("| data.seed | n_train | lift min \\|cos\\| | sgd min \\|cos\\| | lift test_loss | sgd test_loss "
          "| lift wall_s | sgd wall_s | sgd epoch 1: test_loss, min \\|cos\\|, wall_s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in seeds:
        for n in sizes:
            a, b, e = last[("lift", s, n)], last[("sgd", s, n)], after_one[(s, n)]
            print(f"| {s} | {n} | {a['weight_recovery']:.6f} | {b['weight_recovery']:.6f} "
                  f"| {a['test_loss']:.5f} | {b['test_loss']:.5f} | {a['wall_s']:.3f} | {b['wall_s']:.3f} "
                  f"| {e['test_loss']:.5f}, {e['weight_recovery']:.5f}, {e['wall_s']:.3f} |")
    print()
    top, below = sizes[-1], sizes[-2]
    print(f"| data.seed | lift 1 − min\\|cos\\| at {below} | at {top} | ratio | ≥ 0.97 at {top} | halved |")
    print("|---|---|---|---|---|---|")
    for s in seeds:
        e1 = 1 - last[("lift", s, below)]["weight_recovery"]
        e4 = 1 - last[("lift", s, top)]["weight_recovery"]
        ok = last[("lift", s, top)]["weight_recovery"] >= 0.97
        print(f"| {s} | {e1:.3g} | {e4:.3g} | {e1 / e4:.2f} | {'yes' if ok else 'NO'} "
              f"| {'yes' if e4 <= e1 / 2 else 'NO'} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out", default=None)
    args = ap.parse_args()
    prefix = args.out or os.path.join(args.results, "tensor_lift")
    rows = read_rows(args.results)
    last, after_one = final(rows), first_epoch(rows)
    seeds = sorted({int(r["data.seed"]) for r in rows})
    sizes = sorted({int(r["data.n_train"]) for r in rows})
    print_tables(last, after_one, seeds, sizes)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, s in enumerate(seeds):
        c = colors[i % len(colors)]
        ax1.plot(sizes, [1 - last[("lift", s, n)]["weight_recovery"] for n in sizes], "o-", color=c,
                 label=f"NN-LIFT, data.seed {s}")
        ax1.plot(sizes, [1 - last[("sgd", s, n)]["weight_recovery"] for n in sizes], "s--", color=c,
                 alpha=0.6, label=f"SGD, data.seed {s}")
    ref0 = 1 - last[("lift", seeds[0], sizes[0])]["weight_recovery"]
    ax1.plot(sizes, [ref0 * sizes[0] / n for n in sizes], ":", color="gray", label="∝ 1/n")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("n_train")
    ax1.set_ylabel("1 − min_j max_i |cos(a_j, w_i)|")
    ax1.set_title("(a) first-layer recovery error")
    ax1.legend(fontsize=6, ncol=2)

    top = sizes[-1]
    for i, s in enumerate(seeds):
        c = colors[i % len(colors)]
        traj = [r for r in rows if r["arm"] == "sgd" and int(r["data.seed"]) == s
                and int(r["data.n_train"]) == top and r["epoch"] > 0]
        ax2.plot([r["wall_s"] for r in traj], [r["test_loss"] for r in traj], ".-", color=c, alpha=0.6,
                 label=f"SGD per epoch, data.seed {s}")
        lift = last[("lift", s, top)]
        ax2.plot([lift["wall_s"]], [lift["test_loss"]], "*", color=c, markersize=13,
                 markeredgecolor="black", label=f"NN-LIFT, data.seed {s}")
    sigma = noise_of(args.results)
    ax2.axhline(sigma * sigma, color="gray", linestyle=":", label="noise² (Bayes risk)")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("wall_s (training time, evaluation excluded)")
    ax2.set_ylabel("test_loss (mse)")
    ax2.set_title(f"(b) test loss against time, n_train = {top}")
    ax2.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(f"{prefix}.{ext}", dpi=130)
    print(f"\nwrote {prefix}.png and {prefix}.svg")


if __name__ == "__main__":
    main()
