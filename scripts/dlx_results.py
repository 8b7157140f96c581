#!/usr/bin/python3
"""dlx_results.py — dlx's results in Python: the metrics as a pandas DataFrame, a run's model
as a PyTorch module (SPEC §3 for the files read).

    import sys; sys.path.insert(0, "scripts")
    import dlx_results
    frame = dlx_results.load_metrics("results/grid")      # every run's rows, typed
    model = dlx_results.load_model("results/grid/runs/p1/main/seed-2")   # an nn.Module, eval mode

load_metrics(DIR)
    DIR is an output folder (one holding resolved.yaml) or a folder searched for them, as
    `dlx collect` does: subfolders in natural order (p2 before p10), never below a folder
    already found. The metrics.csv of each is read and the frames are stacked, with
      * the fixed columns typed: arm (string), seed, step (int64), every other number float64
        (an empty field, e.g. test_acc of a regression or objective at epoch 0, is NaN);
      * the diagnostic columns as float64;
      * one column per swept key (named by its dotted path, `optimizer.lr`), numeric when
        every value is a number, else string;
      * `folder` (the output folder, relative to DIR; "." for DIR itself), `status` (the run's
        row of summary.csv: ok, diverged, interrupted, or <NA> when it has none yet) and
        `finished` (bool: the run has a summary row whose status is ok or diverged; a run that
        is still going, was killed or interrupted is False, and its rows are still there).
    A run is identified by (folder, swept keys, arm, seed).

load_model(RUN_DIR)
    RUN_DIR is runs/<arm>/seed-<k> (or runs/p<I>/<arm>/seed-<k>) of an output folder. The
    architecture is read from the folder's resolved.yaml (the base merged with the arm's keys,
    as dlx merges them, and the point's swept values from the run's metrics.csv): model.type
    mlp (or linear/logistic/softmax, the same without hidden layers), hidden widths,
    activation, bias, batch norm (eps, momentum, position before/after the activation) and
    dropout (hidden/input rates, inverted or test_time scaling). Submodules are named as dlx
    names the tensors (fc1, bn1, ..., out), so the checkpoint's model tensors load with
    load_state_dict(strict=True): a missing or extra model tensor, or a shape that differs,
    is an error. Optimizer state in the checkpoint is not part of the module. The module is
    returned in eval mode (BN running statistics, no dropout), float32, on the CPU.

Needs Debian's python3-pandas, python3-torch, python3-yaml and python3-numpy
(scripts/setup.sh installs them).
"""

import json
import os
import re
import struct

import numpy as np
import pandas as pd
import yaml

# SPEC §3: the fixed leading columns of every metrics.csv, in this order.
FIXED_COLUMNS = ["arm", "seed", "epoch", "step", "lr", "train_loss", "train_acc",
                 "test_loss", "test_acc", "gen_gap", "objective", "wall_s"]
INTEGER_COLUMNS = ("seed", "step")

# Top-level keys of the experiment file (SPEC §2): an extra column named KEY or KEY.sub.path
# is a swept key; any other extra column is a diagnostic.
EXPERIMENT_KEYS = ("experiment", "description", "seeds", "output", "data", "model", "loss",
                   "regularizer", "optimizer", "training", "diagnostics", "arms", "reference",
                   "uncertainty")

FINISHED_STATUSES = ("ok", "diverged")
MODEL_TENSOR = re.compile(r"^(fc\d+|bn\d+|out)\.(weight|bias|running_mean|running_var)$")


class ResultsError(Exception):
    """A folder or file that is not what dlx writes; the message names it."""


# ---------------------------------------------------------------------------------------------
# Finding output folders

def natural_key(name):
    """Sort key putting p2 before p10: digit runs compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", name)]


def output_folders(directory):
    """Output folders (holding resolved.yaml) at or below `directory`, in natural order,
    none below one already found; `runs/` folders are never searched."""
    if os.path.isfile(os.path.join(directory, "resolved.yaml")):
        return [directory]
    found = []
    try:
        names = sorted(os.listdir(directory), key=natural_key)
    except OSError as e:
        raise ResultsError(f"{directory}: cannot list: {e.strerror}") from None
    for name in names:
        path = os.path.join(directory, name)
        if os.path.isdir(path) and not os.path.islink(path) and name != "runs":
            found.extend(output_folders(path))
    return found


def swept_columns(columns):
    """The extra columns named by a dotted path into the experiment file."""
    return [c for c in columns[len(FIXED_COLUMNS):] if c.split(".", 1)[0] in EXPERIMENT_KEYS]


# ---------------------------------------------------------------------------------------------
# load_metrics

def read_table(path, required):
    """A CSV of dlx read as text (typed later); None when absent and not required."""
    if not os.path.isfile(path):
        if required:
            raise ResultsError(f"{path}: no such file")
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as e:
        raise ResultsError(f"{path}: not a readable dlx CSV: {e}") from None


def typed_swept(values):
    """A swept key's column: float64 when every value is a number, else string."""
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().all():
        return numeric.astype("float64")
    return values.astype("string")


