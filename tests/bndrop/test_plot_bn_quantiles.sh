#!/usr/bin/env bash
# test_plot_bn_quantiles.sh — scripts/plot_bn_quantiles.py on a synthetic metrics.csv: it writes
# a PNG and an SVG whose text names the panels and the layer, picks the last hidden layer by
# default, adds the per-unit row (d)-(f) with unit_quantiles columns, and fails with exit 2
# and a message without act_quantiles columns, with a wrong arm or a unit beyond K.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
script="$source_root/scripts/plot_bn_quantiles.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; failed=$((failed + 1)); fi; }

fixed="arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,test_acc,gen_gap,objective,wall_s"
{
    echo "$fixed,act_q15.fc1,act_q50.fc1,act_q85.fc1,act_q15.fc2,act_q50.fc2,act_q85.fc2"
    for arm in no_bn bn; do
        for seed in 1 2; do
            for step in 0 50 100 150; do
                echo "$arm,$seed,$step,$step,0.5,1,0.5,1,0.$((step / 50 + 5)),0,,1,-1,0,1,-2,0.$seed,2"
            done
        done
    done
} > "$work/metrics.csv"

/usr/bin/python3 "$script" "$work" -o "$work/fig"
check "png written" '[ "$(head -c 4 "$work/fig.png" | tail -c 3)" = "PNG" ] && [ "$(stat -c %s "$work/fig.png")" -gt 10000 ]'
check "svg names the last layer" 'grep -q "sigmoids of fc2" "$work/fig.svg"'
check "svg has both arms" 'grep -q "no_bn: 15/50/85th percentiles" "$work/fig.svg" && grep -q "(c) bn" "$work/fig.svg"'

# With unit_quantiles columns (K = 2) as well: the second row, unit 1 on request, and a unit
# beyond K refused.
{
    echo "$fixed,act_q15.fc1,act_q50.fc1,act_q85.fc1,unit_q15.fc1.u0,unit_q50.fc1.u0,unit_q85.fc1.u0,unit_q15.fc1.u1,unit_q50.fc1.u1,unit_q85.fc1.u1,unit_drift.fc1"
    for arm in no_bn bn; do
        for seed in 1 2; do
            for step in 0 50 100 150; do
                echo "$arm,$seed,$step,$step,0.5,1,0.5,1,0.6,0,,1,-1,0,1,-3,0,3,-1,0.5,2,0.$((step / 50))"
            done
        done
    done
} > "$work/units.csv"
/usr/bin/python3 "$script" "$work/units.csv" --unit 1 -o "$work/units"
check "per-unit panels" 'grep -q "input to unit 1 of fc1" "$work/units.svg" && grep -q "(d) no_bn" "$work/units.svg" && grep -q "(e) bn" "$work/units.svg"'
check "drift panel" 'grep -q "(f) mean per-unit drift of fc1" "$work/units.svg"'
check "no second row without unit columns" '! grep -q "per-unit drift" "$work/fig.svg"'

set +e
msg="$(/usr/bin/python3 "$script" "$work/units.csv" --unit 2 -o "$work/y" 2>&1)"; status=$?
check "unit beyond K: exit 2" '[ $status -eq 2 ]'
check "unit beyond K: message" 'grep -q "no column unit_q15.fc1.u2" <<< "$msg"'
cut -d, -f1-12 "$work/metrics.csv" > "$work/plain.csv"
msg="$(/usr/bin/python3 "$script" "$work/plain.csv" 2>&1)"; status=$?
check "no act_quantiles: exit 2" '[ $status -eq 2 ]'
check "no act_quantiles: message" 'grep -q "no act_q50.<layer> column" <<< "$msg"'
msg="$(/usr/bin/python3 "$script" "$work" --arms no_bn,bnn -o "$work/x" 2>&1)"; status=$?
check "unknown arm: exit 2" '[ $status -eq 2 ]'
check "unknown arm: message" 'grep -q "no arm .bnn.; the file has bn, no_bn" <<< "$msg"'
set -e

echo "$failed failed"
[ "$failed" -eq 0 ]
