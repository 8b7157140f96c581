"""_metrics.py — reading a dlx output folder's metrics.csv for the page modules of scripts/pages.

rows(results)            every row of RESULTS/metrics.csv as a dict of strings
rows_of(results, name)   the same for another CSV file of the folder (summary.csv)
series(rows, arm, seed)  {step: row} of one run
number(text)             float, NaN for an empty field
seeds(rows, arm)         the seeds of arm, in numeric order
fmt(values, digits)      "a, b, c" with the given number of decimals ("never" for NaN)
plot(script, *args)      the command running scripts/SCRIPT under /usr/bin/python3
span(values, spec)       "lo–hi" of formatted values
both_precisions(results, tables)  a float64 page block with its float32 side run (FLOAT32_RUN)
"""

import csv
import math
import os


def rows(results):
    with open(os.path.join(results, "metrics.csv"), newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    return float(text) if text not in ("", None) else math.nan


def series(all_rows, arm, seed):
    return {int(r["step"]): r for r in all_rows if r["arm"] == arm and r["seed"] == str(seed)}


def seeds(all_rows, arm):
    return sorted({int(r["seed"]) for r in all_rows if r["arm"] == arm})


def fmt(values, digits):
    return ", ".join("never" if isinstance(v, float) and math.isnan(v) else
                     (f"{v:.{digits}f}" if isinstance(v, float) else str(v)) for v in values)


def rows_of(results, name):
    """The rows of another CSV file of the output folder (summary.csv) as dicts of strings."""
    with open(os.path.join(results, name), newline="") as f:
        return list(csv.DictReader(f))


def plot(script, *args):
    """The command that runs scripts/SCRIPT with ARGS under Debian's python3 (matplotlib)."""
    scripts = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return ["/usr/bin/python3", os.path.join(scripts, script), *args]


def span(values, spec):
    """"lo–hi" of values formatted with spec, one value when both ends print the same."""
    lo, hi = format(min(values), spec), format(max(values), spec)
    return lo if lo == hi else f"{lo}–{hi}"


FLOAT32 = "float32"
# The side run of a float64 reproduction: the same config in float32, into RESULTS.float32.
FLOAT32_RUN = (FLOAT32, ["--set", "precision=float32"])


def both_precisions(results, tables):
    """The page block of a float64 config with its float32 side run: tables(folder, label)
    (a list of markdown lines) for RESULTS, then for RESULTS.float32 when it was made."""
    out = tables(results, "float64 (the config)")
    side = results + "." + FLOAT32
    if os.path.isdir(side):
        out += [""] + tables(side, "float32 (`--set precision=float32`)")
    return "\n".join(out) + "\n"
