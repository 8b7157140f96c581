#!/usr/bin/env bash
# test_plot_bn_conditioning.sh — scripts/plot_bn_conditioning.py on a synthetic metrics.csv with
# the input_covariance_condition columns (two arms, two seeds, an inf and an empty value): it
# writes a PNG and an SVG with a panel per deeper layer and the dead-units panel, its --table
# gives κ at step 0, the first evaluation, the middle and the end, max/min over the finite values
# after step 0 and the dead units at the end, and a metrics.csv without the columns fails with
# exit 2 and a message.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
script="$source_root/scripts/plot_bn_conditioning.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; failed=$((failed + 1)); fi; }

base="arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,test_acc,gen_gap,objective,wall_s"
mkdir -p "$work/run" "$work/plain"
{
    echo "$base,cov_condition.fc1,cov_condition.fc2,cov_condition.out,cov_condition_live.fc1,cov_condition_live.fc2,cov_condition_live.out,constant_units.fc1,constant_units.fc2,constant_units.out"
    for seed in 1 2; do
        echo "no_bn,$seed,0,0,0.1,2,0.1,2,0.1,0,,0,50,10,inf,50,10,1e6,0,0,1"
        echo "no_bn,$seed,0,50,0.1,1,0.5,1,0.5,0,1,1,50,100,inf,50,100,inf,0,0,2"
        echo "no_bn,$seed,1,100,0.1,1,0.6,1,0.6,0,1,2,50,1000,300,50,1000,300,0,0,0"
        echo "bn,$seed,0,0,0.1,2,0.1,2,0.1,0,,0,50,10,inf,50,10,1e6,0,0,1"
        echo "bn,$seed,0,50,0.1,1,0.7,1,0.7,0,1,1,50,500,400,50,500,400,0,0,0"
        echo "bn,$seed,1,100,0.1,1,0.8,1,0.8,0,1,2,50,600,,50,600,,0,0,0"
    done
} > "$work/run/metrics.csv"
echo "$base" > "$work/plain/metrics.csv"

table="$(/usr/bin/python3 "$script" "$work/run" -o "$work/fig" --table 2>/dev/null)"
check "png written" '[ "$(head -c 4 "$work/fig.png" | tail -c 3)" = "PNG" ] && [ "$(stat -c %s "$work/fig.png")" -gt 10000 ]'
check "svg has the layer panels" 'grep -q "inputs of fc2" "$work/fig.svg" && grep -q "inputs of out" "$work/fig.svg" && grep -q "dead units" "$work/fig.svg"'
check "table: fc2 moves 10x" 'grep -q "^no_bn seed 1 fc2: step0 10 step50 100 step50 100 step100 1e+03 max/min 10 dead_end 0$" <<< "$table"'
check "table: inf left out of max/min" 'grep -q "^no_bn seed 2 out: step0 1e+06 step50 inf step50 inf step100 300 max/min 1 dead_end 0$" <<< "$table"'
check "table: empty left out" 'grep -q "^bn seed 1 out: step0 1e+06 step50 400 step50 400 step100 nan max/min 1 dead_end 0$" <<< "$table"'

set +e
msg="$(/usr/bin/python3 "$script" "$work/plain" -o "$work/x" 2>&1)"; status=$?
check "no columns: exit 2" '[ $status -eq 2 ]'
check "no columns: message" 'grep -q "no input_covariance_condition columns" <<< "$msg"'
set -e
exit $((failed > 0))
