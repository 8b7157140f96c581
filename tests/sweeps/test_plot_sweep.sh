#!/usr/bin/env bash
# scripts/plot_sweep.py on the stats of a small grid: line plot (log axis for a learning
# rate spanning two decades), heat map, and its usage errors.
source "$(dirname "$0")/common.sh"
/usr/bin/python3 -c 'import matplotlib, numpy' 2> /dev/null ||
    { echo "skip: /usr/bin/python3 lacks matplotlib or numpy"; exit 77; }
script="$DLX_SOURCE_ROOT/scripts/plot_sweep.py"
sed 's/optimizer.lr: \[0.01, 1.0\]/optimizer.lr: [0.01, 0.1, 1.0]/' grid.yaml > g3.yaml
"$DLX_BIN" run g3.yaml --out r --threads 1 --quiet
"$DLX_BIN" summarize r -o stats.csv > /dev/null
out=$(/usr/bin/python3 "$script" stats.csv -o line)
[ "$out" = "wrote line.png and line.svg: final_test_acc against optimizer.lr (log x axis), 4 lines" ] || fail "$out"
[ "$(head -c 4 line.png | od -An -c | tr -d ' ')" = "211PNG" ] || fail "line.png is not a PNG"
grep -q "plain, model.dropout=0.5" line.svg || fail "no legend entry in line.svg"
out=$(/usr/bin/python3 "$script" stats.csv --x model.dropout --metric best_test_acc -o drop)
[ "$out" = "wrote drop.png and drop.svg: best_test_acc against model.dropout (linear x axis), 6 lines" ] || fail "$out"
out=$(/usr/bin/python3 "$script" stats.csv --heatmap -o heat)
[ "$out" = "wrote heat.png and heat.svg: heat map of final_test_acc over optimizer.lr x model.dropout, 2 arms" ] || fail "$out"
set +e
/usr/bin/python3 "$script" stats.csv --x optimizer.momentum > /dev/null 2> err1.txt; c1=$?
/usr/bin/python3 "$script" r/summary.csv > /dev/null 2> err2.txt; c2=$?
set -e
[ $c1 -eq 2 ] && grep -q "not a swept key (the swept keys are: optimizer.lr, model.dropout)" err1.txt || fail "$(cat err1.txt)"
[ $c2 -eq 2 ] && grep -q "not the CSV of dlx summarize" err2.txt || fail "$(cat err2.txt)"
echo "ok"
