#!/usr/bin/env bash
# compare_binaries.sh — run every config in configs/ with two dlx binaries and check that
# their results are byte-identical apart from the wall-clock column (wall_s).
#
# Usage: scripts/dev/compare_binaries.sh OLD_DLX NEW_DLX [CONFIG...]
#   Fashion-MNIST configs run reduced (2,000 training images, 2 epochs, seed 1); synthetic
#   ones run as written, seed 1. Compares metrics.csv, summary.csv and uncertainty.csv with
#   the wall_s column removed, and the solutions section of resolved.yaml.
# Exits 0 when every config agrees, 1 otherwise (the differing files are listed).
set -euo pipefail
cd "$(dirname "$0")/../.."
old="$1"; new="$2"; shift 2
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(configs/*.yaml)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Print a CSV file without its wall_s column.
strip_wall() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i }
             { out = ""; for (i = 1; i <= NF; i++) if (i != w) out = out (out == "" ? "" : ",") $i; print out }' "$1"
}

status=0
for cfg in "${configs[@]}"; do
    name="$(basename "$cfg" .yaml)"
    args=(--seeds 1 --quiet --jobs 2)
    if grep -q 'fashion-mnist' "$cfg"; then
        args+=(--set data.n_train=2000 --set training.epochs=2)
    fi
    for side in old new; do
        bin="$old"; [ "$side" = new ] && bin="$new"
        "$bin" run "$cfg" "${args[@]}" --out "$work/$side/$name" >"$work/$side-$name.log" 2>&1 \
            || { echo "compare: $side binary failed on $cfg:"; cat "$work/$side-$name.log"; status=1; }
    done
    for f in metrics.csv summary.csv uncertainty.csv growth.csv; do
        [ -e "$work/old/$name/$f" ] || [ -e "$work/new/$name/$f" ] || continue
        if ! cmp -s <(strip_wall "$work/old/$name/$f") <(strip_wall "$work/new/$name/$f"); then
            echo "compare: $name/$f differs"; status=1
        fi
    done
    if ! cmp -s <(sed -n '/^solutions:/,$p' "$work/old/$name/resolved.yaml") \
                <(sed -n '/^solutions:/,$p' "$work/new/$name/resolved.yaml"); then
        echo "compare: $name/resolved.yaml solutions differ"; status=1
    fi
    echo "compare: $name done"
done
[ $status -eq 0 ] && echo "compare: all ${#configs[@]} configs identical apart from wall_s"
exit $status
