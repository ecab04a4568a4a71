import pandas as pd, numpy as np, torch
from transformers import AutoTokenizer
from transformers.trainer_pt_utils import LengthGroupedSampler
for task in ["dialogue", "summarisation"]:
    root = f"/work/study10/artifacts/{task}/seed0"
    tok = AutoTokenizer.from_pretrained(f"{root}/data/tokenizer")
    df = pd.read_parquet(f"{root}/data/train/reward.parquet")
    c = np.array([len(tok(a + b, add_special_tokens=False).input_ids) + 1 for a, b in zip(df.prompt, df.chosen)])
    r = np.array([len(tok(a + b, add_special_tokens=False).input_ids) + 1 for a, b in zip(df.prompt, df.rejected)])
    n = np.maximum(c, r); real = (c + r).sum()
    perm = np.random.default_rng(0).permutation(len(n))
    pad = lambda order: sum(2 * n[order[i:i+32]].max() * len(order[i:i+32]) for i in range(0, len(order), 32)) / real
    order = list(LengthGroupedSampler(32, lengths=n.tolist(), generator=torch.Generator().manual_seed(0)))
    print(task, len(df), "random padded/real", round(pad(perm), 3), "grouped", round(pad(np.array(order)), 3))
