#!/usr/bin/env bash
# test_plot_dropout_bn_order.sh — scripts/plot_dropout_bn_order.py and scripts/plot_bn_backward.py
# on small synthetic output folders: each writes a PNG and an SVG, their --table prints the last
# values per arm and seed, and a folder without the needed files fails with exit 2 and a message.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
order="$source_root/scripts/plot_dropout_bn_order.py"
backward="$source_root/scripts/plot_bn_backward.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; failed=$((failed + 1)); fi; }

mkdir -p "$work/run" "$work/empty"
{
    echo "arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,test_acc,gen_gap,objective,wall_s,variance_shift.bn1,variance_shift_sd.bn1,variance_shift.bn2,variance_shift_sd.bn2"
    echo "before,1,0,0,0.1,2.3,0.1,2.3,0.1,0,,0,1.5,0.1,1.4,0.1"
    echo "before,1,1,10,0.1,0.9,0.7,1.0,0.6,0.1,0.9,1,0.99,0.1,0.70,0.1"
    echo "before,1,2,20,0.1,0.7,0.8,0.9,0.7,0.2,0.7,2,0.98,0.1,0.65,0.1"
    echo "after,1,0,0,0.1,2.3,0.1,2.3,0.1,0,,0,1.5,0.1,1.4,0.1"
    echo "after,1,1,10,0.1,0.8,0.7,0.9,0.6,0.1,0.8,1,1.01,0.1,0.99,0.1"
    echo "after,1,2,20,0.1,0.6,0.8,0.8,0.7,0.2,0.6,2,1.00,0.1,0.97,0.1"
} > "$work/run/metrics.csv"
{
    echo "arm,seed,status,epochs_done,final_train_loss,final_test_loss,final_gen_gap,final_train_acc,final_test_acc,best_test_acc,best_epoch,wall_s"
    echo "before,1,ok,2,0.7,0.9,0.2,0.8,0.71,0.71,2,2"
    echo "after,1,ok,2,0.6,0.8,0.2,0.8,0.74,0.74,2,2"
} > "$work/run/summary.csv"

table="$(/usr/bin/python3 "$order" "$work/run" -o "$work/order" --table 2>/dev/null)"
check "order: png written" '[ "$(head -c 4 "$work/order.png" | tail -c 3)" = "PNG" ] && [ "$(stat -c %s "$work/order.png")" -gt 10000 ]'
check "order: svg has the panels" 'grep -q "variance shift at the end" "$work/order.svg" && grep -q "test accuracy, per seed" "$work/order.svg"'
check "order: table row" 'grep -q "^before,1,0.9800,0.6500,0.7100$" <<< "$table"'
check "order: table row after" 'grep -q "^after,1,1.0000,0.9700,0.7400$" <<< "$table"'

table="$(/usr/bin/python3 "$backward" "$work/run" -o "$work/backward" --table 2>/dev/null)"
check "backward: png written" '[ "$(head -c 4 "$work/backward.png" | tail -c 3)" = "PNG" ]'
check "backward: svg has both panels" 'grep -q "training loss (one line per seed)" "$work/backward.svg" && grep -q "test loss (one line per seed)" "$work/backward.svg"'
check "backward: table row" 'grep -q "^after,1,0.6000,0.8000,0.7400$" <<< "$table"'

set +e
msg="$(/usr/bin/python3 "$order" "$work/empty" -o "$work/x" 2>&1)"; status=$?
check "order, no metrics.csv: exit 2" '[ $status -eq 2 ]'
check "order, no metrics.csv: message" 'grep -q "metrics.csv: no such file" <<< "$msg"'
msg="$(/usr/bin/python3 "$backward" "$work/empty" -o "$work/x" 2>&1)"; status=$?
check "backward, no metrics.csv: exit 2" '[ $status -eq 2 ]'
set -e
exit $((failed > 0))
