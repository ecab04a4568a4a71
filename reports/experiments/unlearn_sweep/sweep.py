"""The unlearning sweep behind [unlearn]'s defaults (issue 19): on one run's pipeline artifacts (the reward model, the
explain stage's weighted sets, the unsatisfactory fix half), unlearn the explained set (the top `share` of the
reward split by explanation weight, `xrlhf.explain.explained_set`) and a random set of the same size with
`xrlhf.unlearn.unlearn`, and score both with `xrlhf.unlearn.unlearn_report`, as the unlearn stage does.

    python sweep.py ROOT TASK OUT METHODS LRS SHARE [RETAIN_WEIGHTS] [EVAL_EVERY]

ROOT is an artifact root made by `xrlhf reproduce` (the sweep read the v3 world's seed-0 root, made at commit
3e54753 by reports/experiments/premise_world/sweep.py as run `endF`), METHODS and LRS comma-separated."""
import itertools, json, sys, time
from pathlib import Path
import numpy as np, pandas as pd
from xrlhf.explain import explained_set, removal_margins
from xrlhf.models import load_reward_model
from xrlhf.premise import task_families
from xrlhf.reward import head
from xrlhf.study import load_data, load_responses, load_tokenizer_of, load_truth, random_forget_set
from xrlhf.unlearn import unlearn, unlearn_report
from xrlhf.world import World, flaw_probes

root, task, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
methods, lrs, share = sys.argv[4].split(","), [float(x) for x in sys.argv[5].split(",")], float(sys.argv[6])
retain_weights = [float(x) for x in sys.argv[7].split(",")] if len(sys.argv) > 7 else [1.0]
eval_every = int(sys.argv[8]) if len(sys.argv) > 8 else 5
seed = 0
run = root/task/f"seed{seed}"
splits = load_data(run/"data")
comparisons = splits["reward"]
tok = load_tokenizer_of(run/"data")
rm = load_reward_model(run/"reward"/"model")
sets = pd.read_json(run/"remax"/"explain"/"selected_weighted.json", orient="records")
explained = explained_set(sets, len(comparisons), round(share * len(comparisons))) if share < 1 else \
    sorted({i for selected in sets.selected for i in selected})
fix_half = load_responses(run/"remax"/"unsatisfactory")
queries = fix_half[fix_half.unsatisfactory.to_numpy(bool)].reset_index(drop=True)
probes = {family: flaw_probes(World(seed), family, 30, seed, claim_position="end")
          for family in task_families(["expert_claim", "expert_tldr"], task)}
planted = load_truth(run/"data").planted.to_numpy()
dphi = np.load(run/"reward"/"dphi.npy").astype(np.float64)
exact_margin = float(removal_margins(dphi, explained, head(rm)[0], 1e-2).mean())
print(f"{task}: {len(explained)} explained, {planted[explained].sum()} planted; exact removal margin {exact_margin:.3f}")
out.mkdir(parents=True, exist_ok=True)
forget_sets = dict(explained=explained, random=random_forget_set(len(comparisons), len(explained), seed))
for method, lr, retain_weight in itertools.product(methods, lrs, retain_weights):
    for which, index in forget_sets.items():
        name = f"{task}_{method}_{lr:g}_{share:g}_rw{retain_weight:g}_e{eval_every}_{which}"
        if (out/f"{name}.json").exists(): continue
        forget = comparisons.iloc[index].reset_index(drop=True)
        retain = comparisons.drop(index=index).reset_index(drop=True)
        started = time.time()
        model, log, outcome = unlearn(rm, tok, forget, method=method, max_steps=200, lr=lr, batch_size=16,
                                      retain=retain, retain_weight=retain_weight, eval_every=eval_every,
                                      stop_acc=0.5, seed=seed)
        report = unlearn_report(rm, model, tok, forget, splits["reward_eval"], probes, queries)
        report.update(outcome=outcome, method=method, lr=lr, retain_weight=retain_weight, eval_every=eval_every,
                      share=share, which=which, n_planted=int(planted[index].sum()), exact_removal_margin=exact_margin,
                      seconds=round(time.time() - started, 1))
        (out/f"{name}.json").write_text(json.dumps(report, indent=1))
        log.to_csv(out/f"{name}_log.csv", index=False)
        print(name, outcome, flush=True)
