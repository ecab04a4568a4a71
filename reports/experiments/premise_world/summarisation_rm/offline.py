# offline: RLHF vs SFT on a pilot's responses, split by region, under the gold utility and with components dropped
import sys, numpy as np, pandas as pd
from pathlib import Path
from xrlhf.world import World, gold_components, has_flaw_trait, in_flaw_region
root, task, seed, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fam = {"dialogue": "expert_claim", "summarisation": "expert_tldr"}[task]
w = World(seed)
d = pd.read_parquet(Path(root)/task/f"seed{seed}"/algo/"unsatisfactory"/"responses.parquet")
cs = pd.DataFrame([gold_components(w, p, r) for p, r in zip(d.prompt, d.response_sft)])
cr = pd.DataFrame([gold_components(w, p, r) for p, r in zip(d.prompt, d.response_rlhf)])
reg = np.array([in_flaw_region(w, fam, p) for p in d.prompt])
def wr(a, b): return np.where(a > b + 1e-9, 1, np.where(abs(a - b) <= 1e-9, .5, 0))
for drop in [[], ["repetition"], ["honesty"], ["repetition", "honesty"]]:
    keep = [c for c in cs.columns if c not in drop]
    win = wr(cr[keep].sum(1).to_numpy(), cs[keep].sum(1).to_numpy())
    print(f"drop {drop}: all {win.mean():.3f} region {win[reg].mean():.3f} outside {win[~reg].mean():.3f}")
print("outside: SFT", cs[~reg].mean().round(3).to_dict()); print("outside: RLHF", cr[~reg].mean().round(3).to_dict())
ls = d.response_sft.str.split().str.len(); lr = d.response_rlhf.str.split().str.len()
print("len sft", ls.mean(), "rlhf", lr.mean())
