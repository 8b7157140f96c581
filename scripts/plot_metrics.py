#!/usr/bin/python3
"""plot_metrics.py — learning curves of a dlx run, from its metrics.csv (SPEC §3, §5).

Usage:
    /usr/bin/python3 scripts/plot_metrics.py RESULTS_DIR_OR_METRICS_CSV [-o OUT_PREFIX]

Writes OUT_PREFIX.png and OUT_PREFIX.svg (default: metrics.png and metrics.svg beside the
CSV): one figure, one panel each for
    (a) train loss (solid) and test loss (dashed),
    (b) test accuracy (left out when every test_acc is empty, i.e. a regression model),
    (c) generalization gap = test_loss - train_loss,
with one colour per arm: the mean over seeds as a line and the min-max over seeds as a band.
The title is the `experiment:` name of the resolved.yaml next to the CSV, else the folder name.

Choices a reader of the figure should know:
  * x axis: the epoch column. With `eval_every: N` steps dlx writes fractional epochs
    (step / steps per epoch), so rows inside an epoch fall in place. Only a file whose
    epoch column repeats within a run (several rows for one epoch value) is drawn against
    the `step` column instead, with the axis saying "step".
  * Mean over seeds. At each x the mean is drawn only where every seed of the arm has a finite
    value: a diverged seed (nan/inf) or a seed that has not reached x yet ends the mean line.
    The band is the min-max over the seeds that are finite at that x, so the surviving seeds
    stay visible (outlined where the mean has ended).
  * A row whose train or test loss is nan/inf (or beyond 1e100 in magnitude) marks its run as
    diverged at that x: all its curves (accuracy and gap too) stop there, and a cross marks
    the run's last finite value.
  * Sweeps. Columns after the 12 fixed ones are diagnostics, except those named by a dotted
    path into the experiment file (`optimizer.lr`, `model.hidden`, `loss`, ...): those are the
    swept keys. Each (sweep point, arm) gets its own line, labelled `arm, key=value`, coloured
    in the arm's hue with a lighter-to-darker shade per point, all in the same figure.
  * A loss panel whose values span very different magnitudes (a run blowing up before it
    diverges) switches to a log scale (symmetric log for the gap) so the other curves stay
    readable.
  * A row repeated for the same (point, arm, seed, x) — e.g. after a resume — counts once,
    the last one wins. An incomplete last line (a run still writing) is skipped with a warning.

Exit status: 0 success; 1 the figure could not be written; 2 a usage error or an input that is
not a usable dlx metrics.csv (missing, empty, wrong header, header without rows, bad values).
Needs only Debian's python3-matplotlib and python3-numpy, hence /usr/bin/python3.
"""

import argparse
import csv
import io
import os
import re
import sys
import warnings

import matplotlib

matplotlib.use("Agg")  # no display: figures go to files only

import matplotlib.pyplot as plt  # noqa: E402  (must follow matplotlib.use)
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

EXIT_RUNTIME = 1
EXIT_INPUT = 2

# SPEC §3: the fixed leading columns of every metrics.csv, in this order.
FIXED_COLUMNS = ["arm", "seed", "epoch", "step", "lr", "train_loss", "train_acc",
                 "test_loss", "test_acc", "gen_gap", "objective", "wall_s"]
INTEGER_COLUMNS = ["seed", "step"]
PLOTTED_COLUMNS = ["train_loss", "test_loss", "test_acc", "gen_gap"]

# Top-level keys of the experiment file (SPEC §2): an extra column named KEY or KEY.sub.path
# is a swept key; any other extra column is a diagnostic.
EXPERIMENT_KEYS = ("experiment", "description", "seeds", "output", "data", "model", "loss",
                   "regularizer", "optimizer", "training", "diagnostics", "arms")

# Hues per arm; with a sweep each arm's points are shades of its sequential colormap.
ARM_COLOURS = plt.get_cmap("tab10").colors
ARM_COLORMAPS = ("Blues", "Oranges", "Greens", "Reds", "Purples", "Greys",
                 "YlOrBr", "PuRd", "BuGn", "GnBu")

# Legend entries per column before the legend splits into several columns (4 in high figure).
LEGEND_ROWS = 18

