#!/usr/bin/python3
"""report.py — one self-contained HTML page of a dlx output folder.

Usage:
    /usr/bin/python3 scripts/report.py DIR [--force]

Writes DIR/report.html: a single file that needs no network and no other file (figures are
inline SVG, the style is in the page, there is no script), with
  * the experiment's name and description (resolved.yaml);
  * every figure of the folder: every *.svg in DIR (metrics.svg, sweep.svg, a reproduction's
    figure, ...); when there is no metrics.svg, the learning curves are drawn for the page by
    plot_metrics.py (train and test loss, test accuracy, generalization gap; mean over seeds
    with the min-max band);
  * per sweep point, a section (linked from the contents and to the previous and next point)
    with the table over seeds of each arm: n, mean and 95% Student-t interval
    mean ± t(0.975, n−1)·s/√n of final_test_acc, best_test_acc, final_test_loss and
    final_gen_gap (summary.csv); then the paired differences of each arm against the first
    arm over the seeds both ran, d_s = arm_s − first_s, with the same t interval over the d_s
    (pairing removes the seed-to-seed variation the arms share); then the diagnostics: each
    diagnostic column of metrics.csv at the last evaluation, mean and interval over seeds;
  * the runs that have not finished (no summary row, or interrupted), named;
  * resolved.yaml and meta.yaml as they are.
DIR may also be a folder of output folders (the point folders p0, p1, ... of `dlx sweep --emit
... --out DIR`): they are merged into one page (resolved.yaml of the first, every meta.yaml).
An existing report.html is not replaced without --force (exit 2). Exit status: 0 written;
1 it could not be written; 2 a usage error or a folder that is not a dlx output folder.
Needs only Debian's python3-matplotlib and python3-numpy, hence /usr/bin/python3.
"""

