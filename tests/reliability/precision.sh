#!/usr/bin/env bash
# precision.sh — `precision: float64` end to end (SPEC §10), by running the real dlx:
#   - a value other than float32/float64 is a located error (FILE:LINE:COL), exit 2, from
#     validate and run alike;
#   - a float64 run records `precision: float64` in meta.yaml and resolved.yaml, prints 17
#     significant digits, and its numbers differ from the float32 run's (it did run in double);
#   - an interrupted float64 run leaves an F64 checkpoint, and --resume gives the uninterrupted
#     float64 run's metrics.csv byte for byte (wall_s aside);
#   - --resume with the other precision is refused, exit 2, naming both precisions, either way;
#   - init: {from: ...} takes a checkpoint of the other precision, converts it and says so;
#   - --gemm onednn with float64 is refused (oneDNN has no double product).
# Prints "N passed"; exits non-zero on the first failure.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ok() { passed=$((passed + 1)); }

# exp FILE PRECISION [MORE]: the two-arm experiment of common.sh with a precision line.
exp() {
    write_exp "$1" 60 3
    sed -i "1a precision: $2" "$1"
    [[ -z "${3:-}" ]] || sed -i "s|^model: {|model: {$3|" "$1"
}

# 1. A bad value: the error points at the value, from validate and from run.
exp "$work/bad.yaml" float16
for cmd in validate run; do
    rc=0
    if [[ $cmd == run ]]; then
        "$dlx" run "$work/bad.yaml" --out "$work/bad" --quiet 2>"$work/err" || rc=$?
    else
        "$dlx" validate "$work/bad.yaml" 2>"$work/err" || rc=$?
    fi
    ((rc == 2)) || fail "$cmd of precision: float16 exited $rc, expected 2"
    grep -q "bad.yaml:2:12: error: .*float16" "$work/err" || fail "$cmd message: $(cat "$work/err")"
    grep -q "float32" "$work/err" && grep -q "float64" "$work/err" ||
        fail "$cmd message names no allowed value: $(cat "$work/err")"
done
[[ ! -e "$work/bad" ]] || fail "a refused experiment created its output folder"
ok

