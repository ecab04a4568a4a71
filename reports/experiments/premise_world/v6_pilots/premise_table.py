"""Summarisation's premise numbers per run, read from an artifact root's unsatisfactory stage (the fix half and all).

    python premise_table.py ROOT PRESET "SEEDS"     e.g. ROOT=/work/exp/v6/artifacts PRESET=v6 SEEDS="0 2"

Per (seed, algorithm): the advice region's share of validation prompts, RLHF's win rate against SFT (ties half)
inside the region, outside it and on all prompts, the unsatisfactory fraction of the fix half and the planted-caused
share of it, and the share of greedy summaries holding a filler sentence (SFT, RLHF) outside the region.
"""
import sys
from dataclasses import asdict
import numpy as np
import pandas as pd
from xrlhf.core import load_settings, repo_root
from xrlhf.world import world_of, in_flaw_region, has_flaw_trait, words, _FILLER_SENTS

FAMILY = "expert_tldr"


def has_filler(response: str) -> bool:
    "Whether `response` holds a filler sentence, read as the gold utility's concision reads it."
    text = " ".join(words(response))
    return any(filler in text for filler in _FILLER_SENTS)


def run_row(root: str, world_settings: dict, seed: int, algorithm: str) -> dict:
    world = world_of(world_settings, seed)
    table = pd.read_parquet(f"{root}/summarisation/seed{seed}/{algorithm}/unsatisfactory/responses.parquet")
    region = np.array([in_flaw_region(world, FAMILY, prompt) for prompt in table.prompt])
    win = ((table.score_rlhf > table.score_sft) + 0.5 * (table.score_rlhf == table.score_sft)).to_numpy()
    fix = (table.half == "fix").to_numpy()
    unsat = table.unsatisfactory.to_numpy(bool) & fix
    trait_rlhf = np.array([has_flaw_trait(world, FAMILY, p, r) for p, r in zip(table.prompt, table.response_rlhf)])
    trait_sft = np.array([has_flaw_trait(world, FAMILY, p, r) for p, r in zip(table.prompt, table.response_sft)])
    caused = unsat & trait_rlhf & ~trait_sft
    filler_sft = np.array([has_filler(r) for r in table.response_sft])
    filler_rlhf = np.array([has_filler(r) for r in table.response_rlhf])
    return dict(seed=seed, algorithm=algorithm, region_share=region.mean(), win_in=win[region].mean(),
                win_out=win[~region].mean(), win_all=win.mean(), unsat_fraction=unsat.sum() / fix.sum(),
                caused_share=caused.sum() / max(unsat.sum(), 1), filler_sft_out=filler_sft[~region].mean(),
                filler_rlhf_out=filler_rlhf[~region].mean())


if __name__ == "__main__":
    root, preset, seeds = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split()]
    world_settings = asdict(load_settings(repo_root()/"settings.ini", {"world.preset": preset}).world)
    rows = [run_row(root, world_settings, seed, algorithm) for seed in seeds for algorithm in ("remax", "ppo")]
    table = pd.DataFrame(rows).round(3).astype(str)
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for row in table.itertuples(index=False):
        print("| " + " | ".join(row) + " |")
