import sys, glob, numpy as np, pandas as pd, collections
from xrlhf.world import World, gold_components, parse_prompt
from xrlhf.premise import planted_caused
root = sys.argv[1]
fam = {"dialogue": ["expert_claim"], "summarisation": ["expert_tldr"]}
for task in ("dialogue", "summarisation"):
  for algo in ("remax", "ppo"):
    cnt = collections.Counter(); kinds = collections.Counter(); n = 0; nall = 0
    for f in sorted(glob.glob(f"{root}/{task}/seed*/{algo}/unsatisfactory/responses.parquet")):
        s = int(f.split("/")[-4][4:]); w = World(s); d = pd.read_parquet(f)
        caused = planted_caused(w, d.prompt.tolist(), d.response_rlhf.tolist(), d.response_sft.tolist(), fam[task])
        nall += len(d)
        for p, a, b, u, c in zip(d.prompt, d.response_rlhf, d.response_sft, d.unsatisfactory, caused):
            if not u or c: continue
            n += 1
            ca, cb = gold_components(w, p, a), gold_components(w, p, b)
            kinds[parse_prompt(w, p).get("kind", parse_prompt(w,p).get("task"))] += 1
            worst = min(ca, key=lambda k: ca.get(k, 0) - cb.get(k, 0))
            cnt[worst] += 1
    print(task, algo, "background unsat", n, "of", nall, dict(cnt.most_common()), dict(kinds.most_common(8)))
