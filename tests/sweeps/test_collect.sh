#!/usr/bin/env bash
# dlx sweep --emit commands, dlx collect and dlx summarize against a local run.
source "$(dirname "$0")/common.sh"

"$DLX_BIN" run grid.yaml --out local --threads 1 --quiet

# One line per point, each a self-contained dlx run.
"$DLX_BIN" sweep grid.yaml --emit commands --out pts --threads 1 > cmds.txt
[ "$(wc -l < cmds.txt)" -eq 4 ] || fail "expected 4 command lines, got $(wc -l < cmds.txt)"
grep -q -- "--point 3 --out pts/p3\$" cmds.txt || fail "no line for point 3: $(cat cmds.txt)"
sh cmds.txt

# Collected points (named p0..p3: natural order) equal the local run's rows.
"$DLX_BIN" collect pts -o merged.csv 2> collect.err
[ ! -s collect.err ] || fail "unexpected warnings: $(cat collect.err)"
cmp <(without_wall local/metrics.csv) <(without_wall merged.csv) || fail "collect differs from a local run"
"$DLX_BIN" collect pts --runs -o runs.csv
cmp <(without_wall local/summary.csv) <(without_wall runs.csv) || fail "collect --runs differs from summary.csv"

# summarize: mean, sd and the t interval (t_{0.975,2} = 4.302652730) of 3 seeds.
"$DLX_BIN" summarize pts --csv > stats.csv
[ "$(wc -l < stats.csv)" -eq 9 ] || fail "expected 8 groups: $(cat stats.csv)"
awk -F, 'NR > 1 && $1 == "l2" && $13 == "1.0" && $14 == "0.5" { print $9 }' local/summary.csv > acc.txt
[ "$(wc -l < acc.txt)" -eq 3 ] || fail "expected 3 seeds of l2 at lr 1.0, dropout 0.5"
want=$(awk '{ s += $1; x[NR] = $1 } END { m = s / NR; for (i in x) v += (x[i] - m)^2; sd = sqrt(v / (NR - 1));
            printf "%.9g %.9g %.9g", m, sd, m + 4.302652730 * sd / sqrt(NR) }' acc.txt)
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } $1 == "l2" && $2 == "1.0" && $3 == "0.5" {
            print $c["final_test_acc_mean"], $c["final_test_acc_sd"], $c["final_test_acc_ci95_high"] }' stats.csv)
awk -v w="$want" -v g="$got" 'BEGIN { split(w, a, " "); split(g, b, " ");
    for (i = 1; i <= 3; i++) if ((a[i] - b[i])^2 > 1e-12 * (1 + a[i]^2)) exit 1 }' ||
    fail "summarize: want mean, sd, ci_high $want, got $got"
"$DLX_BIN" summarize pts > table.txt
grep -q "^l2 .* 1.0 .* 0.5 .* 3 " table.txt || fail "readable table lacks the l2 row: $(cat table.txt)"

# A shell sweep: --set values become a column, no warnings.
for lr in 0.05 0.5; do
    "$DLX_BIN" run grid.yaml --set 'sweep={}' --set optimizer.lr=$lr --seeds 1 --out shell/lr-$lr \
        --threads 1 --quiet
done
"$DLX_BIN" collect shell/lr-0.05 shell/lr-0.5 --runs -o shell.csv
head -1 shell.csv | grep -q ",optimizer.lr\$" || fail "no optimizer.lr column: $(head -1 shell.csv)"
[ "$(cut -d, -f1,13 shell.csv | tr '\n' ' ')" = "arm,optimizer.lr plain,0.05 l2,0.05 plain,0.5 l2,0.5 " ] ||
    fail "shell sweep rows: $(cat shell.csv)"

# A different experiment (a file edited, not --set) is refused, naming the key.
sed 's/epochs: 2/epochs: 1/' grid.yaml > other.yaml
"$DLX_BIN" run other.yaml --set 'sweep={}' --seeds 1 --out other --threads 1 --quiet
set +e
"$DLX_BIN" collect shell/lr-0.05 other > /dev/null 2> mixed.err
code=$?
set -e
[ $code -eq 2 ] || fail "mixing experiments: exit $code, want 2"
grep -q "hold different experiments: 'training.epochs' is 2 in one and 1 in the other" mixed.err ||
    fail "mixing message: $(cat mixed.err)"
"$DLX_BIN" collect shell/lr-0.05 other --allow-mixed --runs -o mixed.csv
head -1 mixed.csv | grep -q ",training.epochs" ||
    fail "--allow-mixed has no training.epochs column"

# Unfinished runs and missing points are named.
rm pts/p1/summary.csv
rm -r pts/p2
"$DLX_BIN" collect pts -o partial.csv 2> partial.err
grep -q "pts/p1: warning: unfinished run (point 1, arm l2, seed 3)" partial.err || fail "$(cat partial.err)"
grep -q "warning: sweep point 2 has no output folder" partial.err || fail "$(cat partial.err)"

# Errors: a bad sweep key is located, in sweep as in run.
sed 's/model.dropout:/model.dropuot:/' grid.yaml > bad.yaml
set +e
"$DLX_BIN" sweep bad.yaml --emit commands > /dev/null 2> bad.err
code=$?
set -e
[ $code -eq 2 ] || fail "bad sweep key: exit $code"
grep -q "^bad.yaml:13:9: error: unknown key 'dropuot' in sweep key 'model.dropuot'; did you mean 'dropout'?" bad.err ||
    fail "bad key message: $(cat bad.err)"
# SIGUSR1 (Slurm's --signal=B:USR1@T before a time limit) stops a run like SIGTERM: the
# run is recorded as interrupted and dlx exits 128 + SIGUSR1 = 138.
"$DLX_BIN" run grid.yaml --set 'sweep={}' --set training.epochs=100000 --seeds 1 --arms plain \
    --out long --threads 1 --quiet &
pid=$!
for _ in $(seq 200); do [ "$(wc -l 2> /dev/null < long/metrics.csv || echo 0)" -ge 3 ] && break; sleep 0.05; done
kill -USR1 $pid
set +e
wait $pid
code=$?
set -e
[ $code -eq 138 ] || fail "after SIGUSR1: exit $code, want 138"
[ "$(cut -d, -f3 long/summary.csv | tail -1)" = interrupted ] || fail "summary: $(cat long/summary.csv)"
echo "ok"
