"""momentum_rates — the measured tables of docs/experiments/momentum_rates.md from runs of
configs/momentum_rates.yaml (part a, not strongly convex) and configs/momentum_rates_kappa.yaml
(part b, κ = 1e2..1e4), both float64, each with a float32 side run.

(a) per arm: the log-log slope of f − f* over t ∈ [10, 3000] and the largest ratio of f − f* to
the theorem's bound over every evaluated step: GD with η = 1/L, f(x_t) − f* ≤ 2L‖x_1 − x*‖²/(t+3)
with x_1 = θ₀ (Bubeck 2015, Thm 3.3; after s steps t = s + 1, so the bound is 2LR²/(s+4));
Nesterov with β_t = (t−1)/(t+2), f(x_k) − f* ≤ 2L‖x₀ − x*‖²/(k+1)² (Su, Boyd & Candès 2016
with s = 1/L; Beck & Teboulle 2009, Thm 4.4). R = ‖θ₀ − θ*‖ = ‖θ*‖ (θ₀ = 0, θ* the minimum-norm solution; any minimiser
gives a valid bound and this one the smallest), L = 1/lr. dlx stores the extrapolated point y_k
of Nesterov's method (tests/optimlab/test_momentum_rates.c, test_accelerated_rule), so the
Nesterov ratio is f(y_k) against the bound stated for x_k; the table shows it holds there too.
(b) per method and κ: the first step with ‖θ_t − θ*‖/‖θ₀ − θ*‖ ≤ 1e-6 and with
(f − f*)/(f₀ − f*) ≤ 1e-12 (the float64 claims), and at the looser 1e-3 and 1e-6, and the exponents fitted on log-log axes against κ = L/μ.

reproduce.py runs one config per page: the part (b) runs are the first figure commands (the
figure needs them), into RESULTS.kappa and RESULTS.kappa.float32, with the same dlx binary.
"""

import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _metrics as m  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = "configs/momentum_rates.yaml"
KAPPA_CONFIG = "configs/momentum_rates_kappa.yaml"
FLOAT32 = "float32"
EXTRA_RUNS = [(FLOAT32, ["--set", "precision=float32"])]
# Part (a) with 1000 steps (a second or so); part (b) always runs in full (a few seconds).
REDUCED_ARGS = ["--set", "training.epochs=1000"]
TOLERANCES = (("(θ) ‖θ − θ*‖/‖θ₀ − θ*‖ ≤ 1e-6", "dist_to_ref", 1e-6),
              ("(f) (f − f*)/(f₀ − f*) ≤ 1e-12", "suboptimality", 1e-12),
              ("(θ) ≤ 1e-3", "dist_to_ref", 1e-3), ("(f) ≤ 1e-6", "suboptimality", 1e-6))
METHODS = (("gd", "GD"), ("heavy_ball", "heavy ball"), ("nesterov", "Nesterov"))
KAPPAS = ("k1e2", "k1e3", "k1e4")


def dlx():
    return os.environ.get("DLX_BIN", os.path.join(ROOT, "build", "dlx"))


# When part (a) ran reduced (REDUCED_ARGS), part (b)'s GD arms at κ = 1e3, 1e4 (arms 3 and 6)
# are cut short too; their tight tolerances then read "not reached".
KAPPA_REDUCED = ["--set", "arms.3.training.epochs=3000", "--set", "arms.6.training.epochs=3000"]


def reduced(results):
    """Whether part (a) ran with fewer steps than its config (the generic reduced-run test)."""
    with open(os.path.join(results, "resolved.yaml")) as f:
        text = f.read()
    epochs = re.search(r"^training:\n(?:  .*\n)*?  epochs: (\d+)$", text, re.M)
    return epochs is not None and int(epochs.group(1)) < 3000


def figure_commands(results, prefix):
    kappa = results + ".kappa"
    run = [dlx(), "run", os.path.join(ROOT, KAPPA_CONFIG), "--force", "--quiet", "--jobs", "2"]
    run += KAPPA_REDUCED if reduced(results) else []
    run += ["--out"]
    return [run + [kappa], run + [kappa + "." + FLOAT32, "--set", "precision=float32"],
            ["/usr/bin/python3", os.path.join(ROOT, "scripts", "plot_optimlab.py"), "momentum_rates",
             results, "--kappa", kappa, "-o", prefix]]


def solutions(results):
    """{arm: {key: float}} from resolved.yaml's `solutions` section (L, mu, condition, theta_norm...)."""
    with open(os.path.join(results, "resolved.yaml")) as f:
        text = f.read()
    out = {}
    for block in re.split(r"\n  - arm: ", text.split("\nsolutions:", 1)[1])[1:]:
        arm = block.split("\n", 1)[0].strip().strip('"')
        out[arm] = {}
        for key, value in re.findall(r"^    (\w+): (\S+)$", block, re.M):
            try:
                out[arm][key] = float(value)
            except ValueError:
                pass
    return out


