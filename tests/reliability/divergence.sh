#!/usr/bin/env bash
# divergence.sh — training.on_divergence (docs/reliability.md). Arm `wild` (SGD, lr 5 on a
# linear regression) overflows in epoch 5 of 6; arm `calm` does not.
#   stop (default): wild stops at the step, its last row holds the non-finite loss, status
#                   diverged; calm runs; exit 0. --resume afterwards changes nothing.
#   continue:       wild trains to the end (a row at every epoch, non-finite), status diverged.
#   fail:           exit 1, a message naming the run; calm is not started.
# Prints "N passed".
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cat >"$work/div.yaml" <<'YAML'
experiment: div
data: {source: synthetic, kind: linear, n_train: 200, n_test: 50, dim: 5, noise: 0.1, seed: 1}
model: {type: linear}
optimizer: {type: sgd, lr: 0.01}
training: {epochs: 6, batch_size: 20}
arms:
  - name: wild
    optimizer: {lr: 5.0}
  - name: calm
YAML
# field N of the summary row of ARM in folder OUT
summary_field() { awk -F, -v arm="$2" -v n="$3" '$1 == arm { print $n }' "$1/summary.csv"; }
last_row() { grep "^$2," "$1/metrics.csv" | tail -n 1; }

for seed in 1 2 3; do
    out="$work/stop$seed"
    "$dlx" run "$work/div.yaml" --out "$out" --quiet --seeds "$seed" || fail "stop: exit $?"
    [[ "$(summary_field "$out" wild 3)" == diverged ]] || fail "stop: wild not diverged"
    [[ "$(summary_field "$out" calm 3)" == ok ]] || fail "stop: calm not ok"
    [[ "$(summary_field "$out" calm 4)" == 6 ]] || fail "stop: calm did not run 6 epochs"
    epoch="$(last_row "$out" wild | cut -d, -f3)"
    awk -v e="$epoch" 'BEGIN { exit !(e > 0 && e < 6) }' || fail "stop: wild's last row at epoch $epoch"
    last_row "$out" wild | cut -d, -f6 | grep -Eq '^-?(nan|inf)$' ||
        fail "stop: wild's last train_loss is finite: $(last_row "$out" wild)"
    before="$(cat "$out/metrics.csv" "$out/summary.csv")"
    "$dlx" run "$work/div.yaml" --out "$out" --quiet --seeds "$seed" --resume || fail "stop: resume"
    [[ "$(cat "$out/metrics.csv" "$out/summary.csv")" == "$before" ]] ||
        fail "stop: --resume changed a finished folder"
    passed=$((passed + 1))
done

out="$work/continue"
"$dlx" run "$work/div.yaml" --out "$out" --quiet --set training.on_divergence=continue ||
    fail "continue: exit $?"
[[ "$(summary_field "$out" wild 3)" == diverged ]] || fail "continue: wild not diverged"
[[ "$(summary_field "$out" wild 4)" == 6 ]] || fail "continue: wild stopped early"
[[ "$(grep -c '^wild,' "$out/metrics.csv")" == 7 ]] || fail "continue: wild lacks rows"
last_row "$out" wild | cut -d, -f6 | grep -Eq '^-?(nan|inf)$' || fail "continue: last row finite"
passed=$((passed + 1))

out="$work/fail"
rc=0
"$dlx" run "$work/div.yaml" --out "$out" --quiet --set training.on_divergence=fail \
    2>"$work/err" || rc=$?
((rc == 1)) || fail "fail: exit $rc, expected 1"
expected="$work/div.yaml: error: run wild seed 1 diverged (a non-finite loss) in epoch 5; \
training.on_divergence is fail, so no further run is started"
[[ "$(cat "$work/err")" == "$expected" ]] || fail "fail: message '$(cat "$work/err")'"
! grep -q '^calm,' "$out/summary.csv" || fail "fail: calm ran"
[[ "$(summary_field "$out" wild 3)" == diverged ]] || fail "fail: wild not recorded"
passed=$((passed + 1))

# a misspelt value gets a located error with a suggestion
rc=0
err="$("$dlx" validate "$work/div.yaml" --set training.on_divergence=contine 2>&1)" || rc=$?
((rc == 2)) || fail "misspelt value: exit $rc"
[[ "$err" == *"did you mean 'continue'?"* ]] || fail "misspelt value: '$err'"
passed=$((passed + 1))
echo "$passed passed"
