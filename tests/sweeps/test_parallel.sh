#!/usr/bin/env bash
# dlx sweep --emit commands | parallel -j2 --joblog: a failed point is reported in the
# joblog and rerun alone; the collected result equals a local run (apart from wall_s).
# Installs Debian's parallel when missing (as root); skipped (77) when it cannot.
source "$(dirname "$0")/common.sh"
if ! command -v parallel > /dev/null; then
    [ "$(id -u)" -eq 0 ] && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends parallel \
        > apt.log 2>&1 || { echo "skip: GNU parallel is not installed and cannot be"; exit 77; }
fi

"$DLX_BIN" run grid.yaml --out local --threads 1 --quiet
set +e
"$DLX_BIN" sweep grid.yaml --emit commands --out pts --threads 1 > cmds.txt
# Point 2 fails: its folder holds results (written after the lines were emitted, which
# dlx sweep would have refused), and dlx run refuses it (exit 2).
mkdir -p pts/p2 && echo "arm" > pts/p2/metrics.csv
# dlx sweep itself now refuses, at emit time, naming the folder; --resume passes through.
"$DLX_BIN" sweep grid.yaml --emit commands --out pts --threads 1 > refused.txt 2> refused.err
[ $? -eq 2 ] || fail "dlx sweep emitted lines for a point folder holding results"
grep -q "output folder 'pts/p2' already holds results" refused.err || fail "$(cat refused.err)"
[ ! -s refused.txt ] || fail "a refused dlx sweep wrote lines"
"$DLX_BIN" sweep grid.yaml --emit commands --out pts --threads 1 --resume > resumed.txt ||
    fail "dlx sweep --resume refused"
grep -q -- "--threads 1 --resume --point 0 --out pts/p0$" resumed.txt || fail "--resume not passed: $(cat resumed.txt)"
parallel -j2 --joblog joblog.tsv < cmds.txt > parallel.out 2> parallel.err
code=$?
set -e
[ $code -eq 1 ] || fail "parallel should report 1 failed job, exit $code"
failed=$(awk -F'\t' 'NR > 1 && $7 != 0 { print $7 " " $9 }' joblog.tsv)
echo "$failed" | grep -q "^2 .* --point 2 --out pts/p2\$" || fail "joblog: $(cat joblog.tsv)"
grep -q "output folder 'pts/p2' already holds results" parallel.err || fail "$(cat parallel.err)"
"$DLX_BIN" collect pts > /dev/null 2> collect.err
grep -q "pts/p2: error" collect.err || grep -q "sweep point 2 has no output folder" collect.err ||
    fail "collect does not name point 2: $(cat collect.err)"

# Rerun the failed point alone, from the joblog.
rm -r pts/p2
parallel --resume-failed -j2 --joblog joblog.tsv < cmds.txt
[ "$(awk -F'\t' 'NR > 1 && $7 == 0' joblog.tsv | wc -l)" -eq 4 ] || fail "rerun: $(cat joblog.tsv)"
"$DLX_BIN" collect pts -o merged.csv 2> collect.err
[ ! -s collect.err ] || fail "warnings after the rerun: $(cat collect.err)"
cmp <(without_wall local/metrics.csv) <(without_wall merged.csv) || fail "parallel differs from a local run"
echo "ok"
