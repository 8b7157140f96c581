#!/usr/bin/env bash
# Zipped sweeps: sweep: {zip: {a: [..], b: [..]}} pairs the lists; the group is one axis.
source "$(dirname "$0")/common.sh"
cat > zip.yaml <<'YAML'
experiment: zipdemo
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 100, n_test: 50, dim: 4, classes: 2}
model: {type: mlp, hidden: [8], activation: relu}
training: {epochs: 1, batch_size: 20}
sweep:
  model.dropout: [0.0, 0.5]
  zip:
    optimizer.lr: [0.01, 0.1, 1.0]
    training.batch_size: [10, 20, 50]
YAML
# Round trip: the resolved file keeps the group and reads back to the same text.
"$DLX_BIN" validate zip.yaml > once.yaml
"$DLX_BIN" validate once.yaml | cmp - once.yaml || fail "zip sweep does not round-trip"
tail -4 once.yaml | tr '\n' '|' | grep -qF "  zip:|    optimizer.lr: [0.01, 0.1, 1.0]|    training.batch_size: [10, 20, 50]|" ||
    fail "resolved sweep: $(tail -5 once.yaml)"
# 2 x 3 points, the pairs kept, the zip group varying fastest (it comes last).
"$DLX_BIN" run zip.yaml --out z --threads 1 --quiet
got=$(awk -F, 'NR > 1 && $2 == 1 { printf "%s/%s/%s ", $13, $14, $15 }' z/summary.csv)
[ "$got" = "0.0/0.01/10 0.0/0.1/20 0.0/1.0/50 0.5/0.01/10 0.5/0.1/20 0.5/1.0/50 " ] || fail "points: $got"
[ "$("$DLX_BIN" sweep zip.yaml --emit commands --out pz | wc -l)" -eq 6 ] || fail "expected 6 commands"
# Errors, located: unequal lengths; a zip that is not a mapping; a bad value in one pair.
sed 's/training.batch_size: \[10, 20, 50\]/training.batch_size: [10, 20]/' zip.yaml > bad1.yaml
printf 'experiment: z\ndata: {source: synthetic, kind: linear, n_train: 10, n_test: 5, dim: 2}\nmodel: {type: linear}\nsweep:\n  zip: [1, 2]\n' > bad2.yaml
printf 'experiment: z\ndata: {source: synthetic, kind: linear, n_train: 10, n_test: 5, dim: 2}\nmodel: {type: linear}\nsweep:\n  zip:\n    optimizer.lr: [0.1, -1.0]\n    training.epochs: [1, 2]\n' > bad3.yaml
for f in bad1 bad2 bad3; do
    set +e
    "$DLX_BIN" validate $f.yaml > /dev/null 2> $f.err
    code=$?
    set -e
    [ $code -eq 2 ] || fail "$f: exit $code"
done
grep -qx "bad1.yaml:10:26: error: zipped sweep lists must have the same length: 'training.batch_size' has 2 values, 'optimizer.lr' has 3" bad1.err || fail "$(cat bad1.err)"
grep -qx "bad2.yaml:5:8: error: expected a mapping for 'sweep.zip', got a sequence" bad2.err || fail "$(cat bad2.err)"
grep -qx "bad3.yaml:6:25: error: in sweep point 1 (optimizer.lr=-1.0, training.epochs=2): optimizer.lr must be greater than 0, got -1.0" bad3.err || fail "$(cat bad3.err)"
echo "ok"
