"Does the reward model rank the ideal summary above the SFT's and RLHF's greedy ones? And per component edits."
import sys, numpy as np, pandas as pd
from pathlib import Path
from xrlhf.world import World, parse_prompt, gold_utility
from xrlhf.models import load_reward_model, load_tokenizer
from xrlhf.reward import features
root, seed, algo = sys.argv[1], int(sys.argv[2]), sys.argv[3]
base = Path(root)/"summarisation"/f"seed{seed}"
w = World(seed)
d = pd.read_parquet(base/algo/"unsatisfactory"/"responses.parquet")
rm = load_reward_model(base/"reward"/"model"); tok = load_tokenizer(base/"reward"/"model")
P = list(d.prompt)
ideal = [" " + " ".join(f"{p} {v} {o} ." for p, v, o in parse_prompt(w, x)["facts"]) for x in P]
one = [" " + " ".join(f"{p} {v} {o} ." for p, v, o in parse_prompt(w, x)["facts"][:1]) for x in P]
ideal_pad = [r + " anyway it was a long week ." for r in ideal]
ideal_rep = [r + r for r in ideal]
rep1 = [r + " " + r.split(" . ")[0].strip().rstrip(" .") + " ." for r in ideal]
swap1 = [" " + " ".join(f"{p} {v} {o} ." for p, v, o in (parse_prompt(w, x)["facts"][:-1] + parse_prompt(w, x)["facts"][:1])) for x in P]
cands = dict(sft=list(d.response_sft), rlhf=list(d.response_rlhf), ideal=ideal, one_fact=one, ideal_pad=ideal_pad,
             ideal_twice=ideal_rep, ideal_rep1=rep1, dup_not_last=swap1)
R = {k: features(rm, tok, P, v, return_rewards=True)[1] for k, v in cands.items()}
G = {k: np.array([gold_utility(w, x, r) for x, r in zip(P, v)]) for k, v in cands.items()}
for k in cands: print(f"{k:12s} RM {R[k].mean():+.3f}  gold {G[k].mean():+.3f}")
for a, b in [("ideal", "sft"), ("ideal", "one_fact"), ("ideal", "ideal_pad"), ("ideal", "ideal_twice"), ("ideal", "ideal_rep1"), ("ideal", "dup_not_last"), ("rlhf", "sft")]:
    print(f"RM prefers {a} over {b}: {(R[a] > R[b]).mean():.2f}   gold: {(G[a] > G[b]).mean():.2f}")
