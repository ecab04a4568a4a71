"""Ten-seed comparison of the fine-tune at kl_ctl 0.05 (results.jsonl, against the unlearned reward model) with the
study's own fine-tune at 0.4 (../rerun_a7af2dc/dialogue/metrics.json), per algorithm: means, 95% t-intervals over
seeds of the paired difference; then, at 0.05, XRLHF against the same fine-tune of the random_set control's reward
model and of the reward model before unlearning (finetune_only), on the seeds that have them. `python summarise.py`"""
import json
from pathlib import Path
import numpy as np
from xrlhf.stats import paired_comparison

here = Path(__file__).parent
study = json.loads((here/"../rerun_a7af2dc/dialogue/metrics.json").read_text())
lines = [json.loads(line) for line in (here/"results.jsonl").read_text().splitlines()]
SUBSETS = ("unsat_caused", "test_unsat_caused", "sat", "all", "test_all")
def interval(a, b):
    "`a` minus `b` paired by seed: mean difference, its 95% t-interval over seeds and the Wilcoxon p (xrlhf.stats)."
    paired = paired_comparison(a, b)
    return (f"{paired['mean_diff']:+.3f} [{paired['ci_low']:+.3f}, {paired['ci_high']:+.3f}] "
            f"(Wilcoxon p {paired['p_wilcoxon']:.3f})")

for algorithm in ("remax", "ppo"):
    low = {line["seed"]: line for line in lines
           if line.get("against", "unlearn") == "unlearn" and line["kl"] == 0.05
           and line.get("algorithm", "remax") == algorithm}
    seeds = sorted(low)
    if not seeds:
        continue
    print(f"{algorithm}: seeds {seeds}")
    for subset in SUBSETS:
        at_low = np.array([low[seed][subset] for seed in seeds])
        at_study = np.array([study[f"dialogue/{algorithm}/seed{seed}"]["winrate"]["xrlhf_vs_rlhf"][subset]["rate"]
                             for seed in seeds])
        print(f"  {subset:18s} kl 0.4 {at_study.mean():.3f}  kl 0.05 {at_low.mean():.3f}  "
              f"difference {interval(at_low, at_study)}")
    trait = np.array([low[seed]["trait_fix"] for seed in seeds])
    print(f"  trait rate (fix half) at 0.05: mean {trait.mean():.3f}; seeds under 0.5: "
          f"{[seed for seed in seeds if low[seed]['trait_fix'] < 0.5]}")

for algorithm in ("remax", "ppo"):
    runs = {}
    for line in lines:
        if line["kl"] == 0.05 and line.get("algorithm", "remax") == algorithm:
            runs[(line.get("against", "unlearn"), line["seed"])] = line
    for control in ("random_set", "reward"):
        seeds = sorted(seed for against, seed in runs if against == control and ("unlearn", seed) in runs)
        if not seeds:
            continue
        print(f"{algorithm}, kl 0.05: XRLHF minus the {control} fine-tune (win rates against RLHF), seeds {seeds}")
        for subset in SUBSETS:
            xrlhf = np.array([runs[("unlearn", seed)][subset] for seed in seeds])
            other = np.array([runs[(control, seed)][subset] for seed in seeds])
            print(f"  {subset:18s} XRLHF {xrlhf.mean():.3f}  {control} {other.mean():.3f}  "
                  f"difference {interval(xrlhf, other)}")
        trait = np.array([runs[(control, seed)]["trait_fix"] for seed in seeds])
        print(f"  {control} trait rate (fix half): mean {trait.mean():.3f}")
