#!/usr/bin/env bash
# dlx sweep --emit slurm on a real one-node Slurm (scripts/slurm/slurm-localhost.sh):
# submit the array, wait, dlx collect, compare with a local run (apart from wall_s).
# Installs Debian's slurmctld, slurmd, slurm-client and munge when missing; skipped (77)
# when not root or when they cannot be installed.
source "$(dirname "$0")/common.sh"
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root for slurmd"; exit 77; }
if ! command -v slurmctld > /dev/null || ! command -v munged > /dev/null || ! command -v sbatch > /dev/null; then
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends slurmctld slurmd \
        slurm-client munge > apt.log 2>&1 ||
    { apt-get update > /dev/null 2>&1 && apt-get -o DPkg::Lock::Timeout=300 install -y \
        --no-install-recommends slurmctld slurmd slurm-client munge > apt.log 2>&1; } ||
    { echo "skip: cannot install slurm"; exit 77; }
fi
slurm="$DLX_SOURCE_ROOT/scripts/slurm/slurm-localhost.sh"
# Two free ports, so that this cluster does not meet another one.
read -r p1 p2 < <(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
export SLURM_LOCALHOST_DIR="$work/slurm" SLURM_LOCALHOST_CTLD_PORT=$p1 SLURM_LOCALHOST_SLURMD_PORT=$p2
export SLURM_LOCALHOST_CPUS=4
chmod 0755 "$work" # munged needs every folder above its socket searchable
trap '"$slurm" stop > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$slurm" start > slurm-env.sh || fail "cannot start slurm: $(cat "$SLURM_LOCALHOST_DIR"/log/* 2>&1 | tail -20)"
source slurm-env.sh

"$DLX_BIN" sweep grid.yaml --emit slurm --out out --threads 1 --throttle 3 --partition debug \
    --time 10 --mem 200 --sbatch '--comment=dlx-test' > job.sh
for line in '#SBATCH --array=0-3%3' '#SBATCH --cpus-per-task=1' '#SBATCH --partition=debug' \
            '#SBATCH --time=10' '#SBATCH --mem=200' '#SBATCH --comment=dlx-test' \
            '#SBATCH --signal=B:USR1@120' "#SBATCH --output=out/slurm/%x-%A_%a.out"; do
    grep -qxF -- "$line" job.sh || fail "job.sh lacks '$line': $(cat job.sh)"
done
job=$(sbatch --parsable job.sh)
"$slurm" wait "$job" 60 > states.txt || fail "array tasks: $(cat states.txt; cat out/slurm/*)"
"$DLX_BIN" run grid.yaml --out local --threads 1 --quiet
"$DLX_BIN" collect out -o merged.csv 2> collect.err
[ ! -s collect.err ] || fail "collect warnings: $(cat collect.err)"
cmp <(without_wall local/metrics.csv) <(without_wall merged.csv) || fail "Slurm differs from a local run"
grep -q "^SLURM_ARRAY_TASK_ID: \"3\"" out/p3/meta.yaml || fail "meta.yaml lacks the task id"
echo "ok"
