#!/usr/bin/python3
"""test_plot_figures.py — what the figures of scripts/plot_metrics.py and scripts/plot_sweep.py
show, checked on their matplotlib objects and saved files, for synthetic inputs:
  * a folder of sweep point folders is merged and titled by its experiment and description;
  * each varied dimension gets its own encoding: hue for the first swept key, line style for
    the second, marker for the arms; every line's (hue, style, marker) is distinct;
  * the accuracy axis leaves epoch 0 (chance) out of its limits, so arms 0.01 apart are
    visibly apart; bands are clipped to [0, 1] for accuracy and to >= 0 for losses;
  * --seeds draws one thin line per seed, and none without it;
  * an existing figure is refused (exit 2, file unchanged) unless --force;
  * plot_sweep: the same refusal, --help naming every option, "1 arm", its band clipped.
Prints "N passed, M failed"; exits 1 when anything failed.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402

source_root = os.environ.get("DLX_SOURCE_ROOT",
                             os.path.join(os.path.dirname(__file__), "..", ".."))
PLOT_METRICS = os.path.join(source_root, "scripts", "plot_metrics.py")
PLOT_SWEEP = os.path.join(source_root, "scripts", "plot_sweep.py")
PYTHON = "/usr/bin/python3"
HEADER = ("arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,test_acc,gen_gap,"
          "objective,wall_s")

passed = failed = 0


def check(name, condition):
    """Count one assertion."""
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}", file=sys.stderr)


def load(path, name):
    """Import a script as a module."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args):
    """Run a script; (exit status, stdout, stderr)."""
    done = subprocess.run([PYTHON, *args], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def sweep_rows(lr, dropout, arm, final_acc, spread=0.004, seeds=(1, 2, 3)):
    """Rows of one (point, arm): epochs 0..4, accuracy from chance (0.1) to final_acc."""
    lines = []
    for s in seeds:
        for epoch in range(5):
            acc = 0.1 if epoch == 0 else final_acc - 0.02 * (4 - epoch) + spread * (s - 2)
            loss = 2.3 if epoch == 0 else 0.02 + 0.3 / epoch + 0.001 * s
            lines.append(f"{arm},{s},{epoch},{epoch * 10},{lr},{loss:.6f},{acc:.6f},"
                         f"{loss + 0.01:.6f},{acc:.6f},0.01,{loss:.6f},{epoch},{lr},{dropout}")
    return lines


def main():
    plot_metrics = load(PLOT_METRICS, "plot_metrics")
    work = tempfile.mkdtemp()
    try:
        # --- a sweep collected from point folders (dlx sweep --emit ... --out grid) --------
        grid = os.path.join(work, "grid")
        finals = {}
        point = 0
        for lr in ("0.01", "0.1"):
            for dropout in ("0.0", "0.5"):
                folder = os.path.join(grid, f"p{point}")
                os.makedirs(folder)
                with open(os.path.join(folder, "resolved.yaml"), "w") as f:
                    f.write('dlx_version: "0.1.0"\nexperiment: lr_by_dropout\n'
                            "description: test accuracy over lr and dropout\n")
                lines = [HEADER + ",optimizer.lr,model.dropout"]
                for a, arm in enumerate(("sgd", "momentum")):
                    final = 0.80 + 0.01 * point + 0.01 * a  # neighbours 0.01 apart
                    finals[(lr, dropout, arm)] = final
                    lines += sweep_rows(lr, dropout, arm, final)
                with open(os.path.join(folder, "metrics.csv"), "w") as f:
                    f.write("\n".join(lines) + "\n")
                point += 1
        status, out, err = run(PLOT_METRICS, grid)
        check("a folder of point folders plots (exit 0)", status == 0)
        svg_path = os.path.join(grid, "metrics.svg")
        svg = open(svg_path).read() if os.path.exists(svg_path) else ""
        check("the merged figure goes into the folder", os.path.exists(svg_path))
        check("titled by the experiment's name", ">lr_by_dropout" in svg)
        check("... and its description", "test accuracy over lr and dropout" in svg)
        check("every point and arm has its legend line",
              all(f">{arm}, optimizer.lr={lr}, model.dropout={d}<" in svg
                  for (lr, d, arm) in finals))

        # The matplotlib objects of the same figure.
        header, rows = plot_metrics.read_all(plot_metrics.locate_inputs(grid))
        figure = plot_metrics.plot_figure(rows, header, "t", "epoch")
        axes = [ax for ax in figure.axes if ax.get_title()]
        accuracy = [ax for ax in axes if "test accuracy" in ax.get_title()][0]
        means = [line for line in accuracy.lines if line.get_label() == "_mean-line"]
        check("8 mean lines (4 points x 2 arms)", len(means) == 8)
        encodings = {(mcolors.to_hex(line.get_color()), str(line.get_linestyle()),
                      str(line.get_marker())) for line in means}
        check("every line has its own (hue, style, marker)", len(encodings) == 8)
        hues = {mcolors.to_hex(line.get_color()) for line in means}
        styles = {str(line.get_linestyle()) for line in means}
        markers = {str(line.get_marker()) for line in means}
        check("2 hues (optimizer.lr), not shades", len(hues) == 2)
        hsv = [mcolors.rgb_to_hsv(mcolors.to_rgb(h)) for h in hues]
        check("... the hues differ in hue, by > 0.1 of the circle",
              min(abs(hsv[0][0] - hsv[1][0]), 1 - abs(hsv[0][0] - hsv[1][0])) > 0.1)
        check("2 line styles (model.dropout)", len(styles) == 2)
        check("2 markers (the arms)", len(markers) == 2)

        low, high = accuracy.get_ylim()
        check("accuracy axis leaves epoch 0 (0.1) out", low > 0.1)
        check("accuracy axis spans the trained values", low <= 0.80 - 0.06 and high >= 0.84)
        check("arms 0.01 apart are >= 5% of the axis apart", 0.01 / (high - low) >= 0.05)
        check("accuracy axis within [0, 1]", 0.0 <= low and high <= 1.0)
        check("no seed lines without --seeds",
              not any(line.get_label() == "_seed-line" for ax in axes for line in ax.lines))

        # --seeds: one thin line per seed of every group in every panel.
        seeded = plot_metrics.plot_figure(rows, header, "t", "epoch", "minmax", True)
        seed_lines = [line for ax in seeded.axes for line in ax.lines
                      if line.get_label() == "_seed-line"]
        check("--seeds draws 8 groups x 3 seeds x 4 panels lines", len(seed_lines) == 96)
        status, _, _ = run(PLOT_METRICS, grid, "--seeds", "-o", os.path.join(work, "seeds"))
        check("--seeds on the command line exits 0", status == 0)

        # --- bands at the edge of the range: accuracy near 1, loss near 0 ------------------
        edge = os.path.join(work, "edge")
        os.makedirs(edge)
        lines = [HEADER]
        for s, (acc, loss) in enumerate([(0.999, 0.0005), (0.97, 0.05), (1.0, 0.0001)]):
            for epoch in range(4):
                a = 0.1 if epoch == 0 else acc
                l_ = 2.3 if epoch == 0 else loss
                lines.append(f"main,{s + 1},{epoch},{epoch},0.1,{l_},{a},{l_},{a},0,{l_},{epoch}")
        with open(os.path.join(edge, "metrics.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
        header, rows = plot_metrics.read_all(plot_metrics.locate_inputs(edge))
        figure = plot_metrics.plot_figure(rows, header, "t", "epoch", "ci95")
        by_title = {ax.get_title(): ax for ax in figure.axes if ax.get_title()}

        def band_extent(ax):
            ys = np.concatenate([c.get_paths()[0].vertices[:, 1] for c in ax.collections
                                 if c.get_paths()])
            return ys.min(), ys.max()
        acc_low, acc_high = band_extent(by_title["(c) test accuracy"])
        check("the ci95 accuracy band stays <= 1", acc_high <= 1.0 + 1e-12)
        loss_low, _ = band_extent(by_title["(a) train loss"])
        check("the ci95 loss band stays >= 0", loss_low >= 0.0)
        raw = plot_metrics.band_limits(np.array([[0.999, 0.97, 1.0]]).T, "ci95")
        check("... where the unclipped t interval would pass 1", raw[1][0] > 1.0)

        # --- overwriting ---------------------------------------------------------------------
        before = open(svg_path, "rb").read()
        status, _, err = run(PLOT_METRICS, grid)
        check("an existing figure is refused: exit 2", status == 2)
        check("... saying so", "exists" in err and "--force" in err)
        check("... and left as it was", open(svg_path, "rb").read() == before)
        status, _, _ = run(PLOT_METRICS, grid, "--force", "--seeds")
        check("--force replaces it", status == 0 and open(svg_path, "rb").read() != before)
        status, out, _ = run(PLOT_METRICS, "--help")
        check("plot_metrics --help names --seeds, --band, --force",
              all(o in out for o in ("--seeds", "--band", "--force", "--out")))

        # --- plot_sweep ----------------------------------------------------------------------
        stats = os.path.join(work, "stats.csv")
        metric_columns = []
        for m in ("final_test_acc", "final_test_loss"):
            metric_columns += [f"{m}_mean", f"{m}_ci95_low", f"{m}_ci95_high"]
        with open(stats, "w") as f:
            f.write("arm,optimizer.lr,n," + ",".join(metric_columns) + "\n")
            f.write("main,0.01,3,0.95,0.90,1.00,0.2,0.1,0.3\n")
            f.write("main,0.1,3,0.98,0.93,1.04,0.05,-0.02,0.12\n")
        status, out, err = run(PLOT_SWEEP, stats)
        check("plot_sweep exits 0", status == 0)
        check("plot_sweep says '1 line'", "1 line" in out and "1 lines" not in out)
        prefix = os.path.join(work, "sweep")
        before = open(prefix + ".svg", "rb").read()
        status, _, err = run(PLOT_SWEEP, stats)
        check("plot_sweep refuses an existing figure: exit 2", status == 2)
        check("... saying so", "exists" in err and "--force" in err)
        check("... and leaves it", open(prefix + ".svg", "rb").read() == before)
        status, _, _ = run(PLOT_SWEEP, stats, "--force")
        check("plot_sweep --force replaces it", status == 0)
        status, out, _ = run(PLOT_SWEEP, "--help")
        check("plot_sweep --help: exit 0", status == 0)
        for option in ("--metric", "--x", "--y", "--heatmap", "--output", "--force",
                       "STATS_CSV"):
            check(f"plot_sweep --help documents {option}", option in out)
        check("plot_sweep --help says what each option does (no bare option)",
              out.count("default") >= 3 and "heat map" in out)

        plot_sweep = load(PLOT_SWEEP, "plot_sweep")
        rows, header, keys = plot_sweep.read_stats(stats)
        for metric, (lowest, highest) in (("final_test_acc", (0.0, 1.0)),
                                          ("final_test_loss", (0.0, np.inf))):
            figure, what = plot_sweep.line_plot(rows, keys, metric, "optimizer.lr")
            ys = np.concatenate([p.vertices[:, 1] for c in figure.axes[0].collections
                                 for p in c.get_paths()])
            check(f"plot_sweep's {metric} band within its range",
                  ys.min() >= lowest and ys.max() <= highest)
        with open(os.path.join(work, "stats2.csv"), "w") as f:
            f.write("arm,optimizer.lr,model.dropout,n,final_test_acc_mean,"
                    "final_test_acc_ci95_low,final_test_acc_ci95_high\n")
            for lr in ("0.01", "0.1"):
                for d in ("0", "0.5"):
                    f.write(f"main,{lr},{d},2,0.9,0.8,1\n")
        status, out, _ = run(PLOT_SWEEP, os.path.join(work, "stats2.csv"), "--heatmap")
        check("plot_sweep --heatmap says '1 arm'", status == 0 and "1 arm" in out
              and "1 arms" not in out)
    finally:
        shutil.rmtree(work)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
