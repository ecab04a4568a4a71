# On-policy reward-model accuracy: pairs of the SFT policy's own samples, ordered by gold; does the RM order them the same way?
import sys, json, numpy as np, pandas as pd, torch
from xrlhf.core import set_seed
from xrlhf.models import load_policy, load_reward_model, load_tokenizer
from xrlhf.evaluate import respond
from xrlhf.reward import rewards
from xrlhf.world import World, gold_utility
# usage: python onpolicy_rm_accuracy.py TASK SEED ARTIFACT_ROOT [REWARD_MODEL_DIR or ""] N_PROMPTS
task, seed, root, rmdir, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
d = f"{root}/{task}/seed{seed}"
tok = load_tokenizer(f"{d}/data/tokenizer"); pi = load_policy(f"{d}/sft/model"); rm = load_reward_model(rmdir or f"{d}/reward/model")
val = pd.read_parquet(f"{d}/data/train/validation.parquet").prompt.tolist()[:n]
set_seed(seed); a = respond(pi, tok, val, greedy=False); b = respond(pi, tok, val, greedy=False)
w = World(seed); ga = np.array([gold_utility(w, p, r) for p, r in zip(val, a)]); gb = np.array([gold_utility(w, p, r) for p, r in zip(val, b)])
ra, rb = rewards(rm, tok, val, a), rewards(rm, tok, val, b)
m = ga != gb; agree = np.sign(ga - gb)[m] == np.sign(ra - rb)[m]
big = m & (np.abs(ga - gb) > 0.5); agree_big = np.sign(ga - gb)[big] == np.sign(ra - rb)[big]
print(json.dumps(dict(task=task, seed=seed, rm=rmdir or "stage", n_pairs=int(m.sum()), onpolicy_acc=round(float(agree.mean()), 3),
                      n_big=int(big.sum()), onpolicy_acc_gap_gt_0_5=round(float(agree_big.mean()), 3),
                      spearman_gold_rm=round(float(pd.Series(np.r_[ga, gb]).corr(pd.Series(np.r_[ra, rb]), method="spearman")), 3))))
