# Summarisation RLHF vs SFT under variations (reward-model init, RL steps, KL, comparisons): one (task, seed, init, steps, algorithm) per call.
# usage: python rlhf_vs_sft.py TASK SEED {scratch|sft} STEPS {remax|ppo} [TLDR_SFT]; env OV='{"section.key": "value"}', TAG (artifact root suffix), OVTAG.
import os, sys, json, pathlib, time, numpy as np, pandas as pd, torch
from transformers import AutoModelForSequenceClassification
from xrlhf.pipeline import stage_context
from xrlhf.study import *
from xrlhf.study import load_data, tokenizer, preset, make_judge, rl_kwargs, reward_fn
from xrlhf.models import *
from xrlhf.reward import train_reward, accuracy
from xrlhf.rl import train_rl
from xrlhf.evaluate import win_rate, respond
from xrlhf.core import set_seed, get_device
REPO = pathlib.Path(__file__).resolve().parents[2]; OUT = REPO/"artifacts"/"experiments-summ-out"; OUT.mkdir(parents=True, exist_ok=True)
task, seed, init, steps, alg = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
# study.reports: the upstream stages' executed notebooks go beside the artifacts, not into reports/runs
ov = {"world.tldr_sft": sys.argv[6] if len(sys.argv) > 6 else "4800", "study.reports": "artifacts/experiments-summ-notebooks", **json.loads(os.environ.get("OV", "{}"))}
tag = os.environ.get("TAG", "")
ctx = stage_context("rlhf", task, alg, seed, settings=str(REPO/"settings.ini"), quick=False, root=str(REPO/"artifacts"/("experiments-summ" + tag)), overrides=ov)
S = ctx.S; D = load_data(ctx); tok = tokenizer(ctx); ml = preset(S)["max_length"]
tr = 0
cache = f"{OUT}/rm_{task}{seed}_{init}_{ov['world.tldr_sft']}{tag}"
if os.path.exists(cache): rm = load_reward_model(cache); acc = accuracy(rm, tok, D["reward_eval"], max_length=ml); print("RMACC", init, acc, flush=True)
else:
    set_seed(seed)
    if init == "sft":
        rm = AutoModelForSequenceClassification.from_pretrained(str(ctx.inputs["sft"]/"model"), num_labels=1); rm.config.pad_token_id = tok.pad_token_id
    else: rm = build_reward_model(preset(S), tok)
    t = time.time()
    rm, _ = train_reward(rm, tok, D["reward"], S["reward"]["epochs"], S["reward"]["lr"] if len(sys.argv) <= 7 else float(sys.argv[7]), S["reward"]["batch_size"], ml, seed)
    acc = accuracy(rm, tok, D["reward_eval"], max_length=ml); tr = time.time() - t; print("RMACC", init, acc, flush=True)
    save_model(rm, tok, cache)
dev = get_device()
pi, ref = load_policy(ctx.inputs["sft"]/"model", dev), load_policy(ctx.inputs["sft"]/"model", dev)
import copy
critic = copy.deepcopy(rm) if alg == "ppo" else None
set_seed(seed)
pi, log = train_rl(pi, tok, D["rl"].prompt, reward_fn(rm, tok), alg, ref=ref, critic=critic, gold_fn=make_judge(S, seed), seed=seed, desc="rl", **rl_kwargs(S, steps))
val = list(D["validation"].prompt); mnt = S["rl"]["max_new_tokens"]
rs = respond(ref, tok, val, max_new_tokens=mnt, desc="sft"); r0 = respond(pi, tok, val, max_new_tokens=mnt, desc="rl")
J = make_judge(S, seed); g0, gs = np.asarray(J(val, r0)), np.asarray(J(val, rs))
w = win_rate(g0, gs, 200, seed)
print(json.dumps(dict(task=task, seed=seed, init=init, steps=steps, alg=alg, ov=ov, rm_acc=round(acc, 3), rm_sec=round(tr), unsat=float((g0 < gs).mean()), ties=float((g0 == gs).mean()), rlhf_vs_sft=round(w["rate"], 3), ci=[round(w["ci_low"], 3), round(w["ci_high"], 3)], gold_rl=float(g0.mean()), gold_sft=float(gs.mean()))))
from xrlhf.world import World, gold_components
W = World(seed)
A = pd.DataFrame([gold_components(W, p, r) for p, r in zip(val, r0)]); B = pd.DataFrame([gold_components(W, p, r) for p, r in zip(val, rs)])
print("COMPONENTS rl-sft", {k: round(v, 3) for k, v in (A - B).mean().items() if abs(v) > 1e-9})
print("LEN", np.mean([len(r.split()) for r in r0]), np.mean([len(r.split()) for r in rs]))
pd.DataFrame(dict(prompt=val, rl=r0, sft=rs, g_rl=g0, g_sft=gs)).to_parquet(f"{OUT}/resp_{task}{seed}_{init}{tag}_{os.environ.get('OVTAG','')}.parquet")
