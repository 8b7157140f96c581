#!/usr/bin/env bash
# malloc_failure.sh SHIM [BUDGET] — running out of memory at any allocation: the Nth call to
# malloc/calloc/realloc/memalign of a dlx process fails (SHIM: fail_malloc.c, LD_PRELOAD,
# DLX_FAIL_MALLOC_AT=N, counted per process from before main), for the N of four commands on a
# small experiment (2 arms, batch norm, two diagnostics, 2 seeds, --jobs 1):
#   run      a new folder           resume   --resume of a finished folder
#   validate dlx validate           collect  dlx collect -o FILE
# Each command is first run without injection, its allocations counted; then every N from 1 to
# the count when the four counts together are at most BUDGET (default 1000) runs, else, for each
# command, the first 200 N and a fixed stride over the rest, BUDGET runs in all. At each N:
# - the exit status is 0, 1 or 2, never a signal; 1 and 2 with messages in compiler form
#   (`WHO: error: ...`), 1 with "out of memory" among them;
# - the folder's files are whole (files_whole: metrics.csv rows as wide as the header,
#   summary.csv with its header and statuses, no NAME.tmp.PID left; the checkpoints are read by
#   the --resume that follows);
# - run/resume: a --resume without injection then succeeds, with the uninterrupted run's
#   metrics.csv and summary.csv apart from wall_s; validate: exit 0 prints the reference text;
#   collect: the -o file, where there is one, is the reference's.
# DLX_MALLOC_ALL=1 tries every N whatever the budget. Prints what was covered and how many runs
# ended 0/1/2. Two points at a time (xargs -P 2).
# Scratch files in memory when /dev/shm is there: thousands of runs each fsync their files.
[[ -n "${TMPDIR:-}" || ! -w /dev/shm ]] || export TMPDIR=/dev/shm
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# invoke PHASE N: run PHASE's dlx command in its folder for point N (N 0: the reference),
# with injection at N when N > 0. Standard output and error go to files of the point.
invoke() {
    local phase="$1" n="$2" dir="$DLX_WORK/$1/$2"
    local -a env=(timeout 30 env)
    ((n == 0)) || env=(timeout 30 env LD_PRELOAD="$DLX_SHIM" DLX_FAIL_MALLOC_AT="$n")
    case "$phase" in
    run) (cd "$dir" && exec "${env[@]}" "$dlx" run "$DLX_WORK/exp.yaml" --out out --quiet --jobs 1) ;;
    resume) (cd "$dir" && exec "${env[@]}" "$dlx" run "$DLX_WORK/exp.yaml" --out out --quiet \
        --jobs 1 --resume) ;;
    validate) "${env[@]}" "$dlx" validate "$DLX_WORK/exp.yaml" ;;
    collect) "${env[@]}" "$dlx" collect "$DLX_WORK/refdir/out" -o "$dir/collected.csv" ;;
    esac >"$dir/stdout" 2>"$dir/stderr"
}

# files_whole OUT: every metrics.csv (top and per run) and summary.csv that exists ends with a
# newline and has only rows as wide as its header, summary.csv SPEC's header and a status in
# each row, and no temporary file (NAME.tmp.PID, atomic_file.c) is left; else says what not.
files_whole() {
    local out="$1" f
    [[ -d "$out" ]] || return 0
    [[ -z "$(find "$out" -name '*.tmp*')" ]] || { echo "temporary files left"; return 1; }
    for f in "$out"/metrics.csv "$out"/runs/*/*/metrics.csv "$out"/summary.csv; do
        [[ -s "$f" ]] || continue
        [[ "$(tail -c 1 "$f")" == "" ]] || { echo "$f ends with a partial line"; return 1; }
    done
    awk -F, -v summary="$(head -n 1 "$DLX_WORK/refdir/out/summary.csv")" '
        FNR == 1 { n = NF; is_summary = FILENAME ~ /summary\.csv$/ }
        FNR == 1 && is_summary && $0 != summary { print FILENAME ": header"; bad = 1 }
        NF != n { print FILENAME ":" FNR ": " NF " fields, the header has " n; bad = 1 }
        FNR > 1 && is_summary && $3 !~ /^(ok|diverged|interrupted)$/ {
            print FILENAME ":" FNR ": status " $3; bad = 1 }
        END { exit bad }' /dev/null $(find "$out" -name metrics.csv -o -name summary.csv)
}

