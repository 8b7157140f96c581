# test_data_files.sh — `dlx validate` checks the data files from their headers before anything
# runs, and `dlx run` (which validates first) stops with the same message at the same place:
# a missing MNIST folder (the message says Debian ships no MNIST package, how to get the four
# idx files and where dlx looks), a folder whose idx header is corrupt (plain and gzipped), a
# CSV table without its target or weight column, an entries CSV whose header is not
# row,col,value, and good configs (exit 0). Each message is compared whole, FILE:LINE:COL and
# text, and each exit status is 2 (0 for the good configs).
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export DLX_DATA="$work/datasets"   # an empty search root: the system folder has no mnist

# expect_error CONFIG MESSAGE: validate and run both exit 2 with exactly MESSAGE on stderr,
# and run writes no output folder.
expect_error() {
    local config=$1 message=$2 cmd rc
    for cmd in validate run; do
        rm -rf out
        if [ "$cmd" = run ]; then
            "$DLX_BIN" run "$config" --out out --quiet >/dev/null 2>err.txt; rc=$?
            [ ! -e out/results.csv ] || fail "run $config trained despite the error"
        else
            "$DLX_BIN" validate "$config" >/dev/null 2>err.txt; rc=$?
        fi
        [ "$rc" = 2 ] || fail "$cmd $config: exit $rc, expected 2 ($(cat err.txt))"
        printf '%s\n' "$message" > want.txt
        diff want.txt err.txt >/dev/null ||
            fail "$cmd $config: stderr differs: $(diff want.txt err.txt)"
    done
}

# expect_ok CONFIG: validate exits 0 and prints nothing on stderr.
expect_ok() {
    "$DLX_BIN" validate "$1" >/dev/null 2>err.txt || fail "validate $1: exit $? ($(cat err.txt))"
    [ ! -s err.txt ] || fail "validate $1: stderr: $(cat err.txt)"
}

# idx FILE MAGIC_HEX SIZE... : an idx header (4 magic bytes, then big-endian u32 sizes) and
# product(sizes) zero bytes of data.
idx() {
    python3 - "$@" <<'PY'
import struct, sys
path, magic, sizes = sys.argv[1], bytes.fromhex(sys.argv[2]), [int(s) for s in sys.argv[3:]]
n = 1
for s in sizes:
    n *= s
open(path, "wb").write(magic + b"".join(struct.pack(">I", s) for s in sizes) + bytes(n))
PY
}
good_folder() {
    mkdir -p "$1"
    idx "$1/train-images-idx3-ubyte" 00000803 6 2 2
    idx "$1/train-labels-idx1-ubyte" 00000801 6
    idx "$1/t10k-images-idx3-ubyte" 00000803 4 2 2
    idx "$1/t10k-labels-idx1-ubyte" 00000801 4
}

# 1. MNIST, no folder anywhere: at the data key, with the whole hint.
cat > mnist_missing.yaml <<'YAML'
experiment: mnist_missing
seeds: 1
data:
  source: mnist
  preprocess: scale
model: {type: softmax}
training: {epochs: 1, batch_size: 8}
YAML
expect_error mnist_missing.yaml "mnist_missing.yaml:3:1: error: mnist data not found; looked in $DLX_DATA/mnist (no such folder); /usr/share/datasets/mnist (no such folder); Debian 12 ships no MNIST package (Fashion-MNIST is in dataset-fashion-mnist): download the four idx files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (plain or .gz) from the original MNIST site (http://yann.lecun.com/exdb/mnist/) or a mirror into one folder; dlx looks in data.dir when it is set, else in \$DLX_DATA/mnist, then /usr/share/datasets/mnist"

# 2. MNIST, data.dir names a folder that lacks a file: at data.dir.
good_folder partial
rm partial/t10k-labels-idx1-ubyte
cat > mnist_partial.yaml <<'YAML'
experiment: mnist_partial
data: {source: mnist, dir: partial}
model: {type: softmax}
YAML
expect_error mnist_partial.yaml "mnist_partial.yaml:2:28: error: mnist data not found; looked in partial (missing t10k-labels-idx1-ubyte[.gz]); Debian 12 ships no MNIST package (Fashion-MNIST is in dataset-fashion-mnist): download the four idx files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (plain or .gz) from the original MNIST site (http://yann.lecun.com/exdb/mnist/) or a mirror into one folder; dlx looks in data.dir when it is set, else in \$DLX_DATA/mnist, then /usr/share/datasets/mnist"

