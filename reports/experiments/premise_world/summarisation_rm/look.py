import sys, numpy as np, pandas as pd
from pathlib import Path
from xrlhf.world import World, gold_components
root, task, seed, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
w = World(seed)
d = pd.read_parquet(Path(root)/task/f"seed{seed}"/algo/"unsatisfactory"/"responses.parquet")
cs = pd.DataFrame([gold_components(w, p, r) for p, r in zip(d.prompt, d.response_sft)])
cr = pd.DataFrame([gold_components(w, p, r) for p, r in zip(d.prompt, d.response_rlhf)])
print("mean components SFT:\n", cs.mean().round(3).to_dict(), "\nRLHF:\n", cr.mean().round(3).to_dict())
for i in range(int(sys.argv[5]) if len(sys.argv) > 5 else 6):
    print("----", d.prompt[i][-160:].replace("\n", " | "))
    print("SFT :", d.response_sft[i], round(d.score_sft[i], 2))
    print("RLHF:", d.response_rlhf[i], round(d.score_rlhf[i], 2))
