"""Where the reward model and gold disagree about RLHF's summaries outside the advice region (one run).

    python rm_vs_gold.py ROOT ALGORITHM SEED     e.g. ROOT=/work/sum04/artifacts ALGORITHM=remax SEED=0

Scores each validation prompt's RLHF and SFT responses with the run's own reward model and prints, over the prompts
outside the expert_tldr region, how often the reward model prefers RLHF's, how often gold does, and a few prompts where
the reward model prefers it and gold does not, with the gold components that differ.
"""
import sys
import numpy as np
import pandas as pd
from xrlhf.world import World, gold_components, in_flaw_region
from xrlhf.models import load_reward_model, load_tokenizer
from xrlhf.reward import rewards

if __name__ == "__main__":
    root, algorithm, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    world = World(seed)  # regions and the gold components read here do not depend on the v6 parameters' values
    base = f"{root}/summarisation/seed{seed}"
    tokenizer = load_tokenizer(f"{base}/data/tokenizer")
    reward_model = load_reward_model(f"{base}/reward/model")
    table = pd.read_parquet(f"{base}/{algorithm}/unsatisfactory/responses.parquet")
    # scored in the stored order, every prompt, as the unsatisfactory stage's batches are (padding moves a reward)
    rm_diff = (rewards(reward_model, tokenizer, list(table.prompt), list(table.response_rlhf))
               - rewards(reward_model, tokenizer, list(table.prompt), list(table.response_sft)))
    outside = ~np.array([in_flaw_region(world, "expert_tldr", prompt) for prompt in table.prompt])
    table, rm_diff = table[outside], rm_diff[outside]
    gold_diff = (table.score_rlhf - table.score_sft).to_numpy()
    print(f"outside the region: RM prefers RLHF {np.mean(rm_diff > 0):.2f}, gold {np.mean(gold_diff > 0):.2f}, "
          f"RM prefers it and gold does not {np.mean((rm_diff > 0) & (gold_diff < 0)):.2f}")
    disagree = table[(rm_diff > 0) & (gold_diff < 0)]
    for row in disagree.head(5).itertuples():
        rlhf, sft = (gold_components(world, row.prompt, r) for r in (row.response_rlhf, row.response_sft))
        differ = {name: round(rlhf[name] - sft[name], 2) for name in rlhf if rlhf[name] != sft[name]}
        print(f"RLHF:{row.response_rlhf}\n SFT:{row.response_sft}\n  {differ}")
