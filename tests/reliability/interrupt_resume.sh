#!/usr/bin/env bash
# interrupt_resume.sh — SIGINT, SIGTERM, SIGHUP and SIGUSR1 stop a run with a mid-epoch checkpoint,
# exit 130 / 143 / 129 / 138
# and status `interrupted`; --resume then gives the uninterrupted run's metrics.csv; --resume
# refuses a changed experiment file or --set, naming the key, its old and new line; --resume of
# a finished folder changes nothing. Prints "N passed"; exits non-zero on the first failure.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ok() { passed=$((passed + 1)); }

write_exp "$work/exp.yaml" 60
"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet || fail "reference run"

# stop_and_resume SIGNAL CODE: stop a run with SIGNAL, expect CODE, then resume to the end.
stop_and_resume() {
    local out="$work/$1"
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet &
    local pid=$!
    # Signal as soon as the first run has written a few rows: the run is then surely under way
    # (a fixed sleep lets a fast release build finish first).
    wait_rows "$out/metrics.csv" 4
    kill "-$1" "$pid" 2>/dev/null || fail "$1: the run finished before the signal"
    local rc=0
    wait "$pid" || rc=$?
    ((rc == $2)) || fail "$1: exit $rc, expected $2"
    grep -q ',interrupted,' "$out/summary.csv" || fail "$1: no interrupted run in summary.csv"
    [[ "$(tail -c 1 "$out/metrics.csv")" == "" ]] || fail "$1: partial line in metrics.csv"
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet --resume || fail "$1: resume"
    cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
        fail "$1: metrics.csv after resume differs from the uninterrupted run"
    cmp -s <(cut -d, -f1-11 "$work/ref/summary.csv") <(cut -d, -f1-11 "$out/summary.csv") ||
        fail "$1: summary.csv after resume differs"
    ok
}

# A SIGKILL that lands while write(2) copies a row across a page boundary of the file leaves
# the row's beginning (Linux checks for a fatal signal between pages): simulated here by
# appending the first half of the reference's next row to the interrupted run's metrics.csv
# and to the top one. check_outputs.py accepts that after a kill but not with --final, the
# readers skip it, and --resume cuts it off and gives the uninterrupted run's files.
partial_row_resume() {
    local out="$work/partial"
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet &
    local pid=$!
    wait_rows "$out/metrics.csv" 4
    kill -TERM "$pid" 2>/dev/null || fail "partial: the run finished before the signal"
    wait "$pid" || true
    local run
    run="$(awk -F, '$3 == "interrupted" { print "runs/" $1 "/seed-" $2; exit }' "$out/summary.csv")"
    [[ -n "$run" ]] || fail "partial: no interrupted run"
    local f rows next
    for f in "$run/metrics.csv" metrics.csv; do
        rows="$(wc -l <"$out/$f")"
        next="$(sed -n "$((rows + 1))p" "$work/ref/$f")"
        [[ -n "$next" ]] || fail "partial: the reference has no row after line $rows of $f"
        printf '%s' "${next:0:$((${#next} / 2))}" >>"$out/$f"
    done
    python3 "$check_outputs" "$out" "$work/ref" || fail "partial: a row's beginning refused"
    if python3 "$check_outputs" "$out" "$work/ref" --final 2>/dev/null; then
        fail "partial: check_outputs --final accepted a partial line"
    fi
    "$dlx" summarize "$out" >/dev/null || fail "partial: summarize of a folder with a partial row"
    printf 'x,y' >>"$out/metrics.csv"
    if python3 "$check_outputs" "$out" "$work/ref" 2>/dev/null; then
        fail "partial: check_outputs accepted a partial line that begins no reference row"
    fi
    truncate -s -3 "$out/metrics.csv"
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet --resume || fail "partial: resume"
    cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
        fail "partial: metrics.csv after resume differs from the uninterrupted run"
    cmp -s <(without_wall "$work/ref/$run/metrics.csv") <(without_wall "$out/$run/metrics.csv") ||
        fail "partial: $run/metrics.csv after resume differs from the uninterrupted run"
    python3 "$check_outputs" "$out" "$work/ref" --final || fail "partial: files after resume"
    ok
}
check_outputs="$(dirname "${BASH_SOURCE[0]}")/check_outputs.py"
partial_row_resume
stop_and_resume INT 130
stop_and_resume TERM 143
stop_and_resume HUP 129 # the terminal or ssh session closed
stop_and_resume USR1 138 # Slurm's warning before a time limit (--signal=B:USR1@120)

