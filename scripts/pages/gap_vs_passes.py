"""gap_vs_passes — the measured tables of docs/experiments/gap_vs_passes.md (Hardt, Recht &
Singer 2016, §5) from a run of configs/gap_vs_passes.yaml: per seed, gen_gap, stab_param_dist
and stab_loss_sens (means over the twin pairs) at a few epochs; the Pearson correlation of the
gap and the distance over the epochs, the distance's growth per epoch from epoch 10 on and
whether both grow at every listed epoch; the cost of the twins from seed 1's twins.yaml."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/gap_vs_passes.yaml"
# 10 epochs and 2 seeds instead of 40 and 3.
REDUCED_ARGS = ["--set", "training.epochs=10", "--set", "seeds=2"]
EPOCHS = (1, 5, 10, 20, 30, 40)
QUANTITIES = ("gen_gap", "stab_param_dist", "stab_loss_sens")


def figure_commands(results, prefix):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [["/usr/bin/python3", os.path.join(root, "scripts", "plot_stability.py"), "gap_vs_passes",
             results, "-o", prefix]]


def by_epoch(rows, seed):
    """{epoch: row} of seed's run, epochs ≥ 1."""
    return {int(r["epoch"]): r for r in rows if r["seed"] == str(seed) and int(r["epoch"]) >= 1}


def pearson(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


def twins(results, seed):
    """The key: value lines of runs/main/seed-SEED/twins.yaml."""
    out = {}
    with open(os.path.join(results, "runs", "main", f"seed-{seed}", "twins.yaml")) as f:
        for line in f:
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k.strip()] = v.strip()
    return out


def measured(results):
    rows = m.rows(results)
    seeds = m.seeds(rows, "main")
    series = {s: by_epoch(rows, s) for s in seeds}
    last = min(max(e) for e in series.values())
    epochs = [e for e in EPOCHS if e <= last]
    if last not in epochs:
        epochs.append(last)
    out = ["| seed | quantity | " + " | ".join(f"epoch {e}" for e in epochs) + " |",
           "|---|---|" + "---|" * len(epochs)]
    for s in seeds:
        for q in QUANTITIES:
            out.append(f"| {s} | {q} | " + " | ".join(f"{m.number(series[s][e][q]):.4g}" for e in epochs)
                       + " |")
    start = 10 if last > 10 else 1
    out += ["", f"| seed | Pearson r(gen_gap, stab_param_dist) over epochs 1–{last} | "
            f"stab_param_dist growth per epoch, epochs {start}–{last} | gen_gap, epoch {epochs[-2]} → {last} | "
            "both grow at every listed epoch |", "|---|---|---|---|---|"]
    for s in seeds:
        ser = series[s]
        es = sorted(e for e in ser if e <= last)
        r = pearson([m.number(ser[e]["gen_gap"]) for e in es], [m.number(ser[e]["stab_param_dist"]) for e in es])
        d = lambda e: m.number(ser[e]["stab_param_dist"])  # noqa: E731
        g = lambda e: m.number(ser[e]["gen_gap"])  # noqa: E731
        slope = (d(last) - d(start)) / (last - start)
        grow = all(g(b) > g(a) and d(b) > d(a) for a, b in zip(epochs, epochs[1:]))
        out.append(f"| {s} | {r:.3f} | {slope:.4f} | {g(last) - g(epochs[-2]):+.3f} | "
                   f"{'yes' if grow else 'no'} |")
    t = twins(results, seeds[0])
    ratio = float(t["twin_seconds"]) / float(t["run_seconds"])
    out += ["", f"Cost of the twins (seed {seeds[0]}, `runs/main/seed-{seeds[0]}/twins.yaml`):", "",
            "| twin runs | parameters per run | twin_heap_bytes | per twin | twin_seconds | run_seconds | ratio |",
            "|---|---|---|---|---|---|---|",
            f"| {t['twin_runs']} | {t['parameters_per_run']} | {t['twin_heap_bytes']} | "
            f"{int(t['twin_heap_bytes']) / int(t['twin_runs']) / 1e6:.1f} MB | {t['twin_seconds']} | "
            f"{t['run_seconds']} | {ratio:.1f}× |"]
    return "\n".join(out) + "\n"
