#!/usr/bin/env python3
"""bench.py: dlx against PyTorch on the CPU, side by side in one run.

For each network it alternates rounds of `dlx run` (once per GEMM backend,
--gemm openblas, onednn and auto) and the PyTorch reference (torch_ref.py,
run with /usr/bin/python3) on the same layer sizes, batch, data
(Fashion-MNIST from /usr/share/datasets) and threads, each round one warm-up
epoch and then timed ones; it times each library's sgemm alone on the exact
products of one epoch (sgemm_timer.c) in the same run, and prints a markdown
table of medians, min-max, the dlx/PyTorch ratio, dlx's time over its GEMM
floor and over its own products timed in place. The table is made once with
OpenBLAS's own choice of kernels and once with OPENBLAS_CORETYPE=Prescott,
set by this script in the environment of its own children only (dlx, PyTorch
and the timers alike), for the comparison with machines whose OpenBLAS does
not know the CPU. First a probe: the FMA peak of one core (fma_peak.c) and a
square 2048³ sgemm on each library. Then evaluation of the 10,000 test
images, start-up, loading, peak memory, scaling in the number of examples
and `--jobs 2` throughput.

dlx's epoch time is the `wall_s` column of metrics.csv (training only,
evaluation excluded); PyTorch's is timed the same way around its epoch loop.
Threads: OPENBLAS_NUM_THREADS=T, OMP_NUM_THREADS=T (oneDNN's) and
OMP_WAIT_POLICY=PASSIVE for both, dlx also gets --threads T.
OPENBLAS_CORETYPE is left as the environment sets it, except in the Prescott
table (--coretypes).

Usage: scripts/bench/bench.py [--dlx build/dlx] [--rounds 5] [--quick]
  [--gemm openblas,onednn,auto] [--coretypes native,Prescott]
  --quick runs reduced sizes (a smoke test of the harness, not for the table).
"""
import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = "/usr/share/datasets/fashion-mnist"

# name, hidden widths, activation, batch norm, dropout, batch, optimizer, lr, examples, threads
NETS = [
    ("S", [100, 100, 100], "sigmoid", False, 0.0, 60, "sgd", 0.5, 60000, [1]),
    ("S+BN", [100, 100, 100], "sigmoid", True, 0.0, 60, "sgd", 0.5, 60000, [1]),
    ("M", [512, 512], "relu", False, 0.5, 128, "momentum", 0.01, 20000, [1]),
    ("M+BN", [512, 512], "relu", True, 0.5, 128, "momentum", 0.01, 20000, [1]),
    ("L", [2048, 2048], "relu", False, 0.0, 256, "momentum", 0.01, 5120, [1, 2]),
]


def env_for(threads, coretype="native"):
    """The environment of both contenders: T BLAS threads, passive OpenMP waiting; with a
    coretype other than "native", OPENBLAS_CORETYPE for this child only."""
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    if coretype != "native":
        env["OPENBLAS_CORETYPE"] = coretype
    return env


HAVE_DNNL = os.path.exists("/usr/include/oneapi/dnnl/dnnl.h")
GEMM_INFO = None  # gemm_info, built by build_timers


