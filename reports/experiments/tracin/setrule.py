"""setrule.py ROOT TASK SEED ALGO: tracin scores once, then the explained set by votes vs summed score at 1% and 2.5%,
each unlearned with settings.ini's [unlearn] (the unlearn stage's call), probes/held-out after."""
import sys, json, time, torch, numpy as np
from pathlib import Path
from xrlhf.core import load_settings, set_seed
from xrlhf.study import (load_data, load_tokenizer_of, load_responses, load_truth, unlearned_reward_model)
from xrlhf.models import load_reward_model
from xrlhf.premise import task_families
from xrlhf.world import World, flaw_probes
from xrlhf.influence import influence_scores, influence_selection
from xrlhf.explain import explained_set
from xrlhf.unlearn import unlearn_report
torch.set_num_threads(1)
root, task, seed, algorithm = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = load_settings("settings.ini")
base = root/task/f"seed{seed}"
tok = load_tokenizer_of(base/"data"); splits = load_data(base/"data"); comps = splits["reward"]
planted = load_truth(base/"data").planted.to_numpy()
fix = load_responses(base/algorithm/"unsatisfactory")
unsat = fix[fix.unsatisfactory.to_numpy(bool)].reset_index(drop=True)
rm = load_reward_model(base/"reward"/"model"); rm.eval()
queries = unsat.rename(columns=dict(response_rlhf="chosen", response_sft="rejected"))[["prompt","chosen","rejected"]]
cache = Path(f"identity_{task}_{seed}_{algorithm}.npy")
if cache.exists(): scores = np.load(cache)
else:
    scores = influence_scores(rm, tok, comps, queries, s.model.max_length, strategy="identity", seed=seed); np.save(cache, scores)
fams = task_families(s.world.flaws, task)
probes = {f: flaw_probes(World(seed), f, s.explain.probes, seed, claim_position=s.world.claim_position) for f in fams}
N = len(comps)
for share in (0.01, 0.025):
    k = int(np.ceil(round(share * N, 9)))
    sets = dict(votes=explained_set(influence_selection(scores, [k]*len(scores)), N, k),
                summed=sorted(np.argsort(-scores.sum(0), kind="stable")[:k].tolist()))
    for rule, idx in sets.items():
        set_seed(seed); t = time.time()
        un, forget, outcome = unlearned_reward_model(rm, tok, comps, idx, s.unlearn.method, s.unlearn, s.reward, s.model, seed, base/"sft")
        r = unlearn_report(rm, un, tok, forget, splits["reward_eval"], probes, unsat, s.model.max_length)
        print(json.dumps(dict(run=f"{task}/{algorithm}/seed{seed}", share=share, rule=rule, k=k, precision=round(float(planted[idx].mean()),3),
            n_planted=int(planted.sum()), steps=outcome.get("steps"), stopped=outcome.get("stopped"), s=round(time.time()-t,1),
            **{key: (round(r[key],3) if isinstance(r.get(key), float) else r.get(key)) for key in ("forget_acc_after","heldout_acc_before","heldout_acc_after","rm_prefers_flawed_before","rm_prefers_flawed_after","flipped_share")})), flush=True)
