#!/usr/bin/env bash
# dlx sweep with hostile values: in the experiment file name, `output:`, --set, --out, --dlx,
# every Slurm option and the working folder. --emit commands is run by bash, sh (dash),
# `xargs -d '\n' sh -c` and GNU parallel (when installed), with --dlx pointing to a recorder that
# records its argv; --emit slurm goes through `bash -n`, its #SBATCH lines through a model of
# sbatch's parser (sbatch_args.py) and, when installed, the real sbatch (its -vv option dump),
# and its exec line through bash with the recorder. No injected
# command may run (no PWNED* file), every value must arrive intact, and what cannot be written
# safely (a newline; in #SBATCH lines any control character) is refused with exit 2 and a
# message naming the option or FILE:LINE:COL.
source "$(dirname "$0")/common.sh"
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C

# Each value would run `touch PWNED...` if it were not quoted for its reader.
evil="a b;touch PWNED1 #x\$(touch PWNED2)\`touch PWNED3\`'; touch PWNED4; '\"\\ *?[ab]{c,d}~ %j=1"
safe_dir="d;\$(touch PWNED5)\`touch PWNED6\`'x'\" *?{a,b} #"   # no / and no \ (Slurm patterns)

# The recorder: records its arguments, NUL-separated, in $RECORDER_LOG/call-pI (I from the last one).
recorder_dir="$work/recorder $safe_dir"
mkdir -p "$recorder_dir" calls
printf '#!/bin/bash\nlast="${@: -1}"\nprintf "%%s\\0" "$@" > "$RECORDER_LOG/call-${last##*/}"\n' > "$recorder_dir/dlx"
chmod +x "$recorder_dir/dlx"
export RECORDER_LOG="$work/calls"

file="g r;i\$(touch PWNED7)'d'.yaml"
cp grid.yaml "$file"
set_arg="description='it''s \$(touch PWNED8) \`touch PWNED9\`; * ?'"
out="o u;t$safe_dir"