def build_timers(work, dlx):
    """Compile sgemm_timer, gemm_shim.so, eval_timer (linked with the libdlxcore.a built
    beside dlx) and gemm_info (from src/util)."""
    cc = os.environ.get("CC", "cc")
    sgemm = os.path.join(work, "sgemm_timer")
    dnnl = ["-DHAVE_DNNL", "-ldnnl"] if HAVE_DNNL else []
    subprocess.run([cc, "-O2", "-o", sgemm, os.path.join(HERE, "sgemm_timer.c"), "-lopenblas"] +
                   dnnl, check=True)
    shim = os.path.join(work, "gemm_shim.so")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", shim, os.path.join(HERE, "gemm_shim.c"),
                    "-ldl"], check=True)
    ev = os.path.join(work, "eval_timer")
    # dlx's own code, as built beside the dlx binary under test (the network lives in
    # src/models, which needs most of the library)
    core = os.path.join(os.path.dirname(dlx), "libdlxcore.a")
    subprocess.run([cc, "-O2", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE",
                    "-I" + os.path.join(ROOT, "src"), "-o", ev, os.path.join(HERE, "eval_timer.c"),
                    core, "-lyaml", "-lcjson", "-lopenblas", "-lz", "-ldeflate", "-lm", "-ldl",
                    "-lpthread"], check=True)
    global GEMM_INFO
    GEMM_INFO = os.path.join(work, "gemm_info")
    subprocess.run([cc, "-O2", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE",
                    "-I" + os.path.join(ROOT, "src"), "-o", GEMM_INFO] +
                   (["-DDLX_HAVE_DNNL"] if HAVE_DNNL else []) +
                   [os.path.join(HERE, "gemm_info.c")] +
                   [os.path.join(ROOT, "src/util", f) for f in ("diag.c", "gemm.c",
                                                                "gemm_onednn.c")] +
                   ["-lopenblas", "-ldl", "-lpthread"], check=True)
    return sgemm, shim, ev


def net_yaml(net, epochs, n_train, seeds=1, eval_every="epoch"):
    """The experiment file of one benchmark network."""
    name, hidden, act, bn, drop, batch, opt, lr, _, _ = net
    lines = [
        "experiment: bench",
        "seeds: %d" % seeds,
        "data: {source: fashion-mnist, preprocess: scale, n_train: %s}" %
        ("all" if n_train >= 60000 else n_train),
        "model: {type: mlp, hidden: [%s], activation: %s, batch_norm: %s, dropout: %g}" %
        (", ".join(map(str, hidden)), act, "true" if bn else "false", drop),
        "loss: cross_entropy",
        "optimizer: {type: %s, lr: %g}" % (opt, lr),
        "training: {epochs: %d, batch_size: %d, shuffle: true, eval_every: %s}" %
        (epochs, batch, eval_every),
    ]
    return "\n".join(lines) + "\n"


