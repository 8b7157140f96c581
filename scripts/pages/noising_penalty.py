"""noising_penalty — the measured tables of docs/experiments/noising_penalty.md (Wager, Wang &
Liang 2013: the noising penalty of logistic regression beside its quadratic approximation) from a
run of configs/noising_penalty.yaml (arms fixed_beta and trained, a zip sweep over Gaussian noise
σ and input dropout δ): per arm the relative error of R^q against σ and against δ (with the CLT
normal's ratio to the exact dropout penalty), per seed, and a summary of what the prose compares."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _metrics as m  # noqa: E402

CONFIG = "configs/noising_penalty.yaml"
# Reduced: seeds 1–2, the trained arm 50 steps instead of 500.
REDUCED_ARGS = ["--seeds", "1,2", "--set", "arms.1.training.epochs=50", "--set", "arms.1.training.eval_every=50"]
ARMS = ("fixed_beta", "trained")


def figure_commands(results, prefix):
    return [m.plot("plot_noising_penalty.py", results, "-o", prefix)]



def measured(results):
    last = {}
    for r in m.rows(results):
        key = (r["arm"], int(r["seed"]), float(r["regularizer.input_noise"]), float(r["model.dropout.input"]))
        if key not in last or int(r["step"]) >= int(last[key]["step"]):
            last[key] = r
    seeds = sorted({k[1] for k in last})
    sigmas = sorted({k[2] for k in last if k[2] > 0})
    deltas = sorted({k[3] for k in last if k[3] > 0})
    g = lambda a, s, x, col: m.number(last[(a, s, x, 0.0)][col])   # noqa: E731
    d = lambda a, s, x, col: m.number(last[(a, s, 0.0, x)][col])   # noqa: E731
    ratio = lambda a, s, x: d(a, s, x, "dropout_penalty_clt") / d(a, s, x, "dropout_penalty_exact")  # noqa: E731
    out = []
    for a in ARMS:
        out += [f"`{a}`, Gaussian noise: relative error of R^q (Σ|R^q_i − R_i|/ΣR_i)", "",
                "| seed | " + " | ".join(f"σ = {x:g}" for x in sigmas) + " |",
                "| --- |" + " --- |" * len(sigmas)]
        for s in seeds:
            out.append(f"| {s} | " + " | ".join(f"{g(a, s, x, 'noise_penalty_rel_err'):.4g}" for x in sigmas) + " |")
        out += ["", f"`{a}`, dropout: relative error of R^q against the exact R, and CLT/exact", "",
                "| seed | " + " | ".join(f"δ = {x:g}" for x in deltas) + " |",
                "| --- |" + " --- |" * len(deltas)]
        for s in seeds:
            out.append(f"| {s} | " + " | ".join(f"{d(a, s, x, 'dropout_penalty_rel_err'):.4g} ({ratio(a, s, x):.3f})"
                                               for x in deltas) + " |")
        out.append("")
    lo, hi, dlo, dhi = sigmas[0], sigmas[-1], deltas[0], deltas[-1]
    mid = min(deltas, key=lambda x: abs(x - 0.5))
    fe = lambda s: [g("fixed_beta", s, x, "noise_penalty_rel_err") for x in sigmas]   # noqa: E731
    grows = all(all(b > a for a, b in zip(fe(s), fe(s)[1:])) for s in seeds)
    te = {s: [g("trained", s, x, "noise_penalty_rel_err") for x in sigmas] for s in seeds}
    peak = [sigmas[te[s].index(max(te[s]))] for s in seeds]
    logit = [x * g("trained", s, x, "weight_norm.out") for s in seeds for x in sigmas]
    s0 = seeds[0]
    out += ["Summary (ranges over the seeds):", "", "| quantity | value |", "|---|---|",
            f"| ‖β‖ of `fixed_beta`, seeds {', '.join(map(str, seeds))} | "
            + ", ".join(f"{g('fixed_beta', s, lo, 'weight_norm.out'):.2f}" for s in seeds) + " |",
            f"| ‖β‖ of `trained` at σ = {lo:g} and at σ = {hi:g} | "
            f"{m.span([g('trained', s, lo, 'weight_norm.out') for s in seeds], '.2f')}; "
            f"{m.span([g('trained', s, hi, 'weight_norm.out') for s in seeds], '.2f')} |",
            f"| `fixed_beta` Gaussian error grows strictly with σ on every seed | {'yes' if grows else 'no'} |",
            f"| `fixed_beta` Gaussian error at σ = {lo:g}; at σ = {hi:g} | "
            f"{m.span([fe(s)[0] for s in seeds], '.2g')}; {m.span([fe(s)[-1] for s in seeds], '.2g')} |",
            f"| `fixed_beta` error ratio σ = {sigmas[1]:g} / σ = {lo:g} (σ² predicts {(sigmas[1] / lo) ** 2:g}) | "
            f"{m.span([fe(s)[1] / fe(s)[0] for s in seeds], '.2f')} |",
            f"| `fixed_beta` seed {s0}, σ = {hi:g}: R^q/n against R/n | "
            f"{g('fixed_beta', s0, hi, 'noise_penalty'):.3f} against {g('fixed_beta', s0, hi, 'noise_penalty_exact'):.3f} |",
            f"| `trained`: σ at which the Gaussian error peaks, per seed | {', '.join(f'{p:g}' for p in peak)} |",
            f"| `trained`: largest noise on the logit σ‖β‖ | {max(logit):.2f} |"]
    for a in ARMS:
        err = {x: [d(a, s, x, "dropout_penalty_rel_err") for s in seeds] for x in deltas}
        best = min(deltas, key=lambda x: sum(err[x]))
        out += [f"| `{a}` dropout error at δ = {dlo:g}; at δ = {mid:g}; at δ = {dhi:g} | "
                f"{m.span(err[dlo], '.3g')}; {m.span(err[mid], '.3g')}; {m.span(err[dhi], '.3g')} |",
                f"| `{a}` δ with the smallest dropout error (seed mean) | {best:g} |",
                f"| `{a}` CLT/exact at δ = {dlo:g}; at δ = {mid:g}; at δ = {dhi:g} | "
                f"{m.span([ratio(a, s, dlo) for s in seeds], '.3f')}; {m.span([ratio(a, s, mid) for s in seeds], '.3f')}; "
                f"{m.span([ratio(a, s, dhi) for s in seeds], '.3f')} |"]
    return "\n".join(out) + "\n"