def load_metrics(directory):
    """Every run's metrics.csv under `directory` as one typed DataFrame (see the module text)."""
    folders = output_folders(directory)
    if not folders:
        raise ResultsError(f"{directory}: no dlx output folder (none holds a resolved.yaml)")
    frames = []
    for folder in folders:
        metrics = read_table(os.path.join(folder, "metrics.csv"), required=True)
        if list(metrics.columns[:len(FIXED_COLUMNS)]) != FIXED_COLUMNS:
            raise ResultsError(f"{folder}/metrics.csv: not a dlx metrics.csv (expected columns "
                               f"{','.join(FIXED_COLUMNS)} first)")
        swept = swept_columns(list(metrics.columns))
        summary = read_table(os.path.join(folder, "summary.csv"), required=False)
        key = swept + ["arm", "seed"]
        if summary is not None and len(summary) and all(k in summary.columns for k in key):
            status = summary[key + ["status"]].drop_duplicates(key, keep="last")
            metrics = metrics.merge(status, on=key, how="left")
        else:
            metrics["status"] = np.nan
        metrics["folder"] = os.path.relpath(folder, directory)
        frames.append(metrics)
    frame = pd.concat(frames, ignore_index=True, sort=False)

    swept = []
    for frame_part in frames:
        swept += [c for c in swept_columns(list(frame_part.columns)) if c not in swept]
    for column in frame.columns:
        if column == "arm":
            frame[column] = frame[column].astype("string")
        elif column in ("folder", "status"):
            frame[column] = frame[column].replace("", np.nan).astype("string")
        elif column in INTEGER_COLUMNS:
            frame[column] = pd.to_numeric(frame[column], errors="raise").astype("int64")
        elif column in swept:
            frame[column] = typed_swept(frame[column].fillna(""))
        else:  # the other fixed columns and the diagnostics; '' is NaN, 'nan'/'inf' kept
            frame[column] = pd.to_numeric(frame[column].replace("", np.nan),
                                          errors="raise").astype("float64")
    frame["finished"] = frame["status"].isin(FINISHED_STATUSES).fillna(False).astype(bool)
    return frame


# ---------------------------------------------------------------------------------------------
# load_model

