#!/usr/bin/python3
"""test_dlx_results.py — scripts/dlx_results.py against a real dlx run: a 2-arm x 2-point x
2-seed sweep of small MLPs (batch norm before/after the activation, inverted and test_time
dropout, with and without bias) on a 3-class CSV data set written here. Asserts the
DataFrame's columns, dtypes, row count and `finished` flags (also for a run whose summary row
is removed, and for a parent folder of two output folders), and that every run's PyTorch
module, loaded strictly from its checkpoint, reproduces dlx's final test_acc exactly and its
test_loss to float32 rounding. Prints "N passed, M failed"; exits 1 when anything failed.
"""

import os
import random
import shutil
import subprocess
import sys
import tempfile

source_root = os.environ.get("DLX_SOURCE_ROOT",
                             os.path.join(os.path.dirname(__file__), "..", ".."))
dlx = os.path.abspath(os.environ.get("DLX_BIN", os.path.join(source_root, "build", "dlx")))
sys.path.insert(0, os.path.join(source_root, "scripts"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import dlx_results  # noqa: E402

passed = failed = 0


def check(name, condition):
    """Count one assertion."""
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}", file=sys.stderr)


def write_data(path, n, rng):
    """A 3-class Gaussian problem in 5 features, last column the label."""
    with open(path, "w") as f:
        f.write("a,b,c,d,e,label\n")
        for _ in range(n):
            y = rng.randrange(3)
            xs = [rng.gauss(1.2 if j % 3 == y else -0.4, 1.0) for j in range(5)]
            f.write(",".join(f"{v:.6g}" for v in xs) + f",{y}\n")


CONFIG = """experiment: results_api
description: a small sweep read back from Python
seeds: 2
data: {source: csv, train: train.csv, test: test.csv}
model: {type: mlp, hidden: [12, 7], activation: tanh, batch_norm: true, dropout: 0.2}
optimizer: {type: sgd, lr: 0.1}
training: {epochs: 3, batch_size: 25}
arms:
  - name: bn_before
  - name: bn_after_test_time
    model: {activation: relu, batch_norm: {position: after, eps: 0.001},
            dropout: {hidden: 0.3, input: 0.1, scaling: test_time}}
  - name: plain_no_bias
    model: {hidden: [9], activation: sigmoid, batch_norm: false, dropout: 0.0, bias: false}
sweep:
  optimizer.lr: [0.05, 0.3]
"""


def main():
    work = tempfile.mkdtemp()
    try:
        rng = random.Random(7)
        write_data(os.path.join(work, "train.csv"), 240, rng)
        write_data(os.path.join(work, "test.csv"), 173, rng)
        with open(os.path.join(work, "exp.yaml"), "w") as f:
            f.write(CONFIG)
        subprocess.run([dlx, "run", "exp.yaml", "--out", "res", "--threads", "1"], cwd=work,
                       check=True, stdout=subprocess.DEVNULL)
        results = os.path.join(work, "res")

        frame = dlx_results.load_metrics(results)
        check("fixed columns first, in SPEC order",
              list(frame.columns[:12]) == dlx_results.FIXED_COLUMNS)
        for column in ("optimizer.lr", "folder", "status", "finished"):
            check(f"column {column}", column in frame.columns)
        check("arm is a string column", str(frame["arm"].dtype) == "string")
        check("seed and step are int64",
              str(frame["seed"].dtype) == "int64" and str(frame["step"].dtype) == "int64")
        for column in ("epoch", "lr", "train_loss", "train_acc", "test_loss", "test_acc",
                       "gen_gap", "objective", "wall_s", "optimizer.lr"):
            check(f"{column} is float64", str(frame[column].dtype) == "float64")
        check("finished is bool", str(frame["finished"].dtype) == "bool")
        check("one row per run and evaluation: 3 arms x 2 points x 2 seeds x 4",
              len(frame) == 3 * 2 * 2 * 4)
        check("the swept values", sorted(frame["optimizer.lr"].unique()) == [0.05, 0.3])
        check("every run finished", bool(frame["finished"].all()))
        check("epoch 0 has no objective (NaN)",
              bool(frame.loc[frame["epoch"] == 0, "objective"].isna().all()))

        # An unfinished run: its summary row removed (as a killed run leaves it).
        partial = os.path.join(work, "partial")
        shutil.copytree(results, partial)
        with open(os.path.join(partial, "summary.csv")) as f:
            lines = f.readlines()
        dropped = lines[1].split(",")  # arm,seed,... of the first run
        with open(os.path.join(partial, "summary.csv"), "w") as f:
            f.writelines(lines[:1] + lines[2:])
        partial_frame = dlx_results.load_metrics(partial)
        lr_column = lines[0].strip().split(",").index("optimizer.lr")
        unfinished = partial_frame[~partial_frame["finished"]]
        check("a run without a summary row is unfinished (its 4 rows)", len(unfinished) == 4)
        check("... and it is that run",
              set(unfinished["arm"]) == {dropped[0]}
              and set(unfinished["seed"]) == {int(dropped[1])}
              and set(unfinished["optimizer.lr"]) == {float(dropped[lr_column])})
        check("... its status is missing", bool(unfinished["status"].isna().all()))

        # A parent of two output folders: both read, told apart by `folder`.
        both = dlx_results.load_metrics(work)
        check("a parent folder holds both output folders",
              sorted(both["folder"].unique()) == ["partial", "res"] and len(both) == 96)

        # Every run's module against dlx's own final evaluation.
        test = np.loadtxt(os.path.join(work, "test.csv"), delimiter=",", skiprows=1)
        inputs = torch.tensor(test[:, :5], dtype=torch.float32)
        labels = torch.tensor(test[:, 5], dtype=torch.int64)
        final = frame[frame["epoch"] == frame["epoch"].max()]
        for _, row in final.iterrows():
            point = 0 if row["optimizer.lr"] == 0.05 else 1
            run_dir = os.path.join(results, "runs", f"p{point}", row["arm"], f"seed-{row['seed']}")
            module = dlx_results.load_model(run_dir)
            with torch.no_grad():
                logits = module(inputs)
            accuracy = float((logits.argmax(1) == labels).double().mean())
            loss = float(torch.nn.functional.cross_entropy(logits.double(), labels))
            name = f"{row['arm']} lr={row['optimizer.lr']} seed {row['seed']}"
            print(f"{name}: PyTorch test_acc {accuracy:.9g} (dlx {row['test_acc']:.9g}), "
                  f"test_loss {loss:.9g} (dlx {row['test_loss']:.9g})")
            correct = int((logits.argmax(1) == labels).sum())
            check(f"{name}: PyTorch's correct count = dlx's (test_acc x n, written %.9g)",
                  correct == round(row["test_acc"] * len(labels))
                  and float(f"{accuracy:.9g}") == row["test_acc"])
            check(f"{name}: PyTorch loss = dlx test_loss to 1e-5",
                  abs(loss - row["test_loss"]) <= 1e-5 * max(1.0, abs(row["test_loss"])))
            check(f"{name}: module in eval mode", not module.training)

        bias_free = dlx_results.load_model(os.path.join(results, "runs", "p0", "plain_no_bias",
                                                        "seed-1"))
        check("bias: false gives Linear layers without bias",
              bias_free.fc1.bias is None and bias_free.out.bias is None)
        after = dlx_results.load_model(os.path.join(results, "runs", "p0", "bn_after_test_time",
                                                    "seed-1"))
        check("the arm's batch-norm eps is used", after.bn1.eps == 0.001)

        # Strict loading: a checkpoint missing a tensor is refused.
        run = os.path.join(partial, "runs", "p0", "bn_before", "seed-1")
        tensors, metadata = dlx_results.read_safetensors(os.path.join(run, "checkpoint.safetensors"))
        del tensors["bn2.running_var"]
        write_safetensors(os.path.join(run, "checkpoint.safetensors"), tensors)
        try:
            dlx_results.load_model(run)
            check("a checkpoint missing bn2.running_var is refused", False)
        except dlx_results.ResultsError as e:
            check("a checkpoint missing bn2.running_var is refused", "bn2.running_var" in str(e))
    finally:
        shutil.rmtree(work)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def write_safetensors(path, tensors):
    """A minimal safetensors writer (F32), for the strict-loading case."""
    import json
    import struct
    header, blobs, offset = {}, [], 0
    for name, value in tensors.items():
        data = np.ascontiguousarray(value, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


if __name__ == "__main__":
    sys.exit(main())