# 3. A corrupt idx header (the magic of 32-bit floats) in data.dir: at data.dir.
good_folder corrupt
idx corrupt/train-images-idx3-ubyte 00000d03 6 2 2
cat > mnist_corrupt.yaml <<'YAML'
experiment: mnist_corrupt
data:
  source: mnist
  dir: corrupt
model: {type: softmax}
YAML
expect_error mnist_corrupt.yaml "mnist_corrupt.yaml:4:8: error: mnist data: corrupt/train-images-idx3-ubyte: IDX element type 0x0d (32-bit float) is not supported: images and labels must be unsigned bytes (type 0x08)"

# 4. The same folder gzipped, found through $DLX_DATA (the data key's place), labels of the
#    wrong count: read through the loader's gzip path, header only.
good_folder "$DLX_DATA/mnist"
idx "$DLX_DATA/mnist/t10k-labels-idx1-ubyte" 00000801 5
gzip "$DLX_DATA"/mnist/*
expect_error mnist_missing.yaml "mnist_missing.yaml:3:1: error: mnist data: $DLX_DATA/mnist/t10k-labels-idx1-ubyte.gz: 5 labels, but $DLX_DATA/mnist/t10k-images-idx3-ubyte.gz has 4 images"
printf 'not gzip' | gzip > "$DLX_DATA/mnist/t10k-labels-idx1-ubyte.gz"
expect_error mnist_missing.yaml "mnist_missing.yaml:3:1: error: mnist data: $DLX_DATA/mnist/t10k-labels-idx1-ubyte.gz: not an IDX file: it starts with bytes 6e 6f 74 20, an IDX file of unsigned bytes in 1 dimension starts with 00 00 08 01"

# 5. Good MNIST folders (gzipped, via $DLX_DATA; plain, via data.dir): validate 0, run trains.
good_folder plain
rm "$DLX_DATA"/mnist/*; good_folder "$DLX_DATA/mnist"; gzip "$DLX_DATA"/mnist/*
expect_ok mnist_missing.yaml
sed 's/partial/plain/' mnist_partial.yaml > mnist_good.yaml
expect_ok mnist_good.yaml

# 6. A CSV table without its target column, or without data.weight's column: at the key.
printf 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n' > table.csv
cat > csv_target.yaml <<'YAML'
experiment: csv_target
data:
  source: csv
  train: table.csv
  test: table.csv
  target: species
model: {type: logistic}
loss: logistic
YAML
expect_error csv_target.yaml "csv_target.yaml:6:11: error: data.target 'species' is not a column of table.csv (its header has 3 columns)"
sed 's/target: species/target: label\n  weight: lable/' csv_target.yaml > csv_weight.yaml
expect_error csv_weight.yaml "csv_weight.yaml:7:11: error: data.weight 'lable' is not a column of table.csv; did you mean 'label'?"
sed 's/test: table.csv/test: no_such.csv/' csv_target.yaml > csv_nofile.yaml
expect_error csv_nofile.yaml "csv_nofile.yaml:5:9: error: data.test: cannot read no_such.csv: No such file or directory
csv_nofile.yaml:6:11: error: data.target 'species' is not a column of table.csv (its header has 3 columns)"
sed 's/target: species/target: label/' csv_target.yaml > csv_good.yaml
expect_ok csv_good.yaml
"$DLX_BIN" run csv_good.yaml --out out_csv --quiet >/dev/null 2>err.txt || fail "run csv_good: $(cat err.txt)"

# 7. An entries CSV whose header is not row,col,value: at data.train.
printf 'row,column,value\n0,0,1.5\n1,1,2.0\n' > wrong_entries.csv
printf 'row,col,value\n0,1,1.0\n1,0,0.5\n' > entries.csv
cat > entries_header.yaml <<'YAML'
experiment: entries_header
data: {source: csv, format: entries, train: wrong_entries.csv, test: entries.csv}
model: {type: factorization, rank: 1}
YAML
expect_error entries_header.yaml "entries_header.yaml:2:45: error: data.train: wrong_entries.csv has the header 'row,column,value', but a data.format entries file has the header row,col,value (or none) and three fields a row"
sed 's/wrong_entries.csv/entries.csv/' entries_header.yaml > entries_good.yaml
expect_ok entries_good.yaml

# 8. Synthetic data has no files: still valid.
cat > synthetic.yaml <<'YAML'
experiment: synthetic
data: {source: synthetic, kind: gaussian_mixture, n_train: 20, n_test: 10, dim: 2, classes: 2}
model: {type: softmax}
YAML
expect_ok synthetic.yaml
echo "data files: all checks passed"
