#!/usr/bin/env bash
# untrusted_files.sh — checkpoints, init files and output folders that dlx must not trust
# (docs/reliability.md, "Checkpoints and init files" and "Links in the output folder"):
#   - a checkpoint with a NaN weight, an epoch, position or step that its other fields
#     contradict is refused by --resume with exit 2, a message naming the file and the field or
#     tensor, and every file of the folder byte-unchanged;
#   - init: {from: FILE} with a NaN weight is refused with the tensor's name;
#   - a dangling OUT/metrics.csv link, a linked summary.csv, a linked run metrics.csv or
#     checkpoint, or a runs/ folder that is a link, before --resume: exit 2 with a message
#     naming the link, nothing outside the folder created or changed.
# Prints "N passed"; exits non-zero on the first failure.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
edit() { python3 "$here/edit_checkpoint.py" "$@"; }
ok() { passed=$((passed + 1)); }

cat >"$work/exp.yaml" <<YAML
experiment: trust
data: {source: synthetic, kind: gaussian_mixture, n_train: 100, n_test: 50, dim: 4,
       classes: 3, separation: 3.0, seed: 2}
model: {type: mlp, hidden: [8], activation: relu}
optimizer: {type: momentum, lr: 0.05}
training: {epochs: 2, batch_size: 16}
YAML
ckpt=runs/main/seed-1/checkpoint.safetensors

# fresh OUT: a finished run in OUT (resolved.yaml names its folder: a copy would not resume).
fresh() { "$dlx" run "$work/exp.yaml" --out "$1" --quiet || fail "run into $1"; }
fresh "$work/ref"

# Every file under a folder with its content hash, links as links; the lock file, which
# records whichever dlx held the folder last, aside.
snapshot() {
    (cd "$1" && find . ! -name .dlx.lock -printf '%p %y %l\n' | sort &&
        find . -type f ! -name .dlx.lock -exec sha1sum {} + | sort)
}

# expect_refused NAME MESSAGE DLX-ARGS...: exit 2, MESSAGE in stderr.
expect_refused() {
    local name="$1" message="$2" rc=0
    shift 2
    "$dlx" "$@" --quiet 2>"$work/stderr" || rc=$?
    ((rc == 2)) || { cat "$work/stderr" >&2; fail "$name: exit $rc, expected 2"; }
    grep -qF -- "$message" "$work/stderr" || {
        cat "$work/stderr" >&2
        fail "$name: stderr lacks: $message"
    }
}

# bad_checkpoint NAME MESSAGE EDIT...: a finished folder with its checkpoint edited; --resume
# refuses it with "checkpoint metadata MESSAGE" ("@MESSAGE": MESSAGE alone) and changes no file.
bad_checkpoint() {
    local name="$1" message="checkpoint metadata $2" out="$work/$1"
    [[ "$2" == @* ]] && message="${2#@}"
    shift 2
    fresh "$out"
    edit "$out/$ckpt" "$@"
    local before
    before="$(snapshot "$out")"
    expect_refused "$name" "$out/$ckpt: error: $message" run "$work/exp.yaml" --out "$out" --resume
    [[ "$(snapshot "$out")" == "$before" ]] || fail "$name: the refused --resume changed a file"
    ok
}
bad_checkpoint nan_weight "@tensor 'fc1.weight' holds nan (element 0 of 32)" --nan fc1.weight
bad_checkpoint nan_state "@tensor 'optimizer.momentum_buffer.out.bias' holds nan" \
    --nan optimizer.momentum_buffer.out.bias
bad_checkpoint epoch_999 "'summary.epochs_done' is 2 but 'epoch' is 999" epoch=999
# consistent with itself, impossible for the experiment (2 epochs): caught against the experiment
bad_checkpoint epoch_999_consistent "'epoch' is 999, but the experiment has 2 epochs" \
    epoch=999 summary.epochs_done=999 step=999 optimizer_steps=999
bad_checkpoint position "'position' is 5000, but a run that finished (status ok)" position=5000
bad_checkpoint step "'step' is 999 but 'optimizer_steps' is 14" step=999
bad_checkpoint rng_zero "'rng.dropout' is all zero" \
    rng.dropout=0000000000000000000000000000000000000000000000000000000000000000
bad_checkpoint summary_nan "'summary.final_test_loss' is nan, but the run did not diverge" \
    summary.final_test_loss=nan

# init: {from: FILE} with a NaN weight.
cp "$work/ref/$ckpt" "$work/init.safetensors"
edit "$work/init.safetensors" --nan out.weight
sed "s|activation: relu}|activation: relu, init: {from: $work/init.safetensors}}|" "$work/exp.yaml" \
    >"$work/init.yaml"
expect_refused init_nan "$work/init.safetensors: error: tensor 'out.weight' holds nan" \
    run "$work/init.yaml" --out "$work/init_out"
ok

# Links in the output folder. Nothing outside ($work/outside) may be created or changed.
mkdir "$work/outside"
echo keep >"$work/outside/kept.csv"
outside_before="$(snapshot "$work/outside")"
outside_same() { [[ "$(snapshot "$work/outside")" == "$outside_before" ]] || fail "$1: outside changed"; }

mkdir "$work/dangling"
ln -s "$work/outside/created.csv" "$work/dangling/metrics.csv"
expect_refused dangling "$work/dangling/metrics.csv: error: is a symbolic link" \
    run "$work/exp.yaml" --out "$work/dangling"
outside_same dangling
ok

# link_before_resume NAME FILE: FILE of a finished folder replaced by a link to a file outside.
link_before_resume() {
    local out="$work/$1"
    fresh "$out"
    cp "$out/$2" "$work/outside/$1"
    rm "$out/$2"
    ln -s "$work/outside/$1" "$out/$2"
    outside_before="$(snapshot "$work/outside")"
    expect_refused "$1" "$out/$2: error: is a symbolic link" run "$work/exp.yaml" --out "$out" --resume
    outside_same "$1"
    ok
}
link_before_resume summary summary.csv
link_before_resume run_metrics runs/main/seed-1/metrics.csv
link_before_resume checkpoint "$ckpt"

# The runs/ folder itself a link to a folder outside, with a run left to continue: refused
# before anything is read or written through it.
out="$work/runs_link"
fresh "$out"
rm "$out/$ckpt"
mv "$out/runs" "$work/outside/runs"
ln -s "$work/outside/runs" "$out/runs"
outside_before="$(snapshot "$work/outside")"
expect_refused runs_link "$out/runs: error: is a symbolic link" run "$work/exp.yaml" --out "$out" --resume
outside_same runs_link
ok

echo "$passed passed"
