#!/usr/bin/python3
"""PyTorch reference trajectories of dlx's optimizers, schedules and proximal L1.

One shared problem: softmax regression (a single nn.Linear, cross-entropy) on a fixed
synthetic data set with three classes, trained from the same initial weights with the same
batches as dlx (shuffle: false). Every arm of tests/optimlab/files/optim_reference.yaml is
run here with torch.optim and torch.optim.lr_scheduler (scheduler.step() once per epoch,
as dlx's schedules are defined); the proximal L1 arm soft-thresholds the weights after
each SGD step. After every epoch the mean train and test loss and the rate that the epoch
used are recorded; tests/optimlab/test_optim_reference.c compares dlx's metrics.csv.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/bench/make_optim_reference.py
It rewrites tests/optimlab/files/{optim_train.csv,optim_test.csv,optim_init.safetensors,
optim_reference.csv}.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

from torch_files import write_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "optimlab",
                   "files")
EPOCHS, BATCH, N_TRAIN, N_TEST, DIM, CLASSES = 6, 32, 192, 96, 6, 3


def make_data(rng):
    """Three Gaussian classes whose features have different scales (so Adagrad, RMSprop and
    Adam differ visibly from SGD)."""
    means = rng.normal(0.0, 1.0, size=(CLASSES, DIM))
    scales = np.array([0.3, 0.6, 1.0, 1.5, 2.0, 3.0])
    def split(n):
        y = rng.integers(0, CLASSES, size=n)
        x = (means[y] + rng.normal(0.0, 1.0, size=(n, DIM))) * scales
        return x.astype(np.float32), y
    return split(N_TRAIN), split(N_TEST)


def write_csv(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(f"x{i}" for i in range(DIM)) + ",label\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{int(label)}\n")


def mean_loss(model, x, y):
    with torch.no_grad():
        return nn.functional.cross_entropy(model(x), y).item()


# name, optimizer factory, scheduler factory (or None), l1 strength of the proximal step
ARMS = [
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.05), None, 0.0),
    ("momentum", lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9), None, 0.0),
    ("nesterov", lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.8, nesterov=True), None, 0.0),
    ("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.1), None, 0.0),
    ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9), None, 0.0),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99)), None, 0.0),
    ("step", lambda p: torch.optim.SGD(p, lr=0.1),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), 0.0),
    ("exponential", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5),
     lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.7), 0.0),
    ("inverse_time", lambda p: torch.optim.Adam(p, lr=0.05),
     lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1.0 / (1.0 + 0.5 * e)), 0.0),
    ("cosine", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=EPOCHS, eta_min=0.001), 0.0),
    ("prox_l1", lambda p: torch.optim.SGD(p, lr=0.1), None, 0.05),
    ("prox_l1_momentum", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), None, 0.02),
]


def run(name, init, make_opt, make_sched, l1, data, rows):
    (xtr, ytr), (xte, yte) = data
    model = nn.Linear(DIM, CLASSES)
    model.load_state_dict(init)
    opt = make_opt(model.parameters())
    sched = make_sched(opt) if make_sched else None
    lr_used = opt.param_groups[0]["lr"]
    for epoch in range(EPOCHS + 1):
        if epoch > 0:
            lr_used = opt.param_groups[0]["lr"]
            for start in range(0, N_TRAIN, BATCH):
                opt.zero_grad()
                nn.functional.cross_entropy(model(xtr[start:start + BATCH]),
                                            ytr[start:start + BATCH]).backward()
                opt.step()
                if l1 > 0:
                    with torch.no_grad():  # soft thresholding of the weights (not the bias)
                        w = model.weight
                        w.copy_(torch.sign(w) * torch.clamp(w.abs() - lr_used * l1, min=0.0))
            if sched:
                sched.step()
        zeros = int((model.weight == 0).sum().item())
        rows.append(f"{name},{epoch},{lr_used!r},{mean_loss(model, xtr, ytr)!r},"
                    f"{mean_loss(model, xte, yte)!r},{zeros}")


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = np.random.default_rng(4)
    (xtr, ytr), (xte, yte) = make_data(rng)
    os.makedirs(OUT, exist_ok=True)
    write_csv(os.path.join(OUT, "optim_train.csv"), xtr, ytr)
    write_csv(os.path.join(OUT, "optim_test.csv"), xte, yte)
    init_model = nn.Linear(DIM, CLASSES)
    write_safetensors(os.path.join(OUT, "optim_init.safetensors"),
                      {"out.weight": init_model.weight, "out.bias": init_model.bias})
    init = {k: v.clone() for k, v in init_model.state_dict().items()}
    data = ((torch.from_numpy(xtr), torch.from_numpy(ytr)),
            (torch.from_numpy(xte), torch.from_numpy(yte)))
    rows = ["arm,epoch,lr,train_loss,test_loss,zero_weights"]
    for name, make_opt, make_sched, l1 in ARMS:
        run(name, init, make_opt, make_sched, l1, data, rows)
    with open(os.path.join(OUT, "optim_reference.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {OUT}: torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
