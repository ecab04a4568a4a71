"""Means over seeds of XRLHF vs RLHF (and of each ablation vs RLHF) at two fine-tune KL weights, with the paired
difference over seeds: `python compare.py ROOT_A ROOT_B TASK "0 1 2 3"` (A: kl_ctl 0.05, B: 0.4)."""
import sys
from pathlib import Path
import numpy as np
from xrlhf.report import collect_run

root_a, root_b, task = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
seeds = [int(seed) for seed in sys.argv[4].split()]
SUBSETS = ("unsat_caused", "test_unsat_caused", "sat", "all")

def rate(run, policy, subset):
    winrate = run["winrate"] if policy == "xrlhf" else (run.get("ablations") or {}).get(policy, {}).get("winrate")
    return ((winrate or {}).get("xrlhf_vs_rlhf") or {}).get(subset, {}).get("rate")

print("| cell | policy | subset | kl 0.05 | kl 0.4 | 0.05 - 0.4 (pts, mean over seeds) | seeds |")
print("|---|---|---|---|---|---|---|")
for algorithm in ("remax", "ppo"):
    runs = [(collect_run(root_a, task, algorithm, seed), collect_run(root_b, task, algorithm, seed)) for seed in seeds]
    runs = [(a, b) for a, b in runs if a["winrate"] and b["winrate"]]
    for policy in ("xrlhf", "random_set", "finetune_only"):
        for subset in SUBSETS:
            pairs = [(rate(a, policy, subset), rate(b, policy, subset)) for a, b in runs]
            pairs = np.array([pair for pair in pairs if None not in pair])
            if len(pairs) == 0:
                continue
            diff = 100 * (pairs[:, 0] - pairs[:, 1]).mean()
            print(f"| {task}/{algorithm} | {policy} | {subset} | {pairs[:, 0].mean():.3f} | {pairs[:, 1].mean():.3f} | "
                  f"{diff:+.1f} | {len(pairs)} |")
