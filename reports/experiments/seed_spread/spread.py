"""spread.py ROOT METRICS: where the seed-to-seed spread of XRLHF vs RLHF comes from, per run of a finished study.
ROOT is the study's artifact root, METRICS its reports/metrics.json. Dialogue: the share of XRLHF's and RLHF's fix-half
responses that open with one of the world's polite phrases (`xrlhf.world.POLITE`). Summarisation: the share of
comparison queries the unlearning flips and the share of fix-half prompts where XRLHF keeps the planted claim. Reads
artifacts only; writes `spread.jsonl` beside itself and prints the table."""
import json, sys
import numpy as np
import pandas as pd
from pathlib import Path
from xrlhf.world import POLITE

def polite_share(responses) -> float:
    return float(np.mean([any(r.strip().startswith(p) for p in POLITE) for r in responses]))

def dialogue_row(root, metrics, algorithm, seed):
    run = root/"dialogue"/f"seed{seed}"/algorithm
    rlhf = pd.read_parquet(run/"unsatisfactory"/"responses.parquet")
    xrlhf = pd.read_parquet(run/"evaluate"/"responses.parquet")
    both = rlhf.merge(xrlhf[xrlhf.replicate == 0], on=["prompt", "half"])
    both = both[both.half == "fix"]
    rates = metrics[f"dialogue/{algorithm}/seed{seed}"]["winrate"]["xrlhf_vs_rlhf"]
    return dict(cell=f"dialogue/{algorithm}", seed=seed, all=rates["all"]["rate"], sat=rates["sat"]["rate"],
                unsat=rates["unsat"]["rate"], rlhf_polite=polite_share(both.response_rlhf),
                xrlhf_polite_sat=polite_share(both[~both.unsatisfactory].response_xrlhf),
                xrlhf_polite_unsat=polite_share(both[both.unsatisfactory].response_xrlhf))

def summarisation_row(metrics, algorithm, seed):
    run = metrics[f"summarisation/{algorithm}/seed{seed}"]
    rates = run["winrate"]["xrlhf_vs_rlhf"]
    (trait,) = run["trait_rate"].values()
    return dict(cell=f"summarisation/{algorithm}", seed=seed, all=rates["all"]["rate"], sat=rates["sat"]["rate"],
                unsat=rates["unsat"]["rate"], queries_flipped=run["unlearn"]["flipped_share"],
                xrlhf_trait=trait["fix"]["xrlhf"], rlhf_trait=trait["fix"]["rlhf"])

root, metrics = Path(sys.argv[1]), json.load(open(sys.argv[2]))
seeds = sorted({int(key.rsplit("seed", 1)[1]) for key in metrics if "/seed" in key})
rows = [dialogue_row(root, metrics, a, s) for a in ("remax", "ppo") for s in seeds]
rows += [summarisation_row(metrics, a, s) for a in ("remax", "ppo") for s in seeds]
table = pd.DataFrame(rows)
table.to_json(Path(__file__).with_name("spread.jsonl"), orient="records", lines=True)
pd.set_option("display.width", 160)
print(table.round(2).to_string(index=False))
# each cell's runs split by the link's outcome: a polite opener on most responses / the claim dropped on most prompts
is_dialogue = table.cell.str.startswith("dialogue")
table["outcome"] = np.where(is_dialogue, table.xrlhf_polite_sat > 0.5, table.xrlhf_trait < 0.5)
for cell, runs in table.groupby("cell"):
    link = "xrlhf_polite_sat" if cell.startswith("dialogue") else "xrlhf_trait"
    print(f"\n{cell}: corr({link}, all) = {np.corrcoef(runs[link], runs['all'])[0, 1]:.2f}; "
          f"SD of all over seeds {100 * runs['all'].std():.1f} points")
    for outcome, group in runs.groupby("outcome"):
        print(f"  outcome {outcome}: {len(group)} seeds, all {100 * group['all'].mean():.1f}% "
              f"(SD {100 * group['all'].std():.1f}), sat {100 * group.sat.mean():.1f}%, "
              f"unsat {100 * group.unsat.mean():.1f}%")
