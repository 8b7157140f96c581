"""stability_bn_dropout — the measured tables of docs/experiments/stability_bn_dropout.md (twin-run
stability against the generalization gap with and without batch norm and dropout) from a run of
configs/stability_bn_dropout.yaml: per (arm, seed) the final test accuracy, gap and stability
measures (the table of scripts/plot_stability.py), their Pearson and Spearman correlations with
the gap over all runs, per arm the ranges the prose compares, the gap order per seed, and the
twins' cost of seed 1 (runs/ARM/seed-1/twins.yaml)."""

import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _metrics as m  # noqa: E402

CONFIG = "configs/stability_bn_dropout.yaml"
# Reduced: 2 epochs, 1 twin pair, seeds 1–2.
REDUCED_ARGS = ["--seeds", "1,2", "--set", "training.epochs=2", "--set", "diagnostics.0.stability.pairs=1"]


def figure_commands(results, prefix):
    return [m.plot("plot_stability.py", "stability_bn_dropout", results, "-o", prefix)]


def pearson(x, y):
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    return sxy / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))


def ranks(v):
    """0-based ranks (no ties expected among these measurements), as plot_stability.py's."""
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    for k, i in enumerate(order):
        r[i] = float(k)
    return r



def twins(results, arm):
    out = {}
    with open(os.path.join(results, "runs", arm, "seed-1", "twins.yaml")) as f:
        for line in f:
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k.strip()] = v.strip()
    return out


def measured(results):
    rows = m.rows(results)
    arms = list(dict.fromkeys(r["arm"] for r in rows))
    seeds = m.seeds(rows, arms[0])
    final = {}
    for a in arms:
        for s in seeds:
            run = m.series(rows, a, s)
            final[(a, s)] = {k: m.number(v) for k, v in run[max(run)].items() if k not in ("arm",)}
    epoch = int(final[(arms[0], seeds[0])]["epoch"])
    out = [f"At epoch {epoch}; the stability columns are means over the twin pairs:", "",
           "| arm | seed | test_acc | gen_gap | train_loss | stab_param_dist | stab_loss_sens |",
           "|---|---|---|---|---|---|---|"]
    for a in arms:
        for s in seeds:
            f = final[(a, s)]
            out.append(f"| {a} | {s} | {f['test_acc']:.3f} | {f['gen_gap']:.4f} | {f['train_loss']:.3f} | "
                       f"{f['stab_param_dist']:.4f} | {f['stab_loss_sens']:.4f} |")
    gaps = [final[k]["gen_gap"] for k in final]
    out += ["", f"| over all {len(final)} runs | Pearson r with gen_gap | Spearman ρ with gen_gap |",
            "|---|---|---|"]
    for name in ("stab_param_dist", "stab_loss_sens"):
        v = [final[k][name] for k in final]
        out.append(f"| {name} | {pearson(v, gaps):.3f} | {pearson(ranks(v), ranks(gaps)):.3f} |".replace("-", "−"))
    out += ["", "Per arm, over the seeds (min–max):", "",
            "| arm | gen_gap | test_acc | train_loss | stab_param_dist | stab_loss_sens |",
            "|---|---|---|---|---|---|"]
    for a in arms:
        fs = [final[(a, s)] for s in seeds]
        out.append(f"| {a} | " + " | ".join(m.span([f[k] for f in fs], spec) for k, spec in
                                            (("gen_gap", ".2f"), ("test_acc", ".3f"), ("train_loss", ".2f"),
                                             ("stab_param_dist", ".2f"), ("stab_loss_sens", ".2f"))) + " |")
    orders = []
    for s in seeds:
        orders.append(" < ".join(sorted(arms, key=lambda a: final[(a, s)]["gen_gap"])))
    out += ["", "Gap order per seed (smallest first): " +
            "; ".join(f"seed {s}: {o}" for s, o in zip(seeds, orders)) + "."]
    largest_gap = [max(arms, key=lambda a: final[(a, s)]["gen_gap"]) for s in seeds]
    largest_dist = [max(arms, key=lambda a: final[(a, s)]["stab_param_dist"]) for s in seeds]
    out += ["", "Per seed, the arm with the largest gap / the largest `stab_param_dist`: " +
            "; ".join(f"seed {s}: {g} / {d}" for s, g, d in zip(seeds, largest_gap, largest_dist)) + "."]
    t = {a: twins(results, a) for a in arms}
    first = t[arms[0]]
    out += ["", f"Cost of the twins (seed 1, `runs/<arm>/seed-1/twins.yaml`, {first.get('twin_runs')} twins "
            f"of {first.get('parameters_per_run')} parameters for `{arms[0]}`):", "",
            "| arm | twin_heap_bytes | twin_seconds | run_seconds |", "|---|---|---|---|"]
    for a in arms:
        out.append(f"| {a} | {t[a].get('twin_heap_bytes')} | {t[a].get('twin_seconds')} | {t[a].get('run_seconds')} |")
    return "\n".join(out) + "\n"
