"""torch_ref.py: the PyTorch reference for scripts/bench/bench.py.

Trains the same network as dlx on the same data, the way a careful PyTorch user
would on the CPU (float32, index a shuffled permutation of tensors held in
memory, zero_grad(set_to_none=True), torch.optim), and prints one JSON line:
{"epochs": [seconds of each training epoch], "eval": [seconds of each pass over
the evaluation examples]}. The first epoch and the first evaluation pass are
warm-ups and are included; bench.py drops them.

Threads: the caller sets OPENBLAS_NUM_THREADS (Debian's torch runs its GEMMs in
OpenBLAS's own pool) and OMP_WAIT_POLICY=PASSIVE; torch.set_num_threads gets the
same number for its own elementwise work.

Usage: /usr/bin/python3 torch_ref.py --hidden 100,100,100 --activation sigmoid
       [--batch-norm] [--dropout 0.5] --batch 60 --optimizer sgd|momentum
       --lr 0.5 --epochs 2 --n-train 60000 --eval-passes 2 [--eval-batch 1000]
       --threads 1  (evaluation in batches of 1000, as in PyTorch's MNIST example)
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path):
    """The array in an IDX file (gzipped or not), as numpy."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion(folder, n_train):
    """Training and test images scaled to [0, 1] (dlx's `preprocess: scale`) and labels."""
    x = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"))[:n_train]
    y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))[:n_train]
    xt = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz"))
    yt = read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
    as_x = lambda a: torch.from_numpy(a.reshape(len(a), -1).astype(np.float32) / 255.0)
    as_y = lambda a: torch.from_numpy(a.astype(np.int64))
    return as_x(x), as_y(y), as_x(xt), as_y(yt)


def build(hidden, activation, batch_norm, dropout):
    """784 -> hidden... -> 10 with dlx's layer order: dense, [bn], act, [dropout]."""
    layers, n_in = [], 784
    act = torch.nn.Sigmoid if activation == "sigmoid" else torch.nn.ReLU
    for width in hidden:
        layers.append(torch.nn.Linear(n_in, width))
        if batch_norm:
            layers.append(torch.nn.BatchNorm1d(width))
        layers.append(act())
        if dropout > 0:
            layers.append(torch.nn.Dropout(dropout))
        n_in = width
    layers.append(torch.nn.Linear(n_in, 10))
    return torch.nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hidden", required=True)
    p.add_argument("--activation", default="relu")
    p.add_argument("--batch-norm", action="store_true")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--optimizer", default="sgd")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--n-train", type=int, default=60000)
    p.add_argument("--eval-passes", type=int, default=0)
    p.add_argument("--eval-batch", type=int, default=1000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y, xt, yt = load_fashion(a.data, a.n_train)
    model = build([int(w) for w in a.hidden.split(",")], a.activation, a.batch_norm, a.dropout)
    momentum = 0.9 if a.optimizer == "momentum" else 0.0
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=momentum)

    epochs, loss = [], None
    for _ in range(a.epochs):
        model.train()
        t0 = time.perf_counter()
        order = torch.randperm(len(x))
        for start in range(0, len(x), a.batch):
            idx = order[start:start + a.batch]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        epochs.append(time.perf_counter() - t0)

    evals = []
    model.eval()
    with torch.no_grad():
        for _ in range(a.eval_passes):
            t0 = time.perf_counter()
            total, correct = 0.0, 0
            for start in range(0, len(xt), a.eval_batch):
                logits = model(xt[start:start + a.eval_batch])
                total += F.cross_entropy(logits, yt[start:start + a.eval_batch], reduction="sum").item()
                correct += (logits.argmax(1) == yt[start:start + a.eval_batch]).sum().item()
            evals.append(time.perf_counter() - t0)
    print(json.dumps({"epochs": epochs, "eval": evals, "final_loss": None if loss is None else float(loss)}))


if __name__ == "__main__":
    main()
