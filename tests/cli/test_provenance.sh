# test_provenance.sh — SPEC §3 for --resume, by running the real dlx:
#   - a resume that finds nothing to do changes no file (meta.yaml included);
#   - a resume with other --threads, another GEMM backend or another precision than the
#     folder's is refused with exit 2, naming the setting and both values, and changes nothing;
#   - a folder copied or moved elsewhere resumes there (its identity is not its path);
#   - running the same command twice is refused with a message naming --resume, --force, --out.
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > p.yaml <<'YAML'
experiment: prov
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 200, n_test: 50, dim: 4, classes: 3}
model: {type: mlp, hidden: [6], activation: relu}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 3, batch_size: 20}
YAML
fingerprint() { (cd "$1" && find . -type f ! -name '*.lock' -print0 | sort -z | xargs -0 sha256sum); }
"$DLX_BIN" run p.yaml --out a --threads 1 --quiet 2>err.txt || fail "first run: $(cat err.txt)"
before=$(fingerprint a)

# The same command twice: refused, and the message says the three ways on.
"$DLX_BIN" run p.yaml --out a --threads 1 --quiet 2>err.txt
[[ $? == 2 ]] || fail "a second run on a full folder was not refused with exit 2"
for w in "already holds results" --resume --force "--out"; do
    grep -qF -- "$w" err.txt || fail "the refusal does not mention '$w': $(cat err.txt)"
done

# Nothing to do: exit 0, not one byte changed.
sleep 1   # a rewritten meta.yaml would carry a later start time
"$DLX_BIN" run p.yaml --out a --threads 1 --quiet --resume 2>err.txt || fail "resume of a finished folder: $(cat err.txt)"
[[ $(fingerprint a) == "$before" ]] || fail "a resume with nothing to do changed files: $(diff <(echo "$before") <(fingerprint a))"

# Other settings: refused, both values named, nothing changed.
"$DLX_BIN" run p.yaml --out a --threads 2 --quiet --resume 2>err.txt
[[ $? == 2 ]] || fail "--threads 2 on a --threads 1 folder was not refused with exit 2"
grep -q "started with threads 1, this run would use threads 2" err.txt || fail "threads message: $(cat err.txt)"
gemm=$(sed -n 's/^gemm: "\(.*\)"$/\1/p' a/meta.yaml)
[[ -n $gemm ]] || fail "meta.yaml has no gemm"
if [[ $gemm != openblas ]]; then
    "$DLX_BIN" run p.yaml --out a --threads 1 --gemm openblas --quiet --resume 2>err.txt
    [[ $? == 2 ]] || fail "--gemm openblas on a '$gemm' folder was not refused with exit 2"
    grep -qF "started with gemm $gemm, this run would use gemm openblas" err.txt || fail "gemm message: $(cat err.txt)"
fi
[[ $(fingerprint a) == "$before" ]] || fail "a refused resume changed files"
# Another precision: this build computes in float32, so a folder recorded as float64 is refused.
cp -r a b
sed -i 's/^precision: float32$/precision: float64/' b/meta.yaml
grep -q '^precision: float64$' b/meta.yaml || fail "meta.yaml has no 'precision: float32' line"
"$DLX_BIN" run p.yaml --out b --threads 1 --quiet --resume 2>err.txt
[[ $? == 2 ]] || fail "a float64 folder resumed in float32 was not refused"
grep -q "started with precision float64, this run would use precision float32" err.txt || fail "precision message: $(cat err.txt)"

# A copied folder (finished) resumes from its new place: nothing to do, nothing changed.
cp -r a moved-copy
"$DLX_BIN" run p.yaml --out moved-copy --threads 1 --quiet --resume 2>err.txt || fail "resume of a copied folder: $(cat err.txt)"
[[ $(fingerprint moved-copy) == "$before" ]] || fail "resuming a copied finished folder changed files"
# An unfinished folder, moved: the resume finishes it there with the numbers of an
# uninterrupted run (seed 2 never started: only seed 1 ran).
"$DLX_BIN" run p.yaml --out part --seeds 1,2 --threads 1 --quiet 2>/dev/null || fail "run part"
rm -rf part/runs/main/seed-2
awk -F, 'NR == 1 || $2 != 2' part/metrics.csv > part/m && mv part/m part/metrics.csv
mv part elsewhere
"$DLX_BIN" run p.yaml --out elsewhere --seeds 1,2 --threads 1 --quiet --resume 2>err.txt || fail "resume of a moved unfinished folder: $(cat err.txt)"
cut -d, -f1-11 a/metrics.csv | sort > want.txt
cut -d, -f1-11 elsewhere/metrics.csv | sort > got.txt
cmp -s want.txt got.txt || fail "the moved folder's resumed metrics differ: $(diff want.txt got.txt | head)"
grep -q "^output: .*elsewhere" elsewhere/resolved.yaml || fail "resolved.yaml does not say where the folder now is"
echo ok
