#!/usr/bin/env bash
# tensor_resume.sh — the cp and ht models train through the usual loop's checkpoints: a run
# stopped by SIGINT (exit 130) and continued with --resume gives the uninterrupted run's
# metrics.csv (apart from wall_s), and the checkpoint holds the models' tensors by name
# (A1..A4 of cp, leaf1..leaf4 and node1.1, node1.2, node2.1 of ht). Prints "N passed".
set -euo pipefail
dlx="${DLX_BIN:?DLX_BIN must point at the dlx program}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
without_wall() { cut -d, -f1-11,13- "$1"; }
passed=0

cat >"$work/exp.yaml" <<'YAML'
experiment: tensor_resume
seeds: 1
data: {source: synthetic, kind: ht_tensor, shape: [3, 2, 2, 3], rank: 2, seed: 4}
model: {type: cp, rank: 3, init: {scheme: normal, std: 0.5}}
optimizer: {type: adam, lr: 0.01}
training: {batch_size: 8, epochs: 400, eval_every: epoch}
diagnostics: [fit_rel_error, matricization_rank]
arms:
  - name: cp
  - name: ht
    model: {type: ht, rank: 2}
YAML
"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet || fail "reference run"
out="$work/stopped"
"$dlx" run "$work/exp.yaml" --out "$out" --quiet &
pid=$!
tries=0
until [[ -f "$out/metrics.csv" && "$(wc -l <"$out/metrics.csv")" -ge 20 ]]; do
    ((++tries < 4000)) || fail "the run wrote no rows"
    sleep 0.005
done
kill -INT "$pid" 2>/dev/null || fail "the run finished before the signal"
rc=0
wait "$pid" || rc=$?
((rc == 130)) || fail "exit $rc after SIGINT, expected 130"
"$dlx" run "$work/exp.yaml" --out "$out" --quiet --resume || fail "resume"
cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
    fail "metrics.csv after resume differs from the uninterrupted run"
passed=$((passed + 1))

for name in A1 A2 A3 A4; do
    grep -aq "\"$name\"" "$work/ref/runs/cp/seed-1/checkpoint.safetensors" || fail "cp checkpoint lacks $name"
done
for name in leaf1 leaf4 node1.1 node1.2 node2.1; do
    grep -aq "\"$name\"" "$work/ref/runs/ht/seed-1/checkpoint.safetensors" || fail "ht checkpoint lacks $name"
done
head -1 "$work/ref/metrics.csv" | grep -q ',fit_rel_error,matricization_rank$' || fail "diagnostic columns"
passed=$((passed + 1))
echo "$passed passed"
