"""groups_unlearn.py ROOT TASK SEED ALGO: the saved group scores' summed top-1% sets unlearned with settings.ini [unlearn]."""
import sys, json, time, torch, numpy as np
from pathlib import Path
from xrlhf.core import load_settings, set_seed
from xrlhf.study import load_data, load_tokenizer_of, load_responses, load_truth, unlearned_reward_model
from xrlhf.models import load_reward_model
from xrlhf.premise import task_families
from xrlhf.world import World, flaw_probes
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
S = np.load(f"groups_{task}_{seed}_{algorithm}.npy")
probes = {f: flaw_probes(World(seed), f, s.explain.probes, seed, claim_position=s.world.claim_position) for f in task_families(s.world.flaws, task)}
k = int(np.ceil(len(comps) * 0.01))
for name, sc in (("embed", S[0]), ("embed_linear", S[0] + S[1])):
    idx = sorted(np.argsort(-sc.sum(0), kind="stable")[:k].tolist())
    set_seed(seed)
    un, forget, outcome = unlearned_reward_model(rm, tok, comps, idx, s.unlearn.method, s.unlearn, s.reward, s.model, seed, base/"sft")
    r = unlearn_report(rm, un, tok, forget, splits["reward_eval"], probes, unsat, s.model.max_length)
    print(json.dumps(dict(run=f"{task}/{algorithm}/seed{seed}", set=name, precision=round(float(planted[idx].mean()), 3), steps=outcome.get("steps"),
        **{key: (round(r[key], 3) if isinstance(r.get(key), float) else r.get(key)) for key in ("forget_acc_after", "heldout_acc_before", "heldout_acc_after", "rm_prefers_flawed_before", "rm_prefers_flawed_after", "flipped_share")})), flush=True)