# A magnitude beyond this counts as diverged (inf): matplotlib cannot draw axes up to the
# float limit, and no converging loss gets near it.
BLOWN_UP = 1e100

# A panel switches to a log scale when its largest value exceeds this many medians.
LOG_SCALE_RATIO = 100.0


class InputError(Exception):
    """A problem with the user's input; the message is already 'FILE[:LINE]: error: ...'."""


# ---------------------------------------------------------------------------------------------
# Reading metrics.csv

def locate_metrics(path):
    """Return the metrics.csv named by `path`: the file itself, or DIR/metrics.csv."""
    csv_path = os.path.join(path, "metrics.csv") if os.path.isdir(path) else path
    if not os.path.exists(csv_path):
        raise InputError(f"{csv_path}: error: no such file")
    if not os.path.isfile(csv_path):
        raise InputError(f"{csv_path}: error: not a regular file")
    return csv_path


def parse_number(text, column, csv_path, line, integer):
    """Parse one cell: '' is a missing value (nan); 'nan'/'inf' are kept as such."""
    if not integer and text == "":
        return float("nan")
    try:
        return int(text) if integer else float(text)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise InputError(f"{csv_path}:{line}: error: column '{column}' is '{text}', "
                         f"expected {kind}") from None


def read_metrics(csv_path):
    """Read a dlx metrics.csv into (header, rows); each row is a dict with arm (str), seed,
    epoch, step (int), the plotted columns (float, nan when empty) and `point`, the tuple of
    the swept keys' values as written (strings)."""
    try:
        with open(csv_path, "r", encoding="utf-8", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{csv_path}: error: cannot read: {e}") from None
    if text.strip() == "":
        raise InputError(f"{csv_path}: error: empty file (expected a dlx metrics.csv)")

    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise InputError(f"{csv_path}: error: not a readable CSV file: {e}") from None
    header = [name.strip() for name in records[0]]
    if header[:len(FIXED_COLUMNS)] != FIXED_COLUMNS:
        raise InputError(f"{csv_path}: error: not a dlx metrics.csv "
                         f"(expected columns arm,seed,epoch,...)\n"
                         f"{csv_path}: note: the header must begin with "
                         f"{','.join(FIXED_COLUMNS)}")
    index = {name: i for i, name in enumerate(header)}
    swept = swept_columns(header)

    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not record:
            continue  # a blank line
        if len(record) != len(header):
            if number == len(records) and not text.endswith("\n"):
                print(f"{csv_path}:{number}: warning: ignoring the incomplete last line "
                      "(is the run still writing?)", file=sys.stderr)
                continue
            raise InputError(f"{csv_path}:{number}: error: {len(record)} fields, expected "
                             f"{len(header)} as in the header")
        row = {"arm": record[index["arm"]],
               "point": tuple(record[index[key]] for key in swept)}
        for column in INTEGER_COLUMNS + PLOTTED_COLUMNS:
            row[column] = parse_number(record[index[column]].strip(), column, csv_path,
                                       number, column in INTEGER_COLUMNS)
        row["epoch"] = parse_number(record[index["epoch"]].strip() or "?", "epoch", csv_path,
                                    number, False)  # fractional with eval_every in steps
        for column in PLOTTED_COLUMNS:
            if abs(row[column]) > BLOWN_UP:
                row[column] = float("inf")
        row["has_accuracy"] = np.isfinite(row["test_acc"])  # as written, before divergence
        if not (np.isfinite(row["train_loss"]) and np.isfinite(row["test_loss"])):
            # The run diverged here: its accuracy and gap are meaningless from now on.
            row["test_acc"] = row["gen_gap"] = float("nan")
        rows.append(row)
    if not rows:
        raise InputError(f"{csv_path}: error: no rows after the header "
                         "(no evaluation has been written yet)")
    return header, rows


def swept_columns(header):
    """Names of the swept-key columns: extra columns named by a dotted path into the file."""
    extra = header[len(FIXED_COLUMNS):]
    return [name for name in extra
            if name.split(".", 1)[0] in EXPERIMENT_KEYS]


def experiment_title(csv_path):
    """The `experiment:` value of resolved.yaml beside the CSV, else the folder's name."""
    folder = os.path.dirname(os.path.abspath(csv_path))
    try:
        with open(os.path.join(folder, "resolved.yaml"), "r", encoding="utf-8") as f:
            match = re.search(r"^experiment:[ \t]*['\"]?([A-Za-z0-9._-]+)", f.read(), re.M)
        if match:
            return match.group(1)
    except (OSError, UnicodeDecodeError):
        pass
    return os.path.basename(folder)


# ---------------------------------------------------------------------------------------------
# Grouping runs and statistics over seeds

def uses_steps(rows):
    """True when some run has several rows for one epoch (eval_every in steps)."""
    seen = set()
    for row in rows:
        key = (row["point"], row["arm"], row["seed"], row["epoch"])
        if key in seen:
            return True
        seen.add(key)
    return False


def value_order(value):
    """Sort key of a swept value: numbers by value before other text."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def group_runs(rows, x_column):
    """Group rows into {(point, arm): {seed: {x: row}}}, arms in order of first appearance
    and points sorted by value; a repeated x keeps the last row."""
    arm_order = list(dict.fromkeys(row["arm"] for row in rows))
    points = sorted(set(row["point"] for row in rows),
                    key=lambda point: tuple(value_order(v) for v in point))
    groups = {(point, arm): {} for point in points for arm in arm_order}
    for row in rows:
        runs = groups[(row["point"], row["arm"])]
        runs.setdefault(row["seed"], {})[row[x_column]] = row
    return {key: runs for key, runs in groups.items() if runs}


def seed_statistics(runs, column):
    """Over the seeds of one arm, at every x any seed reached: mean (nan unless every seed is
    finite there), min and max over the finite seeds (nan if none), and the divergence points
    [(x, y)]: each run's last finite value before its first non-finite one."""
    xs = np.array(sorted(set(x for run in runs.values() for x in run)), dtype=float)
    position = {x: i for i, x in enumerate(xs)}
    values = np.full((len(runs), len(xs)), np.nan)
    for s, run in enumerate(runs.values()):
        for x, row in run.items():
            values[s, position[x]] = row[column]
    finite = np.isfinite(values)
    masked = np.where(finite, values, 0.0)
    counts = finite.sum(axis=0)
    mean = np.where(counts == len(runs), (masked / len(runs)).sum(axis=0), np.nan)  # no overflow
    low = np.where(counts > 0, np.where(finite, values, np.inf).min(axis=0), np.nan)
    high = np.where(counts > 0, np.where(finite, values, -np.inf).max(axis=0), np.nan)

    divergences = []
    for s, run in enumerate(runs.values()):
        present = np.array([x in run for x in xs])
        bad = present & ~finite[s]
        if bad.any():
            first_bad = int(np.argmax(bad))
            good_before = np.flatnonzero(finite[s, :first_bad])
            if good_before.size:
                last = good_before[-1]
                divergences.append((xs[last], values[s, last]))
    return xs, mean, low, high, divergences


# ---------------------------------------------------------------------------------------------
# Drawing

def group_label(point, arm, swept):
    """Legend text of one (point, arm): the arm, then key=value for each swept key."""
    return ", ".join([arm] + [f"{key}={value}" for key, value in zip(swept, point)])


def group_colours(groups):
    """One colour per arm; with several sweep points, shades of the arm's colormap."""
    arms = list(dict.fromkeys(arm for _, arm in groups))
    points = list(dict.fromkeys(point for point, _ in groups))
    colours = {}
    for point, arm in groups:
        a = arms.index(arm)
        if len(points) == 1:
            colours[(point, arm)] = ARM_COLOURS[a % len(ARM_COLOURS)]
        else:
            shade = 0.4 + 0.55 * points.index(point) / (len(points) - 1)
            colours[(point, arm)] = plt.get_cmap(ARM_COLORMAPS[a % len(ARM_COLORMAPS)])(shade)
    return colours


def draw_curve(ax, groups, colours, column, linestyle):
    """Draw mean line, min-max band and divergence crosses of `column` for every group;
    return the finite values drawn (for the choice of scale)."""
    drawn = []
    for key, runs in groups.items():
        xs, mean, low, high, divergences = seed_statistics(runs, column)
        colour = colours[key]
        band = np.isfinite(low) & np.isfinite(high)
        if len(runs) > 1 and band.any():
            ax.fill_between(xs, low, high, where=band, color=colour, alpha=0.18,
                            linewidth=0.6, edgecolor=colour, interpolate=False)
        ax.plot(xs, mean, color=colour, linestyle=linestyle, linewidth=1.6,
                marker="o" if len(xs) == 1 else None)  # a lone point (epoch 0 only) stays visible
        # Where the mean has ended but some seeds go on, outline the band of the survivors.
        survivors = band & ~np.isfinite(mean)
        survivors[:-1] |= survivors[1:] & band[:-1]
        if survivors.any():
            for edge in (low, high):
                ax.plot(xs, np.where(survivors, edge, np.nan), color=colour,
                        linestyle=linestyle, linewidth=0.8, alpha=0.6)
        for x, y in divergences:
            ax.plot([x], [y], marker="x", color=colour, markersize=8, markeredgewidth=2)
        drawn.extend(v[np.isfinite(v)] for v in (mean, low, high))
        drawn.append(np.array([y for _, y in divergences]))
    return np.concatenate(drawn) if drawn else np.array([])


def choose_scale(ax, values, signed):
    """Log scale (symlog when values may be negative) when the largest magnitude exceeds
    LOG_SCALE_RATIO times the median magnitude: a blow-up would flatten every other curve."""
    magnitudes = np.abs(values[np.isfinite(values)])
    if magnitudes.size == 0:
        return
    median = np.median(magnitudes)
    if median <= 0 or magnitudes.max() <= LOG_SCALE_RATIO * median:
        return
    if signed or (values <= 0).any():
        ax.set_yscale("symlog", linthresh=10.0 * median)  # the bulk of the curves stays linear
    else:
        ax.set_yscale("log")


def legend_handles(groups, colours, swept, has_accuracy):
    """Legend entries: one per (point, arm), then the key to line styles and markers."""
    handles = [Line2D([], [], color=colours[key], linewidth=2.2, label=group_label(*key, swept))
               for key in groups]
    handles.append(Line2D([], [], color="none", label=""))
    handles.append(Line2D([], [], color="0.25", linestyle="-", label="train"))
    handles.append(Line2D([], [], color="0.25", linestyle="--", label="test"))
    n_seeds = max(len(runs) for runs in groups.values())
    if n_seeds > 1:
        handles.append(Patch(facecolor="0.25", alpha=0.18, edgecolor="0.25",
                             label=f"min\u2013max over {n_seeds} seeds\n(line: their mean)"))
    if any(seed_statistics(runs, c)[4] for runs in groups.values() for c in PLOTTED_COLUMNS):
        handles.append(Line2D([], [], color="0.25", marker="x", linestyle="none",
                              markeredgewidth=2, label="diverged (nan/inf)"))
    if not has_accuracy:
        handles.append(Line2D([], [], color="none", label="no test accuracy (regression)"))
    return handles


def plot_figure(rows, header, title, x_column):
    """Build the figure: loss, test accuracy (if any), generalization gap, and a legend."""
    swept = swept_columns(header)
    groups = group_runs(rows, x_column)
    colours = group_colours(groups)
    has_accuracy = any(row["has_accuracy"] for row in rows)
    handles = legend_handles(groups, colours, swept, has_accuracy)

    # Size: 3.6 in per panel, 4 in high; the legend column is as wide as its longest label
    # and splits into several columns when it would not fit the height.
    n_panels = 3 if has_accuracy else 2
    panel_width = 3.6
    legend_columns = -(-len(handles) // LEGEND_ROWS)
    longest_label = max(len(line) for h in handles for line in h.get_label().split("\n"))
    legend_width = legend_columns * min(max(1.6, 0.075 * longest_label + 0.6), 4.5)
    figure = plt.figure(figsize=(n_panels * panel_width + legend_width, 4.0), dpi=120,
                        layout="constrained")
    grid = figure.add_gridspec(1, n_panels + 1,
                               width_ratios=[panel_width] * n_panels + [legend_width])
    axes = [figure.add_subplot(grid[0, i]) for i in range(n_panels)]
    legend_axis = figure.add_subplot(grid[0, n_panels])
    legend_axis.axis("off")

    loss_axis = axes[0]
    losses = np.concatenate([draw_curve(loss_axis, groups, colours, "train_loss", "-"),
                             draw_curve(loss_axis, groups, colours, "test_loss", "--")])
    # Losses span orders of magnitude between epoch 0 and the end of training:
    # a log axis keeps the late epochs, where the arms differ, readable.
    finite_losses = losses[np.isfinite(losses)]
    if finite_losses.size and (finite_losses > 0).all():
        loss_axis.set_yscale("log")
    else:
        choose_scale(loss_axis, losses, signed=False)
    loss_axis.set_title("(a) loss")
    loss_axis.set_ylabel("mean data loss")

    if has_accuracy:
        accuracy_axis = axes[1]
        draw_curve(accuracy_axis, groups, colours, "test_acc", "-")
        accuracy_axis.set_title("(b) test accuracy")
        accuracy_axis.set_ylabel("fraction correct")

    gap_axis = axes[-1]
    gap_axis.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
    gaps = draw_curve(gap_axis, groups, colours, "gen_gap", "-")
    choose_scale(gap_axis, gaps, signed=True)
    gap_axis.set_title(f"({'c' if has_accuracy else 'b'}) generalization gap")
    gap_axis.set_ylabel("test loss \u2212 train loss")

    x_values = [row[x_column] for row in rows]
    for ax in axes:
        if min(x_values) == max(x_values):  # a single evaluation: show one unit of x around it
            ax.set_xlim(min(x_values) - 0.1, min(x_values) + 1.1)
        ax.set_xlabel(x_column)
        ax.grid(True, color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        if x_column == "epoch":
            ax.xaxis.get_major_locator().set_params(integer=True)

    legend_axis.legend(handles=handles, loc="center left", frameon=False, fontsize="small",
                       borderaxespad=0.0, ncols=legend_columns)
    figure.suptitle(title, fontweight="bold")
    return figure


def output_prefix(csv_path, requested):
    """OUT_PREFIX from -o (a trailing .png/.svg is dropped), default metrics beside the CSV."""
    if requested is None:
        return os.path.join(os.path.dirname(os.path.abspath(csv_path)), "metrics")
    root, extension = os.path.splitext(requested)
    return root if extension.lower() in (".png", ".svg") else requested


def save_figure(figure, prefix):
    """Write PREFIX.png and PREFIX.svg, without timestamps so reruns give the same files."""
    folder = os.path.dirname(prefix)
    if folder:
        os.makedirs(folder, exist_ok=True)
    plt.rcParams["svg.hashsalt"] = "dlx"
    plt.rcParams["svg.fonttype"] = "none"  # SVG keeps text as text: searchable, editable
    figure.savefig(prefix + ".png", metadata={"Software": None})
    figure.savefig(prefix + ".svg", metadata={"Date": None})
    return prefix + ".png", prefix + ".svg"


def main(argv):
    """Parse the command line, read the CSV, write the figure; return the exit status."""
    parser = argparse.ArgumentParser(
        description="Plot the learning curves of a dlx metrics.csv (PNG and SVG).")
    parser.add_argument("input", metavar="RESULTS_DIR_OR_METRICS_CSV",
                        help="a dlx output folder or its metrics.csv")
    parser.add_argument("-o", "--out", metavar="OUT_PREFIX",
                        help="write OUT_PREFIX.png and OUT_PREFIX.svg "
                             "(default: metrics.png/.svg beside the CSV)")
    args = parser.parse_args(argv)

    try:
        csv_path = locate_metrics(args.input)
        header, rows = read_metrics(csv_path)
    except InputError as e:
        print(e, file=sys.stderr)
        return EXIT_INPUT

    # Values near the float limit (a run about to diverge) overflow in numpy and matplotlib's
    # scale transforms; the curve then simply ends, which is the intended picture.
    warnings.simplefilter("ignore", RuntimeWarning)
    x_column = "step" if uses_steps(rows) else "epoch"
    figure = plot_figure(rows, header, experiment_title(csv_path), x_column)
    prefix = output_prefix(csv_path, args.out)
    try:
        written = save_figure(figure, prefix)
    except OSError as e:
        print(f"{prefix}: error: cannot write the figure: {e}", file=sys.stderr)
        return EXIT_RUNTIME
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
