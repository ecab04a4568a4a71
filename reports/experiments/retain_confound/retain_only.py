"""retain_only.py TASK ALG SEED STEPS: does the unlearning's retain term alone (extra Bradley-Terry training of the reward
model on the reward split, as the unlearn loop runs it: AdamW lr [unlearn] lr, batch [unlearn] batch_size, weight
[unlearn] retain_weight, clip 1, STEPS steps) make a reward model whose fine-tune beats RLHF on satisfactory prompts?
Fine-tunes and evaluates like the XRLHF stages, from the committed study's artifacts (/work/study8). Torch threads
pinned by `set_seed` ($XRLHF_THREADS)."""
import json, sys, tempfile, time, torch
import numpy as np
from pathlib import Path
from xrlhf.core import load_settings, set_seed
from xrlhf.pipeline import open_stage
from xrlhf import study
from xrlhf.models import load_reward_model, save_model
from xrlhf.unlearn import bt_margin, retain_loss
task, alg, seed, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
SETTINGS = '/work/study8/settings.ini'
s = load_settings(SETTINGS)
root = Path('/work/study8/artifacts')
d = lambda stage: study.stage_dir(root, stage, task, alg, seed)
tok = study.load_tokenizer_of(d('data'))
explained = json.load(open(d('explain')/'explained.json'))
rest = study.load_data(d('data'))['reward'].drop(index=explained).reset_index(drop=True)
model = load_reward_model(d('reward')/'model')
set_seed(seed)
rng = np.random.default_rng(seed)
optimizer = torch.optim.AdamW(model.parameters(), lr=s.unlearn.lr, weight_decay=0.0)
model.train()
started = time.time()
for step in range(steps):
    kept = rest.iloc[rng.choice(len(rest), size=s.unlearn.batch_size, replace=False)]
    loss = s.unlearn.retain_weight * retain_loss(bt_margin(model, tok, kept.prompt, kept.chosen, kept.rejected,
                                                           s.model.max_length))
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
model.eval()
unlearned = Path(tempfile.mkdtemp())
save_model(model, tok, unlearned/'model')
# the XRLHF stages' own calls (`open_stage` wires inputs and settings as the pipeline does), with this reward model
finetune = open_stage('finetune', task, alg, seed, settings=SETTINGS, quick=False, root=root, build_missing=False)
finetuned = Path(tempfile.mkdtemp())
finetune.stage.run(**finetune.arguments(finetuned) | dict(unlearn_dir=unlearned))
evaluate = open_stage('evaluate', task, alg, seed, settings=SETTINGS, quick=False, root=root, build_missing=False)
metrics = evaluate.stage.run(**evaluate.arguments(Path(tempfile.mkdtemp())) | dict(finetune_dir=finetuned))
committed = json.load(open(d('evaluate')/'metrics.json'))
ablations = json.load(open(d('ablations')/'metrics.json'))
w = lambda m, sub: round(100 * m['winrate']['xrlhf_vs_rlhf'][sub]['rate'], 1)
row = dict(run=f"{task}/{alg}/seed{seed}", retain_steps=steps, seconds=round(time.time() - started, 1),
           retain_only=dict(sat=w(metrics, 'sat'), all=w(metrics, 'all'), unsat_caused=w(metrics, 'unsat_caused')),
           xrlhf=dict(sat=w(committed, 'sat'), all=w(committed, 'all'), unsat_caused=w(committed, 'unsat_caused')),
           finetune_only=dict(sat=w(ablations['finetune_only'], 'sat'), all=w(ablations['finetune_only'], 'all')),
           random_set=dict(sat=w(ablations['random_set'], 'sat'), all=w(ablations['random_set'], 'all')))
print(json.dumps(row))
with open(Path(__file__).with_name('results.jsonl'), 'a') as f: f.write(json.dumps(row) + "\n")