# The argv a run of point I must receive.
expected() { printf '%s\0' run "$file" --set "$set_arg" --threads 1 --point "$1" --out "$out/p$1"; }
check_calls() { # $1: what ran the commands
    for p in 0 1 2 3; do
        cmp -s calls/call-p$p <(expected $p) ||
            fail "$1, point $p: argv $(tr '\0' '|' < calls/call-p$p 2>&1), expected $(expected $p | tr '\0' '|')"
    done
    rm -f calls/*
}
no_injection() {
    local found
    found=$(find "$work" -name 'PWNED*')
    [ -z "$found" ] || fail "$1: an injected command ran: $found"
}

# --emit commands: one line per point, each the same argv in every shell and runner.
"$DLX_BIN" sweep "$file" --emit commands --out "$out" --dlx "$recorder_dir/dlx" --set "$set_arg" \
    --threads 1 > cmds.txt
[ "$(wc -l < cmds.txt)" -eq 4 ] || fail "expected 4 lines: $(cat cmds.txt)"
runners=("bash cmds.txt" "sh cmds.txt" "xargs -d '\n' -I{} sh -c {} < cmds.txt")
command -v parallel > /dev/null && runners+=("parallel -j2 < cmds.txt")
for runner in "${runners[@]}"; do
    eval "$runner" || fail "$runner: exit $?"
    check_calls "$runner"
    no_injection "$runner"
done

# The experiment's own output: from the file, then from --set output=.
sed "s|^experiment: lr_dropout|&\noutput: '$(printf '%s' "$out" | sed "s/'/''/g")'|" grid.yaml > out.yaml
"$DLX_BIN" sweep out.yaml --emit commands --dlx "$recorder_dir/dlx" --threads 1 > cmds2.txt
bash cmds2.txt
cmp -s calls/call-p3 <(printf '%s\0' run out.yaml --threads 1 --point 3 --out "$out/p3") ||
    fail "output from the file: $(tr '\0' '|' < calls/call-p3)"
rm -f calls/*
no_injection "output from the file"

# --emit slurm from a hostile working folder.
cwd="$work/c w$safe_dir"
mkdir -p "$cwd"
(cd "$cwd" && "$DLX_BIN" sweep "$work/$file" --emit slurm --out "$work/$out" --dlx "$recorder_dir/dlx" \
    --set "$set_arg" --threads 1 --job-name "$evil" --partition "$evil" --time "$evil" --mem "$evil" \
    --sbatch "--comment=$evil" --sbatch "--account=$evil") > job.sh
bash -n job.sh || fail "bash -n: $(cat job.sh)"
[ -d "$work/$out/slurm" ] || fail "no log folder"
pattern="${work//%/%%}/${out//%/%%}/slurm/%x-%A_%a.out" # Slurm reads %% as %
printf '%s\n' "--job-name=$evil" "--array=0-3" "--cpus-per-task=1" "--output=$pattern" "--chdir=$cwd" \
    "--signal=B:USR1@120" "--partition=$evil" "--time=$evil" "--mem=$evil" "--comment=$evil" \
    "--account=$evil" > want_args.txt
for version in newer older; do
    /usr/bin/python3 "$here/sbatch_args.py" $version < job.sh > got_args.txt ||
        fail "sbatch ($version) cannot parse job.sh: $(cat job.sh)"
    cmp -s got_args.txt want_args.txt || fail "sbatch ($version) reads: $(diff got_args.txt want_args.txt)"
done
# The real sbatch, when installed: its option dump (-vv) before it fails to reach a controller.
if command -v sbatch > /dev/null; then
    printf 'ClusterName=t\nSlurmctldHost=localhost\nSlurmctldPort=1\nNodeName=localhost CPUs=1\n' > slurm.conf
    (cd "$cwd" && "$DLX_BIN" sweep "$work/$file" --emit slurm --out "$work/$out" --threads 1 --time 1:00 \
        --job-name "$evil" --partition "$evil" --sbatch "--comment=$evil") > job2.sh
    SLURM_CONF="$work/slurm.conf" timeout 120 sbatch -vv job2.sh > sbatch.out 2>&1 || true
    for opt in "job-name:$evil" "partition:$evil" "comment:$evil" "chdir:$cwd" "output:$pattern" "time:00:01:00"; do
        grep -qxF -- "$(printf 'sbatch: %-20s: %s' "${opt%%:*}" "${opt#*:}")" sbatch.out ||
            fail "sbatch reads ${opt%%:*} otherwise: $(grep -E "^sbatch: (${opt%%:*}|error)" sbatch.out)"
    done
fi
SLURM_ARRAY_TASK_ID=2 bash job.sh
cmp -s calls/call-p2 <(printf '%s\0' run "$work/$file" --set "$set_arg" --threads 1 --point 2 --out "$work/$out/p2") ||
    fail "slurm exec line: argv $(tr '\0' '|' < calls/call-p2)"
no_injection "slurm"

# Refused, exit 2, nothing written on stdout, the message naming where the value came from.
refused() { # $1: the message expected on stderr (grep -E); then the dlx sweep arguments
    local want=$1 code
    shift
    set +e
    "$DLX_BIN" sweep "$@" > refused.out 2> refused.err
    code=$?
    set -e
    [ $code -eq 2 ] || fail "exit $code, not 2, for: $* ($(cat refused.err))"
    [ ! -s refused.out ] || fail "wrote on stdout for: $*: $(cat refused.out)"
    grep -qE -- "$want" refused.err || fail "for $*: stderr $(cat refused.err), expected $want"
    no_injection "refused $*"
}
printf 'experiment: x\ndata: {source: synthetic, kind: linear, n_train: 10, n_test: 5, dim: 2}\nmodel: {type: linear}\noutput: "results/x\\ntouch PWNED10 #"\nsweep:\n  optimizer.lr: [0.1, 0.2]\n' > nl.yaml
nl_msg='^nl.yaml:4:9: error: output "results/x\\ntouch PWNED10 #" cannot be written safely into a (command|#SBATCH) line: it holds a newline'
refused "$nl_msg" nl.yaml --emit commands
refused "$nl_msg" nl.yaml --emit slurm
refused '^dlx: error: --out "x\\ny" cannot be written safely' grid.yaml --emit commands --out "$(printf 'x\ny')"
[ ! -e results ] || fail "a folder was created for a refused script"
refused '^dlx: error: output \(set by --set\) "a\\nb" cannot be written safely into a command line: it holds a newline' \
    grid.yaml --emit commands --set 'output="a\nb"'
refused "^dlx: error: --set \"description='a\\\\nb'\" cannot be written safely into a command line" \
    grid.yaml --emit commands --set "$(printf "description='a\nb'")"
refused '^dlx: error: --dlx "a\\nb" cannot be written' grid.yaml --emit commands --dlx "$(printf 'a\nb')"
cp grid.yaml "$(printf 'g\nx.yaml')"
refused '^dlx: error: the experiment file name "g\\nx.yaml" cannot be written' "$(printf 'g\nx.yaml')" --emit commands
for opt in --job-name --partition --time --mem --sbatch; do
    for bad in 'a\nb' 'a\rb' 'a\tb' 'a\033b'; do
        refused "^dlx: error: $opt \".*\" cannot be written safely into a #SBATCH line: it holds a (newline|control character)" \
            grid.yaml --emit slurm --out ok "$opt" "$(printf "$bad")"
    done
done
refused "^dlx: error: --out 'a\\\\b' cannot be written safely into a #SBATCH line: it holds a backslash" \
    grid.yaml --emit slurm --out 'a\b'
mkdir "$(printf 'n\nl')"
(cd "$(printf 'n\nl')" && refused '^dlx: error: the working folder \(--chdir\) ".*" cannot be written safely' \
    "$work/grid.yaml" --emit slurm --out "$work/ok")
(cd "$(printf 'n\nl')" && "$DLX_BIN" sweep "$work/grid.yaml" --emit commands > /dev/null) ||
    fail "--emit commands does not write the working folder, and should not refuse it"
echo "ok"
