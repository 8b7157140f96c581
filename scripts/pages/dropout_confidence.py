"""dropout_confidence — the measured tables of docs/experiments/dropout_confidence.md (MC dropout,
Gal & Ghahramani 2016, against a bootstrap ensemble, Lakshminarayanan et al. 2017) from a run of
configs/dropout_confidence.yaml: per arm, the mean [min – max] over the rows of uncertainty.csv
of the test MSE of μ, the Gaussian NLL, σ̂, the model sd √v and the coverages of y and of the
truth f; then the single members' test MSE (summary.csv) against the MC / ensemble MSE."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/dropout_confidence.yaml"
# 10 seeds (two bootstrap ensembles of five) and 10 epochs instead of 20 and 60.
REDUCED_ARGS = ["--set", "seeds=10", "--set", "training.epochs=10"]
ARMS = (("mc_dropout_0.05", "MC dropout, rate 0.05"), ("mc_dropout_0.1", "MC dropout, rate 0.1"),
        ("mc_dropout_0.3", "MC dropout, rate 0.3"), ("bootstrap", "bootstrap ensemble, K = 5"))
# (column of uncertainty.csv, heading, with the [min – max] range)
COLUMNS = (("test_loss", "test MSE of μ", True), ("nll", "Gaussian NLL", True),
           ("noise_sd", "σ estimated", False), ("model_sd", "model sd √v", False),
           ("cover50", "y in 50%", False), ("cover90", "y in 90%", True),
           ("truth_cover50", "f in 50%", False), ("truth_cover90", "f in 90%", True))


def figure_commands(results, prefix):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [["/usr/bin/python3", os.path.join(root, "scripts", "plot_uncertainty.py"), results,
             "-o", prefix]]


def cell(values, with_range):
    mean = sum(values) / len(values)
    return f"{mean:.3f} [{min(values):.3f}–{max(values):.3f}]" if with_range else f"{mean:.3f}"


def measured(results):
    unc = m.rows_of(results, "uncertainty.csv")
    summary = m.rows_of(results, "summary.csv")
    member = {}
    for r in summary:
        member.setdefault(r["arm"], {})[r["seed"]] = m.number(r["final_test_loss"])
    out = ["| arm | rows | " + " | ".join(h for _, h, _ in COLUMNS) + " |",
           "|---|---|" + "---|" * len(COLUMNS)]
    for arm, label in ARMS:
        rs = [r for r in unc if r["arm"] == arm]
        cells = [cell([m.number(r[c]) for r in rs], rng) for c, _, rng in COLUMNS]
        out.append(f"| {label} | {len(rs)} | " + " | ".join(cells) + " |")
    out += ["", "Single members (`summary.csv`, final test MSE, weight-scaled for the dropout arms) "
            "against the 5-mask / 5-member prediction of the table above:", "",
            "| arm | members' mean test MSE | MC / ensemble test MSE | "
            "ensembles with MSE ≤ their members' mean |", "|---|---|---|---|"]
    for arm, label in ARMS:
        rs = [r for r in unc if r["arm"] == arm]
        mc = sum(m.number(r["test_loss"]) for r in rs) / len(rs)
        members = list(member[arm].values())
        if arm == "bootstrap":
            below = sum(m.number(r["test_loss"]) <= sum(member[arm][s] for s in r["seeds"].split())
                        / len(r["seeds"].split()) for r in rs)
            tail = f"{below} of {len(rs)}"
        else:
            tail = "—"
        out.append(f"| {label} | {sum(members) / len(members):.3f} | {mc:.3f} | {tail} |")
    return "\n".join(out) + "\n"
