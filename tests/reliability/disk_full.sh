#!/usr/bin/env bash
# disk_full.sh — a write that fails for lack of space: one message naming the file, exit 1,
# every file written before intact (whole lines, resolved.yaml as it should be), and --resume
# once there is room again gives the uninterrupted run's metrics.csv.
# The limit is RLIMIT_FSIZE (`ulimit -f`, EFBIG, needs no privileges), at several sizes so that
# each kind of file is the first to fail; as root with mount available, also a 64 KiB tmpfs
# (ENOSPC). Prints "N passed".
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mounted=""
cleanup() {
    [[ -z "$mounted" ]] || umount "$mounted" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/exp.yaml" <<'YAML'
experiment: full
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 400, n_test: 100, dim: 5,
       classes: 3, separation: 3.0, seed: 1}
model: {type: mlp, hidden: [6], activation: tanh}
optimizer: {type: adam, lr: 0.01}
training: {epochs: 12, batch_size: 20, eval_every: 2}
YAML
"$dlx" run "$work/exp.yaml" --out "$work/ref" --quiet || fail "reference run"

# check_failed OUT HOW: the failed run's folder holds only whole, correct data.
check_failed() {
    local out="$1" how="$2" err="$3" rc="$4"
    ((rc == 1)) || fail "$how: exit $rc, expected 1"
    [[ "$(wc -l <"$err")" == 1 ]] || fail "$how: expected one message, got: $(cat "$err")"
    grep -Eq "^$out/[^:]+: error: cannot (write|create|truncate)[^:]*: (File too large|No space left on device)\$" \
        "$err" || fail "$how: message does not name a file of the output folder: $(cat "$err")"
    if [[ -e "$out/resolved.yaml" ]]; then
        cmp -s <(grep -v '^output:' "$out/resolved.yaml") \
            <(grep -v '^output:' "$work/ref/resolved.yaml") || fail "$how: resolved.yaml damaged"
    fi
    for f in "$out"/metrics.csv "$out"/runs/*/*/metrics.csv "$out/summary.csv"; do
        [[ -e "$f" ]] || continue
        [[ ! -s "$f" || "$(tail -c 1 "$f")" == "" ]] || fail "$how: $f ends with a partial line"
        # every row is a row of the reference (apart from wall_s)
        local ref="$work/ref/${f#"$out/"}"
        [[ "$f" == */summary.csv ]] && continue
        local extra
        extra="$(comm -23 <(without_wall "$f" | sort) <(without_wall "$ref" | sort))"
        [[ -z "$extra" ]] || fail "$how: $f has rows the reference lacks: $extra"
    done
}

for kib in 1 2 8 20; do
    out="$work/limit$kib"
    rc=0
    (trap '' XFSZ; ulimit -f "$kib"; exec "$dlx" run "$work/exp.yaml" --out "$out" --quiet) \
        2>"$work/err" || rc=$?
    check_failed "$out" "ulimit -f $kib" "$work/err" "$rc"
    echo "ulimit -f $kib: $(cat "$work/err")"
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet --resume || fail "resume after ulimit -f $kib"
    cmp -s <(without_wall "$work/ref/metrics.csv") <(without_wall "$out/metrics.csv") ||
        fail "ulimit -f $kib: metrics.csv after --resume differs"
    passed=$((passed + 1))
done

if [[ "$(id -u)" == 0 ]] && mkdir -p "$work/tmpfs" &&
    mount -t tmpfs -o size=64k tmpfs "$work/tmpfs" 2>/dev/null; then
    mounted="$work/tmpfs"
    out="$mounted/o"
    rc=0
    "$dlx" run "$work/exp.yaml" --out "$out" --quiet 2>"$work/err" || rc=$?
    check_failed "$out" "64 KiB tmpfs" "$work/err" "$rc"
    [[ -z "$(find "$out" -name '*.tmp*')" ]] || fail "tmpfs: temporary files left behind"
    passed=$((passed + 1))
else
    echo "(not root or no mount: the tmpfs case is skipped)"
fi
echo "$passed passed"
