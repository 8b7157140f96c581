#!/usr/bin/env bash
# test_plot_bn_learning_rates.sh — scripts/plot_bn_learning_rates.py on two synthetic sweep
# summaries: it writes a PNG and an SVG with both panels, its --table names each run's status
# (ok, diverged from summary.csv, stalled within 0.05 of chance), and a folder without a sweep
# column fails with exit 2 and a message.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
script="$source_root/scripts/plot_bn_learning_rates.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; failed=$((failed + 1)); fi; }

head="arm,seed,status,epochs_done,final_train_loss,final_test_loss,final_gen_gap,final_train_acc,final_test_acc,best_test_acc,best_epoch,wall_s"
mkdir -p "$work/lr" "$work/init" "$work/plain"
{
    echo "$head,optimizer.lr"
    echo "no_bn,1,ok,3,1,1,0,0.5,0.6,0.62,3,1,0.1"
    echo "no_bn,1,diverged,1,nan,nan,nan,0.1,nan,0.1,0,1,10.0"
    echo "bn,1,ok,3,1,1,0,0.5,0.8,0.8,3,1,0.1"
    echo "bn,1,ok,3,1,1,0,0.5,0.75,0.77,3,1,10.0"
} > "$work/lr/summary.csv"
{
    echo "$head,model.init.std"
    echo "no_bn,1,ok,3,1,1,0,0.5,0.12,0.13,3,1,0.01"
    echo "no_bn,1,ok,3,1,1,0,0.5,0.7,0.7,3,1,1.0"
    echo "bn,1,ok,3,1,1,0,0.5,0.78,0.78,3,1,0.01"
    echo "bn,1,ok,3,1,1,0,0.5,0.76,0.76,3,1,1.0"
} > "$work/init/summary.csv"
echo "$head" > "$work/plain/summary.csv"

table="$(/usr/bin/python3 "$script" "$work/lr" "$work/init" -o "$work/fig" --table 2>/dev/null)"
check "png written" '[ "$(head -c 4 "$work/fig.png" | tail -c 3)" = "PNG" ] && [ "$(stat -c %s "$work/fig.png")" -gt 10000 ]'
check "svg has both panels" 'grep -q "accuracy against the learning rate" "$work/fig.svg" && grep -q "accuracy against the init std" "$work/fig.svg"'
check "table: diverged" 'grep -q "^optimizer.lr=10.0 no_bn: nan/0.1000 diverged$" <<< "$table"'
check "table: stalled" 'grep -q "^model.init.std=0.01 no_bn: 0.1200/0.1300 stalled$" <<< "$table"'
check "table: ok" 'grep -q "^optimizer.lr=10.0 bn: 0.7500/0.7700 ok$" <<< "$table"'

set +e
msg="$(/usr/bin/python3 "$script" "$work/plain" "$work/init" -o "$work/x" 2>&1)"; status=$?
check "no sweep column: exit 2" '[ $status -eq 2 ]'
check "no sweep column: message" 'grep -q "not the summary.csv of a sweep" <<< "$msg"'
set -e
exit $((failed > 0))
