"""unlearn_top_layer.py TASK ALG SEED FROZEN: the unlearn stage with the reward model's embeddings and its first FROZEN layers frozen
(only the rest and the head unlearn), from the committed study's artifacts (/work/study8); prints the unlearning report
beside the committed one. Torch threads pinned as the pipeline pins them ($XRLHF_THREADS)."""
import json, sys, time, tempfile
from pathlib import Path
from xrlhf import study
from xrlhf.models import load_reward_model as _load
from xrlhf.pipeline import open_stage
task, alg, seed, frozen = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def load_frozen(path):
    model = _load(path)
    model.gpt_neox.embed_in.requires_grad_(False)
    for layer in model.gpt_neox.layers[:frozen]: layer.requires_grad_(False)
    return model
study.load_reward_model = load_frozen
root = Path('/work/study8/artifacts')
run = open_stage('unlearn', task, alg, seed, settings='/work/study8/settings.ini', quick=False, root=root,
                 build_missing=False)
started = time.time()
report = run.stage.run(**run.arguments(Path(tempfile.mkdtemp())))
seconds = time.time() - started
committed = json.load(open(root/task/f"seed{seed}"/alg/"unlearn"/"metrics.json"))
keys = ["forget_acc_after", "heldout_acc_before", "heldout_acc_after", "rm_prefers_flawed_after", "flipped_share",
        "random_set_flipped_share", "random_set_rm_prefers_flawed_after", "random_set_heldout_acc_after"]
row = dict(run=f"{task}/{alg}/seed{seed}", frozen=frozen, seconds=round(seconds, 1),
           committed_seconds=json.load(open(root/task/f"seed{seed}"/alg/"unlearn"/"manifest.json"))["wall_seconds"],
           steps=report["outcome"]["steps"], committed_steps=committed["outcome"]["steps"],
           **{k: (round(report[k], 3), round(committed[k], 3)) for k in keys})
print(json.dumps(row))
with open(Path(__file__).with_suffix('.jsonl'), 'a') as f: f.write(json.dumps(row) + "\n")
