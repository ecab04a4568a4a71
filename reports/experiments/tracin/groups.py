"""groups.py ROOT TASK SEED ALGO: raw margin-gradient dot products split by parameter group: which parameters carry
the planted signal."""
import sys, json, time, torch, numpy as np
from pathlib import Path
from xrlhf.core import load_settings
from xrlhf.study import load_data, load_tokenizer_of, load_responses, load_truth
from xrlhf.models import load_reward_model
from xrlhf.reward import encode_responses
from xrlhf.premise import planted_caused, task_families
from xrlhf.world import World
from xrlhf.explain import ranking_metrics
torch.set_num_threads(1)
root, task, seed, algorithm = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = load_settings("settings.ini")
base = root/task/f"seed{seed}"
tok = load_tokenizer_of(base/"data"); comps = load_data(base/"data")["reward"]
planted = load_truth(base/"data").planted.to_numpy()
fix = load_responses(base/algorithm/"unsatisfactory")
unsat = fix[fix.unsatisfactory.to_numpy(bool)].reset_index(drop=True)
caused = np.asarray(planted_caused(World(seed), unsat.prompt.tolist(), unsat.response_rlhf.tolist(), unsat.response_sft.tolist(), task_families(s.world.flaws, task)), bool)
rm = load_reward_model(base/"reward"/"model"); rm.eval()
names, params = zip(*rm.named_parameters())
def group(n):
    if "embed_in" in n: return "embed"
    if "score" in n: return "head"
    if n.endswith("weight") and "layernorm" not in n and "layer_norm" not in n: return "linear"
    return "bias_ln"
G = ["embed", "linear", "bias_ln", "head"]
sizes = [p.numel() for p in params]; gid = [G.index(group(n)) for n in names]
def mgrad(p, a, b):
    enc = encode_responses(tok, [p, p], [a, b], s.model.max_length)
    r = rm(input_ids=enc.input_ids, attention_mask=enc.attention_mask).logits[:, 0]
    gs = torch.autograd.grad(r[0] - r[1], params)
    return [torch.cat([g.reshape(-1) for g, j in zip(gs, gid) if j == k]) for k in range(len(G))]
t = time.time()
Q = [mgrad(p, a, b) for p, a, b in zip(unsat.prompt, unsat.response_rlhf, unsat.response_sft)]
Qg = [torch.stack([q[k] for q in Q]) for k in range(len(G))]
S = np.zeros((len(G), len(unsat), len(comps)))
for i, (p, a, b) in enumerate(zip(comps.prompt, comps.chosen, comps.rejected)):
    g = mgrad(p, a, b)
    for k in range(len(G)): S[k, :, i] = (Qg[k] @ g[k]).numpy()
print("seconds", round(time.time() - t), file=sys.stderr)
np.save(f"groups_{task}_{seed}_{algorithm}.npy", S)
k = int(np.ceil(len(comps) * 0.01))
def report(name, sc):
    m = ranking_metrics(sc[caused], planted, [np.argsort(-r)[:k].tolist() for r in sc[caused]])
    ex = np.argsort(-sc.sum(0), kind="stable")[:k]; ex25 = np.argsort(-sc.sum(0), kind="stable")[:int(np.ceil(len(comps)*0.025))]
    print(json.dumps(dict(run=f"{task}/{algorithm}/seed{seed}", group=name, auc=round(m["auc"], 3), p1=round(m["precision_at_1pct"], 3),
                          set1=round(float(planted[ex].mean()), 3), set25=round(float(planted[ex25].mean()), 3))), flush=True)
report("all", S.sum(0))
for j, name in enumerate(G): report(name, S[j])
report("no_embed", S.sum(0) - S[0])
