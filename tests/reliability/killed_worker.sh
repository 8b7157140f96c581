#!/usr/bin/env bash
# killed_worker.sh — a worker of `--jobs 2` killed with SIGKILL: the parent names the run and
# the signal (`run a seed 3 failed: its worker process PID was killed by SIGKILL (Killed); ...`), exits 1,
# records the run as `interrupted` in summary.csv (and the other runs as they ended), and
# --resume then completes the experiment with the uninterrupted run's metrics.csv and
# summary.csv. Prints "N passed".
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ok() { passed=$((passed + 1)); }

write_exp "$work/exp.yaml" 100 "3, 4"
"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet --jobs 2 || fail "reference run"

out="$work/killed"
"$dlx" run "$work/exp.yaml" --out "$out" --quiet --jobs 2 2>"$work/err" &
parent=$!
tries=0
until [[ -f "$out/runs/a/seed-3/metrics.csv" && "$(wc -l <"$out/runs/a/seed-3/metrics.csv")" -ge 5 ]]; do
    ((++tries < 4000)) || fail "the first run wrote no rows"
    sleep 0.005
done
worker="$(ps -o pid= --ppid "$parent" | head -n 1 | tr -d ' ')"
[[ -n "$worker" ]] || fail "no worker process"
kill -KILL "$worker"
rc=0
wait "$parent" || rc=$?
((rc == 1)) || fail "exit $rc after a worker was killed (expected 1): $(cat "$work/err")"
# The message names the worker's run, the worker and the signal.
killed="$(sed -n "s/^dlx: error: run \([a-z]\) seed \([0-9]\) failed: its worker process $worker was \
killed by SIGKILL (.*/\1,\2/p" "$work/err")"
[[ -n "$killed" ]] || fail "the message does not name the run, the worker and SIGKILL: $(cat "$work/err")"
grep -q "^$killed,interrupted," "$out/summary.csv" ||
    fail "summary.csv does not record run $killed as interrupted: $(cat "$out/summary.csv")"
[[ "$(tail -c 1 "$out/metrics.csv")" == "" ]] || fail "partial line in metrics.csv"
ok

"$dlx" run "$work/exp.yaml" --out "$out" --quiet --jobs 2 --resume || fail "resume"
cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
    fail "metrics.csv after resume differs from the uninterrupted run"
cmp -s <(cut -d, -f1-11 "$work/ref/summary.csv") <(cut -d, -f1-11 "$out/summary.csv") ||
    fail "summary.csv after resume differs"
ok

echo "$passed passed"
