#!/usr/bin/env bash
# test_plot_metrics.sh — behaviour of scripts/plot_metrics.py on synthetic metrics.csv files:
# the figures it writes (PNG magic bytes and size, SVG text: title, labels, legend), the
# x-axis and sweep choices, and every documented failure (exit 2 and its message).
# Prints "N passed, M failed"; exits non-zero when anything failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
script="$source_root/scripts/plot_metrics.py"
python=/usr/bin/python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0

# pass_if NAME COMMAND...: run COMMAND; count it as passed when it succeeds.
pass_if() {
    local name="$1"
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name" >&2
    fi
}

# run_plot ARGS...: run the script, keeping its exit status in $status, stdout in
# $work/stdout and stderr in $work/stderr (never aborts the test under set -e).
run_plot() {
    status=0
    "$python" "$script" "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
}

stderr_has() { grep -qF -- "$1" "$work/stderr"; }
file_has() { [ -f "$1" ] && grep -qF -- "$2" "$1"; }
file_lacks() { [ -f "$1" ] && ! grep -qF -- "$2" "$1"; }
is_png() { [ -f "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }
size_at_least() { [ -f "$1" ] && [ "$(stat -c %s "$1")" -ge "$2" ]; }

header="arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,test_acc,gen_gap,objective,wall_s"

# --- 2 arms x 2 seeds x epochs 0..4; seed 1 of bn diverges (nan) at epoch 3 -------------------
run="$work/results/bn_vs_nobn"
mkdir -p "$run"
cat >"$run/metrics.csv" <<EOF
$header
no_bn,1,0,0,0.5,2.30258512,0.1,2.30258512,0.1,0,,0
no_bn,1,1,1000,0.5,0.9,0.70,0.95,0.68,0.05,1.2,1.5
no_bn,1,2,2000,0.5,0.6,0.80,0.70,0.77,0.1,0.7,3.0
no_bn,1,3,3000,0.5,0.5,0.83,0.64,0.80,0.14,0.55,4.5
no_bn,1,4,4000,0.5,0.45,0.85,0.62,0.81,0.17,0.47,6.0
no_bn,2,0,0,0.5,2.31,0.09,2.31,0.09,0,,0
no_bn,2,1,1000,0.5,1.0,0.66,1.05,0.64,0.05,1.3,1.5
no_bn,2,2,2000,0.5,0.65,0.78,0.74,0.75,0.09,0.75,3.0
no_bn,2,3,3000,0.5,0.52,0.82,0.66,0.79,0.14,0.58,4.5
no_bn,2,4,4000,0.5,0.47,0.84,0.63,0.80,0.16,0.5,6.0
bn,1,0,0,0.5,2.30,0.1,2.30,0.1,0,,0
bn,1,1,1000,0.5,0.5,0.82,0.55,0.80,0.05,0.7,1.8
bn,1,2,2000,0.5,0.38,0.86,0.47,0.84,0.09,0.42,3.6
bn,1,3,3000,0.5,nan,0.1,nan,0.1,nan,nan,5.4
bn,2,0,0,0.5,2.30,0.1,2.30,0.1,0,,0
bn,2,1,1000,0.5,0.48,0.83,0.54,0.81,0.06,0.68,1.8
bn,2,2,2000,0.5,0.36,0.87,0.46,0.85,0.1,0.4,3.6
bn,2,3,3000,0.5,0.30,0.89,0.43,0.86,0.13,0.33,5.4
bn,2,4,4000,0.5,0.26,0.90,0.42,0.87,0.16,0.28,7.2
EOF
printf 'dlx_version: 0.1.0\nexperiment: bn_vs_nobn_fig1  # from resolved.yaml\nseeds: [1, 2]\n' \
    >"$run/resolved.yaml"

# Through the shebang (Debian's python3), default output beside the CSV.
status=0
"$script" "$run" >"$work/stdout" 2>"$work/stderr" || status=$?
pass_if "runs through its shebang and exits 0" [ "$status" -eq 0 ]
pass_if "writes metrics.png beside the CSV" [ -f "$run/metrics.png" ]
pass_if "writes metrics.svg beside the CSV" [ -f "$run/metrics.svg" ]
pass_if "the PNG starts with the PNG signature" is_png "$run/metrics.png"
pass_if "the PNG is not trivially small" size_at_least "$run/metrics.png" 30000
pass_if "the SVG is an SVG document" file_has "$run/metrics.svg" "<svg"
pass_if "prints the paths it wrote" file_has "$work/stdout" "$run/metrics.png"
pass_if "title is the experiment of resolved.yaml" file_has "$run/metrics.svg" ">bn_vs_nobn_fig1<"
pass_if "x axis is the epoch" file_has "$run/metrics.svg" ">epoch<"
pass_if "panel (a) train loss" file_has "$run/metrics.svg" ">(a) train loss<"
pass_if "panel (c) test accuracy" file_has "$run/metrics.svg" ">(c) test accuracy<"
pass_if "panel (d) generalization gap" file_has "$run/metrics.svg" ">(d) generalization gap<"
pass_if "legend names arm no_bn" file_has "$run/metrics.svg" ">no_bn<"
pass_if "legend names arm bn" file_has "$run/metrics.svg" ">bn<"
pass_if "legend explains the band over 2 seeds" file_has "$run/metrics.svg" "over 2 seeds"
pass_if "legend marks the diverged run" file_has "$run/metrics.svg" "diverged (nan/inf)"

# The CSV path itself, -o prefix with a .png suffix (dropped), a folder created on demand.
run_plot "$run/metrics.csv" -o "$work/figures/fig.png"
pass_if "accepts the CSV path and -o" [ "$status" -eq 0 ]
pass_if "-o PREFIX.png writes PREFIX.png" is_png "$work/figures/fig.png"
pass_if "-o PREFIX.png writes PREFIX.svg" [ -f "$work/figures/fig.svg" ]
pass_if "same input gives the same PNG" cmp -s "$work/figures/fig.png" "$run/metrics.png"
pass_if "same input gives the same SVG" cmp -s "$work/figures/fig.svg" "$run/metrics.svg"

# --- no resolved.yaml: the folder name is the title; inf values; regression (no test_acc) ------
regression="$work/ridge_run"
mkdir -p "$regression"
{
    echo "$header"
    for epoch in 0 1 2 3; do
        echo "main,1,$epoch,$((epoch * 10)),0.1,$(awk -v e="$epoch" 'BEGIN { printf "%.9g", 1 / (e + 1) }'),,0.9,,0.4,,$epoch"
    done
    echo "wide,1,0,0,5.0,1.0,,1.0,,0,,0"
    echo "wide,1,1,10,5.0,1.0e30,,inf,,inf,1.0e30,1"
    echo "wide,1,2,20,5.0,inf,,inf,,nan,inf,2"
} >"$regression/metrics.csv"
run_plot "$regression" -o "$work/regression"
pass_if "regression with inf values exits 0" [ "$status" -eq 0 ]
pass_if "regression PNG is a PNG" is_png "$work/regression.png"
pass_if "title falls back to the folder name" file_has "$work/regression.svg" ">ridge_run<"
pass_if "regression figure says so" file_has "$work/regression.svg" "regression"
pass_if "regression figure has no accuracy panel" file_lacks "$work/regression.svg" "test accuracy<"
pass_if "gap panel is (c) without accuracy" file_has "$work/regression.svg" ">(c) generalization gap<"

# --- eval_every in steps (several rows per epoch) and a swept key with a diagnostic column ----
steps="$work/sweep"
mkdir -p "$steps"
{
    echo "$header,grad_norm.fc1,optimizer.lr"
    for lr in 0.05 0.5; do
        for arm in a b; do
            for step in 0 50 100 150 200; do
                echo "$arm,1,$((step / 100)),$step,$lr,$(awk -v s="$step" -v r="$lr" 'BEGIN { printf "%.9g", 2 - s * r / 200 }'),0.5,2.1,0.5,0.1,1,1,3.5,$lr"
            done
        done
    done
} >"$steps/metrics.csv"
run_plot "$steps" -o "$work/sweep_fig"
pass_if "step-evaluated sweep exits 0" [ "$status" -eq 0 ]
pass_if "several rows per epoch: x axis is the step" file_has "$work/sweep_fig.svg" ">step<"
pass_if "one line per (arm, sweep point)" file_has "$work/sweep_fig.svg" ">b, optimizer.lr=0.5<"
pass_if "the diagnostic column is not a swept key" file_lacks "$work/sweep_fig.svg" "grad_norm"

# --- failures: exit 2 with a message naming the file ---------------------------------------
run_plot "$work/no/such/metrics.csv"
pass_if "missing file: exit 2" [ "$status" -eq 2 ]
pass_if "missing file: message" stderr_has "$work/no/such/metrics.csv: error: no such file"

mkdir -p "$work/empty_folder"
run_plot "$work/empty_folder"
pass_if "folder without metrics.csv: exit 2" [ "$status" -eq 2 ]
pass_if "folder without metrics.csv: message" \
    stderr_has "$work/empty_folder/metrics.csv: error: no such file"

printf 'name,value\nx,1\n' >"$work/other.csv"
run_plot "$work/other.csv"
pass_if "foreign CSV: exit 2" [ "$status" -eq 2 ]
pass_if "foreign CSV: message" \
    stderr_has "$work/other.csv: error: not a dlx metrics.csv (expected columns arm,seed,epoch,...)"

: >"$work/empty.csv"
run_plot "$work/empty.csv"
pass_if "empty file: exit 2" [ "$status" -eq 2 ]
pass_if "empty file: message" stderr_has "$work/empty.csv: error: empty file"

echo "$header" >"$work/header_only.csv"
run_plot "$work/header_only.csv"
pass_if "header without rows: exit 2" [ "$status" -eq 2 ]
pass_if "header without rows: message" stderr_has "$work/header_only.csv: error: no rows after the header"

printf '%s\na,1,0,0,0.1,2.3,0.1,2.3,0.1,0,,0\na,1,one,10,0.1,2.0,0.2,2.1,0.2,0.1,2.1,1\n' "$header" \
    >"$work/bad_value.csv"
run_plot "$work/bad_value.csv"
pass_if "bad value: exit 2" [ "$status" -eq 2 ]
pass_if "bad value: message with its line" \
    stderr_has "$work/bad_value.csv:3: error: column 'epoch' is 'one', expected a number"
pass_if "no figure is written on failure" [ ! -e "$work/metrics.png" ]

run_plot
pass_if "no argument: usage error, exit 2" [ "$status" -eq 2 ]
pass_if "no argument: usage message" stderr_has "usage:"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
