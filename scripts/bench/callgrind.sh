#!/usr/bin/env bash
# callgrind.sh — a noise-free number to compare commits by: the instructions
# (valgrind's callgrind "Ir") that one fixed small `dlx run` executes, in total
# and in dlx's own code (OpenBLAS excluded), which wall-clock timings on a
# shared machine cannot resolve. The run: synthetic gaussian_mixture data
# (2,000 training and 1,000 test examples, 100 inputs, 10 classes), an mlp
# 100-64-64-10 sigmoid with batch norm, batch 50, 2 epochs, one BLAS thread.
#
# Usage: scripts/bench/callgrind.sh [path/to/dlx]     (default: build/dlx)
# Needs valgrind. Prints "instructions total: N" and "instructions in dlx: N".
set -euo pipefail

dlx=$(realpath "${1:-$(dirname "$0")/../../build/dlx}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/cg.yaml" <<'YAML'
experiment: callgrind
data: {source: synthetic, kind: gaussian_mixture, dim: 100, classes: 10, n_train: 2000, n_test: 1000, seed: 7}
model: {type: mlp, hidden: [64, 64], activation: sigmoid, batch_norm: true}
loss: cross_entropy
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 2, batch_size: 50}
YAML
OPENBLAS_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    "$dlx" run "$work/cg.yaml" --out "$work/out" --quiet --threads 1 2>"$work/valgrind.log" || {
    cat "$work/valgrind.log" >&2
    exit 1
}
total=$(sed -n 's/^summary: //p; s/^totals: //p' "$work/cg.out" | head -n 1 | awk '{print $1}')
own=$(callgrind_annotate --threshold=100 --auto=no "$work/cg.out" 2>/dev/null |
      awk '/file:function/ {on = 1; next}
           on && /^ *[0-9,]+ +\(/ && !/libopenblas/ {gsub(",", "", $1); s += $1}
           END {print s + 0}')
echo "instructions total: $total"
echo "instructions outside OpenBLAS (dlx, libc, libm, zlib, libyaml): $own"