def slope(xs, ys):
    """Least-squares slope of log y on log x."""
    a = [math.log(x) for x in xs]
    b = [math.log(y) for y in ys]
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    return sum((u - ma) * (v - mb) for u, v in zip(a, b)) / sum((u - ma) ** 2 for u in a)


def part_a(results):
    rows = m.rows(results)
    sol = solutions(results)
    out = ["| arm | bound on f − f* after s steps | fitted slope over t ∈ [10, 3000] "
           "| max (f − f*)/bound over every step | at step | f − f* at the last step |",
           "|---|---|---|---|---|---|"]
    for arm, bound_text in (("gd", "2L‖θ*‖²/(s+4)"), ("nesterov", "2L‖θ*‖²/(s+1)²")):
        run = m.series(rows, arm, m.seeds(rows, arm)[0])
        steps = sorted(run)
        lip = 1.0 / m.number(run[steps[0]]["lr"])
        r2 = sol[arm]["theta_norm"] ** 2
        f = {s: m.number(run[s]["suboptimality"]) for s in steps}
        bound = {s: 2 * lip * r2 / ((s + 4) if arm == "gd" else (s + 1) ** 2) for s in steps}
        worst = max(steps, key=lambda s: f[s] / bound[s])
        window = [s for s in steps if 10 <= s <= 3000 and f[s] > 0]
        out.append(f"| {arm} | {bound_text} | {slope(window, [f[s] for s in window]):.3f} | "
                   f"{f[worst] / bound[worst]:.3g} | {worst} | {f[steps[-1]]:.6g} |")
    return out


def part_b(results):
    rows = m.rows(results)
    sol = solutions(results)
    kappa = [sol["gd_" + k]["condition"] for k in KAPPAS]
    out = ["| method | tolerance | " + " | ".join(f"κ = {k:.6g}" for k in kappa) +
           " | fitted exponent | theory |", "|---|---|" + "---|" * len(kappa) + "---|---|"]
    for method, name in METHODS:
        for tol_name, col, tol in TOLERANCES:
            steps = []
            for k in KAPPAS:
                run = m.series(rows, f"{method}_{k}", 1)
                ts = sorted(run)
                v0 = m.number(run[ts[0]][col])
                steps.append(next((t for t in ts if m.number(run[t][col]) <= tol * v0), math.nan))
            pts = [(k, s) for k, s in zip(kappa, steps) if not math.isnan(s) and s > 0]
            e = (f"{slope(*zip(*pts)):.3f}" + ("" if len(pts) == len(steps) else f" ({len(pts)} points)")
                 if len(pts) >= 2 else "—")
            cells = " | ".join("not reached" if math.isnan(s) else str(s) for s in steps)
            out.append(f"| {name} | {tol_name} | {cells} | {e} | {'1' if method == 'gd' else '0.5'} |")
    out += ["", "| method | smallest ‖θ − θ*‖/‖θ₀ − θ*‖ within the arm's steps: " +
            " | ".join(f"κ = {k:.6g}" for k in kappa) + " |", "|---|" + "---|" * len(kappa)]
    for method, name in METHODS:
        floors = [min(m.number(r["dist_to_ref"]) for r in m.series(rows, f"{method}_{k}", 1).values())
                  for k in KAPPAS]
        out.append(f"| {name} | " + " | ".join(f"{v:.3g}" for v in floors) + " |")
    return out


def measured(results):
    out = ["(a) Not strongly convex (configs/momentum_rates.yaml): f − f* at every step against "
           "the theorem's bound (R = ‖θ₀ − θ*‖ = ‖θ*‖, L = 1/η).", ""]
    kappa = results + ".kappa"
    for label, a_dir, b_dir in (("float64 (the configs)", results, kappa),
                                ("float32 (`--set precision=float32`)", results + "." + FLOAT32,
                                 kappa + "." + FLOAT32)):
        if os.path.isdir(a_dir):
            out += [f"{label}:", ""] + part_a(a_dir) + [""]
    out += ["(b) Strongly convex (configs/momentum_rates_kappa.yaml): the first step meeting each "
            "tolerance; κ = L/μ as resolved.yaml records it.", ""]
    for label, b_dir in (("float64 (the config)", kappa), ("float32 (`--set precision=float32`)",
                                                          kappa + "." + FLOAT32)):
        if os.path.isdir(b_dir):
            out += [f"{label}:", ""] + part_b(b_dir) + [""]
    return "\n".join(out).rstrip("\n") + "\n"