def merge(base, over):
    """dlx's arm merge: mappings key by key, recursively; sequences and scalars replace."""
    result = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def set_dotted(config, path, value):
    """Set config[a][b][c] = value for the dotted path a.b.c (creating mappings)."""
    keys = path.split(".")
    node = config
    for key in keys[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[keys[-1]] = value


def run_location(run_dir):
    """(output folder, arm, seed) of runs/[p<I>/]<arm>/seed-<k>."""
    run_dir = os.path.abspath(run_dir)
    seed_name = os.path.basename(run_dir)
    arm = os.path.basename(os.path.dirname(run_dir))
    above = os.path.dirname(os.path.dirname(run_dir))
    if re.fullmatch(r"p\d+", os.path.basename(above)):
        above = os.path.dirname(above)
    match = re.fullmatch(r"seed-(\d+)", seed_name)
    if not match or os.path.basename(above) != "runs":
        raise ResultsError(f"{run_dir}: not a run folder (expected runs/[p<I>/]<arm>/seed-<k>)")
    return os.path.dirname(above), arm, int(match.group(1))


def run_config(run_dir):
    """The experiment as this run ran it: resolved.yaml, the arm merged over the base, the
    point's swept values (from the run's metrics.csv) set by their dotted paths."""
    folder, arm, _ = run_location(run_dir)
    path = os.path.join(folder, "resolved.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            resolved = yaml.safe_load(f)
    except OSError as e:
        raise ResultsError(f"{path}: cannot read: {e.strerror}") from None
    config = {k: v for k, v in resolved.items() if k != "arms"}
    arms = resolved.get("arms") or []
    if arms:
        chosen = [a for a in arms if a.get("name") == arm]
        if not chosen:
            raise ResultsError(f"{path}: no arm named '{arm}'")
        config = merge(config, {k: v for k, v in chosen[0].items() if k != "name"})
    metrics = read_table(os.path.join(run_dir, "metrics.csv"), required=False)
    if metrics is not None and len(metrics):
        for key in swept_columns(list(metrics.columns)):
            set_dotted(config, key, yaml.safe_load(metrics[key].iloc[-1]))
    return config


def read_safetensors(path):
    """{name: float32 numpy array} and the metadata of a .safetensors file."""
    dtypes = {"F32": "<f4", "F64": "<f8", "F16": "<f2"}
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError as e:
        raise ResultsError(f"{path}: cannot read: {e.strerror}") from None
    if len(blob) < 8:
        raise ResultsError(f"{path}: not a safetensors file (shorter than 8 bytes)")
    (length,) = struct.unpack("<Q", blob[:8])
    if length > len(blob) - 8:
        raise ResultsError(f"{path}: not a safetensors file (header longer than the file)")
    header = json.loads(blob[8:8 + length])
    data = memoryview(blob)[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in dtypes:
            raise ResultsError(f"{path}: tensor '{name}' has dtype {entry['dtype']}, "
                               "not one of F32, F64, F16")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[entry["dtype"]])
        tensors[name] = array.astype(np.float32).reshape(entry["shape"])
    return tensors, header.get("__metadata__", {})


def build_module(model_config, n_inputs, n_outputs):
    """The nn.Module of a dlx model config (see DlxMLP)."""
    import torch.nn as nn  # local: load_metrics works without PyTorch

    activations = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
                   "identity": nn.Identity}

    class UnitDropout(nn.Module):
        """dlx's dropout of units. Training: Bernoulli masks, kept units × 1/(1−rate)
        (inverted) or × 1 (test_time). Evaluation: × 1 (inverted) or × (1−rate) (test_time:
        Srivastava et al. 2014, §2, the outgoing weights scaled by the keep probability)."""

        def __init__(self, rate, scaling):
            super().__init__()
            self.rate, self.scaling = float(rate), scaling

        def forward(self, x):
            if self.rate == 0.0:
                return x
            if self.training:
                kept = nn.functional.dropout(x, self.rate, training=True)
                return kept if self.scaling == "inverted" else kept * (1.0 - self.rate)
            return x if self.scaling == "inverted" else x * (1.0 - self.rate)

        def extra_repr(self):
            return f"rate={self.rate}, scaling={self.scaling}"

    class DlxMLP(nn.Module):
        """x → [input dropout] → fc1 → [bn1] → act → [dropout] → … → out (SPEC §2), with
        model.batch_norm.position after: fcK → act → bnK → [dropout]."""

        def __init__(self):
            super().__init__()
            m = model_config
            model_type = m.get("type", "mlp")
            hidden = list(m.get("hidden") or []) if model_type == "mlp" else []
            bias = bool(m.get("bias", True))
            bn = m.get("batch_norm", False)
            bn = bn if isinstance(bn, dict) else {"enabled": bool(bn)}
            bn_on = bool(bn.get("enabled", True)) and model_type == "mlp"
            dropout = m.get("dropout", 0.0)
            dropout = dropout if isinstance(dropout, dict) else {"hidden": dropout}
            scaling = dropout.get("scaling", "inverted")
            self.bn_after = bn.get("position", "before") == "after"
            self.input_dropout = UnitDropout(dropout.get("input", 0.0), scaling)
            self.depth = len(hidden)
            widths = [n_inputs] + hidden
            for k in range(1, self.depth + 1):
                setattr(self, f"fc{k}", nn.Linear(widths[k - 1], widths[k], bias=bias))
                if bn_on:
                    setattr(self, f"bn{k}", nn.BatchNorm1d(widths[k], eps=bn.get("eps", 1e-5),
                                                           momentum=bn.get("momentum", 0.1)))
                setattr(self, f"act{k}", activations[m.get("activation", "relu")]())
                setattr(self, f"drop{k}", UnitDropout(dropout.get("hidden", 0.0), scaling))
            self.bn_on = bn_on
            self.out = nn.Linear(widths[-1], n_outputs, bias=bias)

        def forward(self, x):
            h = self.input_dropout(x)
            for k in range(1, self.depth + 1):
                z = getattr(self, f"fc{k}")(h)
                act = getattr(self, f"act{k}")
                if self.bn_on and self.bn_after:
                    h = getattr(self, f"bn{k}")(act(z))
                elif self.bn_on:
                    h = act(getattr(self, f"bn{k}")(z))
                else:
                    h = act(z)
                h = getattr(self, f"drop{k}")(h)
            return self.out(h)

    return DlxMLP()


def load_model(run_dir):
    """The PyTorch module of a run's model with its checkpoint loaded strictly (eval mode)."""
    import torch

    config = run_config(run_dir)
    model_config = config.get("model", {})
    if model_config.get("type", "mlp") not in ("mlp", "linear", "logistic", "softmax"):
        raise ResultsError(f"{run_dir}: model.type {model_config.get('type')} has no "
                           "PyTorch module here (only mlp, linear, logistic, softmax)")
    path = os.path.join(run_dir, "checkpoint.safetensors")
    tensors, metadata = read_safetensors(path)
    weights = {name: value for name, value in tensors.items() if MODEL_TENSOR.match(name)}
    first = weights.get("fc1.weight", weights.get("out.weight"))
    if first is None or "out.weight" not in weights:
        raise ResultsError(f"{path}: no fc1.weight/out.weight: not an mlp checkpoint")
    module = build_module(model_config, first.shape[1], weights["out.weight"].shape[0])
    state = {name: torch.from_numpy(value.copy()) for name, value in weights.items()}
    steps = int(metadata.get("optimizer_steps", metadata.get("step", "0")))
    for name in list(state):
        if name.endswith(".running_mean"):  # PyTorch's own counter, absent from dlx's file
            state[name[:-len("running_mean")] + "num_batches_tracked"] = torch.tensor(steps)
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ResultsError(f"{path}: does not match the model of resolved.yaml: {e}") from None
    return module.eval()
