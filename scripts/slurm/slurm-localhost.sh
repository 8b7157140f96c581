#!/usr/bin/env bash
# slurm-localhost.sh — a one-node Slurm on localhost for tests (no systemd, no cgroups).
#
# Usage: scripts/slurm/slurm-localhost.sh start | stop | wait JOB [TIMEOUT_S] | env
#   start   wipe $SLURM_LOCALHOST_DIR (only if it holds our marker), start munged, slurmctld
#           and slurmd with their own key, socket, config, state and logs under it, wait until
#           the node is idle, and print `export SLURM_CONF=...` for eval
#   stop    scancel everything, then stop the daemons by their recorded PIDs (never by name)
#   wait    poll squeue until JOB is gone; exit 0 only if every task COMPLETED
#   env     print `export SLURM_CONF=...`
# Needs root and Debian's slurmctld, slurmd, slurm-client and munge. Knobs:
# SLURM_LOCALHOST_DIR (default /tmp/slurm-localhost), SLURM_LOCALHOST_CTLD_PORT (6817),
# SLURM_LOCALHOST_SLURMD_PORT (6818), SLURM_LOCALHOST_CPUS (slurmd -C), SLURM_LOCALHOST_MEM_MB
# (1024). Recipe and pitfalls: see docs/sweeps.md ("Slurm on one machine").
set -euo pipefail
dir="${SLURM_LOCALHOST_DIR:-/tmp/slurm-localhost}"
ctld_port="${SLURM_LOCALHOST_CTLD_PORT:-6817}"
slurmd_port="${SLURM_LOCALHOST_SLURMD_PORT:-6818}"
node="$(hostname -s)"
conf="$dir/etc/slurm.conf"
export SLURM_CONF="$conf"
die() { echo "slurm-localhost: error: $*" >&2; exit 1; }

# Is PID alive (not a zombie) and started by us (its environment names our SLURM_CONF)?
ours() {
    local pid=$1 state
    [ -r "/proc/$pid/stat" ] || return 1
    state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
    [ "$state" != Z ] || return 1
    tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "SLURM_CONF=$conf"
}

# Send TERM to a recorded daemon, wait up to 15 s, then KILL.
stop_pid() {
    local name=$1 pid
    [ -f "$dir/pids/$name" ] || return 0
    pid=$(cat "$dir/pids/$name")
    if ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 150); do ours "$pid" || break; sleep 0.1; done
        ! ours "$pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pids/$name"
}

record_pid() { # name pidfile
    for _ in $(seq 100); do [ -s "$2" ] && break; sleep 0.05; done
    [ -s "$2" ] || die "$1 did not start (see $dir/log)"
    cat "$2" > "$dir/pids/$1"
}

start() {
    for b in munged mungekey slurmctld slurmd sinfo scontrol; do
        command -v "$b" >/dev/null || die "missing $b (apt-get install slurmctld slurmd slurm-client munge)"
    done
    if [ -e "$dir" ]; then
        [ -e "$dir/.slurm-localhost" ] || die "$dir exists and is not ours"
        "$0" stop >/dev/null 2>&1 || true
        rm -rf "$dir"
    fi
    mkdir -p "$dir"/{etc,munge,state,spool,log,pids,run}
    touch "$dir/.slurm-localhost"
    chmod 0755 "$dir" "$dir/munge"
    mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null 2>&1
    chmod 0600 "$dir/munge/munge.key"
    munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
        --pid-file="$dir/run/munged.pid" --seed-file="$dir/munge/seed" \
        --log-file="$dir/log/munged.log" </dev/null >/dev/null 2>>"$dir/log/daemons.err"
    record_pid munged "$dir/run/munged.pid"
    local cpus="${SLURM_LOCALHOST_CPUS:-$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -1)}"
    cat > "$conf" <<CONF
ClusterName=localhost
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
MailProg=/bin/true
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=5
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=${SLURM_LOCALHOST_MEM_MB:-1024} State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
    slurmctld -i </dev/null >/dev/null 2>>"$dir/log/daemons.err"
    record_pid slurmctld "$dir/run/slurmctld.pid"
    for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q "is UP" && break; sleep 0.1; done
    slurmd -N "$node" </dev/null >/dev/null 2>>"$dir/log/daemons.err"
    record_pid slurmd "$dir/run/slurmd.pid"
    for _ in $(seq 200); do [ "$(sinfo -h -n "$node" -o %t 2>/dev/null)" = idle ] && break; sleep 0.1; done
    [ "$(sinfo -h -n "$node" -o %t)" = idle ] || die "node $node is not idle (see $dir/log)"
    echo "export SLURM_CONF=$conf"
}

stop() {
    [ -e "$dir/.slurm-localhost" ] || return 0
    if [ -f "$dir/pids/slurmctld" ] && ours "$(cat "$dir/pids/slurmctld")"; then
        scancel --partition=debug 2>/dev/null || true
        for _ in $(seq 100); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
    fi
    stop_pid slurmd
    stop_pid slurmctld
    # leftover slurmstepd (a crashed controller) and their children
    for pid in $(pgrep -x slurmstepd || true); do
        if ours "$pid"; then
            kids=$(ps -eo pid=,ppid= | awk -v p="$pid" '$2 == p { print $1 }')
            kill -KILL "$pid" $kids 2>/dev/null || true
        fi
    done
    stop_pid munged
}

wait_job() {
    local job=$1 timeout=${2:-120} t=0
    while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do
        sleep 0.5; t=$((t + 1))
        [ $t -lt $((2 * timeout)) ] || die "job $job still running after ${timeout} s"
    done
    local states
    states=$(squeue -h -t all -j "$job" -o '%i %T %r')
    echo "$states"
    ! echo "$states" | grep -qv " COMPLETED "
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    wait) [ $# -ge 2 ] || die "usage: $0 wait JOB [TIMEOUT_S]"; wait_job "$2" "${3:-120}" ;;
    env) echo "export SLURM_CONF=$conf" ;;
    *) echo "usage: $0 start | stop | wait JOB [TIMEOUT_S] | env" >&2; exit 2 ;;
esac
