#!/usr/bin/env bash
# run_main.sh — the main experiment end to end: set up and build (scripts/setup.sh), run
# configs/bn_vs_nobn.yaml (batch normalization vs none, Ioffe & Szegedy 2015, figure 1, on
# Fashion-MNIST), plot its learning curves, and print where the results are.
#
# Usage: scripts/run_main.sh [DLX_RUN_OPTION...]   e.g. scripts/run_main.sh --jobs 2
#   The options go to `dlx run` (SPEC §1). --force is always given, so that running this
#   script again replaces the previous results instead of refusing to overwrite them, and
#   --jobs N with N the number of cores (one BLAS thread per run: the runs are small, and
#   running them side by side beats threading each), unless the options name --jobs.
set -euo pipefail

cd "$(dirname "$0")/.."

config=configs/bn_vs_nobn.yaml
results=results/bn_vs_nobn
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do  # follow an --out given to dlx run
    case "${args[i]}" in
        --out) results="${args[i + 1]:-$results}" ;;
        --out=*) results="${args[i]#--out=}" ;;
    esac
done

case " ${args[*]} " in
    *" --jobs "* | *" --jobs="*) ;;
    *) args+=(--jobs "$(nproc)") ;;
esac

bash scripts/setup.sh
echo "run_main: dlx run $config --force${args[*]:+ ${args[*]}}" >&2
build/dlx run "$config" --force "${args[@]}"
echo "run_main: plot_metrics.py $results" >&2
/usr/bin/python3 scripts/plot_metrics.py "$results" --force >/dev/null

echo "metrics: $results/metrics.csv"
echo "summary: $results/summary.csv"
echo "figures: $results/metrics.png $results/metrics.svg"
