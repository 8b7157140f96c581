#!/usr/bin/env bash
# test_plot_uncertainty.sh — scripts/plot_uncertainty.py on a hand-written uncertainty.csv: it
# writes a PNG and an SVG whose text names the four panels and every arm, and fails with exit 2
# and a message on a file that is not an uncertainty.csv or does not exist.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_root="${DLX_SOURCE_ROOT:-$here/../..}"
script="$source_root/scripts/plot_uncertainty.py"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; failed=$((failed + 1)); fi; }

cat > "$work/uncertainty.csv" <<'CSV'
arm,method,seeds,n_models,n_masks,test_loss,test_acc,nll,ece,rmse,noise_sd,model_sd,cover50,cover90,truth_rmse,truth_cover50,truth_cover90
mc_low,mc_dropout,1,1,5,0.31,,0.86,,0.56,0.45,0.18,0.43,0.85,0.26,0.38,0.70
mc_low,mc_dropout,2,1,5,0.32,,0.87,,0.57,0.44,0.17,0.44,0.86,0.27,0.37,0.69
boot,ensemble,1 2 3,3,,0.32,,0.91,,0.57,0.39,0.24,0.41,0.82,0.33,0.45,0.82
CSV

/usr/bin/python3 "$script" "$work" -o "$work/fig" > "$work/out.txt"
check "png written" '[ "$(head -c 4 "$work/fig.png" | tail -c 3)" = "PNG" ] && [ "$(stat -c %s "$work/fig.png")" -gt 10000 ]'
check "prints both files" 'grep -q "fig.png" "$work/out.txt" && grep -q "fig.svg" "$work/out.txt"'
check "svg names the panels" 'grep -q "(a) coverage of y" "$work/fig.svg" && grep -q "(b) coverage of f(x)" "$work/fig.svg" && grep -q "(c) Gaussian NLL of y" "$work/fig.svg"'
check "svg names the arms" 'grep -q "mc_low" "$work/fig.svg" && grep -q "boot" "$work/fig.svg"'

set +e
echo "arm,seed" > "$work/bad.csv"
msg="$(/usr/bin/python3 "$script" "$work/bad.csv" 2>&1)"; status=$?
check "not an uncertainty.csv: exit 2" '[ $status -eq 2 ]'
check "not an uncertainty.csv: message" 'grep -q "not a dlx uncertainty.csv" <<< "$msg"'
msg="$(/usr/bin/python3 "$script" "$work/missing" 2>&1)"; status=$?
check "missing: exit 2" '[ $status -eq 2 ]'
set -e

[ "$failed" -eq 0 ] || exit 1
echo "plot_uncertainty: all checks passed"
