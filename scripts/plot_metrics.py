#!/usr/bin/python3
"""plot_metrics.py — learning curves of a dlx run, from its metrics.csv (SPEC §3, §5).

Usage:
    /usr/bin/python3 scripts/plot_metrics.py INPUT [-o OUT_PREFIX] [--seeds]
                                            [--band minmax|ci95] [--force]

INPUT is an output folder, its metrics.csv (or any metrics-shaped CSV, e.g. `dlx collect`'s),
or a folder of output folders (a sweep's point folders p0, p1, ...), whose CSVs are merged.
Writes OUT_PREFIX.png and OUT_PREFIX.svg (default: metrics.png and metrics.svg beside the
CSV, or in the folder of point folders): one figure, one panel each for
    (a) train loss, (b) test loss,
    (c) test accuracy (left out when every test_acc is empty, i.e. a regression model),
    (d) generalization gap = test_loss - train_loss,
with one line per (sweep point, arm): the mean over seeds, and a band over seeds (min-max, or
with --band ci95 the 95% Student-t interval of the mean), clipped to the metric's range
(accuracy in [0, 1], losses >= 0). --seeds also draws every seed as a thin line.
The title is the `experiment:` of the resolved.yaml next to the CSV (for merged point folders,
of the first), with its `description:` beneath; else the folder name.
An existing OUT_PREFIX.png or .svg is never replaced without --force (exit 2).

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
    swept keys. Each (sweep point, arm) gets its own line, labelled `arm, key=value`. The
    dimensions that vary (each swept key with several values, then the arm) are encoded one
    each: the first by hue (tab10), the second by line style, the third by marker.
  * Accuracy limits: the values after the first evaluation (epoch 0 is the untrained model,
    near chance), padded by 8% (at least 0.005) within [0, 1], so arms 0.01 apart stay apart.
  * A loss panel whose values span very different magnitudes (a run blowing up before it
    diverges) switches to a log scale (symmetric log for the gap) so the other curves stay
    readable.
  * A row repeated for the same (point, arm, seed, x) — e.g. after a resume — counts once,
    the last one wins. An incomplete last line (a run still writing) is skipped with a warning.

Exit status: 0 success; 1 the figure could not be written; 2 a usage error or an input that is
not a usable dlx metrics.csv (missing, empty, wrong header, header without rows, bad values),
or an existing figure without --force.
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

# Hues per arm, for the other plotting scripts that share them (plot_dropout_ensemble.py).
ARM_COLOURS = plt.get_cmap("tab10").colors

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
               "swept": {key: record[index[key]] for key in swept},
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


def output_folders(folder):
    """Output folders (holding resolved.yaml) at or below `folder`, as `dlx collect` finds
    them: subfolders in natural order (p2 before p10), none below one already found, never
    inside runs/."""
    if os.path.isfile(os.path.join(folder, "resolved.yaml")):
        return [folder]
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        return found
    natural = lambda name: [(0, int(p), "") if p.isdigit() else (1, 0, p)  # noqa: E731
                            for p in re.split(r"(\d+)", name)]
    for name in sorted(names, key=natural):
        path = os.path.join(folder, name)
        if name != "runs" and os.path.isdir(path) and not os.path.islink(path):
            found.extend(output_folders(path))
    return found


def locate_inputs(path):
    """The metrics.csv files named by `path`: the file itself, DIR/metrics.csv, or, for a
    folder without one (the parent of a sweep's point folders, `dlx sweep --out DIR`), the
    metrics.csv of every output folder below it."""
    if os.path.isdir(path) and not os.path.exists(os.path.join(path, "metrics.csv")):
        folders = [f for f in output_folders(path)
                   if os.path.isfile(os.path.join(f, "metrics.csv"))]
        if folders:
            return [os.path.join(f, "metrics.csv") for f in folders]
    return [locate_metrics(path)]


def read_all(csv_paths):
    """Read every metrics.csv and merge them: the header is the first file's, then any extra
    column of a later one; each row's point is recomputed over the union of swept keys (a
    key a file does not have reads as '')."""
    header, rows = [], []
    for csv_path in csv_paths:
        file_header, file_rows = read_metrics(csv_path)
        header += [c for c in file_header if c not in header]
        rows += file_rows
    swept = swept_columns(header)
    for row in rows:
        row["point"] = tuple(row["swept"].get(key, "") for key in swept)
    return header, rows


def experiment_title(csv_path):
    """The `experiment:` value of resolved.yaml beside the CSV, else the folder's name."""
    return experiment_heading(csv_path)[0]


