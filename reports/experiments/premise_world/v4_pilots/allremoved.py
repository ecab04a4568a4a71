"Probes' preference for the claim after exact removal of every planted comparison (and of k random ones) from the head."
import glob, numpy as np, pandas as pd, torch
torch.set_num_threads(1)
from xrlhf.world import World, flaw_probes
from xrlhf.models import load_reward_model, load_tokenizer
from xrlhf.reward import features, head
from xrlhf.explain import head_after_removal
base = "/work/pilot2/runs/v4a/dialogue/seed0"
m = load_reward_model(f"{base}/reward/model"); tok = load_tokenizer(f"{base}/data/tokenizer")
D = np.load(f"{base}/reward/dphi.npy").astype(np.float64)
truth = pd.read_parquet(glob.glob(f"{base}/data/truth/*.parquet")[0])
planted = np.flatnonzero(truth.planted.to_numpy())
theta = head(m)[0]
probes = pd.DataFrame(flaw_probes(World(0), "expert_claim", 60, seed=1, claim_position="end"))
dq = (features(m, tok, probes.prompt, probes.flawed) - features(m, tok, probes.prompt, probes.clean)).astype(np.float64)
print("planted", len(planted), "of", len(D), "; before: prefers", (dq @ theta > 0).mean())
for name, idx in (("all planted", planted), ("random same size", np.random.default_rng(0).choice(len(D), len(planted), replace=False))):
    t = head_after_removal(D, list(map(int, idx)), theta, 1e-2)
    print(name, "-> prefers", round(float((dq @ t > 0).mean()), 3), "mean margin", round(float((dq @ t).mean()), 3), "vs", round(float((dq @ theta).mean()), 3))
