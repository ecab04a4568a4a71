# Experiment: a summarisation world whose responses sometimes repeat a fact (rate R), so the reward model sees repetition.
import os, sys, json, time, pathlib, numpy as np, pandas as pd
import xrlhf.world as xw
from xrlhf.core import load_settings, set_seed
from xrlhf.models import build_policy, build_reward_model, load_tokenizer
from xrlhf.sft import sft
from xrlhf.reward import train_reward, accuracy
from xrlhf.rl import train_rl
from xrlhf.evaluate import respond, win_rate
from xrlhf.study import reward_fn, rl_kwargs, make_judge
REPO = pathlib.Path(__file__).resolve().parents[2]
# usage: python repetition_world.py RATE SEED {remax|ppo} (needs the tokenizer of a rlhf_vs_sft.py run)
R, seed, alg = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
orig = xw.make_response
def make_response(w, prompt, rng):
    text, tr = orig(w, prompt, rng)
    if tr.get("coverage", 0) > 0 and rng.random() < R:  # repeat one of its fact sentences
        sents = [s.strip() + " ." for s in text.split(" .") if s.strip()]
        facts = [s for s in sents if len(s.split()) == 4][:1]
        if facts: text = text + " " + facts[0]; tr["repeat"] = True
    return text, tr
xw.make_response = make_response
S = load_settings(str(REPO/"settings.ini"), {"world.tldr_sft": "4800"}); P = S["model.neox-tiny"]
D = xw.make_datasets(S["world"], "summarisation", seed)
print("repeat share in reward split", np.mean([ (lambda ws: len(ws) != len(set(ws)))(r.split(" .")) for r in D["reward"].chosen[:500]]), flush=True)
tok = load_tokenizer(str(REPO/"artifacts"/"experiments-summ"/"summarisation"/"seed0"/"data"/"tokenizer"))
t = time.time(); set_seed(seed); pi = build_policy(P, tok)
pi, _ = sft(pi, tok, D["sft"], S["sft"]["epochs"], S["sft"]["lr"], S["sft"]["batch_size"], 192, seed); print("sft", round(time.time() - t), flush=True)
set_seed(seed); rm = build_reward_model(P, tok)
rm, _ = train_reward(rm, tok, D["reward"], S["reward"]["epochs"], S["reward"]["lr"], S["reward"]["batch_size"], 192, seed)
acc = accuracy(rm, tok, D["reward_eval"], max_length=192); print("RMACC", acc, flush=True)
import copy
ref = copy.deepcopy(pi); critic = copy.deepcopy(rm) if alg == "ppo" else None
set_seed(seed)
pi, log = train_rl(pi, tok, D["rl"].prompt, reward_fn(rm, tok), alg, ref=ref, critic=critic, gold_fn=make_judge(S, seed), seed=seed, desc="rl", **rl_kwargs(S))
val = list(D["validation"].prompt)
rs = respond(ref, tok, val, max_new_tokens=32); r0 = respond(pi, tok, val, max_new_tokens=32)
J = make_judge(S, seed); g0, gs = np.asarray(J(val, r0)), np.asarray(J(val, rs)); w = win_rate(g0, gs, 200, seed)
W = xw.World(seed)
A = pd.DataFrame([xw.gold_components(W, p, r) for p, r in zip(val, r0)]); B = pd.DataFrame([xw.gold_components(W, p, r) for p, r in zip(val, rs)])
print(json.dumps(dict(R=R, seed=seed, alg=alg, rm_acc=round(acc, 3), unsat=float((g0 < gs).mean()), ties=float((g0 == gs).mean()), rlhf_vs_sft=round(w["rate"], 3),
                      ci=[round(w["ci_low"], 3), round(w["ci_high"], 3)], gold_rl=float(g0.mean()), gold_sft=float(gs.mean()),
                      comp={k: round(v, 3) for k, v in (A - B).mean().items() if abs(v) > 1e-9})))
