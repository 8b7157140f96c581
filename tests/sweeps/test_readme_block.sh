#!/usr/bin/env bash
# test_readme_block.sh — the README's sweep block ("Sweeps, on one machine or many") runs as
# written, top to bottom, in a scratch folder where configs/sweep_lr_dropout.yaml is a reduced
# grid (synthetic data, 2 epochs) under the same name, and `dlx` is the built one. The Slurm line
# runs on a one-node Slurm started here (scripts/slurm/slurm-localhost.sh, as test_slurm.sh) when
# we are root and Slurm and munge are installed (CI installs them), or on a cluster that answers
# sinfo; else it is left out and said so. Then: the grid's CSV has one row per (point, arm, seed,
# epoch), the stats and the figure exist, the Slurm folder holds the same numbers as the parallel
# one (apart from wall_s), and running the parallel line again is refused by dlx sweep (exit 2)
# naming --resume.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v parallel > /dev/null || { echo "skip: GNU parallel is not installed"; exit 77; }
without_wall() { awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i } { $w = ""; print }' "$1"; }
work=$(mktemp -d)
slurm="$DLX_SOURCE_ROOT/scripts/slurm/slurm-localhost.sh"
started_slurm=0
trap '((started_slurm == 0)) || "$slurm" stop > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$work"
if [ "$(id -u)" -eq 0 ] && command -v slurmctld > /dev/null && command -v munged > /dev/null &&
   command -v sbatch > /dev/null; then
    # Two free ports, so that this cluster does not meet another one.
    read -r p1 p2 < <(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
    export SLURM_LOCALHOST_DIR="$work/slurm" SLURM_LOCALHOST_CTLD_PORT=$p1 SLURM_LOCALHOST_SLURMD_PORT=$p2
    export SLURM_LOCALHOST_CPUS=4
    chmod 0755 "$work" # munged needs every folder above its socket searchable
    started_slurm=1
    "$slurm" start > slurm-env.sh || fail "cannot start slurm: $(cat "$SLURM_LOCALHOST_DIR"/log/* 2>&1 | tail -20)"
    source slurm-env.sh
fi
mkdir -p configs bin
ln -s "$DLX_SOURCE_ROOT/scripts" scripts
ln -s "$DLX_BIN" bin/dlx
export PATH="$work/bin:$PATH"
cat > configs/sweep_lr_dropout.yaml <<'YAML'
experiment: sweep_lr_dropout
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 100, n_test: 40, dim: 4, classes: 3}
model: {type: mlp, hidden: [6], activation: relu}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 2, batch_size: 20}
sweep:
  optimizer.lr: [0.01, 0.1, 1.0]
  model.dropout: [0.0, 0.5]
YAML
awk '/^## Sweeps, on one machine or many/ { s = 1 } s && /^```sh/ { b = 1; next } b && /^```/ { exit } b' \
    "$DLX_SOURCE_ROOT/README.md" > block.sh
grep -q "emit commands" block.sh || fail "no sweep block found in README.md"
if ! command -v sbatch > /dev/null || ! timeout 10 sinfo > /dev/null 2>&1; then
    echo "note: no Slurm cluster here: the sbatch line is left out"
    grep -v 'sbatch' block.sh > b && mv b block.sh
fi
bash -euo pipefail block.sh > block.out 2> block.err || fail "the README block failed: $(cat block.err)"
if grep -q 'sbatch' block.sh; then   # the Slurm folder: the same numbers as the parallel one
    dlx collect results/grid-slurm -o slurm.csv 2> slurm.err || fail "collect of the Slurm folder: $(cat slurm.err)"
    cmp <(without_wall grid.csv) <(without_wall slurm.csv) ||
        fail "the Slurm runs differ from the parallel ones: $(diff <(without_wall grid.csv) <(without_wall slurm.csv) | head)"
    echo "the Slurm line ran: results/grid-slurm equals results/grid apart from wall_s"
fi
# 6 points x 1 arm x 2 seeds x 3 rows (epochs 0..2), plus the header.
[[ $(wc -l < grid.csv) == 37 ]] || fail "grid.csv has $(wc -l < grid.csv) lines, not 37"
[[ -s grid_stats.csv ]] || fail "no grid_stats.csv"
ls grid_stats*.png > /dev/null 2>&1 || ls *.png > /dev/null 2>&1 || fail "plot_sweep.py drew no PNG: $(ls)"
# The same parallel line again: refused at emit time, naming --resume.
line=$(grep -m1 'emit commands' block.sh)
set +e
bash -c "$line" > again.out 2> again.err
set -e
grep -q "already holds results" again.err || fail "running the block twice was not refused: $(cat again.err)"
grep -q -- "--resume" again.err || fail "the refusal does not name --resume: $(cat again.err)"
echo ok
