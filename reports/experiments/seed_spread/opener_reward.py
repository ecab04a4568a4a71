"""opener_reward.py ROOT ALGORITHM: how much reward each polite opener (`xrlhf.world.POLITE`) adds to the RLHF policy's
own responses on 80 of the fix half's satisfactory dialogue prompts, under the reward model before unlearning and the
unlearned one, for every seed of a finished study (ROOT: its artifact root). One torch thread. Appends to
`opener_reward.jsonl` beside itself."""
import json, sys
import numpy as np
import pandas as pd
import torch
from pathlib import Path
from xrlhf import study
from xrlhf.models import load_reward_model
from xrlhf.reward import rewards
from xrlhf.world import POLITE, RUDE

def without_opener(response: str) -> str:
    text = response.strip()
    return next((text[len(phrase):].strip() for phrase in POLITE + RUDE if text.startswith(phrase)), text)

def opener_bonus(reward_model, tok, prompts, bodies) -> dict:
    plain = rewards(reward_model, tok, prompts, bodies)
    bonus = {}
    for phrase in POLITE:
        opened = rewards(reward_model, tok, prompts, [f"{phrase} {body}" for body in bodies])
        bonus[phrase] = round(float(np.mean(opened - plain)), 3)
    return bonus

torch.set_num_threads(1)
root, algorithm = Path(sys.argv[1]), sys.argv[2]
for seed in sorted(int(p.name[4:]) for p in (root/"dialogue").glob("seed*")):
    run = root/"dialogue"/f"seed{seed}"
    tok = study.load_tokenizer_of(run/"data")
    rlhf = pd.read_parquet(run/algorithm/"unsatisfactory"/"responses.parquet")
    rlhf = rlhf[~rlhf.unsatisfactory & (rlhf.half == "fix")].iloc[:80]
    prompts, bodies = list(rlhf.prompt), [without_opener(r) for r in rlhf.response_rlhf]
    row = dict(run=f"dialogue/{algorithm}/seed{seed}",
               before=opener_bonus(load_reward_model(run/"reward"/"model"), tok, prompts, bodies),
               after=opener_bonus(load_reward_model(run/algorithm/"unlearn"/"model"), tok, prompts, bodies))
    print(json.dumps(row), flush=True)
    with open(Path(__file__).with_name("opener_reward.jsonl"), "a") as f:
        f.write(json.dumps(row) + "\n")
