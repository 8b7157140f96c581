#!/usr/bin/python3
"""plot_dropconnect_inference.py — figure and measured numbers of configs/dropconnect_inference.yaml.

Usage:
    /usr/bin/python3 scripts/plot_dropconnect_inference.py RESULTS_DIR [--masks S_DIR ...] [-o OUT_PREFIX]

RESULTS_DIR is the output folder of `dlx run configs/dropconnect_inference.yaml` (arms
weight_scaling and moment_matching, which train the same weights and differ only in their
evaluation). Each S_DIR is a folder of epoch-0 runs that evaluate a final checkpoint with the
dropconnect_moments diagnostic at another number of masks S (docs/experiments/dropconnect_inference.md
has the commands). Writes OUT_PREFIX.png and .svg (default RESULTS_DIR/dropconnect_inference)
and prints the numbers the doc page quotes.

  (a) test accuracy against the epoch, per seed: weight scaling solid, moment matching dashed;
  (b) the paired difference moment matching − weight scaling of the test loss and of the test
      error against the epoch, per seed;
  (c) with S_DIRs: the relative errors of the Monte-Carlo mean and variance of each layer's
      pre-activation against S (log-log, mean over seeds), with their exact root mean square
      (dashed), which falls as S^(-1/2).
"""
import argparse
import csv
import math
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_metrics import save_figure  # noqa: E402

ARMS = ["weight_scaling", "moment_matching"]


def read_rows(folder):
    with open(os.path.join(folder, "metrics.csv")) as f:
        return list(csv.DictReader(f))


def curves(rows):
    """{(arm, seed): [(epoch, test_acc, test_loss, train_loss)]} sorted by epoch."""
    out = {}
    for r in rows:
        out.setdefault((r["arm"], int(r["seed"])), []).append(
            (float(r["epoch"]), float(r["test_acc"]), float(r["test_loss"]), float(r["train_loss"])))
    for v in out.values():
        v.sort()
    return out


def layers_of(rows):
    cols = rows[0].keys()
    return [c.split(".", 1)[1] for c in cols if c.startswith("dc_mean_rel_err.")]