# 2. Recorded, printed in full, and really double.
exp "$work/e64.yaml" float64
exp "$work/e32.yaml" float32
"$dlx" run "$work/e64.yaml" --out "$work/ref64" --quiet || fail "float64 run"
"$dlx" run "$work/e32.yaml" --out "$work/ref32" --quiet || fail "float32 run"
grep -qx 'precision: float64' "$work/ref64/meta.yaml" || fail "meta.yaml: no 'precision: float64'"
grep -qx 'precision: float64' "$work/ref64/resolved.yaml" || fail "resolved.yaml: no 'precision: float64'"
grep -qx 'precision: float32' "$work/ref32/meta.yaml" || fail "meta.yaml: no 'precision: float32'"
loss64="$(awk -F, 'NR == 2 { print $5 }' "$work/ref64/metrics.csv")"
digits="$(printf '%s' "$loss64" | tr -d '.-' | sed 's/e.*//; s/^0*//')"
((${#digits} >= 15)) || fail "float64 train_loss printed with ${#digits} digits: $loss64"
cmp -s <(without_wall "$work/ref64/metrics.csv") <(without_wall "$work/ref32/metrics.csv") &&
    fail "float64 and float32 runs gave the same metrics"
python3 - "$work/ref64/metrics.csv" "$work/ref32/metrics.csv" <<'EOF' || fail "float32 and float64 disagree beyond float32's precision"
import csv, sys
a, b = (list(csv.DictReader(open(p))) for p in sys.argv[1:])
# the first evaluation (step 0, before any update): the same network in both precisions
r64, r32 = a[0], b[0]
rel = abs(float(r64["train_loss"]) - float(r32["train_loss"])) / abs(float(r64["train_loss"]))
assert 0 < rel < 1e-5, rel
EOF
ok

# 3. Interrupted float64: F64 checkpoint; resume equals the uninterrupted run.
out="$work/int64"
"$dlx" run "$work/e64.yaml" --out "$out" --quiet &
pid=$!
wait_rows "$out/metrics.csv" 4
kill -INT "$pid" 2>/dev/null || fail "the float64 run finished before the signal"
rc=0
wait "$pid" || rc=$?
((rc == 130)) || fail "SIGINT: exit $rc, expected 130"
ckpt="$(ls "$out"/runs/*/seed-3/checkpoint.safetensors | head -1)"
[[ -f "$ckpt" ]] || fail "no checkpoint after SIGINT"
header="$(head -c 4096 "$ckpt" | tr -d '\0' | strings | head -1)"
grep -q '"dtype":"F64"' <<<"$header" || fail "checkpoint of a float64 run is not F64: ${header:0:200}"
grep -q '"dtype":"F32"' <<<"$header" && fail "float64 checkpoint holds F32 tensors"
cp -r "$out" "$work/int64.copy"
"$dlx" run "$work/e64.yaml" --out "$out" --quiet --resume || fail "float64 resume"
cmp -s <(without_wall "$work/ref64/metrics.csv") <(without_wall "$out/metrics.csv") ||
    fail "float64 metrics.csv after resume differs from the uninterrupted run"
ok

# 4. Resume with the other precision: refused both ways, nothing changed.
rc=0
"$dlx" run "$work/e64.yaml" --out "$work/int64.copy" --quiet --resume --set precision=float32 \
    2>"$work/err" || rc=$?
((rc == 2)) || fail "float32 resume of a float64 folder exited $rc"
grep -q "started with precision float64, this run would use precision float32" "$work/err" ||
    fail "precision refusal: $(cat "$work/err")"
cp -r "$work/int64.copy" "$work/int32"
sed -i 's/^precision: float64$/precision: float32/' "$work/int32/meta.yaml"
rc=0
"$dlx" run "$work/e64.yaml" --out "$work/int32" --quiet --resume 2>"$work/err" || rc=$?
((rc == 2)) || fail "float64 resume of a float32 folder exited $rc"
grep -q "started with precision float32, this run would use precision float64" "$work/err" ||
    fail "precision refusal (float32 folder): $(cat "$work/err")"
ok

# 5. init from a checkpoint of the other precision: converted, and said once per arm.
exp "$work/from64.yaml" float32 "init: {from: $ckpt}, "
sed -i 's/^training: {epochs: 60/training: {epochs: 2/' "$work/from64.yaml"
"$dlx" run "$work/from64.yaml" --out "$work/from64" --quiet 2>"$work/err" || fail "init from F64: $(cat "$work/err")"
[[ "$(grep -c "F64 tensors converted to float32 for arm" "$work/err")" == 2 ]] ||
    fail "no (or repeated) conversion note for each arm: $(cat "$work/err")"
f32ckpt="$work/ref32/runs/a/seed-3/checkpoint.safetensors"
head -c 4096 "$f32ckpt" | strings | head -1 | grep -q '"dtype":"F32"' || fail "float32 checkpoint is not F32"
exp "$work/from32.yaml" float64 "init: {from: $f32ckpt}, "
sed -i 's/^training: {epochs: 60/training: {epochs: 2/' "$work/from32.yaml"
"$dlx" run "$work/from32.yaml" --out "$work/from32" --quiet 2>"$work/err" || fail "init from F32: $(cat "$work/err")"
[[ "$(grep -c "F32 tensors converted to float64 for arm" "$work/err")" == 2 ]] ||
    fail "no (or repeated) F32 conversion note for each arm: $(cat "$work/err")"
exp "$work/same.yaml" float64 "init: {from: $ckpt}, "
sed -i 's/^training: {epochs: 60/training: {epochs: 2/' "$work/same.yaml"
"$dlx" run "$work/same.yaml" --out "$work/same" --quiet 2>"$work/err" || fail "init from F64 in float64: $(cat "$work/err")"
grep -q "converted" "$work/err" && fail "a same-precision init printed a conversion note: $(cat "$work/err")"
ok

# 6. oneDNN has no double product: refused rather than recorded falsely.
rc=0
"$dlx" run "$work/e64.yaml" --out "$work/dnnl" --quiet --gemm onednn 2>"$work/err" || rc=$?
((rc == 2)) || fail "--gemm onednn with float64 exited $rc"
grep -q -- "--gemm onednn" "$work/err" || fail "onednn refusal: $(cat "$work/err")"
"$dlx" run "$work/e64.yaml" --out "$work/auto" --quiet --set training.epochs=1 || fail "auto float64"
grep -qx 'gemm: "auto/openblas"' "$work/auto/meta.yaml" || fail "float64 meta.yaml gemm: $(grep gemm "$work/auto/meta.yaml")"
ok

echo "$passed passed"
