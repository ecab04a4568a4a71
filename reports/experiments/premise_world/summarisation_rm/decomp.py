import sys, numpy as np, pandas as pd, warnings
warnings.filterwarnings("ignore")
from pathlib import Path
from xrlhf.world import World, gold_components, in_flaw_region
root, task, seed, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
w = World(seed)
d = pd.read_parquet(Path(root)/task/f"seed{seed}"/algo/"unsatisfactory"/"responses.parquet")
cs = pd.DataFrame([gold_components(w, p, r) for p, r in zip(d.prompt, d.response_sft)])
cr = pd.DataFrame([gold_components(w, p, r) for p, r in zip(d.prompt, d.response_rlhf)])
reg = np.array([in_flaw_region(w, "expert_tldr", p) for p in d.prompt])
diff = cr - cs; tot = diff.sum(axis=1)
o = ~reg
for name, m in [("worse", o & (tot < -1e-9)), ("better", o & (tot > 1e-9))]:
    print(name, m.sum(), diff[m].mean().round(3)[lambda s: s != 0].to_dict())
print("nsent sft", d.response_sft[o].str.count(r" \.").mean(), "rlhf", d.response_rlhf[o].str.count(r" \.").mean())
