import sys, numpy as np, pandas as pd, warnings
warnings.filterwarnings("ignore")
from pathlib import Path
from xrlhf.world import World, gold_components, gold_utility, in_flaw_region
root, task, seed, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
w = World(seed)
d = pd.read_parquet(Path(root)/task/f"seed{seed}"/algo/"unsatisfactory"/"responses.parquet")
reg = np.array([in_flaw_region(w, "expert_tldr", p) for p in d.prompt])
gs = np.array([gold_utility(w, p, r) for p, r in zip(d.prompt, d.response_sft)])
gr = np.array([gold_utility(w, p, r) for p, r in zip(d.prompt, d.response_rlhf)])
o = ~reg
print("outside: better", (gr[o] > gs[o] + 1e-9).mean(), "worse", (gr[o] < gs[o] - 1e-9).mean(), "same text", (d.response_sft[o] == d.response_rlhf[o]).mean())
for i in np.where(o)[0][:8]:
    print("----", d.prompt[i].split("\n")[2][:200])
    print("SFT :", d.response_sft[i], round(gs[i], 2), "| RM", round(d.score_sft[i], 2) if "score_sft" in d else "")
    print("RLHF:", d.response_rlhf[i], round(gr[i], 2))
print(d.columns.tolist())
