#!/usr/bin/env bash
# kill_resume.sh — SIGKILL at random moments, resume each time, compare with an uninterrupted run
# (docs/reliability.md). Usage: kill_resume.sh [KILLS] [JOBS] [RANDOM_SEED]
#
# The delays come from bash's RANDOM seeded with RANDOM_SEED, else $DLX_KILL_SEED, else the
# process id; the seed is printed first, and each delay as it is used, so that a failure can be
# replayed with DLX_KILL_SEED=<seed> (the delays repeat; where they land still depends on load).
#
# SIGKILL gives dlx no chance to write anything: every checkpoint it leaves is one written at an
# epoch's end, so every resume here starts at an epoch boundary. The position within an epoch
# that a mid-epoch checkpoint records (written only on SIGINT/SIGTERM) and its restoring are
# covered by interrupt_resume.sh and tests/train/test_trainer_steps.c, not by this test.
#
# A reference run goes first. Then the same experiment is started in another folder and killed
# with SIGKILL 50..400 ms after each start, each restart with --resume, until KILLS kills have hit
# a running dlx (when an attempt finishes before its kill, that folder is finished and compared
# and a new one started). After every kill check_outputs.py checks each file that exists:
# metrics.csv (top and per run) whole rows, and at most an unfinished last line that begins the
# reference's row there (see check_outputs.py), summary.csv whole rows, summary statuses, resolved.yaml equal
# to the reference's, meta.yaml, and every checkpoint a well-formed safetensors file; the next
# --resume then reads every checkpoint. A last --resume finishes the runs; metrics.csv (top and
# per run) and summary.csv must then equal the reference's byte for byte, apart from wall_s, and
# no temporary file may be left.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kills="${1:-20}"
jobs="${2:-1}"
seed="${3:-${DLX_KILL_SEED:-$$}}"
[[ "$seed" =~ ^[0-9]+$ ]] || fail "the seed must be a number, not '$seed'"
RANDOM="$seed"
echo "kill_resume: delays seeded with $seed (replay: DLX_KILL_SEED=$seed)"
check_outputs="$(dirname "${BASH_SOURCE[0]}")/check_outputs.py"

cat >"$work/exp.yaml" <<'YAML'
experiment: kills
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 1500, n_test: 300, dim: 8,
       classes: 3, separation: 4.0, seed: 5}
model: {type: mlp, hidden: [24, 24], activation: tanh, dropout: 0.1}
optimizer: {type: adam, lr: 0.01}
regularizer: {input_noise: 0.1}
training: {epochs: 30, batch_size: 16, eval_every: 40}
diagnostics: [weight_norm]
arms:
  - name: plain
  - name: bn
    model: {batch_norm: true}
YAML


"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet --jobs "$jobs" || fail "reference run"

# compare OUT: metrics.csv (top and per run) and summary.csv equal the reference's, wall_s aside.
compare() {
    cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$1/metrics.csv") || {
        diff <(without_wall "$work/ref/metrics.csv") <(without_wall "$1/metrics.csv") | head -n 5 >&2
        fail "$1/metrics.csv differs from the uninterrupted run"
    }
    for f in "$work"/ref/runs/*/*/metrics.csv; do
        g="$1/${f#"$work/ref/"}"
        cmp -s <(without_wall "$f") <(without_wall "$g") || fail "$g differs"
    done
    cmp -s <(cut -d, -f1-11 "$work/ref/summary.csv") <(cut -d, -f1-11 "$1/summary.csv") ||
        fail "$1/summary.csv differs from the uninterrupted run"
}

# Kill after 50..400 ms, resume, kill again...; when an attempt finishes the experiment before
# its kill (load varies), that folder is compared and a new one started, until `kills` kills
# have hit a running dlx.
hits=0
folders=0
while ((hits < kills)); do
    folders=$((folders + 1))
    out="$work/killed$folders"
    flag=""
    while ((hits < kills)); do
        # its own session, so that the kill reaches the workers of --jobs N too
        setsid "$dlx" run "$work/exp.yaml" --out "$out" --quiet --jobs "$jobs" $flag &
        pid=$!
        ms=$((50 + RANDOM % 350))
        echo "kill $((hits + 1)): after $ms ms"
        sleep "0.$(printf '%03d' "$ms")"
        kill -KILL -- "-$pid" 2>/dev/null || true
        rc=0
        wait "$pid" 2>/dev/null || rc=$?
        ((rc == 0)) && break
        ((rc == 137)) || fail "dlx exited with $rc"
        hits=$((hits + 1))
        flag="--resume"
        python3 "$check_outputs" "$out" "$work/ref" || fail "files after kill $hits"
    done
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet --jobs "$jobs" --resume || fail "final resume"
    compare "$out"
    python3 "$check_outputs" "$out" "$work/ref" --final || fail "files after the final resume"
done
echo "$hits kills hit a running dlx, in $folders folder(s); files whole after each;" \
    "each folder's results identical (seed $seed)"
