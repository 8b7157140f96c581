#!/usr/bin/python3
"""Golden reference trajectories from PyTorch for tests/golden (llm.c's test_gpt2 idea).

Builds small networks in PyTorch, writes their initial weights as safetensors (SPEC §2
names), trains them on a fixed synthetic data set with the same batches as dlx
(shuffle: false), and records after every epoch the mean train and test loss in
inference mode and the test accuracy. tests/golden/test_torch_golden.c runs the same
experiment in dlx from the same initial weights and compares.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/bench/make_torch_golden.py
It rewrites tests/golden/{train.csv,test.csv,*.safetensors,reference.csv} and
reference_float64.csv: the same networks from the same initial weights (the float32 values,
exact in double) trained with model.double() on the same data in double, which dlx's
`precision: float64` must follow to 1e-12 relative.
"""
import copy
import os
import sys

import numpy as np
import torch
import torch.nn as nn

from torch_files import write_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden")
EPOCHS, BATCH, N_TRAIN, N_TEST, DIM, CLASSES = 6, 32, 256, 128, 8, 3


def make_data(rng):
    """Three Gaussian classes in 8 dimensions; written as CSV with the label last."""
    means = rng.normal(0.0, 1.5, size=(CLASSES, DIM))
    def split(n):
        y = rng.integers(0, CLASSES, size=n)
        x = means[y] + rng.normal(0.0, 1.0, size=(n, DIM))
        return x.astype(np.float32), y
    return split(N_TRAIN), split(N_TEST)


def write_csv(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(f"x{i}" for i in range(DIM)) + ",label\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{int(label)}\n")


class MLP(nn.Module):
    """fc1 -> [bn1] -> act -> fc2 -> [bn2] -> act -> out, dlx's layer order and names."""
    def __init__(self, hidden, act, batch_norm):
        super().__init__()
        sizes = [DIM] + hidden
        self.fc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.bn = nn.ModuleList(nn.BatchNorm1d(b, momentum=0.1, eps=1e-5) for b in hidden) \
            if batch_norm else None
        self.act = act
        self.out = nn.Linear(sizes[-1], CLASSES)

    def forward(self, x):
        for i, fc in enumerate(self.fc):
            x = fc(x)
            if self.bn is not None:
                x = self.bn[i](x)
            x = self.act(x)
        return self.out(x)

    def named_for_dlx(self):
        t = {}
        for i, fc in enumerate(self.fc):
            t[f"fc{i + 1}.weight"], t[f"fc{i + 1}.bias"] = fc.weight, fc.bias
            if self.bn is not None:
                bn = self.bn[i]
                t[f"bn{i + 1}.weight"], t[f"bn{i + 1}.bias"] = bn.weight, bn.bias
                t[f"bn{i + 1}.running_mean"], t[f"bn{i + 1}.running_var"] = \
                    bn.running_mean, bn.running_var
        t["out.weight"], t["out.bias"] = self.out.weight, self.out.bias
        return t


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        z = model(x)
        loss = nn.functional.cross_entropy(z, y).item()
        acc = (z.argmax(1) == y).float().mean().item()
    model.train()
    return loss, acc


def run(name, model, make_optimizer, l2, data, rows, write_init=True):
    (xtr, ytr), (xte, yte) = data
    if write_init:
        write_safetensors(os.path.join(OUT, f"{name}.safetensors"), model.named_for_dlx())
    weights = [p for n, p in model.named_parameters() if n.endswith("weight") and "bn" not in n]
    others = [p for n, p in model.named_parameters() if not (n.endswith("weight") and "bn" not in n)]
    # dlx's l2 applies to dense weights only (SPEC §2): PyTorch's weight_decay per group.
    opt = make_optimizer([{"params": weights, "weight_decay": l2},
                          {"params": others, "weight_decay": 0.0}])
    for epoch in range(EPOCHS + 1):
        if epoch > 0:
            for start in range(0, N_TRAIN, BATCH):
                xb, yb = xtr[start:start + BATCH], ytr[start:start + BATCH]
                opt.zero_grad()
                nn.functional.cross_entropy(model(xb), yb).backward()
                opt.step()
        train_loss, _ = evaluate(model, xtr, ytr)
        test_loss, test_acc = evaluate(model, xte, yte)
        rows.append(f"{name},{epoch},{train_loss!r},{test_loss!r},{test_acc!r}")


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    (xtr, ytr), (xte, yte) = make_data(rng)
    os.makedirs(OUT, exist_ok=True)
    write_csv(os.path.join(OUT, "train.csv"), xtr, ytr)
    write_csv(os.path.join(OUT, "test.csv"), xte, yte)
    data = ((torch.from_numpy(xtr), torch.from_numpy(ytr)),
            (torch.from_numpy(xte), torch.from_numpy(yte)))
    data64 = tuple((x.double(), y) for x, y in data)
    rows = ["arm,epoch,train_loss,test_loss,test_acc"]
    rows64 = list(rows)
    arms = [("bn_momentum", MLP([16, 16], torch.tanh, True),
             lambda groups: torch.optim.SGD(groups, lr=0.1, momentum=0.9), 1e-3),
            ("relu_adam", MLP([16, 16], torch.relu, False),
             lambda groups: torch.optim.Adam(groups, lr=0.01), 0.0),
            ("sigmoid_nesterov", MLP([12], torch.sigmoid, False),
             lambda groups: torch.optim.SGD(groups, lr=0.2, momentum=0.8, nesterov=True), 1e-2)]
    for name, model, make_optimizer, l2 in arms:
        twin = copy.deepcopy(model).double()   # the same initial weights, in double
        run(name, model, make_optimizer, l2, data, rows)
        run(name, twin, make_optimizer, l2, data64, rows64, write_init=False)
    with open(os.path.join(OUT, "reference.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(OUT, "reference_float64.csv"), "w") as f:
        f.write("\n".join(rows64) + "\n")
    print(f"wrote {OUT}: torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
