"""Per-run numbers of a study root at the fine-tune's kl_ctl, read with `xrlhf.report.collect_run`:
`python table.py ROOT TASK "0 1 2 3"` prints a markdown table (a run counts once its evaluate stage has run)."""
import sys
from pathlib import Path
from xrlhf.report import collect_run

root, task, seeds = Path(sys.argv[1]), sys.argv[2], [int(seed) for seed in sys.argv[3].split()]
COLUMNS = ("cell", "seed", "unsat.", "RLHF vs SFT all", "trait SFT / RLHF / XRLHF", "probes after unlearning",
           "XRLHF vs RLHF unsat_caused", "test_unsat_caused", "sat", "all",
           "ablations: trait rate; vs RLHF on unsat_caused")

def fmt(x):
    return "n/a" if x is None else f"{x:.3f}"

def rate(winrate, subset):
    return fmt(((winrate or {}).get("xrlhf_vs_rlhf") or {}).get(subset, {}).get("rate"))

print("| " + " | ".join(COLUMNS) + " |")
print("|" + "---|" * len(COLUMNS))
for algorithm in ("remax", "ppo"):
    for seed in seeds:
        run = collect_run(root, task, algorithm, seed)
        if run["winrate"] is None:
            continue
        traits = run.get("trait_rate") or {}
        family = next(iter(traits), None)
        fix = traits[family]["fix"] if family else {}
        ablations = run.get("ablations") or {}
        ablation_cells = []
        for name, result in ablations.items():
            trait = ((result.get("trait_rate") or {}).get(family) or {}).get("fix", {}).get("policy")
            ablation_cells.append(f"{name} {fmt(trait)}; {rate(result.get('winrate'), 'unsat_caused')}")
        probes = (run.get("unlearn") or {}).get("rm_prefers_flawed_after")
        print(f"| {task}/{algorithm} | {seed} | {fmt(run['unsatisfactory_fraction'])} | "
              f"{fmt(run['winrate']['rlhf_vs_sft']['all']['rate'])} | "
              f"{fmt(fix.get('sft'))} / {fmt(fix.get('rlhf'))} / {fmt(fix.get('xrlhf'))} | {fmt(probes)} | "
              f"{rate(run['winrate'], 'unsat_caused')} | {rate(run['winrate'], 'test_unsat_caused')} | "
              f"{rate(run['winrate'], 'sat')} | {rate(run['winrate'], 'all')} | {'; '.join(ablation_cells)} |")
