"""_factorization.py — reading the factorization experiments' output folders for the page modules
factorization_certificate, grow_rank, nuclear_norm_identity, rank_needed, relu_certificate and
homogeneity (without matplotlib, which scripts/plot_factorization.py imports).

solutions(results)   resolved.yaml's solutions entries, in order, as dicts of numbers/strings
last_rows(rows, key) {key(row): the last metrics row of that run}
span(values, spec)   "lo–hi" with the given format (one value when they agree)
"""

import re


def solutions(results):
    """resolved.yaml's `solutions:` entries (one per arm or sweep point, in order), each a dict
    of its `key: value` lines, numbers as float (the same reading as plot_factorization.py)."""
    with open(f"{results}/resolved.yaml") as f:
        text = f.read()
    out = []
    for block in re.split(r"\n  - arm: ", text.split("solutions:", 1)[1])[1:]:
        entry = {"arm": block.split("\n", 1)[0].strip('"')}
        for key, value in re.findall(r"\n    (\w+): ([^\n]+)", block):
            try:
                entry[key] = float(value)
            except ValueError:
                entry[key] = value.strip('"')
        out.append(entry)
    return out


def last_rows(rows, key=lambda r: (r["arm"], int(r["seed"]))):
    """{key(row): the run's row with the largest step}, in first-seen order."""
    out = {}
    for r in rows:
        k = key(r)
        if k not in out or int(r["step"]) >= int(out[k]["step"]):
            out[k] = r
    return out


def span(values, spec):
    lo, hi = format(min(values), spec), format(max(values), spec)
    return lo if lo == hi else f"{lo}–{hi}"