def mask_errors(folders):
    """{S: {(layer, what): [values over seeds]}} from epoch-0 rows; what in mean, var, mean_rms, var_rms."""
    out = {}
    for folder in folders:
        rows = read_rows(folder)
        meta = os.path.join(folder, "resolved.yaml")
        S = None
        with open(meta) as f:
            for line in f:
                if "dropconnect_moments:" in line:
                    S = int(line.split("dropconnect_moments:")[1].strip(" }]\n"))
        for r in rows:
            if not r.get("dc_mean_rel_err.fc1"):
                continue
            for layer in layers_of(rows):
                for what, col in (("mean", "dc_mean_rel_err"), ("var", "dc_var_rel_err"),
                                  ("mean_rms", "dc_mean_rel_err_rms"), ("var_rms", "dc_var_rel_err_rms")):
                    out.setdefault(S, {}).setdefault((layer, what), []).append(float(r[col + "." + layer]))
    return out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--masks", nargs="*", default=[])
    ap.add_argument("-o", "--out")
    a = ap.parse_args(argv)
    try:
        rows = read_rows(a.results)
    except OSError as e:
        print(f"plot_dropconnect_inference.py: cannot read {a.results}/metrics.csv: {e.strerror}", file=sys.stderr)
        return 2
    if not rows or not {"arm", "seed", "epoch", "test_acc", "test_loss"} <= set(rows[0]):
        print(f"plot_dropconnect_inference.py: {a.results}/metrics.csv is not a dlx metrics.csv", file=sys.stderr)
        return 2
    c = curves(rows)
    seeds = sorted({s for (arm, s) in c if arm == "weight_scaling" and ("moment_matching", s) in c})
    if not seeds:
        print(f"plot_dropconnect_inference.py: {a.results} has no seed with both arms weight_scaling and "
              "moment_matching", file=sys.stderr)
        return 2
    panels = 3 if a.masks else 2
    fig, ax = plt.subplots(1, panels, figsize=(5.2 * panels, 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    print("final epoch, per seed: arm test_acc test_loss train_loss")
    for i, s in enumerate(seeds):
        ws, mm = c[("weight_scaling", s)], c[("moment_matching", s)]
        ax[0].plot([e for e, *_ in ws], [x[1] for x in ws], color=colors[i], label=f"seed {s} weight scaling")
        ax[0].plot([e for e, *_ in mm], [x[1] for x in mm], color=colors[i], ls="--",
                   label=f"seed {s} moment matching")
        epochs = [x[0] for x in ws]
        ax[1].plot(epochs, [m[2] - w[2] for w, m in zip(ws, mm)], color=colors[i], label=f"seed {s} test loss")
        ax[1].plot(epochs, [w[1] - m[1] for w, m in zip(ws, mm)], color=colors[i], ls=":",
                   label=f"seed {s} test error")
        for arm, cur in (("weight_scaling", ws), ("moment_matching", mm)):
            e, acc, loss, tr = cur[-1]
            print(f"  seed {s} epoch {e:g} {arm:16s} {acc:.4f} {loss:.4f} {tr:.4f}")
        print(f"  seed {s} moment matching − weight scaling: test loss {mm[-1][2] - ws[-1][2]:+.4f}, "
              f"test accuracy {mm[-1][1] - ws[-1][1]:+.4f}; over epochs 1.. the loss is lower on "
              f"{sum(m[2] < w[2] for w, m in zip(ws[1:], mm[1:]))} of {len(ws) - 1}")
    ax[0].set_xlabel("epoch")
    ax[0].set_ylabel("test accuracy")
    ax[0].set_title("(a) test accuracy (same weights in both arms)")
    ax[0].legend(fontsize=7)
    ax[1].axhline(0, color="k", lw=0.6)
    ax[1].set_xlabel("epoch")
    ax[1].set_ylabel("moment matching − weight scaling")
    ax[1].set_title("(b) paired differences: test loss, test error")
    ax[1].legend(fontsize=7)
    if a.masks:
        errs = mask_errors(a.masks)
        Ss = sorted(errs)
        layers = sorted({k[0] for S in Ss for k in errs[S]}, key=lambda n: (n == "out", n))
        print("mask sweep (mean over seeds): S layer mean_err mean_rms var_err var_rms")
        for j, layer in enumerate(layers):
            for what, marker in (("mean", "o"), ("var", "s")):
                ys = [sum(errs[S][(layer, what)]) / len(errs[S][(layer, what)]) for S in Ss]
                rms = [sum(errs[S][(layer, what + "_rms")]) / len(errs[S][(layer, what + "_rms")]) for S in Ss]
                ax[2].loglog(Ss, ys, marker=marker, color=colors[j], ls="none",
                             label=f"{layer} {'mean' if what == 'mean' else 'variance'}")
                ax[2].loglog(Ss, rms, color=colors[j], ls="--" if what == "mean" else ":", lw=0.8)
            for S in Ss:
                m = errs[S]
                avg = {w: sum(m[(layer, w)]) / len(m[(layer, w)]) for w in ("mean", "mean_rms", "var", "var_rms")}
                print(f"  {S:6d} {layer:4s} {avg['mean']:.5f} {avg['mean_rms']:.5f} {avg['var']:.5f} {avg['var_rms']:.5f}")
        ax[2].set_xlabel("masks S")
        ax[2].set_ylabel("relative Frobenius error")
        ax[2].set_title("(c) Monte Carlo vs Wan et al. §3 moments\n(lines: exact rms, ∝ S^(-1/2))")
        ax[2].legend(fontsize=7)
        print("  slope of log err vs log S between the smallest and largest S:")
        for layer in layers:
            for what in ("mean", "var"):
                lo, hi = Ss[0], Ss[-1]
                y0 = sum(errs[lo][(layer, what)]) / len(errs[lo][(layer, what)])
                y1 = sum(errs[hi][(layer, what)]) / len(errs[hi][(layer, what)])
                print(f"    {layer} {what}: {math.log(y1 / y0) / math.log(hi / lo):.3f}")
    fig.tight_layout()
    out = a.out or os.path.join(a.results, "dropconnect_inference")
    for path in save_figure(fig, out):
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
