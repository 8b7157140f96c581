#!/usr/bin/env bash
# end_to_end.sh — the real dlx program under valgrind memcheck, end to end: validate, a run with
# --jobs 2 (its forked workers followed, --trace-children=yes for anything it executes), a run
# stopped by SIGINT and resumed, a sweep point and its listing, and collect. Any invalid access,
# use of uninitialised memory or definite leak in any of these processes fails the test, as does
# a wrong exit status or a resumed run whose metrics differ from the uninterrupted one's.
# A tiny synthetic experiment keeps it within about two minutes. Runs in the memcheck suite
# (.ci/run's valgrind step: meson test --setup memcheck --suite memcheck).
# Prints "N passed, M failed"; exits non-zero when anything failed.
set -uo pipefail
dlx="${DLX_BIN:?DLX_BIN must point at the dlx program}"
command -v valgrind >/dev/null || { echo "skip: valgrind is not installed"; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0
failed=0

# vg NAME ARGS...: dlx ARGS under memcheck, each process's report in vg-NAME.<pid>.log; leaves
# its exit status in $status.
vg() {
    local name="$1"
    shift
    status=0
    valgrind --trace-children=yes --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite --track-origins=yes -q --log-file="vg-$name.%p.log" \
        "$dlx" "$@" >"out-$name" 2>"err-$name" </dev/null || status=$?
}
# check NAME EXPECTED_STATUS: the status, and no report from any process of NAME.
check() {
    local reports
    reports="$(cat vg-"$1".*.log 2>/dev/null)"
    if [ "$status" -eq "$2" ] && [ -z "$reports" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: exit status $status (expected $2)" >&2
        [ -z "$reports" ] || head -n 40 <<<"$reports" >&2
        head -n 5 "err-$1" >&2
    fi
}
pass_if() {
    local name="$1"
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}
without_wall() { cut -d, -f1-11,13- "$1"; }

cat >exp.yaml <<'YAML'
experiment: memcheck
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 240, n_test: 60, dim: 6, classes: 3,
       seed: 3}
model: {type: mlp, hidden: [12, 12], activation: tanh, dropout: 0.2}
optimizer: {type: adam, lr: 0.01}
training: {epochs: 4, batch_size: 16, eval_every: 5}
diagnostics: [weight_norm]
arms:
  - name: plain
  - name: bn
    model: {batch_norm: {momentum: 0.2}}
YAML
sed -e 's/^experiment: memcheck/experiment: memcheck_sweep/' -e '$a sweep:\n  optimizer.lr: [0.01, 0.1]' \
    exp.yaml >sweep.yaml

vg validate validate exp.yaml
check validate 0

vg jobs2 run exp.yaml --out full --jobs 2 --quiet
check jobs2 0

# Stopped by SIGINT once the first rows are written (under valgrind a run takes seconds), then
# resumed: exit 130, then 0, and the same metrics as the uninterrupted run.
valgrind --trace-children=yes --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    -q --log-file="vg-stopped.%p.log" "$dlx" run exp.yaml --out stopped --quiet \
    >out-stopped 2>err-stopped </dev/null &
pid=$!
for _ in $(seq 600); do
    [ "$(cat stopped/runs/plain/seed-1/metrics.csv 2>/dev/null | wc -l)" -ge 4 ] && break
    sleep 0.1
done
kill -INT "$pid"
status=0
wait "$pid" || status=$?
check stopped 130
vg resume run exp.yaml --out stopped --resume --quiet
check resume 0
pass_if "resumed metrics equal the uninterrupted run's" \
    cmp -s <(without_wall full/metrics.csv) <(without_wall stopped/metrics.csv)

vg sweep sweep --emit commands sweep.yaml --out points
check sweep 0
pass_if "sweep lists two points" [ "$(grep -c -- '--point' out-sweep)" -eq 2 ]
for point in 0 1; do
    vg "point$point" run sweep.yaml --point "$point" --arms plain --seeds 1 --out "points/p$point" --quiet
    check "point$point" 0
done
vg collect collect points/p0 points/p1 -o all.csv
check collect 0
pass_if "collect merges both points" [ "$(cat all.csv 2>/dev/null | wc -l)" -gt "$(wc -l <points/p1/metrics.csv)" ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
