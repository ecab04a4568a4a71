"""Premise sweep: build data -> sft -> reward -> rlhf -> unsatisfactory for one (task, algorithm, seed) under
world overrides, then print the premise numbers. Usage: python premise_sweep.py NAME TASK ALGO SEED k=v ..."""
import json, sys, time
from pathlib import Path
import numpy as np, torch
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))
from xrlhf.pipeline import open_stage, load_study
from xrlhf.study import stage_dir, load_responses, load_tokenizer_of, load_truth
from xrlhf.world import World, flaw_probes, has_flaw_trait, in_flaw_region, CLAIMS
from xrlhf.premise import premise_metrics
from xrlhf.models import load_reward_model, load_policy
from xrlhf.reward import rewards
from xrlhf.evaluate import respond

name, task, algo, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
overrides = dict(kv.split("=", 1) for kv in sys.argv[5:])
root = REPO/"artifacts"/"experiments"/"premise_world"/name
t0 = time.time()
open_stage("unsatisfactory", task, algo, seed, str(REPO/"settings.ini"), quick=False, root=root,
           overrides=overrides).execute()
settings, _ = load_study(str(REPO/"settings.ini"), False, root, overrides)
flaws = settings.world.flaws
resp = load_responses(stage_dir(root, "unsatisfactory", task, algo, seed), half=None)
truth = load_truth(stage_dir(root, "data", task, algo, seed))
world = World(seed)
data_dir = stage_dir(root, "data", task, algo, seed)
tok = load_tokenizer_of(data_dir)
rm = load_reward_model(stage_dir(root, "reward", task, algo, seed)/"model")
probes = {}
out = dict(name=name, task=task, algo=algo, seed=seed, overrides=overrides)
for fam in flaws:
    from xrlhf.world import FLAWS
    if FLAWS[fam]["task"] != task: continue
    pos = settings.world.claim_position
    pr = flaw_probes(world, fam, 60, seed, claim_position=pos)
    rf, rc = rewards(rm, tok, pr.prompt, pr.flawed), rewards(rm, tok, pr.prompt, pr.clean)
    probes[fam] = dict(rm_prefers_flawed=float((rf > rc).mean()))
    po = flaw_probes(world, fam, 60, seed, claim_position=pos, outside=True)
    of, oc = rewards(rm, tok, po.prompt, po.flawed), rewards(rm, tok, po.prompt, po.clean)
    out[f"{fam}_prefers_outside"] = float((of > oc).mean())
    out[f"{fam}_margin_outside"] = float(np.mean(of - oc))
    out[f"{fam}_margin"] = float(np.mean(rf - rc))
    out[f"{fam}_reward_sd"] = float(np.std(rc))
    # sampled trait rates (not greedy) on 200 validation prompts, SFT vs RLHF
    prompts = resp.prompt.tolist()[:200]
    for pol in ("sft", "rlhf"):
        d = "sft" if pol == "sft" else "rlhf"
        p = load_policy(stage_dir(root, d, task, algo, seed)/"model")
        torch.manual_seed(0)
        ys = respond(p, tok, prompts, greedy=False, max_new_tokens=settings.rl.max_new_tokens)
        inr = [in_flaw_region(world, fam, x) for x in prompts]
        sh = [has_flaw_trait(world, fam, x, y) for x, y in zip(prompts, ys)]
        out[f"{fam}_sampled_{pol}_in"] = float(np.mean([s for s, r in zip(sh, inr) if r]))
        out[f"{fam}_sampled_{pol}_out"] = float(np.mean([s for s, r in zip(sh, inr) if not r]))
pm = premise_metrics(world, flaws, task, resp, probes, truth)
out["premise"] = pm
out["unsat_fraction"] = float(resp.unsatisfactory.mean())
u = json.load(open(stage_dir(root, "unsatisfactory", task, algo, seed)/"metrics.json"))
out["rlhf_vs_sft"] = u["rlhf_vs_sft"]["rate"]
out["seconds"] = round(time.time() - t0)
print(json.dumps(out, indent=1))
(HERE/"results").mkdir(exist_ok=True)
json.dump(out, open(HERE/"results"/f"{name}_{task}_{algo}_{seed}.json", "w"), indent=1)
