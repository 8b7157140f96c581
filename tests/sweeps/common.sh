# common.sh — shared by the sweep tests: a small grid experiment and helpers.
# Sourced; expects DLX_BIN.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d) # in $TMPDIR, else /tmp
trap 'rm -rf "$work"' EXIT
cd "$work"
# 2 learning rates x 2 dropout rates, 2 arms, 3 seeds, 2 epochs on synthetic data.
cat > grid.yaml <<'YAML'
experiment: lr_dropout
seeds: 3
data: {source: synthetic, kind: gaussian_mixture, n_train: 120, n_test: 60, dim: 5, classes: 3}
model: {type: mlp, hidden: [8], activation: relu}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 2, batch_size: 20}
arms:
  - name: plain
  - name: l2
    regularizer: {l2: 0.01}
sweep:
  optimizer.lr: [0.01, 1.0]
  model.dropout: [0.0, 0.5]
YAML
# A CSV without its wall_s column (the only column allowed to differ).
without_wall() { awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i } { $w = ""; print }' "$1"; }
