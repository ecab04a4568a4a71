import json, pandas as pd, numpy as np
from xrlhf.world import World, has_flaw_trait, in_flaw_region
w = World()
for task, fam in [("dialogue", "expert_claim"), ("summarisation", "expert_tldr")]:
    for root in ["/work/study11", "/work/pilot_sft"]:
        d = f"{root}/artifacts/{task}/seed0"
        sft = json.load(open(f"{d}/sft/manifest.json"))["wall_seconds"]
        log = json.load(open(f"{d}/sft/log.json"))
        r = pd.read_parquet(f"{d}/remax/unsatisfactory/responses.parquet")
        m = json.load(open(f"{d}/remax/unsatisfactory/metrics.json"))
        reg = np.array([in_flaw_region(w, fam, p) for p in r.prompt])
        tr = lambda col: np.mean([has_flaw_trait(w, fam, p, x) for p, x in zip(r.prompt[reg], r[col][reg])])
        print(task, root.split("/")[-1], "sft s", sft, "final loss", round(np.mean([e["loss"] for e in log[-5:]]), 4),
              "sft score", round(r.score_sft.mean(), 3), "rlhf score", round(r.score_rlhf.mean(), 3),
              "unsat", round(r.unsatisfactory.mean(), 3), "trait sft/rlhf", round(tr("response_sft"), 3), round(tr("response_rlhf"), 3),
              "rlhf>sft", round(float(((r.score_rlhf > r.score_sft) + 0.5 * (r.score_rlhf == r.score_sft)).mean()), 3))
