#!/usr/bin/env bash
# folder_lock.sh — one dlx at a time writes into an output folder, and --resume checks the
# files it continues. While a run holds OUT/.dlx.lock, a second `dlx run` on the folder (plain,
# --resume or --force) is refused with exit 2, naming the holder's pid and command, and
# changes nothing; a lock whose recorded holder has exited (its workers dying) is waited for;
# two runs started at once: one runs, one is refused. --resume refuses a
# run's metrics.csv that was duplicated by hand (a second header; a repeated row), naming
# the file and the line, before it changes any file; once the file is put back, --resume
# completes with the uninterrupted run's metrics.csv. Prints "N passed".
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ok() { passed=$((passed + 1)); }

write_exp "$work/long.yaml" 400
write_exp "$work/exp.yaml" 30
"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet || fail "reference run"


# Every file of a folder but the lock, with its checksum: what a refused command must not change.
folder_state() { (cd "$1" && find . -type f ! -name .dlx.lock -print0 | sort -z | xargs -0 md5sum); }

# A run holds the folder; a second run, --resume and --force are each refused.
out="$work/held"
"$dlx" run "$work/long.yaml" --out "$out" --quiet &
holder=$!
wait_rows "$out/metrics.csv" 4
for extra in "" --resume --force; do
    rc=0
    # shellcheck disable=SC2086
    err="$("$dlx" run "$work/long.yaml" --out "$out" --quiet $extra 2>&1)" || rc=$?
    ((rc == 2)) || fail "second run ${extra:-plain} while the folder is held: exit $rc ($err)"
    expected="$out/.dlx.lock: error: the output folder is in use by dlx process $holder (dlx run \
$work/long.yaml --out $out --quiet); wait for it to finish or stop it, or use another --out"
    [[ "$err" == "$expected" ]] || fail "second run ${extra:-plain}: got '$err'"
    kill -0 "$holder" 2>/dev/null || fail "the holder ended before the second run ${extra:-plain}"
    [[ -f "$out/runs/a/seed-3/metrics.csv" ]] || fail "--force removed the holder's files"
    ok
done
kill -INT "$holder"
rc=0
wait "$holder" || rc=$?
((rc == 130)) || fail "holder: exit $rc after SIGINT"
[[ "$(grep -c '^a,3,0,' "$out/runs/a/seed-3/metrics.csv")" == 1 ]] ||
    fail "the holder's metrics.csv has rows of another process"
# The lock died with its holder: --resume takes the folder.
"$dlx" run "$work/long.yaml" --out "$out" --quiet --resume --set training.epochs=400 &
resumer=$!
wait_rows "$out/runs/a/seed-3/metrics.csv" 200
kill -INT "$resumer"
wait "$resumer" || true
ok

# The lock held after its recorded holder has exited (dlx killed, its workers still dying):
# dlx waits for the lock instead of refusing. Stood in for by flock(1) holding the file for 1 s
# with the record of a process that has exited.
if command -v flock >/dev/null; then
    out="$work/dying"
    mkdir -p "$out"
    sh -c 'exit 0' &
    dead=$!
    wait "$dead"
    printf 'pid %s\ncommand dlx run gone.yaml\n' "$dead" >"$out/.dlx.lock"
    flock "$out/.dlx.lock" sleep 1 &
    stand_in=$!
    sleep 0.2
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet ||
        fail "a lock whose recorded holder exited was not waited for"
    wait "$stand_in"
    cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
        fail "after waiting for the lock: metrics.csv differs from the reference run"
    ok
fi

# Two runs started at once on a fresh folder: one runs, the other is refused (exit 2).
out="$work/race"
"$dlx" run "$work/exp.yaml" --out "$out" --quiet 2>"$work/race1.err" &
first=$!
"$dlx" run "$work/exp.yaml" --out "$out" --quiet 2>"$work/race2.err" &
second=$!
rc1=0 rc2=0
wait "$first" || rc1=$?
wait "$second" || rc2=$?
codes="$(printf '%s\n' "$rc1" "$rc2" | sort | tr '\n' ' ')"
[[ "$codes" == "0 2 " ]] || fail "two runs at once: exits $rc1 and $rc2 (expected 0 and 2)"
grep -q -e "in use by dlx process" -e "already holds results" "$work/race1.err" "$work/race2.err" ||
    fail "two runs at once: the refused one says '$(cat "$work/race1.err" "$work/race2.err")'"
cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
    fail "two runs at once: metrics.csv differs from the reference run"
ok

# An interrupted folder whose run metrics.csv is then duplicated by hand.
out="$work/dup"
"$dlx" run "$work/exp.yaml" --out "$out" --quiet &
pid=$!
wait_rows "$out/metrics.csv" 4
kill -INT "$pid"
wait "$pid" || true
run_csv="$out/runs/a/seed-3/metrics.csv"
[[ -f "$run_csv" ]] || fail "no run metrics.csv after SIGINT"
cp "$run_csv" "$work/good.csv"
lines="$(wc -l <"$work/good.csv")"

# refused_at CASE LINE TEXT: --resume exits 2 naming the file, LINE and TEXT; nothing changed.
refused_at() {
    local before
    before="$(folder_state "$out")"
    local rc=0 err
    err="$("$dlx" run "$work/exp.yaml" --out "$out" --quiet --resume 2>&1)" || rc=$?
    ((rc == 2)) || fail "$1: --resume exit $rc ($err)"
    [[ "$err" == "$run_csv:$2:1: error: cannot resume: $3"* ]] || fail "$1: got '$err'"
    [[ "$(folder_state "$out")" == "$before" ]] || fail "$1: the refused --resume changed files"
    ok
}
cat "$work/good.csv" "$work/good.csv" >"$run_csv" # the whole file twice
refused_at "file twice" "$((lines + 1))" "line $((lines + 1)) is not a row of run a seed 3"
{ head -n 3 "$work/good.csv"; sed -n 3p "$work/good.csv"; tail -n +4 "$work/good.csv"; } >"$run_csv"
refused_at "row twice" 4 "the epoch on line 4"
{ echo "arm,seed,epoch"; tail -n +2 "$work/good.csv"; } >"$run_csv"
refused_at "other header" 1 "line 1 is not the header this experiment writes"
head -n 2 "$work/good.csv" >"$run_csv"
refused_at "rows missing" 3 "the file holds 1 whole rows but the checkpoint needs"

cp "$work/good.csv" "$run_csv"
"$dlx" run "$work/exp.yaml" --out "$out" --quiet --resume || fail "resume once the file is back"
cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
    fail "metrics.csv after resume differs from the uninterrupted run"
ok

echo "$passed passed"
