import sys, pandas as pd, numpy as np
from transformers import AutoTokenizer
for task in ["dialogue", "summarisation"]:
    root = f"/work/study10/artifacts/{task}/seed0"
    tok = AutoTokenizer.from_pretrained(f"{root}/data/tokenizer")
    df = pd.read_parquet(f"{root}/data/train/sft.parquet")
    cols = df.columns.tolist()
    text = [a + b for a, b in zip(df[cols[0]], df[cols[1]])]
    n = np.array([len(tok(t, add_special_tokens=False).input_ids) + 1 for t in text])
    rng = np.random.default_rng(0); perm = rng.permutation(len(n))
    bm = [n[perm[i:i+32]].max() * len(perm[i:i+32]) for i in range(0, len(n), 32)]
    print(task, cols, len(df), "mean len", n.mean().round(1), "padded/real", round(sum(bm) / n.sum(), 3), np.percentile(n, [5, 50, 95]))
import torch
from transformers.trainer_pt_utils import LengthGroupedSampler
for task in ["dialogue", "summarisation"]:
    root = f"/work/study10/artifacts/{task}/seed0"
    tok = AutoTokenizer.from_pretrained(f"{root}/data/tokenizer")
    df = pd.read_parquet(f"{root}/data/train/sft.parquet")
    n = np.array([len(tok(a + b, add_special_tokens=False).input_ids) + 1 for a, b in zip(df.prompt, df.completion)])
    g = torch.Generator().manual_seed(0)
    order = list(LengthGroupedSampler(32, lengths=n.tolist(), generator=g))
    bm = [n[order[i:i+32]].max() * len(order[i:i+32]) for i in range(0, len(order), 32)]
    print(task, "grouped padded/real", round(sum(bm) / n.sum(), 3))