# point PHASE N: one injected run and its checks; prints "PHASE N RC" or "FAIL ...".
point() {
    local phase="$1" n="$2" dir="$DLX_WORK/$1/$2" rc=0
    mkdir -p "$dir"
    [[ "$phase" != resume ]] || cp -r "$DLX_WORK/refdir/out" "$dir/out"
    invoke "$phase" "$n" || rc=$?
    bad() { echo "FAIL $phase N=$n (exit $rc): $*; stderr: $(head -c 600 "$dir/stderr")"; }
    case "$rc" in
    0 | 1 | 2) ;;
    124) bad "still running after 30 s (a loop that does not end)"; return ;;
    *) bad "not an exit status dlx gives (a signal or crash)"; return ;;
    esac
    if ((rc != 0)); then
        grep -Eqv '^[^ :][^:]*(:[0-9]+:[0-9]+)?: error: .' "$dir/stderr" &&
            { bad "a message not in compiler form"; return; }
        [[ -s "$dir/stderr" ]] || { bad "no message"; return; }
        ((rc == 2)) || grep -Eq 'out of memory|Cannot allocate memory' "$dir/stderr" ||
            { bad "no 'out of memory' message"; return; }
    fi
    case "$phase" in
    run | resume)
        files_whole "$dir/out" >"$dir/check" || { bad "files damaged: $(cat "$dir/check")"; return; }
        (cd "$dir" && exec "$dlx" run "$DLX_WORK/exp.yaml" --out out --quiet --jobs 1 --resume) \
            2>"$dir/stderr2" || { bad "--resume without injection failed: $(cat "$dir/stderr2")"; return; }
        local f
        for f in metrics.csv summary.csv; do # the top metrics.csv is rebuilt from the runs' files
            if [[ "$f" == summary.csv ]]; then
                cmp -s <(cut -d, -f1-11 "$dir/out/$f") <(cut -d, -f1-11 "$DLX_WORK/refdir/out/$f")
            else
                cmp -s <(without_wall "$dir/out/$f") <(without_wall "$DLX_WORK/refdir/out/$f")
            fi || { bad "$f after --resume differs from the uninterrupted run's"; return; }
        done
        files_whole "$dir/out" >"$dir/check" ||
            { bad "files after --resume: $(cat "$dir/check")"; return; } ;;
    validate)
        ((rc != 0)) || cmp -s "$dir/stdout" "$DLX_WORK/validate/0/stdout" ||
            { bad "printed another resolved experiment"; return; } ;;
    collect)
        [[ ! -e "$dir/collected.csv" ]] || cmp -s "$dir/collected.csv" "$DLX_WORK/collected.csv" ||
            { bad "the collected file differs from the reference"; return; }
        ((rc != 0)) || [[ -e "$dir/collected.csv" ]] || { bad "exit 0 without the file"; return; }
        [[ -z "$(find "$dir" -name '*.tmp*')" ]] || { bad "a temporary file left"; return; } ;;
    esac
    echo "$phase $n $rc"
    rm -rf "$dir"
}

if [[ "${1:-}" == --point ]]; then # one point, run by xargs below
    point "$2" "$3"
    exit 0
fi
shim="$(realpath "${1:?usage: malloc_failure.sh SHIM [BUDGET]}")"
budget="${2:-1000}"
export DLX_WORK="$work" DLX_SHIM="$shim"

cat >"$work/exp.yaml" <<'YAML'
experiment: oom
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 120, n_test: 40, dim: 4,
       classes: 3, separation: 3.0, seed: 1}
