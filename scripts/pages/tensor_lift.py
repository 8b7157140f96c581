"""tensor_lift — the measured tables of docs/experiments/tensor_lift.md (Janzamin, Sedghi &
Anandkumar 2015, NN-LIFT) from a run of configs/tensor_lift.yaml (arms lift and sgd, a sweep of
data.seed × data.n_train): every run's final weight recovery, test loss and wall time with SGD
after its first epoch (the table of scripts/plot_tensor_lift.py), the recovery claims at the two
largest n, and a summary of the comparisons the page's prose draws."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _metrics as m  # noqa: E402

CONFIG = "configs/tensor_lift.yaml"
# Reduced: n_train 5000 and 20000, data seeds 1–2, 2 SGD epochs, 2000 test examples.
REDUCED_ARGS = ["--set", "sweep.data.n_train=[5000,20000]", "--set", "sweep.data.seed=[1,2]",
                "--set", "training.epochs=2", "--set", "data.n_test=2000"]


def figure_commands(results, prefix):
    return [m.plot("plot_tensor_lift.py", results, "-o", prefix)]



def measured(results):
    last, after_one = {}, {}
    for r in m.rows(results):
        key = (int(float(r["data.seed"])), int(float(r["data.n_train"])))
        v = {k: m.number(r[k]) for k in ("test_loss", "weight_recovery", "wall_s")}
        last[(r["arm"],) + key] = v
        if r["arm"] == "sgd" and int(r["epoch"]) == 1:
            after_one[key] = v
    seeds = sorted({k[1] for k in last})
    sizes = sorted({k[2] for k in last})
    out = ["| data.seed | n_train | lift min \\|cos\\| | sgd min \\|cos\\| | lift test_loss | sgd test_loss "
           "| lift wall_s | sgd wall_s | sgd epoch 1: test_loss, min \\|cos\\|, wall_s |",
           "|---|---|---|---|---|---|---|---|---|"]
    for s in seeds:
        for n in sizes:
            a, b, e = last[("lift", s, n)], last[("sgd", s, n)], after_one[(s, n)]
            out.append(f"| {s} | {n} | {a['weight_recovery']:.6f} | {b['weight_recovery']:.6f} "
                       f"| {a['test_loss']:.5f} | {b['test_loss']:.5f} | {a['wall_s']:.3f} | {b['wall_s']:.3f} "
                       f"| {e['test_loss']:.5f}, {e['weight_recovery']:.5f}, {e['wall_s']:.3f} |")
    top, below, low = sizes[-1], sizes[-2], sizes[0]
    err = lambda arm, s, n: 1 - last[(arm, s, n)]["weight_recovery"]   # noqa: E731
    out += ["", f"The claims at n = {top}, for every data seed: every teacher row has a recovered "
            f"row with |cos| ≥ 0.97, and the error 1 − min|cos| is at most half of that at {below}:", "",
            f"| data.seed | lift 1 − min\\|cos\\| at {below} | at {top} | ratio | ≥ 0.97 at {top} | halved |",
            "|---|---|---|---|---|---|"]
    for s in seeds:
        e1, e4 = err("lift", s, below), err("lift", s, top)
        out.append(f"| {s} | {e1:.3g} | {e4:.3g} | {e1 / e4:.2f} | "
                   f"{'yes' if last[('lift', s, top)]['weight_recovery'] >= 0.97 else 'NO'} | "
                   f"{'yes' if e4 <= e1 / 2 else 'NO'} |")
    runs = [(s, n) for s in seeds for n in sizes]
    sgd_lower = sum(1 for s, n in runs if last[("sgd", s, n)]["test_loss"] < last[("lift", s, n)]["test_loss"])
    excess = lambda n: [100 * (last[("lift", s, n)]["test_loss"] / last[("sgd", s, n)]["test_loss"] - 1)  # noqa: E731
                        for s in seeds]
    lift_closer = [s for s in seeds if err("lift", s, low) < err("sgd", s, low)]
    sgd_closer_top = sum(1 for s in seeds if err("sgd", s, top) < err("lift", s, top))
    out += ["", "Summary over the data seeds:", "", "| quantity | value |", "|---|---|"]
    for n in (low, top):
        out.append(f"| lift min \\|cos\\| at n = {n} | {m.span([last[('lift', s, n)]['weight_recovery'] for s in seeds], '.5f')} |")
    out += [f"| lift error 1 − min\\|cos\\| reduced from n = {below} to {top} (factor) | "
            f"{m.span([err('lift', s, below) / err('lift', s, top) for s in seeds], '.1f')} |",
            f"| the same from n = {low} to {top} | "
            f"{m.span([err('lift', s, low) / err('lift', s, top) for s in seeds], '.1f')} |",
            f"| runs where SGD's final test loss is below NN-LIFT's | {sgd_lower} of {len(runs)} |"]
    for n in (top, low):
        out.append(f"| NN-LIFT's test loss above SGD's at n = {n} (%) | {m.span(excess(n), '.1f')} |")
    out += [f"| sgd min \\|cos\\| at n = {top} | {m.span([last[('sgd', s, top)]['weight_recovery'] for s in seeds], '.5f')} |",
            f"| seeds where SGD's first layer is closer than NN-LIFT's at n = {top} | {sgd_closer_top} of {len(seeds)} |",
            f"| seeds where NN-LIFT's first layer is closer than SGD's at n = {low} | "
            f"{', '.join(map(str, lift_closer)) or 'none'} |",
            f"| lift wall_s at n = {top} | {m.span([last[('lift', s, top)]['wall_s'] for s in seeds], '.2f')} |",
            f"| sgd wall_s at n = {top} (all epochs) | {m.span([last[('sgd', s, top)]['wall_s'] for s in seeds], '.2f')} |",
            f"| sgd after epoch 1 at n = {top}: wall_s | {m.span([after_one[(s, top)]['wall_s'] for s in seeds], '.2f')} |",
            f"| sgd after epoch 1 at n = {top}: test_loss | {m.span([after_one[(s, top)]['test_loss'] for s in seeds], '.4f')} |",
            f"| sgd after epoch 1 at n = {top}: min \\|cos\\| | {m.span([after_one[(s, top)]['weight_recovery'] for s in seeds], '.3f')} |"]
    return "\n".join(out) + "\n"
