#!/usr/bin/python3
"""plot_dropout_ensemble.py — weight scaling against the MC-dropout average, from a dlx run
with the `mc_dropout` and `calibration` diagnostics (configs/dropout_ensemble.yaml), after
Srivastava et al. (2014) fig. 11.

Usage:
    /usr/bin/python3 scripts/plot_dropout_ensemble.py RESULTS_DIR_OR_METRICS_CSV [-o OUT_PREFIX]

Writes OUT_PREFIX.png and OUT_PREFIX.svg (default: dropout_ensemble.png/.svg beside the CSV),
one colour per arm, mean over seeds as a line and min-max over seeds as a band, against steps
(from the first evaluation after step 0, except (b)):
    (a) test error of the weight-scaled network (solid) and of the MC average (dashed);
    (b) ws_logit_bias: the RMS bias of weight scaling on the logits, MC noise removed;
    (c) expected calibration error, weight scaling (solid) and MC (dashed);
    (d) test NLL, weight scaling (solid) and MC (dashed).
and prints, per arm, the final values (mean and min-max over seeds) as a Markdown table.

Exit status: 0 success; 1 the figure could not be written; 2 a usage error or a metrics.csv
without the needed columns. Needs only Debian's python3-matplotlib and python3-numpy.
"""

import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import plot_metrics  # noqa: E402  (the shared helpers: locate, colours, save)
from plot_metrics import plt, np  # noqa: E402

NEEDED = ("test_acc", "mc_test_acc", "ws_logit_bias", "ece", "mc_ece", "nll", "mc_nll",
          "mc_logit_gap", "mc_spread")


def fail(message, code=2):
    print(f"plot_dropout_ensemble.py: error: {message}", file=sys.stderr)
    sys.exit(code)


def read_runs(csv_path):
    """{arm: {seed: [(step, {column: value})...]}} with arms in order of appearance."""
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in NEEDED if c not in (reader.fieldnames or [])]
        if missing:
            fail(f"{csv_path}: no column {', '.join(missing)} (run with diagnostics "
                 "[{mc_dropout: T}, calibration])")
        runs = {}
        for r in reader:
            values = {c: float(r[c]) if r[c] != "" else float("nan") for c in NEEDED}
            runs.setdefault(r["arm"], {}).setdefault(r["seed"], []).append((int(r["step"]), values))
    if not runs:
        fail(f"{csv_path}: no rows")
    return runs


def series(seeds, column, transform, skip_step0):
    """steps and a [seeds, steps] array (nan where a seed has no row)."""
    steps = sorted({s for rows in seeds.values() for s, _ in rows if s > 0 or not skip_step0})
    table = np.full((len(seeds), len(steps)), np.nan)
    for i, rows in enumerate(seeds.values()):
        for s, values in rows:
            if s in steps:
                table[i, steps.index(s)] = transform(values[column])
    return np.array(steps), table


def draw(ax, runs, colours, column, linestyle, transform=lambda v: v, skip_step0=True):
    """Mean over seeds as a line and min-max as a band, from the first step after 0 (the
    untrained network would set the scale) unless skip_step0 is False."""
    for arm, seeds in runs.items():
        steps, table = series(seeds, column, transform, skip_step0)
        ax.plot(steps, np.nanmean(table, axis=0), color=colours[arm], linestyle=linestyle,
                linewidth=1.6, label=f"{arm}" if linestyle == "-" else None)
        if table.shape[0] > 1:
            ax.fill_between(steps, np.nanmin(table, axis=0), np.nanmax(table, axis=0),
                            color=colours[arm], alpha=0.15, linewidth=0)


def summary_table(runs):
    """Markdown table of the final row of every run: mean [min, max] over seeds."""
    columns = [("test error, ws", "test_acc", lambda v: 1 - v), ("test error, MC", "mc_test_acc",
               lambda v: 1 - v), ("ws_logit_bias", "ws_logit_bias", None),
               ("mc_logit_gap", "mc_logit_gap", None), ("mc_spread", "mc_spread", None),
               ("ECE ws", "ece", None), ("ECE MC", "mc_ece", None), ("NLL ws", "nll", None),
               ("NLL MC", "mc_nll", None)]
    lines = ["| arm | " + " | ".join(c[0] for c in columns) + " |",
             "|---" * (len(columns) + 1) + "|"]
    for arm, seeds in runs.items():
        cells = []
        for _, column, transform in columns:
            final = np.array([rows[-1][1][column] for rows in seeds.values()])
            final = transform(final) if transform else final
            cells.append(f"{final.mean():.4f} [{final.min():.4f}, {final.max():.4f}]")
        lines.append(f"| {arm} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results")
    parser.add_argument("-o", dest="out")
    args = parser.parse_args(argv)
    try:
        csv_path = plot_metrics.locate_metrics(args.results)
    except plot_metrics.InputError as e:
        fail(str(e).split("error: ", 1)[-1])
    runs = read_runs(csv_path)
    colours = {arm: plot_metrics.ARM_COLOURS[i % 10] for i, arm in enumerate(runs)}
    figure, axes = plt.subplots(2, 2, figsize=(11, 8), constrained_layout=True)
    (a, b), (c, d) = axes
    draw(a, runs, colours, "test_acc", "-", lambda v: 1 - v)
    draw(a, runs, colours, "mc_test_acc", "--", lambda v: 1 - v)
    a.set(title="(a) test error: weight scaling (solid) vs MC average (dashed)", ylabel="error")
    draw(b, runs, colours, "ws_logit_bias", "-", skip_step0=False)
    b.set(title="(b) RMS bias of weight scaling on the logits", ylabel="ws_logit_bias")
    draw(c, runs, colours, "ece", "-")
    draw(c, runs, colours, "mc_ece", "--")
    c.set(title="(c) expected calibration error (15 bins)", ylabel="ECE")
    draw(d, runs, colours, "nll", "-")
    draw(d, runs, colours, "mc_nll", "--")
    d.set(title="(d) test NLL", ylabel="NLL")
    for ax in axes.flat:
        ax.set_xlabel("training steps")
        ax.grid(alpha=0.3)
    a.legend()
    prefix = (os.path.splitext(args.out)[0] if args.out else
              os.path.join(os.path.dirname(os.path.abspath(csv_path)), "dropout_ensemble"))
    try:
        plot_metrics.save_figure(figure, prefix)
    except OSError as e:
        fail(f"cannot write {prefix}.png: {e}", 1)
    print(summary_table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
