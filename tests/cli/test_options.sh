# test_options.sh — the command line of every command, by running the real dlx: the
# getopt_long parsing keeps dlx's messages and exit codes (2 on a usage error, 0 for
# -h/--help), --KEY=VALUE is an override unless KEY is an option spelt in full, and
# abbreviations work with the value in the next word.
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > t.yaml <<'YAML'
experiment: opts
seeds: 1
data: {source: synthetic, kind: gaussian_mixture, n_train: 40, n_test: 20, dim: 3, classes: 2}
model: {type: mlp, hidden: [3], activation: relu}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 1, batch_size: 20}
YAML
# expect RC MESSAGE -- ARGS...: dlx ARGS exits RC and its stderr holds MESSAGE.
expect() {
    local rc=$1 msg=$2; shift 3
    "$DLX_BIN" "$@" >out.txt 2>err.txt
    local got=$?
    [[ $got == "$rc" ]] || fail "dlx $* exited $got, not $rc: $(cat err.txt)"
    grep -qF -- "$msg" err.txt || fail "dlx $*: stderr lacks '$msg': $(cat err.txt)"
}
expect 2 "dlx: error: unknown option '--bogus'" -- run t.yaml --bogus
expect 2 "dlx: error: option '--out' needs a value" -- run t.yaml --out
expect 2 "dlx: error: option '--quiet' takes no value" -- run t.yaml --quiet=1
expect 2 "dlx: error: --jobs expects an integer >= 1, got '0'" -- run t.yaml --jobs=0
expect 2 "dlx: error: --threads expects an integer >= 1, got 'x'" -- run t.yaml --threads x
expect 2 "dlx: error: --set expects KEY=VALUE, got 'foo'" -- run t.yaml --set foo
expect 2 "dlx: error: --resume and --force cannot be used together" -- run t.yaml --resume --force
expect 2 "dlx: error: --gemm expects auto, openblas or onednn, got 'mkl'" -- run t.yaml --gemm mkl
expect 2 "dlx: error: unexpected argument 'other.yaml'" -- run t.yaml other.yaml
expect 2 "dlx: error: missing experiment file (usage: dlx run FILE.yaml ...)" -- run --quiet
expect 2 "dlx: error: unknown option '-x'" -- run t.yaml -x
# --seed=3 is the key `seed` (an override, refused with a hint), not an abbreviation of --seeds.
expect 2 "unknown key 'seed'; did you mean 'seeds'?" -- run t.yaml --seed=3
expect 2 "dlx: error: unknown option '--out'" -- validate t.yaml --out=x
expect 2 "dlx: error: unknown option '--bogus' (see dlx help sweep)" -- sweep t.yaml --emit commands --bogus
expect 2 "dlx: error: option '--emit' needs a value" -- sweep t.yaml --emit
expect 2 "dlx: error: --emit: unknown value 'x' (the values are: commands, slurm)" -- sweep t.yaml --emit x
expect 2 "dlx: error: option '-o' needs a value" -- collect -o
expect 2 "dlx: error: unknown option '--csv' (see dlx help collect)" -- collect --csv d
expect 2 "dlx: error: unknown option '--runs' (see dlx help summarize)" -- summarize --runs d
expect 2 "dlx: error: no folder given (usage: dlx collect DIR... [-o FILE])" -- collect
expect 2 "dlx: error: unknown command 'frobnicate'" -- frobnicate

# Overrides in every spelling, applied in order: the last one wins.
"$DLX_BIN" validate t.yaml --set optimizer.lr=0.2 --set=optimizer.lr=0.3 --optimizer.lr=0.4 \
    > v.yaml || fail "validate with overrides"
grep -q 'lr: 0.4' v.yaml || fail "--optimizer.lr=0.4 was not applied last: $(grep lr: v.yaml)"
"$DLX_BIN" validate t.yaml --optimizer.lr=0.4 optimizer.lr=0.5 > v.yaml || fail "bare KEY=VALUE"
grep -q 'lr: 0.5' v.yaml || fail "bare optimizer.lr=0.5 was not applied"
# An unambiguous abbreviation with its value in the next word, and `--` ending the options.
"$DLX_BIN" run t.yaml --ou abbrev --thr 1 --qui >/dev/null 2>err.txt || fail "abbreviations: $(cat err.txt)"
[[ -f abbrev/metrics.csv ]] || fail "--ou abbrev did not write abbrev/metrics.csv"
"$DLX_BIN" run --out dashdash --quiet -- t.yaml >/dev/null 2>err.txt || fail "-- FILE: $(cat err.txt)"
[[ -f dashdash/metrics.csv ]] || fail "-- t.yaml did not run"

# -h/--help on every command: its help on stdout, exit 0, even after other options.
for cmd in run validate sweep collect summarize; do
    for h in -h --help; do
        "$DLX_BIN" $cmd --set a=b $h > help.txt 2>err.txt || fail "dlx $cmd $h exited $?"
        grep -q "^usage: dlx $cmd" help.txt || fail "dlx $cmd $h printed no usage"
        [[ -s err.txt ]] && fail "dlx $cmd $h wrote to stderr"
    done
done
"$DLX_BIN" --help | grep -q '^usage: dlx COMMAND' || fail "dlx --help"

# The manual page renders, and names every command.
if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$DLX_SOURCE_ROOT/docs/dlx.1" > man.txt 2>man.err || fail "man -l: $(cat man.err)"
    [[ -s man.err ]] && fail "man -l warned: $(cat man.err)"
    for cmd in run validate sweep collect summarize; do
        grep -qE "dlx +$cmd" man.txt || fail "the man page lacks 'dlx $cmd'"
    done
    grep -q -- '--resume' man.txt || fail "the man page lacks --resume"
fi
echo "ok"
