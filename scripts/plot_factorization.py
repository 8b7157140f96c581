#!/usr/bin/python3
"""plot_factorization.py — figures and measured numbers of the factorization reproductions.

Usage:
    /usr/bin/python3 scripts/plot_factorization.py certificate RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_factorization.py grow_rank RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_factorization.py rank_needed RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_factorization.py identity RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_factorization.py relu RESULTS_DIR [-o OUT_PREFIX]
    /usr/bin/python3 scripts/plot_factorization.py homogeneity RESULTS_DIR [-o OUT_PREFIX] [--tol TOL]

Reads RESULTS_DIR/metrics.csv (and growth.csv, resolved.yaml's solutions) written by
configs/factorization_certificate.yaml or configs/grow_rank.yaml, writes OUT_PREFIX.png and
.svg (default RESULTS_DIR/<name>) and prints, as a Markdown table, the numbers that
docs/experiments/<name>.md quotes.

  certificate  (a) f − f* and (b) cert_ratio − 1 (log scale, absolute value) against the epoch,
               one line per (arm, seed); prints each run's final f − f*, cert_ratio,
               factor_balance, factor_rank, zero_columns, and rank(X*) from resolved.yaml.
  grow_rank    (a) f − f* and (b) cert_ratio at the end of each rank tried (growth.csv), one
               line per seed; prints growth.csv's rows.
  rank_needed  the fraction of seeds that end within 1e-6·f* of the optimum against the rank r,
               one line per observed fraction (the sweep of configs/rank_needed.yaml), with
               rank(X*) of each marked; prints the table of successes per (observed, r).
  identity     ½(‖U‖² + ‖V‖²) − ‖X*‖_* (from the weight_norm columns and resolved.yaml's
               nuclear_norm) against factor_balance over training, one line per (arm, seed)
               of configs/nuclear_norm_identity.yaml; prints each run's final values.
  relu         polar_ratio against the step for each width (the sweep of
               configs/relu_certificate.yaml), one line per (width, seed); prints each run's
               final objective, polar_ratio and active units.
  homogeneity  (a) |polar_ratio − 1| against the step (log scale), one line per (arm, seed) of
               configs/homogeneity.yaml, with TOL marked (default 0.01); (b) each seed's
               final objective per arm; prints each run's final objective, train_loss,
               polar_ratio and active units, then per arm the fraction of seeds with
               polar_ratio ≤ 1 + TOL and the objective's max − min and sample sd over seeds.
"""
import argparse
import csv
import os
import re
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from plot_optimlab import num, runs  # noqa: E402  (the same reading of metrics.csv)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def solutions(results):
    """arm -> {f_star, rank, lambda} from resolved.yaml's solutions section."""
    text = open(os.path.join(results, "resolved.yaml")).read()
    out = {}
    for block in re.split(r"\n  - arm: ", text.split("solutions:", 1)[1])[1:]:
        arm = block.split("\n", 1)[0].strip('"')
        vals = dict(re.findall(r"\n    (\w+): ([^\n]+)", block))
        out[arm] = {"f_star": float(vals["f_star"]), "rank": int(vals["rank"]),
                    "lambda": float(vals["lambda"])}
    return out


def save(fig, prefix):
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(f"{prefix}.{ext}", dpi=120)


