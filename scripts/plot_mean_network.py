#!/usr/bin/python3
"""plot_mean_network.py — figure and numbers of configs/mean_network.yaml.

Usage:
    /usr/bin/python3 scripts/plot_mean_network.py RESULTS_DIR [-o OUT_PREFIX]

Reads RESULTS_DIR/metrics.csv (diagnostic mean_network) and writes OUT_PREFIX.png and .svg
(default RESULTS_DIR/mean_network): mean_net_geo_gap and mean_net_arith_gap against the epoch on
a log y axis, one colour per arm, one line per seed. Prints, per arm and seed, the largest
geometric gap and the smallest and largest arithmetic gap over all evaluation points.
"""
import argparse
import csv
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("-o", "--out")
    args = ap.parse_args()
    out = args.out or os.path.join(args.results, "mean_network")
    with open(os.path.join(args.results, "metrics.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    runs = {}
    for r in rows:
        runs.setdefault((r["arm"], r["seed"]), []).append(r)
    arms = list(dict.fromkeys(a for a, _ in runs))
    print("| arm | seed | max geo gap | min arith gap | max arith gap | final test_acc |")
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for k, arm in enumerate(arms):
        for (a, seed), rs in runs.items():
            if a != arm:
                continue
            ep = [int(r["epoch"]) for r in rs]
            geo = [float(r["mean_net_geo_gap"]) for r in rs]
            ari = [float(r["mean_net_arith_gap"]) for r in rs]
            print("| %s | %s | %.2e | %.4f | %.4f | %s |" % (arm, seed, max(geo), min(ari), max(ari), rs[-1]["test_acc"]))
            first = seed == "1"
            ax.semilogy(ep, geo, "--", color="C%d" % k, lw=1, label=arm + ": geometric" if first else None)
            ax.semilogy(ep, ari, "-", color="C%d" % k, lw=1.5, label=arm + ": arithmetic" if first else None)
    ax.set_xlabel("epoch")
    ax.set_ylabel("max |mean of 2^16 subnetworks − weight-scaled|")
    ax.set_title("weight scaling vs the exact means of all 2^16 subnetworks")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(out + "." + ext, dpi=110)
    print("wrote %s.png and %s.svg" % (out, out))


if __name__ == "__main__":
    main()