import argparse
import csv
import html
import importlib.util
import io
import math
import os
import re
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def load_plot_metrics():
    """plot_metrics.py (beside this file) as a module: its reading and drawing are reused."""
    spec = importlib.util.spec_from_file_location("plot_metrics",
                                                  os.path.join(HERE, "plot_metrics.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plot_metrics = load_plot_metrics()
FIXED = plot_metrics.FIXED_COLUMNS
SUMMARY_METRICS = ("final_test_acc", "best_test_acc", "final_test_loss", "final_gen_gap")

STYLE = """
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1400px; color: #222;
       background: #fff; line-height: 1.4; }
h1 { margin-bottom: 0.2em; } .description { color: #555; margin-top: 0; }
nav a { margin-right: 0.8em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f2f2f2; } td.name, th.name { text-align: left; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9em; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.6em; overflow-x: auto; }
.warning { color: #a40; }
"""


class ReportError(Exception):
    """A folder that is not a dlx output folder; the message names it."""


def t_interval(values):
    """(n, mean, low, high) of the 95% Student-t interval of the mean of `values` (finite
    ones); low/high are nan for fewer than 2 values."""
    values = np.array([v for v in values if math.isfinite(v)], dtype=float)
    n = values.size
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return n, mean, math.nan, math.nan
    table = plot_metrics.T_975
    t = table[n - 2] if n - 1 <= len(table) else 1.96
    half = t * float(values.std(ddof=1)) / math.sqrt(n)
    return n, mean, mean - half, mean + half


def number(text):
    """A float from CSV text: nan when empty or not a number."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def fmt(x):
    """A number for the tables: 4 significant digits, '—' for missing."""
    return "—" if not math.isfinite(x) else f"{x:.4g}"


def read_csv(path):
    """(header, rows as dicts) of a CSV, ([], []) when the file is absent."""
    if not os.path.isfile(path):
        return [], []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if r and None not in r]
        return list(reader.fieldnames or []), rows


def read_text(path):
    """A file's text, or None."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def inline_svg(svg_text):
    """An SVG file's text ready to sit inside HTML: without the XML declaration and DOCTYPE."""
    text = re.sub(r"<\?xml[^>]*\?>", "", svg_text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.S)
    return text.strip()


def curves_svg(folder):
    """The learning curves of the folder as SVG text, drawn by plot_metrics (not written)."""
    import matplotlib.pyplot as plt
    header, rows = plot_metrics.read_all(plot_metrics.locate_inputs(folder))
    warnings.simplefilter("ignore", RuntimeWarning)
    x_column = "step" if plot_metrics.uses_steps(rows) else "epoch"
    figure = plot_metrics.plot_figure(rows, header, "learning curves", x_column)
    plt.rcParams["svg.hashsalt"] = "dlx-report"
    plt.rcParams["svg.fonttype"] = "none"
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def point_label(keys, values):
    """'optimizer.lr=0.1, model.dropout=0.5', or 'all runs' without a sweep."""
    return ", ".join(f"{k}={v}" for k, v in zip(keys, values)) or "all runs"


def arm_table(summary_rows):
    """HTML table of each arm of one point over its seeds (SUMMARY_METRICS)."""
    arms = list(dict.fromkeys(r["arm"] for r in summary_rows))
    out = ["<table><tr><th class='name'>arm</th><th>seeds</th><th>status</th>"]
    out += [f"<th>{m}<br>mean [95% t interval]</th>" for m in SUMMARY_METRICS]
    out.append("</tr>")
    for arm in arms:
        rows = [r for r in summary_rows if r["arm"] == arm]
        statuses = ", ".join(f"{s}: {sum(r['status'] == s for r in rows)}"
                             for s in dict.fromkeys(r["status"] for r in rows))
        out.append(f"<tr><td class='name'>{html.escape(arm)}</td><td>{len(rows)}</td>"
                   f"<td>{html.escape(statuses)}</td>")
        for metric in SUMMARY_METRICS:
            n, mean, low, high = t_interval([number(r.get(metric)) for r in rows])
            out.append(f"<td>{fmt(mean)} [{fmt(low)}, {fmt(high)}]</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def paired_table(summary_rows):
    """HTML table of each arm minus the first arm over their shared seeds, or '' for one arm."""
    arms = list(dict.fromkeys(r["arm"] for r in summary_rows))
    if len(arms) < 2:
        return ""
    by = {(r["arm"], r["seed"]): r for r in summary_rows}
    first = arms[0]
    out = [f"<h4>Paired differences against <code>{html.escape(first)}</code> over shared "
           "seeds</h4><table><tr><th class='name'>arm − " + html.escape(first) +
           "</th><th>shared seeds</th>"]
    out += [f"<th>Δ {m}<br>mean [95% t interval]</th>" for m in SUMMARY_METRICS]
    out.append("</tr>")
    for arm in arms[1:]:
        shared = [s for (a, s) in by if a == arm and (first, s) in by]
        out.append(f"<tr><td class='name'>{html.escape(arm)}</td><td>{len(shared)}</td>")
        for metric in SUMMARY_METRICS:
            diffs = [number(by[(arm, s)].get(metric)) - number(by[(first, s)].get(metric))
                     for s in shared]
            n, mean, low, high = t_interval(diffs)
            out.append(f"<td>{fmt(mean)} [{fmt(low)}, {fmt(high)}]</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def diagnostics_table(metrics_header, metric_rows, swept):
    """HTML table of each diagnostic column at each run's last evaluation, mean and interval
    over the seeds of each arm; '' when there is no diagnostic column."""
    columns = [c for c in metrics_header[len(FIXED):] if c not in swept]
    if not columns:
        return "<p>No diagnostics in this experiment.</p>"
    last = {}
    for r in metric_rows:
        key = (r["arm"], r["seed"])
        if key not in last or number(r["epoch"]) >= number(last[key]["epoch"]):
            last[key] = r
    arms = list(dict.fromkeys(a for a, _ in last))
    out = ["<table><tr><th class='name'>diagnostic (last evaluation)</th>"]
    out += [f"<th>{html.escape(a)}<br>mean [95% t interval]</th>" for a in arms]
    out.append("</tr>")
    for column in columns:
        out.append(f"<tr><td class='name'>{html.escape(column)}</td>")
        for arm in arms:
            n, mean, low, high = t_interval([number(r.get(column)) for (a, _), r in last.items()
                                             if a == arm])
            out.append(f"<td>{fmt(mean)} [{fmt(low)}, {fmt(high)}]</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def build_report(folder):
    """The HTML text of the report of output folder `folder`."""
    folders = plot_metrics.output_folders(folder)
    if not folders:
        raise ReportError(f"{folder}: not a dlx output folder (no resolved.yaml in it or below)")
    resolved = read_text(os.path.join(folders[0], "resolved.yaml"))
    title, description = plot_metrics.experiment_heading(
        os.path.join(folders[0], "metrics.csv"))
    # One folder, or the point folders of an emitted sweep (p0, p1, ...), merged: rows are
    # told apart by their swept keys, as dlx collect does.
    metrics_header, metric_rows, summary_rows, metas = [], [], [], []
    for output in folders:
        header, rows = read_csv(os.path.join(output, "metrics.csv"))
        metrics_header += [c for c in header if c not in metrics_header]
        metric_rows += rows
        summary_rows += read_csv(os.path.join(output, "summary.csv"))[1]
        meta_text = read_text(os.path.join(output, "meta.yaml")) or "(no meta.yaml)\n"
        label = os.path.relpath(output, folder)
        metas.append(meta_text if len(folders) == 1 else f"# {label}/meta.yaml\n{meta_text}")
    meta = "\n".join(metas)
    if not metric_rows:
        raise ReportError(f"{folder}: metrics.csv missing or without rows")
    for row in metric_rows + summary_rows:
        for key in metrics_header:
            row.setdefault(key, "")
    swept = plot_metrics.swept_columns(metrics_header)

    points = list(dict.fromkeys(tuple(r[k] for k in swept) for r in metric_rows))
    points.sort(key=lambda p: tuple(plot_metrics.value_order(v) for v in p))
    finished = {(tuple(r.get(k, "") for k in swept), r["arm"], r["seed"]): r["status"]
                for r in summary_rows}
    unfinished = sorted({(tuple(r[k] for k in swept), r["arm"], r["seed"])
                         for r in metric_rows} - {k for k, s in finished.items()
                                                  if s in ("ok", "diverged")})

    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>{html.escape(title)} — dlx report</title>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<style>{STYLE}</style></head><body>",
             f"<h1 id='top'>{html.escape(title)}</h1>"]
    if description:
        parts.append(f"<p class='description'>{html.escape(description)}</p>")
    parts.append(f"<p>Output folder <code>{html.escape(os.path.abspath(folder))}</code>: "
                 f"{len(points)} sweep point{'s' if len(points) != 1 else ''}, "
                 f"{len({(tuple(r[k] for k in swept), r['arm'], r['seed']) for r in metric_rows})} "
                 "runs.</p>" if swept else
                 f"<p>Output folder <code>{html.escape(os.path.abspath(folder))}</code>.</p>")
    contents = ["<a href='#figures'>figures</a>"]
    contents += [f"<a href='#p{i}'>{html.escape(point_label(swept, p))}</a>"
                 for i, p in enumerate(points)]
    contents += ["<a href='#config'>resolved.yaml</a>", "<a href='#meta'>meta.yaml</a>"]
    parts.append("<nav>Contents: " + " ".join(contents) + "</nav>")
    if unfinished:
        parts.append("<p class='warning'>Unfinished runs (no summary row, or interrupted): " +
                     "; ".join(html.escape(f"{point_label(swept, p)}, arm {a}, seed {s}")
                               for p, a, s in unfinished) + ".</p>")

    parts.append("<h2 id='figures'>Figures</h2>")
    if not os.path.isfile(os.path.join(folder, "metrics.svg")):  # else it is shown below
        parts.append("<figure>" + inline_svg(curves_svg(folder)) +
                     "<figcaption>Learning curves: mean over seeds (line) and min–max over "
                     "seeds (band), one line per sweep point and arm.</figcaption></figure>")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".svg"):
            svg = read_text(os.path.join(folder, name))
            if svg and "<svg" in svg:
                parts.append(f"<figure>{inline_svg(svg)}<figcaption>{html.escape(name)}"
                             "</figcaption></figure>")

    for i, point in enumerate(points):
        links = ["<a href='#top'>top</a>"]
        if i > 0:
            links.append(f"<a href='#p{i - 1}'>previous point</a>")
        if i + 1 < len(points):
            links.append(f"<a href='#p{i + 1}'>next point</a>")
        parts.append(f"<h2 id='p{i}'>{'Point ' + str(i) + ': ' if swept else ''}"
                     f"{html.escape(point_label(swept, point))}</h2><nav>{' '.join(links)}</nav>")
        rows = [r for r in summary_rows if tuple(r.get(k, "") for k in swept) == point]
        parts.append("<h3>Arms over seeds</h3>")
        parts.append(arm_table(rows) + paired_table(rows) if rows else
                     "<p class='warning'>No run of this point has finished yet.</p>")
        parts.append("<h3>Diagnostics</h3>")
        parts.append(diagnostics_table(metrics_header, [r for r in metric_rows if tuple(
            r[k] for k in swept) == point], swept))

    parts.append(f"<h2 id='config'>resolved.yaml</h2><pre>{html.escape(resolved)}</pre>")
    parts.append(f"<h2 id='meta'>meta.yaml</h2><pre>{html.escape(meta)}</pre>")
    parts.append("</body></html>\n")
    return "".join(parts)


def main(argv):
    """Parse the command line, build and write DIR/report.html; return the exit status."""
    parser = argparse.ArgumentParser(
        description="Write DIR/report.html: one self-contained page of a dlx output folder "
                    "(figures, per-arm tables with 95% intervals, paired differences, "
                    "diagnostics, resolved.yaml and meta.yaml).",
        epilog="Exit status: 0 written; 1 it could not be written; 2 a usage error, a folder "
               "that is not a dlx output folder, or an existing report without --force.")
    parser.add_argument("folder", metavar="DIR", help="a dlx output folder")
    parser.add_argument("--force", action="store_true",
                        help="replace DIR/report.html when it exists")
    args = parser.parse_args(argv)
    target = os.path.join(args.folder, "report.html")
    if os.path.exists(target) and not args.force:
        print(f"{target}: error: the report exists; not overwriting it (use --force)",
              file=sys.stderr)
        return 2
    try:
        text = build_report(args.folder)
    except (ReportError, plot_metrics.InputError) as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    try:
        with open(target + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(target + ".tmp", target)
    except OSError as e:
        print(f"{target}: error: cannot write: {e.strerror}", file=sys.stderr)
        return 1
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