def plot_certificate(results, prefix):
    rows = read_csv(os.path.join(results, "metrics.csv"))
    sol = solutions(results)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    colours = {"full": "tab:blue", "completion": "tab:orange"}
    print("| arm | seed | f − f* | f* | cert_ratio | factor_balance | factor_rank | rank(X*) | zero_columns |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (arm, seed), rs in runs(rows).items():
        ep = [num(r, "epoch") for r in rs]
        sub = [max(abs(num(r, "suboptimality")), 1e-16) for r in rs]
        cert = [max(abs(num(r, "cert_ratio") - 1.0), 1e-16) for r in rs]
        a.semilogy(ep, sub, color=colours.get(arm, "grey"), alpha=0.8, label=f"{arm}" if seed == "1" else None)
        b.semilogy(ep, cert, color=colours.get(arm, "grey"), alpha=0.8, label=f"{arm}" if seed == "1" else None)
        last = rs[-1]
        print(f"| {arm} | {seed} | {num(last, 'suboptimality'):.3g} | {sol[arm]['f_star']:.6g} | "
              f"{num(last, 'cert_ratio'):.9g} | {num(last, 'factor_balance'):.3g} | "
              f"{int(num(last, 'factor_rank'))} | {sol[arm]['rank']} | {int(num(last, 'zero_columns'))} |")
    a.set_xlabel("epoch (full-batch gradient step)")
    a.set_ylabel("f(U, V) − f*")
    a.set_title("(a) gap to the nuclear-norm optimum")
    b.set_xlabel("epoch")
    b.set_ylabel("|cert_ratio − 1|, cert_ratio = ‖P_Ω(Y − UVᵀ)‖₂ / λ")
    b.set_title("(b) the certificate tends to 1")
    a.legend()
    b.legend()
    save(fig, prefix)


def plot_grow_rank(results, prefix):
    rows = read_csv(os.path.join(results, "growth.csv"))
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    print("| seed | rank | epochs | f − f* | cert_ratio |")
    print("| --- | --- | --- | --- | --- |")
    by_seed = {}
    for r in rows:
        by_seed.setdefault(r["seed"], []).append(r)
        print(f"| {r['seed']} | {r['rank']} | {r['epochs']} | {num(r, 'suboptimality'):.6g} | "
              f"{num(r, 'cert_ratio'):.9g} |")
    for seed, rs in by_seed.items():
        ranks = [int(r["rank"]) for r in rs]
        a.semilogy(ranks, [max(num(r, "suboptimality"), 1e-16) for r in rs], "o-", label=f"seed {seed}")
        b.plot(ranks, [num(r, "cert_ratio") for r in rs], "o-", label=f"seed {seed}")
    b.axhline(1.0, color="black", lw=0.8, ls="--")
    a.set_xlabel("rank r")
    a.set_ylabel("f − f* at the end of the phase")
    a.set_title("(a) the gap falls with every column added")
    b.set_xlabel("rank r")
    b.set_ylabel("cert_ratio")
    b.set_title("(b) the certificate holds (≤ 1) at the stop")
    a.legend()
    b.legend()
    save(fig, prefix)


def plot_rank_needed(results, prefix):
    rows = read_csv(os.path.join(results, "metrics.csv"))
    text = open(os.path.join(results, "resolved.yaml")).read()
    # rank(X*) per sweep point: the solutions entries in point order
    ranks = [int(x) for x in re.findall(r"\n    rank: (\d+)", text.split("solutions:", 1)[1])]
    f_stars = [float(x) for x in re.findall(r"\n    f_star: ([^\n]+)", text.split("solutions:", 1)[1])]
    last = {}
    for r in rows:
        last[(r["data.observed"], int(r["model.rank"]), r["seed"])] = r
    observed = sorted({k[0] for k in last}, key=float)
    rs = sorted({k[1] for k in last})
    fig, ax = plt.subplots(figsize=(6, 4))
    print("| observed | rank(X*) | " + " | ".join(f"r = {r}" for r in rs) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in rs) + " |")
    for oi, obs in enumerate(observed):
        point0 = oi * len(rs)                 # the last sweep key (model.rank) varies fastest
        star, f_star = ranks[point0], f_stars[point0]
        cells, fractions = [], []
        for r in rs:
            seeds = [v for k, v in last.items() if k[0] == obs and k[1] == r]
            ok = sum(1 for v in seeds if num(v, "suboptimality") < 1e-6 * f_star)
            cells.append(f"{ok}/{len(seeds)}")
            fractions.append(ok / len(seeds))
        line, = ax.plot(rs, fractions, "o-", label=f"observed {obs} (rank X* = {star})")
        ax.axvline(star, color=line.get_color(), ls=":", lw=1)
        print(f"| {obs} | {star} | " + " | ".join(cells) + " |")
    ax.set_xlabel("rank r of the factorization")
    ax.set_ylabel("fraction of seeds within 1e-6·f* of f*")
    ax.set_title("plain descent from a random start")
    ax.legend(fontsize=8)
    save(fig, prefix)


