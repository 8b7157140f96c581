"""stability_ridge_m — the measured tables of docs/experiments/stability_ridge_m.md (Bousquet &
Elisseeff 2002, Theorem 22: ridge regression's replace-one sensitivity falls as 1/m) from a run of
configs/stability_ridge_m.yaml (arms l2_<λ>_r<I>, a sweep of data.n_train × data.seed): per (λ, m)
the largest stab_loss_sens over the replaced examples I per data seed, the bound σ²κ²/(λm) and
its ratio; the fitted slopes of log sensitivity against log m; the convergence of the runs (the
change of the sensitivity over the second half of the steps); the twins' cost at the largest m."""

import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _metrics as m  # noqa: E402

CONFIG = "configs/stability_ridge_m.yaml"
# Reduced: m ∈ {100, 400}, data seeds 1–2, 200 steps instead of 400.
REDUCED_ARGS = ["--set", "sweep.data.n_train=[100,400]", "--set", "sweep.data.seed=[1,2]",
                "--set", "training.epochs=200"]


def figure_commands(results, prefix):
    return [m.plot("plot_stability.py", "stability_ridge_m", results, "-o", prefix)]


def be_bound(lam, n):
    """Bousquet & Elisseeff Theorem 22 with dlx's (λ/2)‖w‖² and B = κ = 1: σ²/(λm),
    σ = 2(1 + √(2/λ)) (the same as scripts/plot_stability.py's be_bound)."""
    sigma = 2.0 * (1.0 + math.sqrt(2.0 / lam))
    return sigma * sigma / (lam * n)


def slope(xs, ys):
    """Least-squares slope of ys against xs."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def measured(results):
    rows = m.rows(results)
    runs = {}
    for r in rows:
        runs.setdefault((r["arm"], int(r["data.n_train"]), int(r["data.seed"])), {})[int(r["step"])] = r
    last_step = max(max(run) for run in runs.values())
    half = last_step // 2
    sens = {}   # (λ, m, data seed) -> the largest final sensitivity over the replaced examples
    drift = 0.0
    for (arm, n, d), run in runs.items():
        lam = float(arm.split("_")[1])
        final = m.number(run[max(run)]["stab_loss_sens"])
        sens[(lam, n, d)] = max(sens.get((lam, n, d), 0.0), final)
        mids = [s for s in run if s >= half]
        drift = max(drift, abs(final - m.number(run[min(mids)]["stab_loss_sens"])) / final)
    lams = sorted({k[0] for k in sens}, reverse=True)
    ms = sorted({k[1] for k in sens})
    dseeds = sorted({k[2] for k in sens})
    out = [f"`stab_loss_sens` at step {last_step}, the largest over the replaced examples I:", "",
           "| λ | m | max over I of stab_loss_sens, data seeds " + ", ".join(map(str, dseeds)) +
           " | geometric mean | B&E bound σ²κ²/(λm) | bound / measured (worst seed) | largest / smallest seed |",
           "|---|---|---|---|---|---|---|"]
    below = True
    ratios = {lam: [] for lam in lams}
    for lam in lams:
        for n in ms:
            v = [sens[(lam, n, d)] for d in dseeds]
            gm = math.exp(sum(math.log(x) for x in v) / len(v))
            b = be_bound(lam, n)
            below &= all(0 < x < b for x in v)
            ratios[lam].append(b / max(v))
            out.append(f"| {lam:g} | {n} | " + ", ".join(f"{x:.3g}" for x in v) +
                       f" | {gm:.3g} | {b:.3g} | {b / max(v):.3g} | {max(v) / min(v):.2f} |")
    out += ["", f"Every sensitivity positive and below the bound: {'yes' if below else 'no'}; "
            "bound / measured ranges " +
            "; ".join(f"λ = {lam:g}: {min(ratios[lam]):.3g}–{max(ratios[lam]):.3g}" for lam in lams) + ".",
            "", "Slopes of log sensitivity against log m, least squares:", "",
            "| λ | slope over every (m, data seed) | slope per data seed | in [−1.2, −0.8] (all; per seed) |",
            "|---|---|---|---|"]
    for lam in lams:
        xs = [math.log(n) for n in ms for d in dseeds]
        ys = [math.log(sens[(lam, n, d)]) for n in ms for d in dseeds]
        s_all = slope(xs, ys)
        per = [slope([math.log(n) for n in ms], [math.log(sens[(lam, n, d)]) for n in ms]) for d in dseeds]
        inside = lambda v: -1.2 <= v <= -0.8   # noqa: E731
        out.append(f"| {lam:g} | {s_all:.3f} | ".replace("-", "−") +
                   ", ".join(f"{v:.3f}".replace("-", "−") for v in per) +
                   f" | {'yes' if inside(s_all) else 'no'}; {sum(map(inside, per))} of {len(per)} |")
    out += ["", f"Convergence: between step {half} and step {last_step} the sensitivity changes by "
            f"at most {drift:.2g} of itself in any run."]
    # the last sweep point: the largest m (data.n_train is the outer sweep key), the last data seed
    point = max(os.listdir(os.path.join(results, "runs")), key=lambda p: int(p[1:]))
    arm = rows[0]["arm"]
    t = _twins(os.path.join(results, "runs", point, arm, "seed-1", "twins.yaml"))
    out += ["", f"Cost of the twins at m = {ms[-1]}, data seed {dseeds[-1]} "
            f"(`runs/{point}/{arm}/seed-1/twins.yaml`): {t.get('twin_runs')} twin runs, "
            f"`twin_heap_bytes: {t.get('twin_heap_bytes')}`, `twin_seconds: {t.get('twin_seconds')}` "
            f"against `run_seconds: {t.get('run_seconds')}` for the run itself."]
    return "\n".join(out) + "\n"


def _twins(path):
    out = {}
    with open(path) as f:
        for line in f:
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k.strip()] = v.strip()
    return out
