#!/usr/bin/env bash
# test_plot_factorization.sh — scripts/plot_factorization.py on the folders that
# configs/factorization_certificate.yaml, configs/grow_rank.yaml and configs/homogeneity.yaml write
# (reduced: seeds 1–2, fewer epochs): each figure is written (PNG magic bytes, SVG with its axis labels) and the
# printed tables have one row per run, or per rank tried, with the values of the CSV files.
# Prints "N passed, M failed"; exits non-zero when anything failed.
set -euo pipefail
source_root="${DLX_SOURCE_ROOT:-$(dirname "$0")/../..}"
dlx="${DLX_BIN:?DLX_BIN names the dlx program}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {
    local name="$1"
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}

"$dlx" run "$source_root/configs/factorization_certificate.yaml" --out "$work/fc" --seeds 1,2 \
    --set training.epochs=1500 --quiet
/usr/bin/python3 "$source_root/scripts/plot_factorization.py" certificate "$work/fc" -o "$work/fc_fig" \
    >"$work/fc.md"
check "certificate png" bash -c "head -c 8 '$work/fc_fig.png' | od -An -c | grep -q 'P   N   G'"
check "certificate svg labels" grep -q 'cert_ratio' "$work/fc_fig.svg"
check "certificate rows" test "$(grep -c '^| \(full\|completion\) |' "$work/fc.md")" -eq 4
final_cert="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
                        $1 == "full" && $2 == 1 && $3 == 1500 { print $c["cert_ratio"] }' "$work/fc/metrics.csv")"
check "certificate value quoted" grep -q "^| full | 1 | .* | $final_cert |" "$work/fc.md"

"$dlx" run "$source_root/configs/grow_rank.yaml" --out "$work/gr" --seeds 1,2 --quiet
/usr/bin/python3 "$source_root/scripts/plot_factorization.py" grow_rank "$work/gr" -o "$work/gr_fig" \
    >"$work/gr.md"
check "grow_rank png" bash -c "head -c 8 '$work/gr_fig.png' | od -An -c | grep -q 'P   N   G'"
check "grow_rank svg labels" grep -q 'rank r' "$work/gr_fig.svg"
check "grow_rank one row per rank tried" \
    test "$(grep -c '^| [12] |' "$work/gr.md")" -eq "$(($(wc -l <"$work/gr/growth.csv") - 1))"

"$dlx" run "$source_root/configs/homogeneity.yaml" --out "$work/ho" --seeds 1,2 \
    --set training.epochs=2000 --set training.eval_every=1000 --quiet
/usr/bin/python3 "$source_root/scripts/plot_factorization.py" homogeneity "$work/ho" -o "$work/ho_fig" \
    >"$work/ho.md"
check "homogeneity png" bash -c "head -c 8 '$work/ho_fig.png' | od -An -c | grep -q 'P   N   G'"
check "homogeneity svg labels" grep -q 'polar_ratio' "$work/ho_fig.svg"
check "homogeneity one row per run" test "$(grep -c '^| \(matched\|l1\|deep_l2\) | [12] | [0-9.e+-]* |' "$work/ho.md")" -eq 6
check "homogeneity one summary row per arm" \
    test "$(grep -c '^| \(matched\|l1\|deep_l2\) | 2 | [0-2]/2 |' "$work/ho.md")" -eq 3
final_ratio="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
                         $1 == "deep_l2" && $2 == 2 && $3 == 2000 { printf "%.6g", $c["polar_ratio"] }' \
               "$work/ho/metrics.csv")"
check "homogeneity value quoted" grep -q "^| deep_l2 | 2 | .* | $final_ratio | " "$work/ho.md"

echo "$passed passed, $failed failed"
((failed == 0))