def experiment_heading(csv_path, searched=None):
    """(title, description) of the figure: the `experiment:` and `description:` of the
    resolved.yaml beside the CSV, else of the first output folder below `searched` (a
    collected sweep), else the folder's name and no description."""
    folder = os.path.dirname(os.path.abspath(csv_path))
    candidates = [folder] + (output_folders(searched) if searched else [])
    for candidate in candidates:
        try:
            with open(os.path.join(candidate, "resolved.yaml"), "r", encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        name = re.search(r"^experiment:[ \t]*['\"]?([A-Za-z0-9._-]+)", text, re.M)
        if name:
            description = re.search(r"^description:[ \t]*(.*)$", text, re.M)
            about = description.group(1).strip().strip("'\"") if description else ""
            return name.group(1), (about or None)
    return os.path.basename(os.path.abspath(searched) if searched else folder), None


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

# The range each plotted metric can take: bands (and a t interval in particular) are clipped
# to it, since no seed can fall outside.
METRIC_RANGE = {"train_loss": (0.0, np.inf), "test_loss": (0.0, np.inf),
                "test_acc": (0.0, 1.0), "gen_gap": (-np.inf, np.inf)}

# Line styles and markers that tell the values of the second and third varied dimension apart.
LINE_STYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3))]
MARKERS = [None, "o", "s", "^", "D", "v", "P", "*"]

# Two-sided 95% Student-t quantiles t(0.975, df), df = 1..30; 1.96 beyond (normal limit).
T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def group_label(point, arm, swept):
    """Legend text of one (point, arm): the arm, then key=value for each swept key."""
    return ", ".join([arm] + [f"{key}={value}" for key, value in zip(swept, point)])


def varied_dimensions(groups, swept):
    """The dimensions whose value differs between groups, in the order they are encoded:
    each swept key with several values (in header order), then the arm when there are
    several. Each is (name, function of a group key giving its value, ordered values)."""
    dimensions = []
    for i, key in enumerate(swept):
        values = sorted(set(point[i] for point, _ in groups), key=value_order)
        if len(values) > 1:
            dimensions.append((key, (lambda g, i=i: g[0][i]), values))
    arms = list(dict.fromkeys(arm for _, arm in groups))
    if len(arms) > 1 or not dimensions:
        dimensions.append(("arm", (lambda g: g[1]), arms))
    return dimensions


def group_styles(groups, swept):
    """A (colour, line style, marker) per group: the first varied dimension picks the hue
    (tab10, tab20 past 10 values), the second the line style, the third the marker, so each
    swept key reads on its own; combinations past three dimensions repeat styles, and the
    legend still names every line."""
    dimensions = varied_dimensions(groups, swept)
    palette = plt.get_cmap("tab10" if len(dimensions[0][2]) <= 10 else "tab20").colors
    styles = {}
    for key in groups:
        index = [values.index(value_of(key)) for _, value_of, values in dimensions]
        colour = palette[index[0] % len(palette)]
        style = LINE_STYLES[index[1] % len(LINE_STYLES)] if len(index) > 1 else "-"
        marker = MARKERS[index[2] % len(MARKERS)] if len(index) > 2 else None
        styles[key] = (colour, style, marker)
    return styles, dimensions


