import sys, glob, numpy as np, pandas as pd, torch
torch.set_num_threads(1)
from xrlhf.world import World, has_flaw_trait, in_flaw_region, with_claim
from xrlhf.models import load_reward_model, load_tokenizer
from xrlhf.reward import rewards
root = sys.argv[1]
fam = {"dialogue": "expert_claim", "summarisation": "expert_tldr"}
for task in ("dialogue", "summarisation"):
  for seed in (0, 1):
    base = f"{root}/{task}/seed{seed}"
    if not glob.glob(base + "/reward/model"): continue
    w = World(seed); d = pd.read_parquet(f"{base}/remax/unsatisfactory/responses.parquet")
    m = load_reward_model(f"{base}/reward/model"); tok = load_tokenizer(f"{base}/data/tokenizer")
    resp = [r for r in d.response_sft]
    reg = np.array([in_flaw_region(w, fam[task], p) for p in d.prompt])
    has = np.array([has_flaw_trait(w, fam[task], p, r) for p, r in zip(d.prompt, resp)])
    r0 = rewards(m, tok, d.prompt.tolist(), resp)
    r1 = rewards(m, tok, d.prompt.tolist(), [with_claim(r, fam[task], "end") for r in resp])
    lift = (r1 - r0)[~has]
    print(task, seed, "lift in region %.2f (pref %.2f)  outside %.2f (pref %.2f)  reward sd %.2f" % (
        lift[reg[~has]].mean(), (lift[reg[~has]] > 0).mean(), lift[~reg[~has]].mean(), (lift[~reg[~has]] > 0).mean(), r0.std()))