# Under nohup (SIGHUP ignored when dlx starts) a closed terminal does not stop the run.
out="$work/nohup"
bash -c 'trap "" HUP; exec "$0" "$@"' "$dlx" run "$work/exp.yaml" --out "$out" --quiet &
pid=$!
wait_rows "$out/metrics.csv" 4
kill -HUP "$pid" 2>/dev/null || fail "nohup: the run finished before the signal"
sleep 0.2
rc=0
wait "$pid" || rc=$?
((rc == 0)) || fail "nohup: exit $rc after SIGHUP (expected the run to go on to the end)"
cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
    fail "nohup: metrics.csv differs from the uninterrupted run"
ok

# A finished folder: --resume runs nothing and leaves metrics.csv as it was.
before="$(cat "$work/INT/metrics.csv")"
"$dlx" run "$work/exp.yaml" --out "$work/INT" --quiet --resume || fail "resume of a finished folder"
[[ "$(cat "$work/INT/metrics.csv")" == "$before" ]] || fail "finished folder changed"
ok

# A changed --set is refused with the key, the old and the new value (exit 2).
rc=0
err="$("$dlx" run "$work/exp.yaml" --out "$work/INT" --quiet --resume --set optimizer.lr=0.07 2>&1)" ||
    rc=$?
((rc == 2)) || fail "changed --set: exit $rc"
line="$(grep -n '^  lr: 0.05$' "$work/INT/resolved.yaml" | head -n 1 | cut -d: -f1)"
expected="$work/INT/resolved.yaml:$line:1: error: cannot resume: the experiment changed since this \
folder was started: 'optimizer.lr' was 'lr: 0.05', now 'lr: 0.07' (rerun with the same file and \
--set, or use --force or another --out to start over)"
[[ "$err" == "$expected" ]] || fail "changed --set: got '$err'"
ok

# A changed file likewise.
write_exp "$work/exp.yaml" 61
rc=0
err="$("$dlx" run "$work/exp.yaml" --out "$work/INT" --quiet --resume 2>&1)" || rc=$?
((rc == 2)) || fail "changed file: exit $rc"
[[ "$err" == *"'training.epochs' was 'epochs: 60', now 'epochs: 61'"* ]] ||
    fail "changed file: got '$err'"
ok

# An arm's key: named through the arm.
sed -i 's/type: adam, lr: 0.005/type: adam, lr: 0.006/; s/epochs: 61/epochs: 60/' "$work/exp.yaml"
err="$("$dlx" run "$work/exp.yaml" --out "$work/INT" --quiet --resume 2>&1)" || true
[[ "$err" == *"'arms.b.optimizer.lr' was 'lr: 0.005', now 'lr: 0.006'"* ]] ||
    fail "changed arm: got '$err'"
ok

# A damaged checkpoint is refused with a message naming it (exit 2), not trusted.
sed -i 's/lr: 0.006/lr: 0.005/' "$work/exp.yaml"
ckpt="$work/INT/runs/a/seed-3/checkpoint.safetensors"
head -c 300 "$ckpt" >"$work/part" && cp "$work/part" "$ckpt"
rc=0
err="$("$dlx" run "$work/exp.yaml" --out "$work/INT" --quiet --resume 2>&1)" || rc=$?
((rc == 2)) || fail "damaged checkpoint: exit $rc"
[[ "$err" == "$ckpt: error: header length "*"runs past the end of the file"* ]] ||
    fail "damaged checkpoint: got '$err'"
ok

echo "$passed passed"