def band_limits(values, kind):
    """Band over seeds at each x: min-max of the finite seeds, or the 95% Student-t interval
    mean ± t(0.975, n−1)·s/√n over the finite seeds (n ≥ 2; s the sample standard deviation)."""
    finite = np.isfinite(values)
    counts = finite.sum(axis=0)
    if kind == "minmax":
        low = np.where(counts > 0, np.where(finite, values, np.inf).min(axis=0), np.nan)
        high = np.where(counts > 0, np.where(finite, values, -np.inf).max(axis=0), np.nan)
        return low, high
    low = np.full(values.shape[1], np.nan)
    high = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        column = values[finite[:, j], j]
        if column.size >= 2:
            t = T_975[column.size - 2] if column.size - 1 <= len(T_975) else 1.96
            half = t * column.std(ddof=1) / np.sqrt(column.size)
            low[j], high[j] = column.mean() - half, column.mean() + half
    return low, high


def seed_values(runs, column):
    """(xs, values[seed, x]) of one group: nan where a seed has no finite value at x."""
    xs = np.array(sorted(set(x for run in runs.values() for x in run)), dtype=float)
    position = {x: i for i, x in enumerate(xs)}
    values = np.full((len(runs), len(xs)), np.nan)
    for s, run in enumerate(runs.values()):
        for x, row in run.items():
            values[s, position[x]] = row[column]
    return xs, values


