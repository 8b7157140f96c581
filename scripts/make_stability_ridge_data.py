#!/usr/bin/python3
"""make_stability_ridge_data.py — the data files of configs/stability_ridge_m.yaml.

Writes configs/data/stability_ridge_train.csv (3400 rows) and stability_ridge_test.csv
(1000 rows), columns x1..x5,y, from NumPy's default_rng(2002):
  x uniform in the unit ball of R^5 (a Gaussian direction times U^(1/5)), so ‖x‖ ≤ 1 (κ = 1);
  y = clip(w*·x + 0.3·N(0, 1), −1, 1) with ‖w*‖ = 1, so |y| ≤ 1 (B = 1).
Bousquet & Elisseeff's bound for ridge regression needs exactly these two bounds. The rows
are written with 9 significant digits (float32 reads them back exactly enough).

Usage: /usr/bin/python3 scripts/make_stability_ridge_data.py [OUT_DIR]   (default configs/data)
"""
import os
import sys

import numpy as np


def draw(rng, n, d, w):
    g = rng.standard_normal((n, d))
    r = rng.uniform(size=(n, 1)) ** (1.0 / d)
    x = g / np.linalg.norm(g, axis=1, keepdims=True) * r
    y = np.clip(x @ w + 0.3 * rng.standard_normal(n), -1.0, 1.0)
    return x, y


def write(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(f"x{j + 1}" for j in range(x.shape[1])) + ",y\n")
        for xi, yi in zip(x, y):
            f.write(",".join(f"{v:.9g}" for v in xi) + f",{yi:.9g}\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("configs", "data")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2002)
    d = 5
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    xtr, ytr = draw(rng, 3400, d, w)
    xte, yte = draw(rng, 1000, d, w)
    write(os.path.join(out, "stability_ridge_train.csv"), xtr, ytr)
    write(os.path.join(out, "stability_ridge_test.csv"), xte, yte)


if __name__ == "__main__":
    main()