def run_dlx(dlx, work, net, epochs, n_train, threads, extra=(), seeds=1, shim=None,
            coretype="native"):
    """Run dlx; returns (seconds of each training epoch of seed 1, wall seconds, peak RSS KiB).
    With shim (gemm_shim.so), the run's training products (OpenBLAS's and oneDNN's) are
    timed in place and work/shim.txt holds "CALLS SECONDS" afterwards."""
    cfg = os.path.join(work, "bench.yaml")
    with open(cfg, "w") as f:
        f.write(net_yaml(net, epochs, n_train, seeds))
    out = os.path.join(work, "out")
    env = env_for(threads, coretype)
    if shim:
        _, _, _, _, _, batch, _, _, _, _ = net
        env.update(LD_PRELOAD=shim, DLX_SHIM_ROWS=str(batch),
                   DLX_SHIM_OUT=os.path.join(work, "shim.txt"))
    t0 = time.perf_counter()
    proc = subprocess.Popen([dlx, "run", cfg, "--out", out, "--force", "--quiet",
                             "--threads", str(threads)] + list(extra), env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        sys.exit("bench: dlx run failed (status %d)" % status)
    with open(os.path.join(out, "metrics.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["seed"] == "1"]
    walls = [float(r["wall_s"]) for r in rows]
    return [b - a for a, b in zip(walls, walls[1:])], wall, usage.ru_maxrss


def shim_ratio(work, epochs):
    """Training seconds of the last shimmed dlx run over the seconds its training products took
    inside it (gemm_shim.c); epochs are that run's per-epoch seconds."""
    with open(os.path.join(work, "shim.txt")) as f:
        calls, seconds = f.read().split()
    if int(calls) == 0:
        sys.exit("bench: gemm_shim counted no training product")
    return sum(epochs) / float(seconds)


def run_torch(net, epochs, n_train, threads, eval_passes=0, coretype="native"):
    """Run the PyTorch reference; returns its JSON result."""
    name, hidden, act, bn, drop, batch, opt, lr, _, _ = net
    cmd = ["/usr/bin/python3", os.path.join(HERE, "torch_ref.py"),
           "--hidden", ",".join(map(str, hidden)), "--activation", act, "--dropout", str(drop),
           "--batch", str(batch), "--optimizer", opt, "--lr", str(lr), "--epochs", str(epochs),
           "--n-train", str(n_train), "--eval-passes", str(eval_passes),
           "--threads", str(threads), "--data", DATA]
    if bn:
        cmd.append("--batch-norm")
    res = subprocess.run(cmd, env=env_for(threads, coretype), check=True, capture_output=True,
                         text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def epoch_shapes(widths, batch, n):
    """The sgemm calls of one training epoch, as sgemm_timer SHAPE arguments, one step's
    products in dense.c's order: forward n,t layer by layer, then from the last layer back
    dW t,n and d(input) n,n (none for the first layer's input). sgemm_timer replays them
    step by step; a last partial batch runs in the first step."""
    counts = {batch: n // batch}
    if n % batch:
        counts[n % batch] = 1
    shapes = []
    layers = range(len(widths) - 1)
    for rows, count in counts.items():
        if count == 0:
            continue
        for l in layers:
            shapes.append("n,t,%d,%d,%d,%d" % (rows, widths[l + 1], widths[l], count))
        for l in reversed(layers):
            n_in, n_out = widths[l], widths[l + 1]
            shapes.append("t,n,%d,%d,%d,%d" % (n_out, n_in, rows, count))
            if l > 0:
                shapes.append("n,n,%d,%d,%d,%d" % (rows, n_in, n_out, count))
    return shapes


def gemm_floor(sgemm, widths, batch, n, threads, repeats=1, onednn=False, coretype="native"):
    """(min, median) seconds of one epoch's sgemm calls alone, replayed in step order, on
    OpenBLAS or (onednn) on oneDNN."""
    res = subprocess.run([sgemm] + (["--onednn"] if onednn else []) + [str(repeats)] +
                         epoch_shapes(widths, batch, n),
                         env=env_for(threads, coretype), check=True, capture_output=True, text=True)
    lo, med = res.stdout.split()
    return float(lo), float(med)


def fmt_range(xs):
    """'median (min-max)' of seconds."""
    return "%.3f (%.3f–%.3f)" % (statistics.median(xs), min(xs), max(xs))


def shim_safe(net, n_train):
    """Whether gemm_shim can tell this net's training products by their batch size: no layer
    width, evaluation block (512, 1024 rows) or block remainder equals the batch."""
    _, hidden, _, _, _, batch, _, _, _, _ = net
    others = {784, 10, 512, 1024} | set(hidden)
    others |= {n % b for n in (n_train, 10000) for b in (512, 1024)}
    return batch not in others


def auto_floor_backend(coretype):
    """The library whose floor stands beside --gemm auto: the one auto sends its large
    products to (gemm_backend_name) for this CPU and coretype."""
    return "onednn" if "onednn" in gemm_info(coretype)[0] else "openblas"


def bench_training(a, dlx, sgemm, shim, work, nets, coretype):
    """The training table: one row per (network, threads, --gemm backend). Each round runs dlx
    on every backend, PyTorch and each library's GEMM floor back to back, so they see the same
    machine; the ratios are the medians of the per-round ratios (the machine's speed drifts by
    tens of per cent over minutes, more than the margins of the targets), the times the
    medians of all epochs. The last column divides each dlx run's training time by the time
    its own training products took inside that same run (gemm_shim.c), which no drift can
    affect. coretype "native" leaves OPENBLAS_CORETYPE alone; any other value sets it for
    every child of this table."""
    auto_name, _, core = gemm_info(coretype)
    print("\n**OpenBLAS kernels: %s (%s); --gemm auto: %s**\n" %
          ("its own choice" if coretype == "native" else "OPENBLAS_CORETYPE=" + coretype, core,
           auto_name))
    print("| net | threads | examples | `--gemm` | dlx s/epoch, median (min–max) | "
          "PyTorch s/epoch | dlx / PyTorch | GEMM floor s, median (min–max) | "
          "dlx / GEMM floor | dlx / its GEMMs in place |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    backends = a.gemm.split(",")
    floor_of = {"openblas": "openblas", "onednn": "onednn"}
    if "auto" in backends:
        floor_of["auto"] = auto_floor_backend(coretype)
    for net in nets:
        name, hidden, _, _, _, batch, _, _, n_train, thread_list = net
        if a.quick:
            n_train = min(n_train, 6000) if name != "L" else 1024
        widths = [784] + hidden + [10]
        use_shim = shim if shim_safe(net, n_train) else None
        for threads in thread_list:
            d = {b: [] for b in backends}
            vs_torch = {b: [] for b in backends}
            vs_floor = {b: [] for b in backends}
            vs_shim = {b: [] for b in backends}
            t, g = [], {"openblas": [], "onednn": []}
            for _ in range(a.rounds):
                dr = {}
                for b in backends:
                    all_epochs = run_dlx(dlx, work, net, 1 + a.timed, n_train, threads,
                                         extra=["--gemm", b], shim=use_shim, coretype=coretype)[0]
                    dr[b] = all_epochs[1:]
                    d[b] += dr[b]
                    if use_shim:
                        vs_shim[b].append(shim_ratio(work, all_epochs))
                tr = run_torch(net, 1 + a.timed, n_train, threads, coretype=coretype)["epochs"][1:]
                t += tr
                gr = {}
                for lib in set(floor_of[b] for b in backends):
                    gr[lib] = gemm_floor(sgemm, widths, batch, n_train, threads,
                                         onednn=lib == "onednn", coretype=coretype)[1]
                    g[lib].append(gr[lib])
                for b in backends:
                    vs_torch[b].append(statistics.median(dr[b]) / statistics.median(tr))
                    vs_floor[b].append(statistics.median(dr[b]) / gr[floor_of[b]])
            for b in backends:
                in_place = ("%.3f (%.3f–%.3f)" % (statistics.median(vs_shim[b]), min(vs_shim[b]),
                                                   max(vs_shim[b])) if vs_shim[b] else "n/a")
                print("| %s | %d | %d | %s | %s | %s | %.2f (%.2f–%.2f) | %s (%s) | "
                      "%.2f (%.2f–%.2f) | %s |" %
                      (name, threads, n_train, b, fmt_range(d[b]), fmt_range(t),
                       statistics.median(vs_torch[b]), min(vs_torch[b]), max(vs_torch[b]),
                       fmt_range(g[floor_of[b]]), floor_of[b],
                       statistics.median(vs_floor[b]), min(vs_floor[b]), max(vs_floor[b]),
                       in_place), flush=True)


def gemm_info(coretype="native"):
    """(auto's backend name, oneDNN's ISA, OpenBLAS's core) as dlx's own seam reports them
    (gemm_info.c, built from src/util) under this coretype."""
    out = subprocess.run([GEMM_INFO], env=env_for(1, coretype), capture_output=True, text=True,
                         check=True).stdout.split("\n")
    return out[0], out[1], out[2]


def bench_probe(a, sgemm, work):
    """The FMA peak of one core (fma_peak.c) and a square sgemm on each library, 1 thread."""
    cc = os.environ.get("CC", "cc")
    flags = open("/proc/cpuinfo").read()
    isa = ["-mavx512f", "-mfma"] if " avx512f" in flags else ["-mavx2", "-mfma"]
    probe = os.path.join(work, "fma_peak")
    subprocess.run([cc, "-O2"] + isa + ["-o", probe, os.path.join(HERE, "fma_peak.c")], check=True)
    peak, peak_isa = subprocess.run([probe], env=env_for(1), capture_output=True, text=True,
                                    check=True).stdout.split()
    peak = float(peak)
    n = 2048 if not a.quick else 512
    print("| probe, 1 thread | GFLOP/s, best of the runs | share of the FMA peak |")
    print("|---|---|---|")
    print("| FMA peak (%s, 12 independent accumulators) | %.1f | 100 %% |" % (peak_isa, peak))
    rows = [("OpenBLAS (%s)" % gemm_info()[2], False, "native"),
            ("OpenBLAS (OPENBLAS_CORETYPE=Prescott: %s)" % gemm_info("Prescott")[2], False,
             "Prescott")]
    if HAVE_DNNL:
        rows.append(("oneDNN (%s)" % gemm_info()[1], True, "native"))
    for label, onednn, coretype in rows:
        res = subprocess.run([sgemm] + (["--onednn"] if onednn else []) + ["5", "n,n,%d,%d,%d,1" %
                             (n, n, n)], env=env_for(1, coretype), check=True, capture_output=True,
                             text=True)
        best = float(res.stdout.split()[0])
        gflops = 2.0 * n ** 3 / best * 1e-9
        print("| sgemm %d³, %s | %.1f | %.0f %% |" % (n, label, gflops, 100 * gflops / peak),
              flush=True)


def bench_eval(a, ev, work):
    """Evaluation of the 10,000 test images (S and M shapes), dlx vs PyTorch, 1 thread."""
    print("\n| evaluation of 10,000 images, 1 thread | dlx s | PyTorch s | dlx / PyTorch |")
    print("|---|---|---|---|")
    for net in (NETS[0], NETS[2]):
        name, hidden, act, bn, _, batch, _, _, _, _ = net
        d, t = [], []
        for _ in range(a.rounds):
            res = subprocess.run([ev, "10000", "3", str(batch), act, "1" if bn else "0"] +
                                 [str(h) for h in hidden], env=env_for(1), check=True,
                                 capture_output=True, text=True)
            d.append(float(res.stdout.split()[1]))
            t += run_torch(net, 0, 1000, 1, eval_passes=4)["eval"][1:]
        print("| %s | %s | %s | %.2f |" % (name, fmt_range(d), fmt_range(t),
                                           statistics.median(d) / statistics.median(t)), flush=True)


def bench_startup_loading(a, dlx, work):
    """Wall time of a tiny synthetic run, and of loading Fashion-MNIST (epochs: 0, softmax)."""
    tiny = os.path.join(work, "tiny.yaml")
    with open(tiny, "w") as f:
        f.write("experiment: tiny\ndata: {source: synthetic, kind: gaussian_mixture, dim: 10, "
                "classes: 2, n_train: 1000, n_test: 1000}\nmodel: {type: mlp, hidden: [16]}\n"
                "training: {epochs: 1, batch_size: 50}\n")
    load = os.path.join(work, "load.yaml")
    with open(load, "w") as f:
        f.write("experiment: load\ndata: {source: fashion-mnist, preprocess: scale}\n"
                "model: {type: softmax}\ntraining: {epochs: 0}\n")
    print("\n| measurement | median s (min–max) |")
    print("|---|---|")
    for label, cfg, reps in (("`dlx run` tiny synthetic (1k examples, 1 epoch), wall", tiny, 11),
                             ("`dlx run` Fashion-MNIST, epochs 0, softmax (loading + one "
                              "evaluation), wall", load, 5)):
        xs = []
        for _ in range(reps if not a.quick else 3):
            t0 = time.perf_counter()
            subprocess.run([dlx, "run", cfg, "--out", os.path.join(work, "o"), "--force",
                            "--quiet", "--threads", "1"], env=env_for(1), check=True)
            xs.append(time.perf_counter() - t0)
        print("| %s | %s |" % (label, fmt_range(xs)), flush=True)
    lt = os.path.join(work, "load_timer")
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-std=c11", "-D_POSIX_C_SOURCE=200809L",
                    "-D_DEFAULT_SOURCE", "-I" + os.path.join(ROOT, "src"), "-o", lt,
                    os.path.join(HERE, "load_timer.c")] +
                   [os.path.join(ROOT, "src", f) for f in ("data/idx.c", "data/split.c",
                                                           "util/diag.c")] +
                   ["-ldeflate", "-lz", "-lpthread"], check=True)
    out = subprocess.run([lt, DATA, "5" if not a.quick else "3"], env=env_for(1), check=True,
                         capture_output=True, text=True).stdout.split("\n")
    print("| loading Fashion-MNIST alone (`load_timer`: %s) | %s |" % (out[1], out[0]), flush=True)


def bench_memory_scaling(a, dlx, work):
    """Peak RSS of M; S epoch time against examples."""
    m = NETS[2]
    n_m = 60000 if not a.quick else 6000
    _, _, rss = run_dlx(dlx, work, m, 1, n_m, 1)
    f32 = (60000 + 10000) * 784 * 4 / 2**20  # dlx loads both whole splits before subsampling
    print("\n| measurement | value |")
    print("|---|---|")
    print("| peak RSS, M, %d training examples, 1 epoch | %.1f MiB (float32 Fashion-MNIST: %.1f MiB) |" %
          (n_m, rss / 1024, f32))
    sizes = [10000, 20000, 40000, 60000] if not a.quick else [2000, 4000, 6000]
    pts = []
    for n in sizes:
        pts.append((n, statistics.median(run_dlx(dlx, work, NETS[0], 2, n, 1)[0][1:] +
                                         run_dlx(dlx, work, NETS[0], 2, n, 1)[0][1:])))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x in xs)
    icpt = my - slope * mx
    ss_res = sum((y - (icpt + slope * x)) ** 2 for x, y in pts)
    ss_tot = sum((y - my) ** 2 for y in ys)
    print("| S epoch seconds at %s examples | %s |" %
          (", ".join(map(str, xs)), ", ".join("%.3f" % y for y in ys)))
    print("| linear fit | %.3f s + %.3f s per 10k examples, R² = %.4f |" %
          (icpt, slope * 1e4, 1 - ss_res / ss_tot if ss_tot > 0 else 1.0))


def bench_jobs(a, dlx, sgemm, work):
    """Wall of a sweep of 4 S-sized runs (S as in issue 6: all 60,000 training images, one
    epoch): --jobs 2 against --jobs 1, the latter both with the default threads (SPEC §1: all
    cores) and with --threads 1. Median of 3 alternated rounds."""
    n_jobs = 60000 if not a.quick else 3000
    cfg = os.path.join(work, "jobs.yaml")
    with open(cfg, "w") as f:
        f.write(net_yaml(NETS[0], 1, n_jobs, seeds=4))
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    variants = (("--jobs 1", ["--jobs", "1"]), ("--jobs 1 --threads 1",
                ["--jobs", "1", "--threads", "1"]), ("--jobs 2", ["--jobs", "2"]))
    xs = {label: [] for label, _ in variants}
    for _ in range(3):
        for label, opts in variants:
            t0 = time.perf_counter()
            subprocess.run([dlx, "run", cfg, "--out", os.path.join(work, "j"), "--force",
                            "--quiet"] + opts, env=env, check=True)
            xs[label].append(time.perf_counter() - t0)
    walls = {label: statistics.median(v) for label, v in xs.items()}
    print("\n| sweep of 4 S runs, %d examples, 1 epoch | wall s, median of 3 | `--jobs 2` speed-up over this |" % n_jobs)
    print("|---|---|---|")
    for label, w in walls.items():
        print("| `%s` | %.2f | %.2f× |" % (label, w, w / walls["--jobs 2"]), flush=True)
    alone, pair = gemm_pair_throughput(sgemm, n_jobs)
    print("\nThe peer: one epoch of S's products (`sgemm_timer`, 1 thread) alone, median %.3f s, and "
          "two copies at once, median %.3f s for each: two cores of this machine give %.2f× the "
          "GEMM throughput of one, the ceiling of any `--jobs 2` speed-up; `--jobs 2` reaches "
          "%.0f %% of it." % (alone, pair, 2 * alone / pair,
                             100 * walls["--jobs 1 --threads 1"] / walls["--jobs 2"] /
                             (2 * alone / pair)), flush=True)


def gemm_pair_throughput(sgemm, n, rounds=5):
    """Medians of the seconds one epoch of S's sgemm calls takes alone and, for each copy, when
    two copies run at once (1 BLAS thread each), alternated `rounds` times."""
    _, hidden, _, _, _, batch, _, _, _, _ = NETS[0]
    cmd = [sgemm, "1"] + epoch_shapes([784] + hidden + [10], batch, n)
    alone, pair = [], []
    for _ in range(rounds):
        res = subprocess.run(cmd, env=env_for(1), check=True, capture_output=True, text=True)
        alone.append(float(res.stdout.split()[0]))
        procs = [subprocess.Popen(cmd, env=env_for(1), stdout=subprocess.PIPE, text=True)
                 for _ in range(2)]
        for p in procs:
            out, _ = p.communicate()
            if p.returncode != 0:
                sys.exit("bench: sgemm_timer failed")
            pair.append(float(out.split()[0]))
    return statistics.median(alone), statistics.median(pair)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dlx", default=os.path.join(ROOT, "build", "dlx"))
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds per network")
    p.add_argument("--timed", type=int, default=1, help="timed epochs per round, after a warm-up")
    p.add_argument("--nets", default=",".join(n[0] for n in NETS))
    p.add_argument("--skip", default="",
                   help="comma list of: probe,train,eval,startup,memory,jobs")
    p.add_argument("--gemm", default="openblas,onednn,auto",
                   help="dlx --gemm backends of the training table (onednn dropped when absent)")
    p.add_argument("--coretypes", default="native,Prescott",
                   help="training tables: native (OpenBLAS's choice) and OPENBLAS_CORETYPE values")
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    skip = set(a.skip.split(","))
    dlx = os.path.abspath(a.dlx)
    work = tempfile.mkdtemp(prefix="dlx-bench-")
    try:
        sgemm, shim, ev = build_timers(work, dlx)
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                    if l.startswith("model name")), platform.processor())
        auto_name, isa, core = gemm_info()
        print("Machine: %s, %d cores; OpenBLAS core %s; oneDNN ISA %s; OPENBLAS_CORETYPE=%s; "
              "--gemm auto here: %s; %s; load average %.1f %.1f %.1f (1, 5, 15 min)\n" %
              ((cpu, os.cpu_count(), core or "?", isa,
                os.environ.get("OPENBLAS_CORETYPE", "(unset)"), auto_name,
                time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())) + os.getloadavg()))
        if not HAVE_DNNL:
            a.gemm = ",".join(b for b in a.gemm.split(",") if b != "onednn")
        nets = [n for n in NETS if n[0] in a.nets.split(",")]
        if "probe" not in skip:
            bench_probe(a, sgemm, work)
        if "train" not in skip:
            for coretype in a.coretypes.split(","):
                bench_training(a, dlx, sgemm, shim, work, nets, coretype)
        if "eval" not in skip:
            bench_eval(a, ev, work)
        if "startup" not in skip:
            bench_startup_loading(a, dlx, work)
        if "memory" not in skip:
            bench_memory_scaling(a, dlx, work)
        if "jobs" not in skip:
            bench_jobs(a, dlx, sgemm, work)
        print("\nLoad average at the end: %.1f %.1f %.1f (1, 5, 15 min)" % os.getloadavg())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
