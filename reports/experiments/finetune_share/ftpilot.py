"""ftpilot.py ROOT TASK SEED ALGO OUT KEY=VALUE...: the XRLHF fine-tune + evaluation against a finished run's unlearned
reward model with [finetune] overrides; prints XRLHF vs RLHF beside the run's own."""
import sys, json, time, dataclasses
from pathlib import Path
from xrlhf.core import load_settings
from xrlhf.study import run_finetune, run_evaluate
root, task, seed, algo, out = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], Path(sys.argv[5])
s = load_settings("settings.ini")
over = dict(kv.split("=") for kv in sys.argv[6:])
ft = dataclasses.replace(s.finetune, **{k: type(getattr(s.finetune, k))(v) for k, v in over.items()})
base = root/task/f"seed{seed}"
for d in ("finetune", "evaluate"): (out/d).mkdir(parents=True, exist_ok=True)
t = time.time()
run_finetune(out/"finetune", base/"data", base/algo/"rlhf", base/algo/"unlearn", base/algo/"unsatisfactory", algo, seed, ft, s.rl, s.model, s.study.judge)
e = run_evaluate(out/"evaluate", base/"data", base/algo/"unsatisfactory", out/"finetune", task, seed, s.rl, s.world, s.evaluate, s.study.judge, root)
keys = ("all", "sat", "unsat_caused", "test_all", "test_sat", "test_unsat_caused")
w = e["winrate"]["xrlhf_vs_rlhf"]; old = json.load(open(base/algo/"evaluate"/"metrics.json"))["winrate"]["xrlhf_vs_rlhf"]
print(json.dumps(dict(run=f"{task}/{algo}/seed{seed}", over=over, s=round(time.time() - t),
    new={k: round(w[k]["rate"], 3) for k in keys if k in w}, run_default={k: round(old[k]["rate"], 3) for k in keys if k in old})), flush=True)
