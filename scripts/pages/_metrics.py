"""_metrics.py — reading a dlx output folder's metrics.csv for the page modules of scripts/pages.

rows(results)            every row of RESULTS/metrics.csv as a dict of strings
rows_of(results, name)   the same for another CSV file of the folder (summary.csv)
series(rows, arm, seed)  {step: row} of one run
number(text)             float, NaN for an empty field
seeds(rows, arm)         the seeds of arm, in numeric order
fmt(values, digits)      "a, b, c" with the given number of decimals ("never" for NaN)
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
