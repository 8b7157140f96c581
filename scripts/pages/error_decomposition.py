"""error_decomposition — the measured tables of docs/experiments/error_decomposition.md (Bottou
& Bousquet 2008, eq. (2)–(3)) from a run of configs/error_decomposition.yaml: per class k and
n, the means over the data seeds of err_approx, err_est (with its least-squares expectation),
err_opt and err_excess after the last epoch; for the full class the optimization error after
one epoch against the last; and, at fixed budgets B = n·e of example gradients, every data
seed's excess error after B/n passes over n examples, with how often and by how much one pass
over B examples beats the splits with more passes."""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

CONFIG = "configs/error_decomposition.yaml"
# Two data sets, n up to 800 and 16 epochs (so the budget B = 800 is still readable).
REDUCED_ARGS = ["--set", "sweep.data.seed=[1,2]", "--set", "sweep.data.n_train=[50,100,200,400,800]",
                "--set", "training.epochs=16"]
TERMS = ("err_approx", "err_est", "err_opt", "err_excess")
SIGMA2 = 0.25
BUDGETS = (800, 1600, 3200)
MANY = 16   # "many passes": at least this many


def figure_commands(results, prefix):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [["/usr/bin/python3", os.path.join(root, "scripts", "plot_error_decomposition.py"), results,
             "-o", prefix]]


def read(results):
    """{(arm, n, data seed, epoch): {term: value}}."""
    return {(r["arm"], int(r["data.n_train"]), int(r["data.seed"]), int(r["epoch"])):
            {t: m.number(r[t]) for t in TERMS} for r in m.rows(results)}


def measured(results):
    at = read(results)
    arms = sorted({k[0] for k in at}, key=lambda s: int(s[1:]))
    ns = sorted({k[1] for k in at})
    seeds = sorted({k[2] for k in at})
    last = max(k[3] for k in at)
    full = arms[-1]

    def mean(arm, n, epoch, term):
        return sum(at[(arm, n, s, epoch)][term] for s in seeds) / len(seeds)

    out = [f"Mean over the {len(seeds)} data seeds after {last} epochs (the theory column is "
           "(σ² + err_approx)·k/(n − k − 1)):", "",
           "| k | n | err_approx | err_est | (σ² + err_approx)·k/(n−k−1) | err_opt | err_excess |",
           "|---|---|---|---|---|---|---|"]
    worst = 0.0
    for arm in arms:
        k = int(arm[1:])
        for n in ns:
            approx, est = mean(arm, n, last, "err_approx"), mean(arm, n, last, "err_est")
            theory = (SIGMA2 + approx) * k / (n - k - 1) if n > k + 1 else math.nan
            if not math.isnan(theory):
                worst = max(worst, abs(est / theory - 1))
            out.append(f"| {k} | {n} | {approx:.4f} | {est:.4f} | {theory:.4f} | "
                       f"{mean(arm, n, last, 'err_opt'):+.4f} | {mean(arm, n, last, 'err_excess'):.4f} |")
    negative = [f"({a[1:]}, {n})" for a in arms for n in ns if mean(a, n, last, "err_opt") < 0]
    out += ["", f"err_est is within **{100 * worst:.0f} %** of its expectation at every (k, n); the mean "
            f"err_opt after {last} epochs is negative at (k, n) = {', '.join(negative) or 'none'}.", "",
            f"Class {full}: the estimation error against the optimization error after 1 and after "
            f"{last} epochs (means over the data seeds):", "",
            f"| n | err_est | err_opt, epoch 1 | err_opt, epoch {last} | larger term after 1 epoch |",
            "|---|---|---|---|---|"]
    for n in ns:
        est, o1 = mean(full, n, last, "err_est"), mean(full, n, 1, "err_opt")
        out.append(f"| {n} | {est:.4f} | {o1:+.4f} | {mean(full, n, last, 'err_opt'):+.4f} | "
                   f"{'err_opt' if o1 > est else 'err_est'} |")
    summary = []
    for b in (b for b in BUDGETS if b in ns):
        splits = [n for n in ns if n <= b and b // n <= last and b % n == 0]
        out += ["", f"Budget B = {b}, class {full}: excess error after B/n passes over n examples:", "",
                "| data seed | " + " | ".join(f"n={n} ({b // n}×)" for n in splits) + " |",
                "|---|" + "---|" * len(splits)]
        wins = beats_many = 0
        factors = []
        for s in seeds:
            v = [at[(full, n, s, b // n)]["err_excess"] for n in splits]
            wins += all(v[-1] < x for x in v[:-1])
            many = [x for n, x in zip(splits, v) if b // n >= MANY]
            beats_many += all(v[-1] < x for x in many)
            factors += [x / v[-1] for x in many]
            out.append(f"| {s} | " + " | ".join(f"{x:.4f}" for x in v) + " |")
        means = [sum(at[(full, n, s, b // n)]["err_excess"] for s in seeds) / len(seeds) for n in splits]
        out.append("| mean | " + " | ".join(f"{x:.4f}" for x in means) + " |")
        summary.append(f"| {b} | {wins}/{len(seeds)} | {beats_many}/{len(seeds)} | "
                       f"{min(factors):.1f}–{max(factors):.0f} |")
    out += ["", f"One pass over B examples against the other splits of the budget (class {full}):", "",
            "| B | data seeds where one pass beats every split | data seeds where one pass beats every "
            f"split with ≥ {MANY} passes | excess error of ≥ {MANY} passes / one pass |",
            "|---|---|---|---|"] + summary
    return "\n".join(out) + "\n"
