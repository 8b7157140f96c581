# test_json_output.sh — `dlx collect --format json` and `dlx validate --format json`, by running
# the real dlx and parsing the output with python3's json: the schema of docs/json-output.md
# (format names, columns in the CSV's order, one object per CSV row whose numbers equal the CSV's
# values, null for empty fields; validate's valid/errors/resolved and its exit status).
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > j.yaml <<'YAML'
experiment: js
seeds: 2
data: {source: synthetic, kind: gaussian_mixture, n_train: 60, n_test: 20, dim: 3, classes: 2}
model: {type: mlp, hidden: [3], activation: relu}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 2, batch_size: 20}
sweep:
  optimizer.lr: [0.05, 0.1]
YAML
"$DLX_BIN" run j.yaml --out r --quiet 2>err.txt || fail "run: $(cat err.txt)"
"$DLX_BIN" collect r -o all.csv || fail "collect csv"
"$DLX_BIN" collect r --format json > all.json || fail "collect --format json"
"$DLX_BIN" collect r --format json -o file.json || fail "collect --format json -o"
cmp -s all.json file.json || fail "-o FILE differs from stdout"
python3 - all.csv all.json <<'PY' || fail "collect JSON does not match the CSV"
import csv, json, math, sys
rows = list(csv.reader(open(sys.argv[1])))
doc = json.load(open(sys.argv[2]))
assert doc["format"] == "dlx-collect/1", doc["format"]
assert doc["columns"] == rows[0], (doc["columns"], rows[0])
assert "optimizer.lr" in doc["columns"]
assert len(doc["rows"]) == len(rows) - 1 == 2 * 2 * 3, len(doc["rows"])
for want, got in zip(rows[1:], doc["rows"]):
    assert list(got) == rows[0]
    for col, text in zip(rows[0], want):
        v = got[col]
        if text == "":
            assert v is None, (col, v)
        else:
            try:
                x = float(text)
            except ValueError:
                assert v == text, (col, v, text)
                continue
            if math.isfinite(x):
                assert isinstance(v, (int, float)) and v == x, (col, v, text)
            else:
                assert v == text, (col, v, text)
assert doc["rows"][0]["objective"] is None and doc["rows"][0]["arm"] == "main"
PY
"$DLX_BIN" collect r --format xml > /dev/null 2>err.txt
[[ $? == 2 ]] && grep -q "unknown value 'xml'" err.txt || fail "--format xml: $(cat err.txt)"

# validate: a valid file, then one with two errors.
"$DLX_BIN" validate j.yaml --format json > v.json 2>err.txt || fail "validate --format json exited $?"
[[ -s err.txt ]] && fail "validate --format json wrote to stderr: $(cat err.txt)"
"$DLX_BIN" validate j.yaml > v.yaml
python3 -c '
import json, sys
d = json.load(open("v.json"))
assert d["format"] == "dlx-validate/1" and d["valid"] is True and d["errors"] == []
assert d["resolved"] == open("v.yaml").read()
' || fail "valid document: $(cat v.json)"
sed -e 's/type: sgd/type: sgdd/' -e 's/epochs: 2/epochs: -1/' j.yaml > bad.yaml
"$DLX_BIN" validate bad.yaml --format json > b.json 2>err.txt
[[ $? == 2 ]] || fail "validate --format json of a bad file did not exit 2"
"$DLX_BIN" validate bad.yaml 2> b.txt
python3 -c '
import json
d = json.load(open("b.json"))
text = open("b.txt").read().splitlines()
assert d["valid"] is False and d["resolved"] is None
assert len(d["errors"]) == len(text) >= 2, (d["errors"], text)
for e, line in zip(d["errors"], text):
    assert line == "%s:%d:%d: error: %s" % (e["file"], e["line"], e["column"], e["message"]), (e, line)
' || fail "invalid document: $(cat b.json) vs $(cat b.txt)"
echo ok
