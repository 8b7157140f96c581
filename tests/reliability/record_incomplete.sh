#!/usr/bin/env bash
# record_incomplete.sh — every run finished, but the experiment stopped before its record was
# whole (running out of memory or space while writing summary.csv, after the last run's
# checkpoint): meta.yaml has `end: null` and summary.csv lacks rows. `--resume` must write the
# record again from the runs' own files, not take the folder for finished; a folder whose
# meta.yaml has its end time is left untouched. Prints "N passed".
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
write_exp "$work/exp.yaml" 2 "1, 2"
"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet --jobs 1 || fail "reference run"
[[ "$(wc -l <"$work/ref/summary.csv")" == 5 ]] || fail "reference summary.csv has not 4 rows"

# The stop while summary.csv was written: its last two rows gone, no end time.
cp -r "$work/ref" "$work/cut"
head -n 3 "$work/ref/summary.csv" >"$work/cut/summary.csv"
sed -i 's/^end: .*/end: null/' "$work/cut/meta.yaml"
"$dlx" run "$work/exp.yaml" --out "$work/cut" --quiet --jobs 1 --resume || fail "--resume failed"
cmp -s <(cut -d, -f1-11 "$work/cut/summary.csv") <(cut -d, -f1-11 "$work/ref/summary.csv") ||
    fail "summary.csv after --resume: $(cat "$work/cut/summary.csv")"
cmp -s <(without_wall "$work/cut/metrics.csv") <(without_wall "$work/ref/metrics.csv") ||
    fail "metrics.csv after --resume differs"
grep -Eq '^end: "[0-9]{4}-' "$work/cut/meta.yaml" || fail "meta.yaml has no end time after --resume"
passed=$((passed + 1))

# A finished folder: --resume changes no file.
before="$(cd "$work/ref" && find . -type f -newer exp.yaml 2>/dev/null | sort; md5sum summary.csv meta.yaml metrics.csv)"
"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet --jobs 1 --resume || fail "--resume of a finished folder"
after="$(cd "$work/ref" && find . -type f -newer exp.yaml 2>/dev/null | sort; md5sum summary.csv meta.yaml metrics.csv)"
[[ "$before" == "$after" ]] || fail "--resume of a finished folder changed files"
passed=$((passed + 1))
echo "$passed passed"
