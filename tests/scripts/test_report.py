#!/usr/bin/python3
"""test_report.py — scripts/report.py on a real dlx run (2 arms x 2 sweep points x 3 seeds of a
small MLP on a CSV data set written here, with the weight_norm diagnostic), its page opened in
headless Chromium (Debian's `chromium`).

Asserts: the page is one file with no script, no external resource (no src=, no <link>, no
url()), inline SVG figures, the experiment's name and description, a section per sweep point
with links between them, the per-arm mean and 95% t interval and the paired difference of the
arms computed here independently from summary.csv, the diagnostics, resolved.yaml and
meta.yaml; an existing report is refused without --force (exit 2). In Chromium: the page loads
with no console message (checked against a control page whose console.error the same check
catches) and the screenshot shows the figures: the band where they sit holds hundreds of
orange pixels (a line colour of the figures), the same page with its figures removed a tenth as many at most.
Exits 77 (skipped) only when chromium is not installed. Prints "N passed, M failed".
"""

import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

source_root = os.environ.get("DLX_SOURCE_ROOT",
                             os.path.join(os.path.dirname(__file__), "..", ".."))
dlx = os.path.abspath(os.environ.get("DLX_BIN", os.path.join(source_root, "build", "dlx")))
REPORT = os.path.join(source_root, "scripts", "report.py")
PLOT_METRICS = os.path.join(source_root, "scripts", "plot_metrics.py")
CHROMIUM = shutil.which("chromium")

passed = failed = 0


def check(name, condition):
    """Count one assertion."""
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}", file=sys.stderr)


CONFIG = """experiment: report_check
description: two arms over a learning-rate sweep, for the report test
seeds: 3
data: {source: csv, train: train.csv, test: test.csv}
model: {type: mlp, hidden: [8], activation: tanh}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 3, batch_size: 30}
diagnostics: [weight_norm]
arms:
  - name: plain
  - name: bn
    model: {batch_norm: true}
sweep:
  optimizer.lr: [0.05, 0.2]
"""

T_975 = {2: 4.303, 3: 3.182}  # t(0.975, df) for the 3 seeds: df 2


def interval(values):
    """Mean and 95% t interval of 3 values, formatted as the report does."""
    mean = statistics.mean(values)
    half = T_975[len(values) - 1] * statistics.stdev(values) / math.sqrt(len(values))
    return f"{mean:.4g} [{mean - half:.4g}, {mean + half:.4g}]"


def chromium(work, *args):
    """Run headless Chromium on the given arguments; its stderr (console messages included)."""
    done = subprocess.run([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox",
                           "--enable-logging=stderr", "--v=0", "--no-first-run",
                           f"--user-data-dir={work}/chrome-profile", *args],
                          capture_output=True, text=True, timeout=120)
    return done.stderr


