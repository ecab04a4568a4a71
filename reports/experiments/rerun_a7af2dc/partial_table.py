"""Per-run numbers of the finished runs of one task, read from a study's artifacts with `xrlhf.report.collect_run`:
`python partial_table.py ARTIFACT_ROOT TASK > TASK_partial.md` (a run counts once its evaluate stage has run)."""
import sys
from pathlib import Path
import numpy as np
from xrlhf.report import collect_run

root, task = Path(sys.argv[1]), sys.argv[2]
COLUMNS = ("seed", "unsat.", "planted-caused share", "RM prefers claim", "trait SFT -> RLHF", "tracin AUC",
           "tracin p@k", "probes after: explained / random set", "held-out acc. before -> after", "forget acc. after",
           "RLHF vs SFT all", "XRLHF vs RLHF sat", "unsat_caused", "test_unsat_caused", "all")

def rate(run, comparison, subset):
    win = ((run["winrate"] or {}).get(comparison) or {}).get(subset) or {}
    return win.get("rate")

def joined(column, pair):
    "A pair of numbers: before -> after, except the probes' explained / random set."
    separator = " / " if COLUMNS[column].startswith("probes") else " -> "
    return separator.join(map(fmt, pair))

def fmt(x):
    return "n/a" if x is None else f"{x:.3f}"

print(f"# {task}: the runs of the a7af2dc rerun that finished\n")
for algorithm in ("remax", "ppo"):
    rows = []
    for seed in range(10):
        run = collect_run(root, task, algorithm, seed)
        if run["winrate"] is None:
            continue
        premise, unlearn, tracin = run["premise"], run["unlearn"], run["attribution_ranking"]["tracin"]
        family = next(iter(premise["families"].values()))
        rows.append([seed, run["unsatisfactory_fraction"], premise["unsat_caused_share"], family["rm_prefers_flawed"],
                     (family["trait_rate_sft"], family["trait_rate_rlhf"]), tracin["auc"], tracin["precision_at_k"],
                     (unlearn["rm_prefers_flawed_after"], unlearn["random_set_rm_prefers_flawed_after"]),
                     (unlearn["heldout_acc_before"], unlearn["heldout_acc_after"]), unlearn["forget_acc_after"],
                     rate(run, "rlhf_vs_sft", "all"), rate(run, "xrlhf_vs_rlhf", "sat"),
                     rate(run, "xrlhf_vs_rlhf", "unsat_caused"), rate(run, "xrlhf_vs_rlhf", "test_unsat_caused"),
                     rate(run, "xrlhf_vs_rlhf", "all")])
    print(f"## {task}/{algorithm}: {len(rows)} seeds\n")
    print("| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS))
    for row in rows:
        cells = [str(row[0])] + [joined(column, value) if isinstance(value, tuple) else fmt(value)
                                  for column, value in enumerate(row[1:], 1)]
        print("| " + " | ".join(cells) + " |")
    if rows:
        means = ["mean"]
        for column in range(1, len(COLUMNS)):
            values = [row[column] for row in rows]
            if isinstance(values[0], tuple):
                means.append(joined(column, [float(np.mean([v[i] for v in values if v[i] is not None]))
                                             for i in range(2)]))
            else:
                kept = [v for v in values if v is not None]
                means.append(fmt(float(np.mean(kept))) if kept else "n/a")
        print("| " + " | ".join(means) + " |")
    print()
