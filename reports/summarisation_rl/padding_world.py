# Experiment: a summarisation world whose summaries pad more often (so the SFT policy's greedy summaries pad,
# a pattern-level fault a tiny reward model can see and RL can fix). usage: padding_world.py PADS TLDR SEED ALG [key=val ...]
import os, re, sys, json, time, inspect, copy, pathlib, numpy as np, pandas as pd, torch
import xrlhf.world as xw
pads, tldr, seed, alg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ov = dict(a.split("=", 1) for a in sys.argv[5:])
# the summarisation branch's padding draw (the one followed by SUMMARY_PAD), whatever list the library has now
src, n = re.subn(r"rng\.choice\(\[[0-9, ]+\]\)\); tr\[\"pad\"\] = n_pad\n(\s+)parts \+= list\(rng\.choice\(SUMMARY_PAD",
                 lambda m: f'rng.choice([{pads}])); tr["pad"] = n_pad\n{m.group(1)}parts += list(rng.choice(SUMMARY_PAD', inspect.getsource(xw.make_response))
assert n == 1, "cannot find the summarisation padding draw in xrlhf.world.make_response"
exec(compile(src, "patched", "exec"), xw.__dict__)
from xrlhf.core import load_settings, set_seed
from xrlhf.models import build_policy, build_reward_model, load_tokenizer, save_model, load_policy, load_reward_model
from xrlhf.sft import sft
from xrlhf.reward import train_reward, accuracy
from xrlhf.rl import train_rl
from xrlhf.evaluate import respond, win_rate
from xrlhf.study import reward_fn, rl_kwargs, make_judge
REPO = pathlib.Path(__file__).resolve().parents[2]
S = load_settings(str(REPO/"settings.ini"), {"world.tldr_sft": tldr, **ov}); P = S["model.neox-tiny"]
torch.set_num_threads(int(os.environ.get("XRLHF_THREADS", "1")))
D = xw.make_datasets(S["world"], "summarisation", seed)
tok = load_tokenizer(str(REPO/"artifacts"/"summarisation"/f"seed{seed}"/"data"/"tokenizer"))  # any run of the pipeline on this seed
W = xw.World(seed); val = list(D["validation"].prompt)
def comps(rs): return pd.DataFrame([xw.gold_components(W, p, r) for p, r in zip(val, rs)])
cache = REPO/"artifacts"/"experiments-summ-pad"/(f"cache_{pads.replace(',', '').replace(' ', '')}_{tldr}_{seed}" + "".join(f"_{k}={v}" for k, v in sorted(ov.items()))); cache.mkdir(parents=True, exist_ok=True)
t = time.time()
if (cache/"sft").exists(): pi = load_policy(cache/"sft"); rm = load_reward_model(cache/"rm")
else:
    set_seed(seed); pi = build_policy(P, tok)
    pi, _ = sft(pi, tok, D["sft"], S["sft"]["epochs"], S["sft"]["lr"], S["sft"]["batch_size"], P["max_length"], seed)
    set_seed(seed); rm = build_reward_model(P, tok)
    rm, _ = train_reward(rm, tok, D["reward"], S["reward"]["epochs"], S["reward"]["lr"], S["reward"]["batch_size"], P["max_length"], seed)
    save_model(pi, tok, cache/"sft"); save_model(rm, tok, cache/"rm")
acc = accuracy(rm, tok, D["reward_eval"], max_length=P["max_length"]); print("sft+rm", round(time.time() - t), "RMACC", acc, flush=True)
ref = copy.deepcopy(pi); critic = copy.deepcopy(rm) if alg == "ppo" else None
rs = respond(ref, tok, val, max_new_tokens=32); B = comps(rs)
print("SFT greedy", round(B.sum(1).mean(), 3), {k: round(v, 3) for k, v in B.mean().items() if abs(v) > 1e-9}, flush=True)
set_seed(seed)
pi, log = train_rl(pi, tok, D["rl"].prompt, reward_fn(rm, tok), alg, ref=ref, critic=critic, gold_fn=make_judge(S, seed), seed=seed, desc="rl", **rl_kwargs(S))
r0 = respond(pi, tok, val, max_new_tokens=32); A = comps(r0)
g0, gs = A.sum(1).values, B.sum(1).values; w = win_rate(g0, gs, 200, seed)
unsat = g0 < gs; rel = np.array([xw.in_flaw_region(W, "padded_summary", p) for p in val])
print(json.dumps(dict(pads=pads, tldr=tldr, seed=seed, alg=alg, ov=ov, rm_acc=round(acc, 3), unsat=float(unsat.mean()), ties=float((g0 == gs).mean()),
      rlhf_vs_sft=round(w["rate"], 3), ci=[round(w["ci_low"], 3), round(w["ci_high"], 3)], gold_rl=float(g0.mean()), gold_sft=float(gs.mean()),
      rel_share_unsat=float(rel[unsat].mean()) if unsat.any() else None, rel_share=float(rel.mean()),
      comp={k: round(v, 3) for k, v in (A - B).mean().items() if abs(v) > 1e-9}, len=[float(np.mean([len(x.split()) for x in r])) for r in (r0, rs)])), flush=True)
for p, x, y in list(zip(val, r0, rs))[:4]: print("  SFT:", y, "\n  RL :", x)
