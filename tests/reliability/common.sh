# common.sh — sourced by the reliability drivers: the dlx program, a scratch folder removed on
# exit, a pass counter and the failure and comparison helpers.
set -euo pipefail

dlx="${DLX_BIN:?DLX_BIN must point at the dlx program}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# wait_rows FILE N: until FILE holds N lines (a run is then surely under way; a fixed sleep
# lets a fast release build finish first); fails after about 20 s.
wait_rows() {
    local tries=0
    until [[ -f "$1" && "$(wc -l <"$1")" -ge "$2" ]]; do
        ((++tries < 4000)) || fail "no rows in $1"
        sleep 0.005
    done
}

# Every column of a metrics.csv but wall_s (the 12th): what must be identical between runs.
without_wall() { cut -d, -f1-11,13- "$1"; }

# write_exp FILE EPOCHS [SEEDS]: a small two-arm experiment (a: momentum, b: adam) on synthetic
# data, with BN and dropout; eval_every 7 does not divide the 63 steps of an epoch, so objective
# sums run across epoch ends. SEEDS defaults to 3.
write_exp() {
    cat >"$1" <<YAML
experiment: stops
seeds: [${3:-3}]
data: {source: synthetic, kind: gaussian_mixture, n_train: 1000, n_test: 200, dim: 6,
       classes: 3, separation: 3.0, seed: 2}
model: {type: mlp, hidden: [16], activation: relu, batch_norm: true, dropout: 0.2}
optimizer: {type: momentum, lr: 0.05}
training: {epochs: $2, batch_size: 16, eval_every: 7}
arms:
  - name: a
  - name: b
    optimizer: {type: adam, lr: 0.005}
YAML
}