model: {type: mlp, hidden: [6], activation: relu, batch_norm: true}
optimizer: {type: momentum, lr: 0.05}
training: {epochs: 3, batch_size: 20, eval_every: 2}
diagnostics: [weight_norm, grad_norm]
arms:
  - name: a
  - name: b
    optimizer: {type: adam, lr: 0.01}
YAML


# The references, and each command's allocation count.
mkdir -p "$work/validate/0" "$work/collect/0"
(mkdir -p "$work/refdir" && cd "$work/refdir" && exec "$dlx" run "$work/exp.yaml" --out out --quiet --jobs 1) || fail "reference run"
"$dlx" validate "$work/exp.yaml" >"$work/validate/0/stdout" || fail "reference validate"
"$dlx" collect "$work/refdir/out" -o "$work/collected.csv" || fail "reference collect"
declare -A count
for phase in run resume validate collect; do
    dir="$work/count/$phase"
    mkdir -p "$dir"
    [[ "$phase" != resume ]] || cp -r "$work/refdir/out" "$dir/out"
    case "$phase" in
    run) args=(run "$work/exp.yaml" --out out --quiet --jobs 1) ;;
    resume) args=(run "$work/exp.yaml" --out out --quiet --jobs 1 --resume) ;;
    validate) args=(validate "$work/exp.yaml") ;;
    collect) args=(collect "$work/refdir/out" -o "$dir/c.csv") ;;
    esac
    (cd "$dir" && LD_PRELOAD="$shim" DLX_FAIL_MALLOC_COUNT=1 exec "$dlx" "${args[@]}") \
        >/dev/null 2>"$dir/err" ||
        fail "$phase with the shim, no injection: $(cat "$dir/err")"
    count[$phase]="$(sed -n 's/^fail_malloc: \([0-9]*\) allocations$/\1/p' "$dir/err")"
    [[ -n "${count[$phase]}" && "${count[$phase]}" -gt 0 ]] || fail "$phase: no allocation count"
done
total=$((count[run] + count[resume] + count[validate] + count[collect]))

# The points: all, or per command the first 200 and a stride over the rest (its share of the
# budget in proportion to its count).
points="$work/points"
: >"$points"
for phase in run resume validate collect; do
    c="${count[$phase]}"
    if [[ "${DLX_MALLOC_ALL:-0}" == 1 ]] || ((total <= budget)); then
        seq 1 "$c" | sed "s/^/$phase /" >>"$points"
        echo "$phase: $c allocations, every one tried"
        continue
    fi
    share=$((budget * c / total))
    head=$((share / 2 < 200 ? share / 2 : 200))
    stride=$(((c - head + share - head - 1) / (share - head > 0 ? share - head : 1)))
    { seq 1 "$head"; seq $((head + 1)) "$stride" "$c"; } | sed "s/^/$phase /" >>"$points"
    echo "$phase: $c allocations; tried 1..$head, then every $stride-th to $c" \
        "($(grep -c "^$phase " "$points") points)"
done

# Regression points: run N=389 exited 1 without a message (an arm not merged for lack of memory)
# and run N=2501 never ended (a checkpoint header padded forever once its buffer could not grow).
printf 'run %s\n' 389 2501 >>"$points"
sort -u -k1,1 -k2,2n -o "$points" "$points"
xargs -P 2 -L 1 bash "$here/malloc_failure.sh" --point <"$points" >"$work/results"
if grep '^FAIL' "$work/results" >&2; then
    fail "$(grep -c '^FAIL' "$work/results") of $(wc -l <"$points") points failed"
fi
[[ "$(wc -l <"$work/results")" == "$(wc -l <"$points")" ]] || fail "some points gave no result"
for phase in run resume validate collect; do
    echo "$phase: $(awk -v p="$phase" '$1 == p { n[$3]++ }
        END { printf "exit 0: %d, exit 1: %d, exit 2: %d", n[0], n[1], n[2] }' "$work/results")"
done
echo "$(wc -l <"$points") points passed"
