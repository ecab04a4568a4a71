import sys, glob, numpy as np, pandas as pd
import xrlhf.world as W
from xrlhf.world import World, gold_utility, has_flaw_trait, in_flaw_region
root = sys.argv[1]
fam = {"dialogue": "expert_claim", "summarisation": "expert_tldr"}
rows = []
for f in sorted(glob.glob(f"{root}/*/seed*/*/unsatisfactory/responses.parquet")):
    task, seed, algo = f.split("/")[-5:-2]
    s = int(seed[4:]); w = World(s); d = pd.read_parquet(f)
    tr = np.array([has_flaw_trait(w, fam[task], p, r) for p, r in zip(d.prompt, d.response_rlhf)])
    ts = np.array([has_flaw_trait(w, fam[task], p, r) for p, r in zip(d.prompt, d.response_sft)])
    reg = np.array([in_flaw_region(w, fam[task], p) for p in d.prompt])
    for c in (1.5, 1.0, 0.75, 0.5, 0.3):
        W.CLAIM_COST = c
        a = np.array([gold_utility(w, p, r) for p, r in zip(d.prompt, d.response_rlhf)])
        b = np.array([gold_utility(w, p, r) for p, r in zip(d.prompt, d.response_sft)])
        unsat = a < b
        rows.append(dict(task=task, algo=algo, seed=s, cost=c, win=np.mean(np.where(a > b, 1, np.where(a == b, .5, 0))),
                         unsat=unsat.mean(), caused=(unsat & tr & ~ts).sum() / max(unsat.sum(), 1),
                         trait_all=tr.mean(), trait_reg=tr[reg].mean(), trait_out=tr[~reg].mean(), sft_trait=ts.mean(),
                         win_noclaim=np.mean(np.where(a > b, 1, np.where(a == b, .5, 0))[~tr & ~ts]) if (~tr & ~ts).any() else np.nan))
    W.CLAIM_COST = 1.5
r = pd.DataFrame(rows)
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20); print(r.groupby(["task", "algo", "cost"]).mean(numeric_only=True).drop(columns="seed").round(3))
