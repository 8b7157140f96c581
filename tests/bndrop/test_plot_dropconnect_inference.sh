#!/usr/bin/env bash
# test_plot_dropconnect_inference.sh — scripts/plot_dropconnect_inference.py on a hand-written
# metrics.csv of both arms and two mask-sweep folders: it writes a PNG and an SVG whose text names
# the three panels, prints the paired differences and the S^(-1/2) slope (-0.5 for errors that
# fall by √10 per tenfold S), and fails with exit 2 and a message on a folder without the two
# arms or without a metrics.csv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
script="$source_root/scripts/plot_dropconnect_inference.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; failed=$((failed + 1)); fi; }

mkdir -p "$work/r" "$work/S10" "$work/S1000"
cat > "$work/r/metrics.csv" <<'CSV'
arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,test_acc,gen_gap,objective,wall_s
weight_scaling,1,0,0,0.01,2.3,0.1,2.3,0.1,0,,0
weight_scaling,1,1,50,0.01,0.9,0.7,1.0,0.68,0.1,0.9,1
moment_matching,1,0,0,0.01,2.31,0.1,2.32,0.1,0,,0
moment_matching,1,1,50,0.01,0.89,0.7,0.99,0.69,0.1,0.9,1
CSV
for S in 10 1000; do
  if [ "$S" = 10 ]; then e=0.1; else e=0.01; fi
  printf 'diagnostics: []\narms:\n  - name: weight_scaling\n    diagnostics: [{dropconnect_moments: %s}]\n' "$S" \
    > "$work/S$S/resolved.yaml"
  cat > "$work/S$S/metrics.csv" <<CSV
arm,seed,epoch,step,lr,train_loss,train_acc,test_loss,test_acc,gen_gap,objective,wall_s,dc_mean_rel_err.fc1,dc_var_rel_err.fc1,dc_mean_rel_err_rms.fc1,dc_var_rel_err_rms.fc1
weight_scaling,1,0,0,0.01,0.9,0.7,1.0,0.68,0.1,,0,$e,$e,$e,$e
CSV
done

/usr/bin/python3 "$script" "$work/r" --masks "$work/S10" "$work/S1000" -o "$work/fig" > "$work/out.txt"
check "png written" '[ "$(head -c 4 "$work/fig.png" | tail -c 3)" = "PNG" ] && [ "$(stat -c %s "$work/fig.png")" -gt 10000 ]'
check "prints both files" 'grep -q "fig.png" "$work/out.txt" && grep -q "fig.svg" "$work/out.txt"'
check "svg names the panels" 'grep -q "(a) test accuracy" "$work/fig.svg" && grep -q "(b) paired differences" "$work/fig.svg" && grep -q "(c) Monte Carlo" "$work/fig.svg"'
check "paired differences" 'grep -q "test loss -0.0100, test accuracy +0.0100" "$work/out.txt"'
check "slope -1/2" 'grep -q "fc1 mean: -0.500" "$work/out.txt"'

set +e
mkdir -p "$work/one"
head -3 "$work/r/metrics.csv" > "$work/one/metrics.csv"
msg="$(/usr/bin/python3 "$script" "$work/one" 2>&1)"; status=$?
check "one arm: exit 2" '[ $status -eq 2 ]'
check "one arm: message" 'grep -q "no seed with both arms" <<< "$msg"'
msg="$(/usr/bin/python3 "$script" "$work/missing" 2>&1)"; status=$?
check "missing: exit 2" '[ $status -eq 2 ]'
check "missing: message" 'grep -q "cannot read" <<< "$msg"'
set -e

[ "$failed" -eq 0 ] || exit 1
echo "plot_dropconnect_inference: all checks passed"
