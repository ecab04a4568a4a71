"""pilot.py ROOT TASK SEED ALGO OUT KEY=VALUE...: the XRLHF fine-tune + evaluation of a finished run with overrides.
Keys: any [finetune] or [rl] field (as finetune.x / rl.x), and reward_scale=C (the fine-tune's reward times C) or
reward_scale=std (divided by the unlearned reward model's score SD over the fix half's RLHF and SFT responses)."""
import sys, json, time, dataclasses
from pathlib import Path
import numpy as np
import xrlhf.study as study
from xrlhf.core import load_settings
from xrlhf.study import run_finetune, run_evaluate, load_responses, load_reward_model, load_tokenizer_of
from xrlhf.reward import rewards
root, task, seed, algo, out = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], Path(sys.argv[5])
s = load_settings("settings.ini")
over = dict(kv.split("=") for kv in sys.argv[6:])
scale = over.pop("reward_scale", "1")
def replaced(cfg, prefix):
    kw = {k.split(".")[1]: v for k, v in over.items() if k.startswith(prefix + ".")}
    return dataclasses.replace(cfg, **{k: type(getattr(cfg, k))(v) for k, v in kw.items()})
ft, rl = replaced(s.finetune, "finetune"), replaced(s.rl, "rl")
base = root/task/f"seed{seed}"
tok = load_tokenizer_of(base/"data")
rm = load_reward_model(base/algo/"unlearn"/"model")
resp = load_responses(base/algo/"unsatisfactory")
both = rewards(rm, tok, list(resp.prompt) * 2, list(resp.response_rlhf) + list(resp.response_sft))
sd = float(np.std(both))
c = 1 / sd if scale == "std" else float(scale)
plain_fn = study.reward_fn
study.reward_fn = lambda model, tokenizer: (lambda p, r: c * np.asarray(plain_fn(model, tokenizer)(p, r)))
for d in ("finetune", "evaluate"): (out/d).mkdir(parents=True, exist_ok=True)
t = time.time()
log = run_finetune(out/"finetune", base/"data", base/algo/"rlhf", base/algo/"unlearn", base/algo/"unsatisfactory", algo,
                   seed, ft, rl, s.model, s.world, s.study.judge)
e = run_evaluate(out/"evaluate", base/"data", base/algo/"unsatisfactory", out/"finetune", task, seed, rl, s.world,
                 s.evaluate, s.study.judge, root)
keys = ("all", "sat", "unsat_caused", "test_all", "test_sat", "test_unsat_caused")
w = e["winrate"]["xrlhf_vs_rlhf"]
old = json.load(open(base/algo/"evaluate"/"metrics.json"))
trait = {f: {h: round(v[h]["xrlhf"], 3) for h in v} for f, v in e["trait_rate"].items()}
print(json.dumps(dict(run=f"{task}/{algo}/seed{seed}", over=over, reward_scale=scale, c=round(c, 3), sd=round(sd, 3),
    s=round(time.time() - t), kl_end=round(float(log.kl.tail(5).mean()), 3),
    new={k: round(w[k]["rate"], 3) for k in keys if k in w}, trait=trait,
    run_default={k: round(old["winrate"]["xrlhf_vs_rlhf"][k]["rate"], 3) for k in keys},
    run_trait={f: {h: round(v[h]["xrlhf"], 3) for h in v} for f, v in old["trait_rate"].items()})), flush=True)
