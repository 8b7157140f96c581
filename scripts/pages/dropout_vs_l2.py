"""dropout_vs_l2 — the measured table of docs/experiments/dropout_vs_l2.md (Srivastava et al.
2014, §6.1.1) from a run of configs/dropout_vs_l2.yaml: per arm and seed, the generalization
gaps, the accuracies and where the test loss bottoms out."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/dropout_vs_l2.yaml"
# A run of a few seconds for tests/scripts/test_page_modules.py.
REDUCED_ARGS = ["--set", "data.n_train=1000", "--set", "training.epochs=3",
                "--set", "model.hidden=[32,32]"]
ARMS = ("none", "l2", "dropout", "dropout_maxnorm")
LAST_K = 5   # the "mean of the last 5 test losses − min" column


def figure_commands(results, prefix):
    return [m.plot("plot_metrics.py", results, "-o", prefix, "--force")]


def run_figures(run):
    """The table's cells for one run ({epoch-row step: row}), as numbers."""
    epochs = sorted(run)
    last = run[epochs[-1]]
    test = [(m.number(run[e]["test_loss"]), int(run[e]["epoch"])) for e in epochs if int(run[e]["epoch"]) > 0]
    low, low_epoch = min(test)
    tail = [v for v, _ in test[-LAST_K:]]
    return {
        "loss_gap": m.number(last["test_loss"]) - m.number(last["train_loss"]),
        "acc_gap": m.number(last["train_acc"]) - m.number(last["test_acc"]),
        "test_acc": m.number(last["test_acc"]),
        "best_acc": max(m.number(run[e]["test_acc"]) for e in epochs),
        "min_loss": f"{low:.3f} ({low_epoch})",
        "final_loss": m.number(last["test_loss"]),
        "climb": sum(tail) / len(tail) - low,
    }


def measured(results):
    rows = m.rows(results)
    seeds = m.seeds(rows, ARMS[0])
    any_run = m.series(rows, ARMS[0], seeds[0])
    final_epoch = int(any_run[max(any_run)]["epoch"])
    out = [f"At epoch {final_epoch} (seeds {' / '.join(map(str, seeds))}):", "",
           "| arm | test − train loss | train − test accuracy | test accuracy | best test accuracy "
           f"| min test loss (epoch) | final test loss | mean of last {LAST_K} test losses − min |",
           "|---|---|---|---|---|---|---|---|"]
    formats = (("loss_gap", ".3f"), ("acc_gap", ".3f"), ("test_acc", ".4f"), ("best_acc", ".4f"),
               ("min_loss", ""), ("final_loss", ".3f"), ("climb", ".3f"))
    for arm in ARMS:
        figs = [run_figures(m.series(rows, arm, s)) for s in seeds]
        cells = [" / ".join(format(f[key], spec) if spec else f[key] for f in figs)
                 for key, spec in formats]
        out.append(f"| {arm} | " + " | ".join(cells) + " |")
    first = []
    for s in seeds:
        a, b = m.series(rows, "dropout", s), m.series(rows, "dropout_maxnorm", s)
        first.append(next((int(a[t]["epoch"]) for t in sorted(a)
                           if a[t]["train_loss"] != b.get(t, {}).get("train_loss")), float("nan")))
    out += ["", "First epoch at which `dropout_maxnorm` differs from `dropout` (max-norm binds), "
            f"seeds {' / '.join(map(str, seeds))}: {' / '.join(m.fmt([f], 0) for f in first)}."]
    seconds = sum(float(r["wall_s"]) for r in m.rows_of(results, "summary.csv"))
    out += ["", f"The runs' own training time (`wall_s` summed over summary.csv): {seconds:.0f} s."]
    return "\n".join(out) + "\n"
