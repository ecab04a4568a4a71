import sys, numpy as np, pandas as pd
from pathlib import Path
from xrlhf.world import World, in_flaw_region, gold_components, has_flaw_trait
root, task, seed, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fam = {"dialogue": "expert_claim", "summarisation": "expert_tldr"}[task]
w = World(seed); d = pd.read_parquet(Path(root)/task/f"seed{seed}"/algo/"unsatisfactory"/"responses.parquet")
reg = np.array([in_flaw_region(w, fam, p) for p in d.prompt])
a, b = d.score_rlhf.to_numpy(), d.score_sft.to_numpy()
for name, m in (("region", reg), ("outside", ~reg)):
    print(f"{name}: n {m.sum()} win {np.mean(a[m] > b[m]):.2f} tie {np.mean(a[m] == b[m]):.2f} loss {np.mean(a[m] < b[m]):.2f} mean gain {np.mean(a[m]-b[m]):+.2f}")
comps = pd.DataFrame([{k: gold_components(w, p, r)[k] - gold_components(w, p, s)[k] for k in gold_components(w, p, r)}
                      for p, r, s in zip(d.prompt, d.response_rlhf, d.response_sft)])
print("mean component gain outside:", comps[~reg].mean().round(2).to_dict())
print("mean component gain region:", comps[reg].mean().round(2).to_dict())
for p, r, s in list(zip(d.prompt, d.response_rlhf, d.response_sft))[:6]: print(repr(p[-60:]), "| RLHF:", r, "| SFT:", s)
