"""dropout_ensemble — the measured tables of docs/experiments/dropout_ensemble.md (weight scaling
against the MC average over dropout masks, Srivastava et al. 2014 §7.5, fig. 11; calibration
after Guo et al. 2017) from a run of configs/dropout_ensemble.yaml: per arm, the final test
error, logit bias and gap, spread, ECE and NLL of both (mean [min, max] over seeds); then
ws_logit_bias at step 0, at the end and at most over the evaluations, and the largest
|ws_minus_mc_acc| after step 0 with how many (seed, evaluation) points favour each side."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/dropout_ensemble.yaml"
# 1000 training and 500 test images, 2 epochs evaluated every 10 steps, T = 10 masks.
REDUCED_ARGS = ["--set", "data.n_train=1000", "--set", "data.n_test=500", "--set", "training.epochs=2",
                "--set", "training.eval_every=10", "--set", "diagnostics=[{mc_dropout: 10}, calibration]"]
ARMS = ("last_layer", "every_layer", "deep_every_layer")
# (heading, function of a row)
COLUMNS = (("test error, ws", lambda r: 1 - m.number(r["test_acc"])),
           ("test error, MC", lambda r: 1 - m.number(r["mc_test_acc"])),
           ("ws_logit_bias", lambda r: m.number(r["ws_logit_bias"])),
           ("mc_logit_gap", lambda r: m.number(r["mc_logit_gap"])),
           ("mc_spread", lambda r: m.number(r["mc_spread"])),
           ("ECE ws", lambda r: m.number(r["ece"])), ("ECE MC", lambda r: m.number(r["mc_ece"])),
           ("NLL ws", lambda r: m.number(r["nll"])), ("NLL MC", lambda r: m.number(r["mc_nll"])))


def figure_commands(results, prefix):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [["/usr/bin/python3", os.path.join(root, "scripts", "plot_dropout_ensemble.py"), results,
             "-o", prefix]]


def cell(values):
    return f"{sum(values) / len(values):.4f} [{min(values):.4f}, {max(values):.4f}]"


def measured(results):
    rows = m.rows(results)
    seeds = m.seeds(rows, ARMS[0])
    ser = {(a, s): m.series(rows, a, s) for a in ARMS for s in seeds}
    final = max(ser[(ARMS[0], seeds[0])])
    out = [f"Final evaluation (step {final}); mean [min, max] over seeds {', '.join(map(str, seeds))}; "
           "the MC columns average T masks of `diagnostics.mc_dropout`:", "",
           "| arm | " + " | ".join(h for h, _ in COLUMNS) + " |", "|---|" + "---|" * len(COLUMNS)]
    for a in ARMS:
        out.append(f"| {a} | " + " | ".join(cell([f(ser[(a, s)][final]) for s in seeds]) for _, f in COLUMNS)
                   + " |")
    out += ["", "Over the evaluations (means over seeds for the bias; every seed and evaluation after "
            "step 0 for the accuracy difference):", "",
            "| arm | ws_logit_bias, step 0 | ws_logit_bias, final | largest ws_logit_bias of any seed "
            "and evaluation | largest \\|ws_minus_mc_acc\\| after step 0 | points with ws better / MC better / tie |",
            "|---|---|---|---|---|---|"]
    for a in ARMS:
        bias = lambda step: sum(m.number(ser[(a, s)][step]["ws_logit_bias"]) for s in seeds) / len(seeds)  # noqa: E731
        top = max(m.number(r["ws_logit_bias"]) for s in seeds for r in ser[(a, s)].values())
        diffs = [m.number(r["ws_minus_mc_acc"]) for s in seeds for st, r in ser[(a, s)].items() if st > 0]
        pos, neg = sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)
        out.append(f"| {a} | {bias(0):.4f} | {bias(final):.4f} | {top:.4f} | {max(abs(d) for d in diffs):.4f} | "
                   f"{pos} / {neg} / {len(diffs) - pos - neg} |")
    return "\n".join(out) + "\n"