def plot_identity(results, prefix):
    rows = read_csv(os.path.join(results, "metrics.csv"))
    text = open(os.path.join(results, "resolved.yaml")).read()
    nuclear = float(re.search(r"\n    nuclear_norm: ([^\n]+)", text).group(1))
    fig, ax = plt.subplots(figsize=(6, 4))
    colours = {"l2": "tab:blue", "product": "tab:orange"}
    print(f"‖X*‖_* = {nuclear:.9g}\n")
    print("| arm | seed | ½(‖U‖² + ‖V‖²) | − ‖X*‖_* | factor_balance | ‖UVᵀ − X*‖/‖X*‖ | f − f* |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (arm, seed), rs in runs(rows).items():
        half = [0.5 * (num(r, "weight_norm.U") ** 2 + num(r, "weight_norm.V") ** 2) for r in rs]
        ax.loglog([max(num(r, "factor_balance"), 1e-12) for r in rs[1:]],
                  [max(h - nuclear, 1e-12) for h in half[1:]], "o-", color=colours.get(arm, "grey"),
                  label=arm if seed == "1" else None)
        last = rs[-1]
        print(f"| {arm} | {seed} | {half[-1]:.9g} | {half[-1] - nuclear:.3g} | {num(last, 'factor_balance'):.3g} | "
              f"{num(last, 'dist_to_ref'):.3g} | {num(last, 'suboptimality'):.3g} |")
    ax.set_xlabel("factor_balance ‖UᵀU − VᵀV‖_F / ‖UᵀU‖_F")
    ax.set_ylabel("½(‖U‖² + ‖V‖²) − ‖X*‖_*")
    ax.set_title("the variational form is tight only at balanced factors")
    ax.legend()
    save(fig, prefix)


def plot_relu(results, prefix):
    rows = read_csv(os.path.join(results, "metrics.csv"))
    by_run = {}
    for r in rows:
        by_run.setdefault((r["model.hidden"], r["seed"]), []).append(r)
    widths = sorted({k[0] for k in by_run}, key=lambda w: int(w.strip("[]")))
    cmap = plt.get_cmap("viridis")
    fig, ax = plt.subplots(figsize=(6, 4))
    print("| width r | seed | objective | train_loss | polar_ratio | active_units |")
    print("| --- | --- | --- | --- | --- | --- |")
    for wi, w in enumerate(widths):
        for (width, seed), rs in sorted(by_run.items()):
            if width != w:
                continue
            ax.semilogy([num(r, "step") for r in rs], [num(r, "polar_ratio") for r in rs],
                        color=cmap(wi / max(1, len(widths) - 1)), label=f"r = {w.strip('[]')}" if seed == "1" else None)
            last = rs[-1]
            print(f"| {w.strip('[]')} | {seed} | {num(last, 'objective'):.6g} | {num(last, 'train_loss'):.6g} | "
                  f"{num(last, 'polar_ratio'):.6g} | {int(num(last, 'active_units'))} |")
    ax.axhline(1.0, color="black", lw=0.8, ls="--")
    ax.set_xlabel("step (full batch)")
    ax.set_ylabel("polar_ratio (≤ 1: certified global)")
    ax.set_title("the polar certificate as the network widens")
    ax.legend(fontsize=8)
    save(fig, prefix)


def plot_homogeneity(results, prefix, tol):
    by_run = runs(read_csv(os.path.join(results, "metrics.csv")))
    arms = list(dict.fromkeys(arm for arm, _ in by_run))
    colours = dict(zip(arms, ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]))
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))
    print("| arm | seed | objective | train_loss | polar_ratio | active_units |")
    print("| --- | --- | --- | --- | --- | --- |")
    finals = {arm: [] for arm in arms}
    for (arm, seed), rs in by_run.items():
        rs = [r for r in rs if num(r, "step") > 0]
        ax.semilogy([num(r, "step") for r in rs], [max(abs(num(r, "polar_ratio") - 1), 1e-6) for r in rs], color=colours[arm],
                    lw=0.9, label=arm if seed == "1" else None)
        last = rs[-1]
        finals[arm].append((num(last, "objective"), num(last, "polar_ratio")))
        print(f"| {arm} | {seed} | {num(last, 'objective'):.6g} | {num(last, 'train_loss'):.6g} | "
              f"{num(last, 'polar_ratio'):.6g} | {int(num(last, 'active_units'))} |")
    print()
    print(f"| arm | seeds | polar_ratio ≤ 1 + {tol:g} | objective mean | max − min | sd |")
    print("| --- | --- | --- | --- | --- | --- |")
    for ai, arm in enumerate(arms):
        objectives = [o for o, _ in finals[arm]]
        passed = sum(1 for _, q in finals[arm] if q <= 1 + tol)
        sd = statistics.stdev(objectives) if len(objectives) > 1 else 0.0
        print(f"| {arm} | {len(objectives)} | {passed}/{len(objectives)} | {statistics.mean(objectives):.6g} | "
              f"{max(objectives) - min(objectives):.3g} | {sd:.3g} |")
        bx.scatter([ai] * len(objectives), objectives, color=colours[arm], alpha=0.7)
    ax.axhline(tol, color="black", lw=0.8, ls="--", label=f"tol = {tol:g}")
    ax.set_xlabel("step (full batch)")
    ax.set_ylabel("|polar_ratio − 1|")
    ax.set_title("(a) the polar test per seed")
    ax.legend(fontsize=8)
    bx.set_xticks(range(len(arms)))
    bx.set_xticklabels(arms)
    bx.set_ylabel("final objective (each arm its own)")
    bx.set_title("(b) the objective reached, one point per seed")
    save(fig, prefix)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("figure", choices=["certificate", "grow_rank", "rank_needed", "identity", "relu",
                                      "homogeneity"])
    p.add_argument("results")
    p.add_argument("-o", "--out")
    p.add_argument("--tol", type=float, default=0.01, help="homogeneity: the certificate's tolerance")
    args = p.parse_args()
    name = {"certificate": "factorization_certificate", "grow_rank": "grow_rank",
            "rank_needed": "rank_needed", "identity": "nuclear_norm_identity",
            "relu": "relu_certificate", "homogeneity": "homogeneity"}[args.figure]
    prefix = args.out or os.path.join(args.results, name)
    plot = {"certificate": plot_certificate, "grow_rank": plot_grow_rank, "rank_needed": plot_rank_needed,
            "identity": plot_identity, "relu": plot_relu}
    if args.figure == "homogeneity":
        plot_homogeneity(args.results, prefix, args.tol)
    else:
        plot[args.figure](args.results, prefix)


if __name__ == "__main__":
    main()
