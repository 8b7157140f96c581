"""test_progress.py — `dlx run`'s progress on stderr and its closing table, end to end.

- not a terminal, --progress: plain lines only (--jobs 1: one per evaluation, --jobs 2: one per
  finished run), no escape sequence, then the closing table whose numbers this test recomputes
  from summary.csv (mean and sample sd over seeds, runs with status ok);
- not a terminal without --progress, and --quiet anywhere (also on a terminal): stderr empty;
- a pseudo-terminal (pty): the block redrawn in place (cursor up, clear), runs done of total, the
  worker's run and epoch, test loss and accuracy, an ETA, at most a few redraws a second, the
  table at the end, and no plain line;
- stdout stays empty in every case;
- a regression arm shows "-" for the accuracy.
"""
import csv
import math
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

DLX = os.environ["DLX_BIN"]
CLASSIFY = """experiment: progress
seeds: [1, 2, 3]
data: {source: synthetic, kind: gaussian_mixture, n_train: 8000, n_test: 600, dim: 8,
       classes: 3, separation: 2.0, seed: 5}
model: {type: mlp, hidden: [32], activation: tanh}
optimizer: {type: momentum, lr: 0.05}
training: {epochs: 8, batch_size: 16}
arms:
  - name: plain
  - name: wide
    model: {hidden: [48]}
"""
REGRESS = """experiment: progress_regression
seeds: 2
data: {source: synthetic, kind: linear, dim: 4, n_train: 200, n_test: 200, noise: 0.5, seed: 3}
model: {type: mlp, hidden: [8], activation: relu}
loss: mse
optimizer: {type: adam, lr: 0.003}
training: {epochs: 3, batch_size: 32}
"""
ESC = "\x1b"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, cwd):
    p = subprocess.run([DLX] + args, cwd=cwd, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def run_on_pty(args, cwd):
    """Run dlx with stderr on a pseudo-terminal (stdout to a pipe); what the terminal got."""
    master, slave = pty.openpty()
    p = subprocess.Popen([DLX] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    got = b""
    while True:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            got += chunk
        elif p.poll() is not None:
            break
    out = p.stdout.read()
    p.wait(timeout=60)
    os.close(master)
    return p.returncode, out.decode(), got.decode("utf-8", "replace")


def mean_sd(xs):
    m = sum(xs) / len(xs)
    if len(xs) == 1:
        return "%.4g" % m
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
    return "%.4g ± %.2g" % (m, sd)


def expected_table(summary_path):
    """The closing table, recomputed from summary.csv."""
    rows = list(csv.DictReader(open(summary_path)))
    arms = []
    for r in rows:
        if r["arm"] not in arms:
            arms.append(r["arm"])
    cells = [["arm", "n", "test_acc", "test_loss", "gen_gap"]]
    for a in arms:
        ok = [r for r in rows if r["arm"] == a and r["status"] == "ok"]
        acc = [float(r["final_test_acc"]) for r in ok if r["final_test_acc"] != ""]
        cells.append([a, str(len(ok)), mean_sd(acc) if acc else "-",
                      mean_sd([float(r["final_test_loss"]) for r in ok]),
                      mean_sd([float(r["final_gen_gap"]) for r in ok])])
    width = [max(len(c[i]) for c in cells) for i in range(5)]
    lines = ["final metrics, mean ± sd over seeds (runs with status ok):"]
    for c in cells:
        lines.append("  ".join(c[i] + " " * (width[i] - len(c[i]) if i < 4 else 0)
                               for i in range(5)))
    return "\n".join(lines) + "\n"


def main():
    tmp = tempfile.mkdtemp(prefix="dlx_progress_")
    try:
        with open(os.path.join(tmp, "c.yaml"), "w") as f:
            f.write(CLASSIFY)
        with open(os.path.join(tmp, "r.yaml"), "w") as f:
            f.write(REGRESS)

        # Plain, --jobs 1: one line per evaluation (epochs 0..8) per run, then the table.
        code, out, err = run(["run", "c.yaml", "--out", "p1", "--progress", "--threads", "1"], tmp)
        check(code == 0, "plain jobs 1 exit 0, got %d: %s" % (code, err))
        check(out == "", "plain jobs 1: stdout empty, got %r" % out)
        check(ESC not in err, "plain jobs 1: no escape sequence")
        table = expected_table(os.path.join(tmp, "p1/summary.csv"))
        check(err.endswith(table), "plain jobs 1: closing table\n%s\ngot\n%s" % (table, err))
        lines = err[: len(err) - len(table)].splitlines()
        line_re = re.compile(r"^\[(plain|wide) seed ([123])\] epoch (\d+) +train_loss \d+\.\d{4} "
                             r"test_loss \d+\.\d{4} test_acc [01]\.\d{4} \(\d+\.\d s\)$")
        check(len(lines) == 2 * 3 * 9, "plain jobs 1: 54 lines, got %d" % len(lines))
        metrics = list(csv.DictReader(open(os.path.join(tmp, "p1/metrics.csv"))))
        for line, row in zip(lines, metrics):
            m = line_re.match(line)
            check(m is not None, "plain jobs 1 line form: %r" % line)
            if m:
                check((m.group(1), m.group(2), m.group(3)) == (row["arm"], row["seed"], row["epoch"]),
                      "plain jobs 1: line %r is not row %s" % (line, row))
                check("test_loss %.4f" % float(row["test_loss"]) in line,
                      "plain jobs 1: the row's test_loss in %r" % line)

        # Plain, --jobs 2: one line per finished run, in the order they end, then the table.
        code, out, err = run(["run", "c.yaml", "--out", "p2", "--progress", "--jobs", "2"], tmp)
        check(code == 0 and out == "" and ESC not in err, "plain jobs 2: exit 0, clean")
        table = expected_table(os.path.join(tmp, "p2/summary.csv"))
        check(err.endswith(table), "plain jobs 2: closing table, got\n%s" % err)
        lines = err[: len(err) - len(table)].splitlines()
        check(len(lines) == 6, "plain jobs 2: 6 lines, got %r" % lines)
        summary = {(r["arm"], r["seed"]): r for r in csv.DictReader(open(os.path.join(tmp, "p2/summary.csv")))}
        seen = set()
        for k, line in enumerate(lines):
            m = re.match(r"^\[(\d)/6\] (plain|wide) seed ([123]): ok, test_loss (\S+), \d+\.\d s$", line)
            check(m is not None and int(m.group(1)) == k + 1, "plain jobs 2 line form: %r" % line)
            if m:
                want = "%.4g" % float(summary[(m.group(2), m.group(3))]["final_test_loss"])
                check(m.group(4) == want, "plain jobs 2: test_loss %s, want %s" % (m.group(4), want))
                seen.add((m.group(2), m.group(3)))
        check(len(seen) == 6, "plain jobs 2: every run reported once")

        # Not a terminal and not asked: nothing. --quiet: nothing.
        for args in (["--out", "n1"], ["--out", "q1", "--quiet"], ["--out", "q2", "--quiet", "--jobs", "2"],
                     ["--out", "q3", "--quiet", "--progress"]):
            code, out, err = run(["run", "c.yaml", "--seeds", "1"] + args, tmp)
            check(code == 0 and out == "" and err == "", "%s: stdout and stderr empty, got %r" % (args, err))

        # A regression arm: accuracy "-".
        code, out, err = run(["run", "r.yaml", "--out", "reg", "--progress"], tmp)
        table = expected_table(os.path.join(tmp, "reg/summary.csv"))
        check(code == 0 and err.endswith(table), "regression table, got\n%s" % err)
        cells = err.splitlines()[-1].split()
        check(len(cells) >= 5 and cells[1] == "2" and cells[2] == "-",
              "regression table: n 2 and '-' for test_acc: %r" % err.splitlines()[-1])

        # A terminal: the block redrawn in place, the table at the end, stdout empty.
        for jobs in ("1", "2"):
            t0 = time.time()
            code, out, tty = run_on_pty(["run", "c.yaml", "--out", "t" + jobs, "--jobs", jobs], tmp)
            elapsed = time.time() - t0
            check(code == 0 and out == "", "tty jobs %s: exit 0, stdout empty (%d, %r)" % (jobs, code, out))
            check(re.search(r"\x1b\[\d+A\x1b\[J", tty) is not None, "tty jobs %s: cursor up + clear" % jobs)
            heads = re.findall(r"dlx run: (\d)/6 runs done, (\d) running, \S+ elapsed, ETA (\S+)", tty)
            check(len(heads) >= 3, "tty jobs %s: the header drawn several times (%d)" % (jobs, len(heads)))
            check(any(h[2] != "-" and re.match(r"^\d+:\d\d$", h[2]) for h in heads),
                  "tty jobs %s: an ETA m:ss" % jobs)
            check(max(int(h[1]) for h in heads) == int(jobs), "tty jobs %s: workers running" % jobs)
            check(sorted(set(int(h[0]) for h in heads))[-1] >= 4, "tty jobs %s: runs done counted" % jobs)
            # About five redraws a second at most (plus one per run started and ended).
            check(len(heads) <= 5 * elapsed + 2 * 6 + 5,
                  "tty jobs %s: %d redraws in %.1f s" % (jobs, len(heads), elapsed))
            check(re.search(r"\n  (plain|wide) seed [123] +epoch \d+/8 +test_loss \d\S* +test_acc [01]\.\d{4}", tty)
                  is not None, "tty jobs %s: a worker line with epoch, test loss and accuracy" % jobs)
            check("] epoch " not in tty, "tty jobs %s: no plain per-epoch line" % jobs)
            table = expected_table(os.path.join(tmp, "t%s/summary.csv" % jobs)).replace("\n", "\r\n")
            check(tty.endswith(table), "tty jobs %s: the table at the end, got %r" % (jobs, tty[-600:]))
        code, out, tty = run_on_pty(["run", "c.yaml", "--out", "tq", "--quiet", "--seeds", "1"], tmp)
        check(code == 0 and tty == "" and out == "", "tty --quiet: nothing at all, got %r" % tty)
    finally:
        shutil.rmtree(tmp)
    if failures:
        print("%d failures" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