def draw_curve(ax, groups, styles, column, band_kind="minmax", draw_seeds=False):
    """Draw mean line, band (clipped to the metric's range), divergence crosses and, with
    draw_seeds, each seed's own thin line of `column` for every group; return the finite
    values the seeds measured (mean, min, max: for the choice of scale and limits, which a
    wide t interval should not stretch) as (xs, ys)."""
    lowest, highest = METRIC_RANGE[column]
    drawn_x, drawn_y = [], []
    for key, runs in groups.items():
        xs, mean, low, high, divergences = seed_statistics(runs, column)
        for v in (mean, low, high):  # what the seeds measured (not the interval's width)
            drawn_x.append(xs[np.isfinite(v)])
            drawn_y.append(v[np.isfinite(v)])
        if band_kind != "minmax":
            low, high = band_limits(seed_values(runs, column)[1], band_kind)
        low, high = np.clip(low, lowest, highest), np.clip(high, lowest, highest)
        colour, linestyle, marker = styles[key]
        band = np.isfinite(low) & np.isfinite(high)
        if len(runs) > 1 and band.any():
            ax.fill_between(xs, low, high, where=band, color=colour, alpha=0.15,
                            linewidth=0.6, edgecolor=colour, interpolate=False)
        if draw_seeds:
            seed_xs, values = seed_values(runs, column)
            for seed_line in values:
                ax.plot(seed_xs, seed_line, color=colour, linestyle=linestyle, linewidth=0.7,
                        alpha=0.55, label="_seed-line")
        lone = len(xs) == 1  # a lone point (epoch 0 only) stays visible
        ax.plot(xs, mean, color=colour, linestyle=linestyle, linewidth=1.6,
                marker="o" if lone else marker, markevery=None if lone else max(1, len(xs) // 6),
                markersize=4.5, label="_mean-line")
        # Where the mean has ended but some seeds go on, outline the band of the survivors.
        survivors = band & ~np.isfinite(mean)
        survivors[:-1] |= survivors[1:] & band[:-1]
        if survivors.any():
            for edge in (low, high):
                ax.plot(xs, np.where(survivors, edge, np.nan), color=colour,
                        linestyle=linestyle, linewidth=0.8, alpha=0.6)
        for x, y in divergences:
            ax.plot([x], [y], marker="x", color=colour, markersize=8, markeredgewidth=2)
        drawn_x.append(np.array([x for x, _ in divergences]))
        drawn_y.append(np.array([y for _, y in divergences]))
    if not drawn_y:
        return np.array([]), np.array([])
    return np.concatenate(drawn_x), np.concatenate(drawn_y)


def accuracy_limits(xs, ys):
    """y limits of the accuracy panel: the range of the values after the first evaluation
    (epoch 0 is the untrained model, near chance, and would squeeze the trained arms into a
    sliver), padded by 8% (at least 0.005 each side) and kept within [0, 1]; None when
    nothing follows the first evaluation."""
    later = ys[np.isfinite(ys) & (xs > np.min(xs))] if xs.size else ys
    if later.size == 0:
        return None
    low, high = float(later.min()), float(later.max())
    pad = max(0.08 * (high - low), 0.005)
    return max(0.0, low - pad), min(1.0, high + pad)


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


def legend_handles(groups, styles, swept, has_accuracy, band_kind, draw_seeds, clipped_zero):
    """Legend entries: one per (point, arm), then the key to bands, seeds and markers."""
    handles = []
    for key in groups:
        colour, linestyle, marker = styles[key]
        handles.append(Line2D([], [], color=colour, linestyle=linestyle, marker=marker,
                              linewidth=2.0, label=group_label(*key, swept)))
    handles.append(Line2D([], [], color="none", label=""))
    n_seeds = max(len(runs) for runs in groups.values())
    if n_seeds > 1:
        what = "min\u2013max" if band_kind == "minmax" else "95% t interval"
        handles.append(Patch(facecolor="0.25", alpha=0.15, edgecolor="0.25",
                             label=f"{what} over {n_seeds} seeds\n(line: their mean)"))
    if draw_seeds:
        handles.append(Line2D([], [], color="0.25", linewidth=0.7, alpha=0.55,
                              label="thin lines: each seed"))
    if any(seed_statistics(runs, c)[4] for runs in groups.values() for c in PLOTTED_COLUMNS):
        handles.append(Line2D([], [], color="0.25", marker="x", linestyle="none",
                              markeredgewidth=2, label="diverged (nan/inf)"))
    if clipped_zero:
        handles.append(Line2D([], [], color="none",
                              label="accuracy axis: from the first\nevaluation after epoch 0"))
    if not has_accuracy:
        handles.append(Line2D([], [], color="none", label="no test accuracy (regression)"))
    return handles


def plot_figure(rows, header, title, x_column, band_kind="minmax", draw_seeds=False,
                subtitle=None):
    """Build the figure: train loss, test loss, test accuracy (if any), generalization gap,
    and a legend."""
    swept = swept_columns(header)
    groups = group_runs(rows, x_column)
    styles, _ = group_styles(groups, swept)
    has_accuracy = any(row["has_accuracy"] for row in rows)

    n_panels = 4 if has_accuracy else 3
    panel_width = 3.4
    # Legend size is known only after the handles; build them with a provisional flag.
    x_values = np.array([row[x_column] for row in rows], dtype=float)
    clipped_zero = has_accuracy and len(set(x_values)) > 1
    handles = legend_handles(groups, styles, swept, has_accuracy, band_kind, draw_seeds,
                             clipped_zero)
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
    letters = iter("abcdef")

    # Losses span orders of magnitude between epoch 0 and the end of training:
    # a log axis keeps the late epochs, where the arms differ, readable.
    for ax, column, name in ((axes[0], "train_loss", "train loss"),
                             (axes[1], "test_loss", "test loss")):
        _, losses = draw_curve(ax, groups, styles, column, band_kind, draw_seeds)
        finite_losses = losses[np.isfinite(losses)]
        if finite_losses.size and (finite_losses > 0).all():
            ax.set_yscale("log")
        else:
            choose_scale(ax, losses, signed=False)
        ax.set_title(f"({next(letters)}) {name}")
        ax.set_ylabel("mean data loss")

    if has_accuracy:
        accuracy_axis = axes[2]
        acc_x, acc_y = draw_curve(accuracy_axis, groups, styles, "test_acc", band_kind,
                                  draw_seeds)
        limits = accuracy_limits(acc_x, acc_y)
        if limits is not None and limits[1] > limits[0]:
            accuracy_axis.set_ylim(*limits)
        accuracy_axis.set_title(f"({next(letters)}) test accuracy")
        accuracy_axis.set_ylabel("fraction correct")

    gap_axis = axes[-1]
    gap_axis.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
    _, gaps = draw_curve(gap_axis, groups, styles, "gen_gap", band_kind, draw_seeds)
    choose_scale(gap_axis, gaps, signed=True)
    gap_axis.set_title(f"({next(letters)}) generalization gap")
    gap_axis.set_ylabel("test loss \u2212 train loss")

    for ax in axes:
        if x_values.min() == x_values.max():  # a single evaluation: one unit of x around it
            ax.set_xlim(x_values.min() - 0.1, x_values.min() + 1.1)
        ax.set_xlabel(x_column)
        ax.grid(True, color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        if x_column == "epoch":
            ax.xaxis.get_major_locator().set_params(integer=True)

    legend_axis.legend(handles=handles, loc="center left", frameon=False, fontsize="small",
                       borderaxespad=0.0, ncols=legend_columns)
    figure.suptitle(title if not subtitle else f"{title}\n{subtitle}", fontweight="bold")
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
    """Parse the command line, read the CSV(s), write the figure; return the exit status."""
    parser = argparse.ArgumentParser(
        description="Plot the learning curves of a dlx metrics.csv (PNG and SVG): train loss, "
                    "test loss, test accuracy and generalization gap against epoch, the mean "
                    "over seeds with a band, one line per (sweep point, arm).",
        epilog="Exit status: 0 written; 1 the figure could not be written; 2 a usage error, "
               "an unusable input, or an existing figure without --force.")
    parser.add_argument("input", metavar="RESULTS_DIR_OR_METRICS_CSV",
                        help="a dlx output folder, its metrics.csv, or a folder of output "
                             "folders (a sweep's point folders), which are merged")
    parser.add_argument("-o", "--out", metavar="OUT_PREFIX",
                        help="write OUT_PREFIX.png and OUT_PREFIX.svg "
                             "(default: metrics.png/.svg beside the CSV, or in the folder)")
    parser.add_argument("--seeds", action="store_true",
                        help="also draw every seed as a thin line in its group's colour")
    parser.add_argument("--band", choices=("minmax", "ci95"), default="minmax",
                        help="the band over seeds: min-max of the seeds (default) or the 95%% "
                             "Student-t interval of their mean; either is clipped to the "
                             "metric's range (accuracy in [0, 1], losses >= 0)")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT_PREFIX.png/.svg when they exist (without it an "
                             "existing figure is never overwritten: exit 2)")
    args = parser.parse_args(argv)

    try:
        csv_paths = locate_inputs(args.input)
        header, rows = read_all(csv_paths)
    except InputError as e:
        print(e, file=sys.stderr)
        return EXIT_INPUT
    merged = len(csv_paths) > 1 or os.path.dirname(os.path.abspath(csv_paths[0])) != \
        os.path.abspath(args.input) and os.path.isdir(args.input)
    anchor = os.path.join(args.input, "metrics.csv") if merged else csv_paths[0]
    prefix = output_prefix(anchor, args.out)
    existing = [p for p in (prefix + ".png", prefix + ".svg") if os.path.exists(p)]
    if existing and not args.force:
        print(f"{existing[0]}: error: the figure exists; not overwriting it "
              "(use --force to replace it, or -o for another name)", file=sys.stderr)
        return EXIT_INPUT

    # Values near the float limit (a run about to diverge) overflow in numpy and matplotlib's
    # scale transforms; the curve then simply ends, which is the intended picture.
    warnings.simplefilter("ignore", RuntimeWarning)
    x_column = "step" if uses_steps(rows) else "epoch"
    title, description = experiment_heading(csv_paths[0], args.input if merged else None)
    figure = plot_figure(rows, header, title, x_column, args.band, args.seeds, description)
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