def console_messages(stderr):
    """Chromium's log lines of the page's console (messages, errors, uncaught exceptions)."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def main():
    if CHROMIUM is None:
        print("chromium is not installed (scripts/setup.sh installs it): skipped")
        return 77
    work = tempfile.mkdtemp()
    try:
        rng = random.Random(3)
        for name, n in (("train.csv", 240), ("test.csv", 150)):
            with open(os.path.join(work, name), "w") as f:
                f.write("a,b,c,d,label\n")
                for _ in range(n):
                    y = rng.randrange(3)
                    xs = [rng.gauss(1.3 if j % 3 == y else -0.4, 1.0) for j in range(4)]
                    f.write(",".join(f"{v:.6g}" for v in xs) + f",{y}\n")
        with open(os.path.join(work, "exp.yaml"), "w") as f:
            f.write(CONFIG)
        subprocess.run([dlx, "run", "exp.yaml", "--out", "res", "--threads", "1"], cwd=work,
                       check=True, stdout=subprocess.DEVNULL)
        results = os.path.join(work, "res")
        subprocess.run(["/usr/bin/python3", PLOT_METRICS, results], check=True,
                       stdout=subprocess.DEVNULL)
        done = subprocess.run(["/usr/bin/python3", REPORT, results], capture_output=True,
                              text=True)
        check("report.py exits 0", done.returncode == 0)
        page_path = os.path.join(results, "report.html")
        page = open(page_path, encoding="utf-8").read()

        check("an HTML document", page.startswith("<!DOCTYPE html>"))
        check("inline SVG figure", "<svg" in page and "metrics.svg" in page)
        check("no script", "<script" not in page.lower())
        check("no external resource (src=, <link, url()",
              not re.search(r"\ssrc\s*=|<link|url\(\s*['\"]?(https?:|//)", page, re.I))
        check("no http(s) reference other than XML namespaces",
              all(u.startswith(("http://www.w3.org/", "http://purl.org/", "http://creativecommons"))
                  or u.startswith("https://matplotlib.org")
                  for u in re.findall(r"https?://[^\"'\s<>]+", page)))
        check("the experiment's name", "<h1 id='top'>report_check</h1>" in page)
        check("its description", "two arms over a learning-rate sweep, for the report test" in page)
        check("a section per point", "id='p0'" in page and "id='p1'" in page)
        check("links between the points",
              "href='#p1'>next point" in page and "href='#p0'>previous point" in page)
        check("contents link to each point", "href='#p0'>optimizer.lr=0.05" in page)
        check("resolved.yaml shown", "<h2 id='config'>resolved.yaml</h2>" in page
              and "batch_norm" in page)
        check("meta.yaml shown", "<h2 id='meta'>meta.yaml</h2>" in page and "build_commit" in page)
        check("diagnostics shown", "weight_norm.fc1" in page)

        # The numbers, recomputed here from summary.csv.
        with open(os.path.join(results, "summary.csv")) as f:
            header = f.readline().strip().split(",")
            rows = [dict(zip(header, line.strip().split(","))) for line in f if line.strip()]
        for lr in ("0.05", "0.2"):
            acc = {arm: {r["seed"]: float(r["final_test_acc"]) for r in rows
                         if r["arm"] == arm and r["optimizer.lr"] == lr} for arm in ("plain", "bn")}
            for arm in ("plain", "bn"):
                check(f"lr {lr} arm {arm}: mean and 95% t interval of final_test_acc",
                      interval(list(acc[arm].values())) in page)
            diffs = [acc["bn"][s] - acc["plain"][s] for s in acc["plain"]]
            check(f"lr {lr}: paired difference bn − plain over the 3 shared seeds",
                  interval(diffs) in page)

        status = subprocess.run(["/usr/bin/python3", REPORT, results],
                                capture_output=True).returncode
        check("an existing report is refused without --force (exit 2)", status == 2)
        status = subprocess.run(["/usr/bin/python3", REPORT, results, "--force"],
                                capture_output=True).returncode
        check("--force replaces it", status == 0)

        # The point folders of an emitted sweep, merged into one page.
        commands = subprocess.run([dlx, "sweep", "exp.yaml", "--emit", "commands", "--out",
                                   "grid", "--threads", "1"], cwd=work, check=True,
                                  capture_output=True, text=True).stdout
        subprocess.run(["bash", "-c", commands], cwd=work, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        status = subprocess.run(["/usr/bin/python3", REPORT, os.path.join(work, "grid")],
                                capture_output=True).returncode
        grid_page = open(os.path.join(work, "grid", "report.html"), encoding="utf-8").read()
        check("a folder of point folders: one page", status == 0)
        check("... with a section per point and every meta.yaml",
              "id='p0'" in grid_page and "id='p1'" in grid_page
              and "# p0/meta.yaml" in grid_page and "# p1/meta.yaml" in grid_page)
        check("... and the same per-arm numbers as the local run",
              interval([float(r["final_test_acc"]) for r in rows
                        if r["arm"] == "bn" and r["optimizer.lr"] == "0.2"]) in grid_page)
        check("the page counts 12 runs over 2 points", "2 sweep points, 12 runs" in page)

        # The console check catches a console message (control page)...
        control = os.path.join(work, "control.html")
        with open(control, "w") as f:
            f.write("<!DOCTYPE html><html><body><script>console.error('control-error')"
                    "</script></body></html>")
        stderr = chromium(work, "--dump-dom", f"file://{control}")
        check("the console check catches console.error on a control page",
              any("control-error" in line for line in console_messages(stderr)))
        # ... and the report has none.
        stderr = chromium(work, "--dump-dom", f"file://{page_path}")
        messages = console_messages(stderr)
        check("the report loads with no console message", not messages)
        for line in messages:
            print(line, file=sys.stderr)

        shot = os.path.join(work, "shot.png")
        chromium(work, "--window-size=1400,2200", "--hide-scrollbars", f"--screenshot={shot}",
                 f"file://{page_path}")
        check("a screenshot is written", os.path.isfile(shot))
        from PIL import Image
        image = Image.open(shot).convert("HSV")
        width, height = image.size
        hsv = image.load()

        def coloured(top, bottom):
            """Orange pixels (hue 14-42 degrees, saturation and value > 40%: the second line
            colour of the figures; links are blue, text and tables grey) in rows [top, bottom),
            1 in 4 sampled."""
            return sum(1 for y in range(top, bottom, 2) for x in range(0, width, 2)
                       if 10 <= hsv[x, y][0] <= 30 and hsv[x, y][1] > 100 and hsv[x, y][2] > 100)
        figure_band = coloured(150, 700)
        # Control: the same page without its figures, shot the same way.
        bare = os.path.join(results, "bare.html")
        with open(bare, "w", encoding="utf-8") as f:
            f.write(re.sub(r"<figure>.*?</figure>", "", page, flags=re.S))
        bare_shot = os.path.join(work, "bare.png")
        chromium(work, "--window-size=1400,2200", "--hide-scrollbars",
                 f"--screenshot={bare_shot}", f"file://{bare}")
        image = Image.open(bare_shot).convert("HSV")
        hsv = image.load()
        bare_band = coloured(150, 700)
        print(f"screenshot {width}x{height}: {figure_band} orange pixels (1 in 4 sampled) in "
              f"rows 150-700; {bare_band} there on the same page without its figures")
        check("the screenshot shows the figure (coloured pixels where it sits)",
              figure_band > 300)
        check("... which the page without figures does not have", bare_band < figure_band / 10)
    finally:
        shutil.rmtree(work)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
