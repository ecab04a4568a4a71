"""table.py ROOT TASK ALGO "SEEDS": per seed, the unlearning report and XRLHF's win rates against RLHF (gold)."""
import sys, json
from pathlib import Path
root, task, algo, seeds = Path(sys.argv[1]), sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4].split()]
print("| seed | steps | forget acc | held-out acc before -> after | probes prefer flawed | queries flipped | "
      "trait (fix/test) | sat | all | unsat_caused | test_sat | test_all | test_unsat_caused |")
print("|---" * 13 + "|")
for seed in seeds:
    run = root/task/f"seed{seed}"/algo
    u = json.loads((run/"unlearn"/"metrics.json").read_text())
    e = json.loads((run/"evaluate"/"metrics.json").read_text())
    w = e["winrate"]["xrlhf_vs_rlhf"]
    trait = "; ".join(f"{v['fix']['xrlhf']:.2f}/{v['test']['xrlhf']:.2f}" for v in e["trait_rate"].values())
    rates = " | ".join(f"{w[k]['rate']:.1%}" for k in ("sat", "all", "unsat_caused", "test_sat", "test_all",
                                                           "test_unsat_caused"))
    print(f"| {seed} | {u['outcome']['steps']} | {u['forget_acc_after']:.2f} | {u['heldout_acc_before']:.3f} -> "
          f"{u['heldout_acc_after']:.3f} | {u['rm_prefers_flawed_after']:.2f} | {u['flipped_share']:.2f} | {trait} | "
          f"{rates} |")
