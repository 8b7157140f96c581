"""stability_sgd_convex — the measured tables of docs/experiments/stability_sgd_convex.md (Hardt,
Recht & Singer 2016, Theorem 3.8: SGD on a convex loss is stable within (2L/n)Σα) from a run of
configs/stability_sgd_convex.yaml: per (arm, seed) the mean twin distance and the bound at a few
epochs and the ratio of the last epoch to the middle one; per arm the margins, the plateau, the
loss sensitivity against the run's own gap; the strongly convex bound 2L/(λn); the twins' cost."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _metrics as m  # noqa: E402

CONFIG = "configs/stability_sgd_convex.yaml"
# Reduced: 10 twin pairs instead of 400 (the 20 epochs stay: plot_stability.py prints epochs 1, 5,
# 10 and 20).
REDUCED_ARGS = ["--set", "diagnostics.0.stability.pairs=10"]
EPOCHS = (1, 5, 10, 20)
STRONG = "strongly_convex"
LAMBDA = 0.05   # the strongly convex arm's l2 (configs/stability_sgd_convex.yaml)


def figure_commands(results, prefix):
    return [m.plot("plot_stability.py", "stability_sgd_convex", results, "-o", prefix)]


def by_epoch(run):
    return {int(r["epoch"]): r for r in run.values()}


def twins(results, arm, seed):
    """runs/ARM/seed-K/twins.yaml as {key: string}."""
    out = {}
    with open(os.path.join(results, "runs", arm, f"seed-{seed}", "twins.yaml")) as f:
        for line in f:
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k.strip()] = v.strip()
    return out



def measured(results):
    rows = m.rows(results)
    arms = list(dict.fromkeys(r["arm"] for r in rows))
    seeds = m.seeds(rows, arms[0])
    runs = {(a, s): by_epoch(m.series(rows, a, s)) for a in arms for s in seeds}
    last = max(runs[(arms[0], seeds[0])])
    mid = last // 2
    shown = [e for e in EPOCHS if e < last] + [last]
    d = lambda run, e: m.number(run[e]["stab_param_dist"])   # noqa: E731
    out = ["Mean distance over the pairs ‖θ_t − θ′_t‖ / the bound (2L/n)Σα:", "",
           "| arm | seed | " + " | ".join(f"epoch {e}" for e in shown) + f" | dist({last})/dist({mid}) |",
           "|---|---|" + "---|" * len(shown) + "---|"]
    for (a, s), run in runs.items():
        cells = [f"{d(run, e):.4f} / {m.number(run[e]['stab_bound']):.3g}" for e in shown]
        out.append(f"| {a} | {s} | " + " | ".join(cells) + f" | {d(run, last) / d(run, mid):.3f} |")
    holds = all(d(run, e) < m.number(run[e]["stab_bound"]) for run in runs.values() for e in run if e > 0)
    out += ["", f"Distance below the bound at every evaluation after epoch 0, every run: "
            f"{'yes' if holds else 'no'}.", "",
            "| arm | bound / distance at epoch 1 | at epoch " + str(last) +
            " | distance from epoch 2 on | from epoch 5 on | gen_gap at epoch " + str(last) +
            " | 2 × stab_loss_sens | stab_loss_sens / distance |",
            "|---|---|---|---|---|---|---|---|"]
    for a in arms:
        rs = [runs[(a, s)] for s in seeds]
        b1 = [m.number(r[1]["stab_bound"]) / d(r, 1) for r in rs]
        bl = [m.number(r[last]["stab_bound"]) / d(r, last) for r in rs]
        from2 = [d(r, e) for r in rs for e in r if e >= 2]
        from5 = [d(r, e) for r in rs for e in r if e >= 5]
        gap = [m.number(r[last]["gen_gap"]) for r in rs]
        sens = [m.number(r[last]["stab_loss_sens"]) for r in rs]
        ratio = [m.number(r[last]["stab_loss_sens"]) / d(r, last) for r in rs]
        out.append(f"| {a} | {m.span(b1, '.1f')} | {m.span(bl, '.0f')} | "
                   f"{m.span(from2, '.3f') if from2 else '—'} | {m.span(from5, '.3f') if from5 else '—'} | "
                   f"{m.span(gap, '.3f')} | {m.span([2 * v for v in sens], '.3f')} | {m.span(ratio, '.2f')} |")
    if STRONG in arms:
        r1 = runs[(STRONG, seeds[0])]
        alpha = m.number(r1[1]["lr"])
        lipschitz = m.number(r1[1]["stab_bound"]) / (2 * alpha)   # stab_bound(epoch 1) = 2Lα·n/n
        n = round(m.number(r1[1]["step"]))                          # steps per epoch = n (batch 1)
        hrs = 2 * lipschitz / (LAMBDA * n)
        dist = [d(runs[(STRONG, s)], last) for s in seeds]
        out += ["", f"L = stab_bound(epoch 1)/(2α) = {lipschitz:.4g}; the strongly convex "
                f"constant-step bound 2L/(λn) (λ = {LAMBDA:g}, n = {n}) = {hrs:.3g}, "
                f"{m.span([hrs / v for v in dist], '.1f')}× the `{STRONG}` distance at epoch {last}."]
    t = twins(results, arms[0], seeds[0])
    out += ["", f"Cost of the twins (`runs/{arms[0]}/seed-{seeds[0]}/twins.yaml`): {t.get('pairs')} "
            f"pairs = {t.get('twin_runs')} twin runs of {t.get('parameters_per_run')} parameters, "
            f"`twin_heap_bytes: {t.get('twin_heap_bytes')}`, `twin_seconds: {t.get('twin_seconds')}` "
            f"against `run_seconds: {t.get('run_seconds')}`."]
    return "\n".join(out) + "\n"
