# How strong must unlearning be to flip the explaining comparisons, and what does it cost the reward model?
# usage: python unlearning_sweep.py ARTIFACT_ROOT (the default study's artifacts)
import sys, json, numpy as np, pandas as pd, torch
from xrlhf.models import load_reward_model, load_tokenizer
from xrlhf.unlearn import unlearn
from xrlhf.reward import accuracy
from xrlhf.core import set_seed
root = sys.argv[1]  # a default study's artifact root, e.g. artifacts
for task, seed, alg in [("dialogue", 1, "remax"), ("summarisation", 0, "remax")]:
    d = f"{root}/{task}/seed{seed}"
    tok = load_tokenizer(f"{d}/data/tokenizer"); rm = load_reward_model(f"{d}/reward/model")
    R = pd.read_parquet(f"{d}/data/train/reward.parquet"); E = pd.read_parquet(f"{d}/data/train/reward_eval.parquet")
    idx = json.load(open(f"{d}/{alg}/explain/union.json")); forget = R.iloc[idx].reset_index(drop=True)
    rnd = R.iloc[np.random.default_rng(0).choice(len(R), len(idx), replace=False)].reset_index(drop=True)
    print(task, seed, alg, "n_forget", len(idx), "forget acc", accuracy(rm, tok, forget), "heldout", round(accuracy(rm, tok, E), 3), flush=True)
    for lr, ep, sa in [(1e-4, 3, 0), (1e-4, 30, 0), (1e-4, 100, 0), (1e-3, 30, 0), (3e-4, 30, 0), (3e-4, 100, 0), (1e-3, 100, 0.5), (1e-3, 100, 0.01)]:
        for meth in ["ascent", "retain"]:
            m, log = unlearn(rm, tok, forget, meth, ep, lr, retain=R.drop(index=idx).reset_index(drop=True), seed=seed, stop_acc=sa)
            print(f"  lr {lr} ep {ep} stop {sa} {meth}: steps {len(log)} forget acc {accuracy(m, tok, forget):.2f} heldout {accuracy(m, tok, E):.3f} random-set acc {accuracy(m, tok, rnd):.2f}", flush=True)
