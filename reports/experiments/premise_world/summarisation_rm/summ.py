import sys, numpy as np, pandas as pd
from pathlib import Path
from xrlhf.world import World, has_flaw_trait, in_flaw_region
from xrlhf.premise import planted_caused
root, task, seed, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fam = {"dialogue": "expert_claim", "summarisation": "expert_tldr"}[task]
w = World(seed)
d = pd.read_parquet(Path(root)/task/f"seed{seed}"/algo/"unsatisfactory"/"responses.parquet")
tr = np.array([has_flaw_trait(w, fam, p, r) for p, r in zip(d.prompt, d.response_rlhf)])
ts = np.array([has_flaw_trait(w, fam, p, r) for p, r in zip(d.prompt, d.response_sft)])
reg = np.array([in_flaw_region(w, fam, p) for p in d.prompt])
u = d.unsatisfactory.to_numpy(bool); c = tr & ~ts
a, b = d.score_rlhf.to_numpy(), d.score_sft.to_numpy()
win = np.where(a > b, 1, np.where(a == b, .5, 0))
print(f"  trait RLHF in {tr[reg].mean():.2f} out {tr[~reg].mean():.2f} (SFT in {ts[reg].mean():.2f}); unsat {u.mean():.2f}; "
      f"caused share {c[u].mean():.2f}; background {u[~c].mean():.2f}; RLHF vs SFT {win.mean():.3f} (no-trait {win[~tr & ~ts].mean():.3f})")
