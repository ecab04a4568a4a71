"""Whole-model gradient dot products (TracIn at the final checkpoint) as the explainer whose set is unlearned, on one
finished run of the study: `python graddot.py ROOT TASK SEED ALGO` (PYTHONPATH at the checkout that ran it).

score(i, q) = grad_theta margin_i . grad_theta margin_q over every reward-model parameter: one SGD step on training
comparison i moves the query's margin r(x, y_rlhf) - r(x, y_sft) by lr times it, so the largest scores are the
comparisons that most push the reward model toward preferring the RLHF response. Reported: the AUC and precision at
1% of the planted comparisons on the run's planted-caused queries (as `attribution_ranking`); then the top 1% of the
split by score summed over all unsatisfactory queries (the unlearn stage's `explained_set` rule) unlearned with the
run's [unlearn] settings, beside the run's own unlearn metrics (the default explainer's set)."""
import sys, json, time, dataclasses, torch, numpy as np
from pathlib import Path
from xrlhf.core import load_settings, set_seed
from xrlhf.study import (load_data, load_tokenizer_of, load_responses, load_truth, unlearned_reward_model,
                         finetuned_policy, policy_winrates, winrate_subsets)
from xrlhf.models import load_policy
from xrlhf.reward import encode_responses
from xrlhf.models import load_reward_model
from xrlhf.premise import planted_caused, task_families
from xrlhf.unlearn import unlearn_report
from xrlhf.world import World, flaw_probes
from xrlhf.explain import auc

torch.set_num_threads(1)
root, task, seed, algorithm = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
settings = load_settings("settings.ini")
with_finetune = "finetune" in sys.argv[5:]  # also the XRLHF fine-tune against the unlearned model, judged
base = root/task/f"seed{seed}"
tokenizer = load_tokenizer_of(base/"data")
splits = load_data(base/"data")
comparisons = splits["reward"]
planted = load_truth(base/"data").planted.to_numpy()
fix_half = load_responses(base/algorithm/"unsatisfactory")
unsat = fix_half[fix_half.unsatisfactory.to_numpy(bool)].reset_index(drop=True)
families = task_families(settings.world.flaws, task)
caused = np.asarray(planted_caused(World(seed), unsat.prompt.tolist(), unsat.response_rlhf.tolist(),
                                   unsat.response_sft.tolist(), families), bool)
reward_model = load_reward_model(base/"reward"/"model")
reward_model.eval()
params = list(reward_model.parameters())
max_length = settings.model.max_length

def margin_grad(prompt, first, second):
    enc = encode_responses(tokenizer, [prompt, prompt], [first, second], max_length)
    scores = reward_model(input_ids=enc.input_ids, attention_mask=enc.attention_mask).logits[:, 0]
    return torch.cat([g.reshape(-1) for g in torch.autograd.grad(scores[0] - scores[1], params)])

started = time.time()
G_query = torch.stack([margin_grad(p, a, b) for p, a, b in zip(unsat.prompt, unsat.response_rlhf, unsat.response_sft)])
scores = np.zeros((len(unsat), len(comparisons)))
for i, (prompt, chosen, rejected) in enumerate(zip(comparisons.prompt, comparisons.chosen, comparisons.rejected)):
    scores[:, i] = (G_query @ margin_grad(prompt, chosen, rejected)).numpy()
seconds = time.time() - started
k = max(1, round(len(comparisons) / 100))
ranked = scores[caused]
result = dict(run=f"{task}/{algorithm}/seed{seed}", n_queries=len(unsat), n_caused=int(caused.sum()),
              seconds=round(seconds, 1), base_rate=float(planted.mean()),
              auc=float(np.mean([auc(row, planted) for row in ranked])) if len(ranked) else None,
              precision_at_1pct=float(np.mean([planted[np.argsort(-row, kind="stable")[:k]].mean() for row in ranked]))
              if len(ranked) else None)
explained = np.argsort(-scores.sum(0), kind="stable")[:k].tolist()
result["explained_precision"] = float(planted[explained].mean())
own = json.load(open(base/algorithm/"explain"/"metrics.json"))
ranking = own["attribution_ranking"] or {}
result["run_explainers_auc"] = {name: round(v["auc"], 3) for name, v in ranking.items()
                                if isinstance(v, dict) and v.get("auc") is not None}
result["run_explained_precision"] = own["explained_precision"]
probes = {family: flaw_probes(World(seed), family, settings.explain.probes, seed,
                              claim_position=settings.world.claim_position) for family in families}
set_seed(seed)
unlearned, forget, outcome = unlearned_reward_model(reward_model, tokenizer, comparisons, explained,
                                                    settings.unlearn.method, settings.unlearn, settings.reward,
                                                    settings.model, seed, base/"sft")
report = unlearn_report(reward_model, unlearned, tokenizer, forget, splits["reward_eval"], probes, unsat, max_length)
keys = ("forget_acc_after", "heldout_acc_before", "heldout_acc_after", "rm_prefers_flawed_before",
        "rm_prefers_flawed_after", "flipped_share")
result["unlearn_graddot"] = {key: report.get(key) for key in keys} | dict(steps=outcome.get("steps"))
run_unlearn = json.load(open(base/algorithm/"unlearn"/"metrics.json"))
result["unlearn_run_default"] = {key: run_unlearn.get(key) for key in keys}
if with_finetune:  # the run's own fine-tune settings, against the reward model with the grad-dot set unlearned
    both_halves = load_responses(base/algorithm/"unsatisfactory", half=None)
    subsets = winrate_subsets(both_halves, base/"data", task, seed, settings.world.flaws)
    policy, _ = finetuned_policy(load_policy(base/algorithm/"rlhf"/"model", "cpu"), tokenizer,
                                 load_responses(base/algorithm/"unsatisfactory"), unlearned, algorithm, seed,
                                 settings.finetune, settings.rl, settings.model, settings.study.judge)
    judged = policy_winrates(policy, tokenizer, both_halves, settings.rl.max_new_tokens, 200, settings.study.judge,
                             seed, root, subsets)
    wanted = ("all", "sat", "unsat", "unsat_caused", "test_all", "test_unsat_caused")
    result["xrlhf_vs_rlhf_graddot"] = {name: round(judged["winrate"]["xrlhf_vs_rlhf"][name]["rate"], 3)
                                       for name in wanted if name in judged["winrate"]["xrlhf_vs_rlhf"]}
    evaluated = json.load(open(base/algorithm/"evaluate"/"metrics.json"))["winrate"]["xrlhf_vs_rlhf"]
    result["xrlhf_vs_rlhf_run_default"] = {name: round(evaluated[name]["rate"], 3) for name in wanted
                                           if name in evaluated}
print(json.dumps(result))
