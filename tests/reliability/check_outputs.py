#!/usr/bin/env python3
"""check_outputs.py — the files of an output folder are each whole (docs/reliability.md).

Usage: check_outputs.py OUT REF [--final]

Run by kill_resume.sh after every SIGKILL. OUT is a killed (or finished) run's folder, REF
the folder of the same experiment run without interruption. Checks, for each file that exists:
- metrics.csv (top and per run): every row has the header's field count. After a kill the file
  may end with the beginning of a row: when SIGKILL arrives while write(2) copies a row that
  crosses a page boundary of the file, Linux stops the write at the boundary (a fatal signal is
  checked between pages), so no program can promise whole lines then. That unfinished line must
  be the start of the reference's row at the same place (wall_s aside), the readers of dlx skip
  it, and the next --resume cuts it off; with --final the file must end with a newline.
- summary.csv: ends with a newline; its header is SPEC §3's; every row has 12 fields, a status
  in ok|diverged|interrupted, and names an arm and seed of the reference.
- resolved.yaml: equals the reference's apart from the `output:` line (written atomically, so
  it is the whole file or absent).
- meta.yaml: ends with a newline and has its `command:` and `dlx_version:` keys.
- runs/*/seed-*/checkpoint.safetensors: a well-formed safetensors file: 8-byte little-endian
  header length, a JSON header, tensors whose byte ranges tile the data section exactly, in
  sizes that match dtype × shape, and the file ends where the last tensor does.
With --final (after the last --resume), no temporary file (NAME.tmp.PID) is left behind.
Prints nothing and exits 0 when all hold; else one line per failure on stderr, exit 1.
"""
import csv
import json
import os
import re
import struct
import sys

SUMMARY_HEADER = ("arm,seed,status,epochs_done,final_train_loss,final_test_loss,final_gen_gap,"
                  "final_train_acc,final_test_acc,best_test_acc,best_epoch,wall_s")
DTYPE_BYTES = {"F32": 4, "F64": 8, "I64": 8, "U64": 8, "I32": 4, "U32": 4, "U8": 1}

failures = []


def fail(path, what):
    failures.append(f"{path}: {what}")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def check_whole_lines(path):
    """A non-empty file must end with a newline: no partial last line."""
    data = read_bytes(path)
    if data and not data.endswith(b"\n"):
        fail(path, "ends with a partial line")
        return None
    return data.decode("utf-8")


WALL_COLUMN = 11  # wall_s, the one column that differs between two runs of the same experiment


def check_partial_row(path, partial, ref_path):
    """The unfinished last line `partial` (line n of path) is the start of line n of ref_path,
    comparing field by field with wall_s and the cut field itself taken as prefixes."""
    n = read_bytes(path).decode("utf-8").count("\n")
    ref_lines = read_bytes(ref_path).decode("utf-8").splitlines()
    if n >= len(ref_lines):
        fail(path, f"ends with a partial line {partial!r} past the reference's last row")
        return
    got = partial.split(",")
    want = ref_lines[n].split(",")
    for i, field in enumerate(got):
        begins = i < len(want) and (i == WALL_COLUMN or field == want[i] or
                                    (i == len(got) - 1 and want[i].startswith(field)))
        if not begins:
            fail(path, f"ends with a partial line {partial!r} that does not begin the "
                       f"reference's row {ref_lines[n]!r}")
            return


def check_metrics(path, ref_path, final):
    data = read_bytes(path)
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        if final or not os.path.exists(ref_path) or cut == 0:
            fail(path, "ends with a partial line")
            return
        check_partial_row(path, data[cut:].decode("utf-8", "replace"), ref_path)
        data = data[:cut]
    text = data.decode("utf-8")
    if not text:
        return
    rows = list(csv.reader(text.splitlines()))
    width = len(rows[0])
    if rows[0][:3] != ["arm", "seed", "epoch"]:
        fail(path, f"header starts {rows[0][:3]}")
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            fail(path, f"line {i} has {len(row)} fields, the header {width}")


def check_summary(path, runs):
    text = check_whole_lines(path)
    if text is None:
        return
    lines = text.splitlines()
    if not lines or lines[0] != SUMMARY_HEADER:
        fail(path, "header differs from SPEC §3's")
        return
    for i, row in enumerate(csv.reader(lines[1:]), start=2):
        if len(row) != 12:
            fail(path, f"line {i} has {len(row)} fields, not 12")
        elif row[2] not in ("ok", "diverged", "interrupted"):
            fail(path, f"line {i} has status '{row[2]}'")
        elif (row[0], row[1]) not in runs:
            fail(path, f"line {i} names a run the experiment does not have: {row[0]} seed {row[1]}")


def without_output_line(text):
    return [line for line in text.splitlines() if not line.startswith("output:")]


def check_resolved(path, ref_path):
    text = check_whole_lines(path)
    if text is not None and without_output_line(text) != without_output_line(
            read_bytes(ref_path).decode("utf-8")):
        fail(path, "differs from the uninterrupted run's resolved.yaml")


def check_meta(path):
    text = check_whole_lines(path)
    if text is None:
        return
    for key in ("command:", "dlx_version:"):
        if not any(line.startswith(key) for line in text.splitlines()):
            fail(path, f"has no '{key}' line")


def check_safetensors(path):
    """Safetensors layout: u64 header size N, N bytes of JSON, then the tensors' bytes."""
    data = read_bytes(path)
    if len(data) < 8:
        fail(path, f"only {len(data)} bytes")
        return
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        fail(path, f"header of {n} bytes runs past the end of a {len(data)}-byte file")
        return
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        fail(path, f"header is not JSON: {e}")
        return
    spans = []
    for name, t in header.items():
        if name == "__metadata__":
            continue
        begin, end = t["data_offsets"]
        count = 1
        for d in t["shape"]:
            count *= d
        if t["dtype"] not in DTYPE_BYTES or end - begin != count * DTYPE_BYTES[t["dtype"]]:
            fail(path, f"tensor {name}: {t['dtype']} {t['shape']} in {end - begin} bytes")
        spans.append((begin, end))
    spans.sort()
    position = 0
    for begin, end in spans:
        if begin != position:
            fail(path, f"tensor bytes do not tile the data section (gap or overlap at {begin})")
            return
        position = end
    if 8 + n + position != len(data):
        fail(path, f"tensors end at byte {8 + n + position} of a {len(data)}-byte file")


def runs_of(ref):
    """(arm, seed) pairs of the reference's summary.csv."""
    with open(os.path.join(ref, "summary.csv"), newline="") as f:
        return {(row[0], row[1]) for row in list(csv.reader(f))[1:]}


def main():
    out, ref = sys.argv[1], sys.argv[2]
    final = "--final" in sys.argv[3:]
    runs = runs_of(ref)
    tmp = re.compile(r"\.tmp\.\d+$")
    for folder, _, files in os.walk(out):
        for name in files:
            path = os.path.join(folder, name)
            if name == "metrics.csv":
                check_metrics(path, os.path.join(ref, os.path.relpath(path, out)), final)
            elif name == "summary.csv":
                check_summary(path, runs)
            elif name == "resolved.yaml":
                check_resolved(path, os.path.join(ref, "resolved.yaml"))
            elif name == "meta.yaml":
                check_meta(path)
            elif name == "checkpoint.safetensors":
                check_safetensors(path)
            elif tmp.search(name) and final:
                fail(path, "temporary file left behind")
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
