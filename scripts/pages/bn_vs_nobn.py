"""bn_vs_nobn — the measured tables of docs/experiments/bn_vs_nobn.md (Ioffe & Szegedy 2015,
figure 1) from a run of configs/bn_vs_nobn.yaml: steps to given test accuracies, the final
accuracy, the pooled percentiles of act_quantiles and the per-unit drift of unit_quantiles."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/bn_vs_nobn.yaml"
# A run of a few seconds for tests/scripts/test_page_modules.py.
REDUCED_ARGS = ["--set", "data.n_train=1500", "--set", "training.epochs=2",
                "--set", "training.eval_every=10"]
# The side experiment the page discusses: the same network from weights N(0, 0.1²).
SMALL_INIT = "small_init"
EXTRA_RUNS = [(SMALL_INIT, ["--seeds", "1,2", "--set", "model.init.std=0.1"])]
ARMS = ("no_bn", "bn")
LAYER = "fc3"
LEVELS = (0.75, 0.80, 0.85)
PERCENTILES = ("15", "50", "85")


def figure_commands(results, prefix):
    return [m.plot("plot_bn_quantiles.py", results, "-o", prefix)]


def first_step_at(run, level):
    for step in sorted(run):
        if m.number(run[step]["test_acc"]) >= level:
            return step
    return math.nan


def triple(run, step, prefix):
    return "(" + ", ".join(f"{m.number(run[step][f'{prefix}{p}.{LAYER}' if prefix == 'act_q' else prefix.format(p)]):.2f}"
                           for p in PERCENTILES) + ")"


def pooled_move(run, ref):
    """Largest |q_p(t) − q_p(ref)| over t ≥ ref and p, and the same in units of q85 − q15 at ref."""
    q = {p: f"act_q{p}.{LAYER}" for p in PERCENTILES}
    move = max(abs(m.number(run[t][q[p]]) - m.number(run[ref][q[p]]))
               for t in run if t >= ref for p in PERCENTILES)
    spread = m.number(run[ref][q["85"]]) - m.number(run[ref][q["15"]])
    return move, move / spread


def measured(results):
    rows = m.rows(results)
    runs = {arm: {s: m.series(rows, arm, s) for s in m.seeds(rows, arm)} for arm in ARMS}
    seeds = sorted(set(runs["no_bn"]) & set(runs["bn"]))
    any_run = runs["no_bn"][seeds[0]]
    steps = sorted(any_run)
    ref, last = steps[1], steps[-1]   # the first evaluation after step 0, the last one
    early = steps[min(3, len(steps) - 1)]
    mid = min((s for s in steps if s >= ref), key=lambda s: abs(s - last // 10))
    head = " | ".join(f"{arm} (seeds {', '.join(map(str, seeds))})" for arm in ARMS)
    out = [f"| | {head} |", "|---|---|---|"]

    def row(label, value, digits):
        cells = [m.fmt([value(runs[arm][s]) for s in seeds], digits) for arm in ARMS]
        out.append(f"| {label} | {cells[0]} | {cells[1]} |")

    for level in LEVELS:
        row(f"steps to test accuracy ≥ {level:.2f}", lambda r, lv=level: first_step_at(r, lv), 0)
    row(f"final test accuracy (step {last})", lambda r: m.number(r[last]["test_acc"]), 4)
    for s in seeds[:1]:
        for step in (ref, last):
            cells = [triple(runs[arm][s], step, "act_q") for arm in ARMS]
            out.append(f"| {LAYER} sigmoid input pooled over units (q15, q50, q85), step {step}, "
                       f"seed {s} | {cells[0]} | {cells[1]} |")
    row(f"largest move of a pooled {LAYER} percentile after step {ref}",
        lambda r: pooled_move(r, ref)[0], 2)
    row("the same in units of the pooled 15–85 spread at step " + str(ref),
        lambda r: pooled_move(r, ref)[1], 3)
    for step in (early, mid, last):
        for layer in ("fc1", "fc2", "fc3"):
            row(f"`unit_drift.{layer}` at step {step}",
                lambda r, st=step, ly=layer: m.number(r[st][f"unit_drift.{ly}"]), 3)
    out.append("")
    out.append(f"Unit 0 of {LAYER}, (q15, q50, q85) of its input over the probe batch:")
    out.append("")
    out.append(f"| seed | no_bn, step {ref} | no_bn, step {last} | bn, step {ref} | bn, step {last} |")
    out.append("|---|---|---|---|---|")
    unit = "unit_q{}." + LAYER + ".u0"
    for s in seeds:
        cells = [triple(runs[arm][s], step, unit) for arm in ARMS for step in (ref, last)]
        out.append(f"| {s} | " + " | ".join(cells) + " |")
    crossings = []
    for s in seeds:
        a, b = runs["no_bn"][s], runs["bn"][s]
        cross = next((t for t in steps if t > ref and
                      m.number(b[t][f"unit_drift.{LAYER}"]) > m.number(a[t][f"unit_drift.{LAYER}"])),
                     math.nan)
        crossings.append(cross)
    out.append("")
    out.append(f"First evaluation at which `bn`'s `unit_drift.{LAYER}` exceeds `no_bn`'s (seeds "
               f"{', '.join(map(str, seeds))}): step {m.fmt(crossings, 0)}.")
    small = results + "." + SMALL_INIT
    if os.path.isdir(small):
        out += ["", "Side run from weights N(0, 0.1²) (`--set model.init.std=0.1`):", ""]
        out += small_init_table(small)
    return "\n".join(out) + "\n"


def small_init_table(results):
    """Pooled fc3 percentiles and their largest moves after the first evaluation, from step 200,
    1000 and 2000 on, and the steps to the accuracy levels, for the small-init side run."""
    rows = m.rows(results)
    seeds = sorted(set(m.seeds(rows, "no_bn")) & set(m.seeds(rows, "bn")))
    runs = {arm: {s: m.series(rows, arm, s) for s in seeds} for arm in ARMS}
    steps = sorted(runs["no_bn"][seeds[0]])
    ref, last = steps[1], steps[-1]
    out = [f"| | {' | '.join(f'{arm} (seeds {m.fmt(seeds, 0)})' for arm in ARMS)} |", "|---|---|---|"]
    for step in (ref, last):
        cells = ["; ".join(triple(runs[arm][s], step, "act_q") for s in seeds) for arm in ARMS]
        out.append(f"| pooled {LAYER} (q15, q50, q85) at step {step} | {cells[0]} | {cells[1]} |")
    for start in (ref, 1000, 2000):
        if start in steps:
            cells = [m.fmt([pooled_move(runs[arm][s], start)[0] for s in seeds], 2) for arm in ARMS]
            out.append(f"| largest pooled percentile move from step {start} on | {cells[0]} | {cells[1]} |")
    for layer in ("fc1", "fc3"):
        cells = [m.fmt([m.number(runs[arm][s][last][f"unit_drift.{layer}"]) for s in seeds], 3)
                 for arm in ARMS]
        out.append(f"| `unit_drift.{layer}` at step {last} | {cells[0]} | {cells[1]} |")
    for level in LEVELS:
        cells = [m.fmt([first_step_at(runs[arm][s], level) for s in seeds], 0) for arm in ARMS]
        out.append(f"| steps to test accuracy ≥ {level:.2f} | {cells[0]} | {cells[1]} |")
    cells = [m.fmt([m.number(runs[arm][s][last]["test_acc"]) for s in seeds], 4) for arm in ARMS]
    out.append(f"| final test accuracy | {cells[0]} | {cells[1]} |")
    return out
