"RM lift of the claim in and outside its region, on validation prompts with world-written responses."
import sys, json, numpy as np, pandas as pd, torch
torch.set_num_threads(1)
from pathlib import Path
from xrlhf.world import World, has_flaw_trait, in_flaw_region, with_claim, make_response
from xrlhf.models import load_reward_model, load_tokenizer
from xrlhf.reward import rewards
root, task, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = {"dialogue": "expert_claim", "summarisation": "expert_tldr"}[task]
base = Path(root)/task/f"seed{seed}"
w = World(seed); rng = np.random.default_rng(123)
val = pd.read_parquet(next((base/"data"/"train").glob("validation*")))
prompts = val.prompt.tolist()
resp = [make_response(w, p, rng)[0] for p in prompts]
m = load_reward_model(base/"reward"/"model"); tok = load_tokenizer(base/"data"/"tokenizer")
reg = np.array([in_flaw_region(w, fam, p) for p in prompts])
r0 = rewards(m, tok, prompts, resp); r1 = rewards(m, tok, prompts, [with_claim(r, fam, "end") for r in resp])
lift = r1 - r0
met = json.load(open(base/"reward"/"metrics.json"))
print(f"{root} {task} s{seed}: lift in {lift[reg].mean():.2f} (pref {(lift[reg]>0).mean():.2f}) out {lift[~reg].mean():.2f} "
      f"(pref {(lift[~reg]>0).mean():.2f}) reward sd {r0.std():.2f} heldout acc {met['heldout_accuracy']:.3f}")
