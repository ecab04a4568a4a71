"""guard_pilot.py ROOT TASK SEED ALGO OUT KEY=VALUE...: a finished run's unlearn, fine-tune and evaluation redone with
[unlearn] overrides (e.g. stop_acc=0.0 max_guard_drop=0.02) through the kit's stage functions, into OUT; prints one
JSON line: the unlearning report and XRLHF's win rates against RLHF."""
import sys, json, time, dataclasses
from pathlib import Path
from xrlhf.core import load_settings
from xrlhf.study import run_unlearn, run_finetune, run_evaluate
root, task, seed, algo, out = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], Path(sys.argv[5])
s = load_settings("settings.ini")
over = dict(kv.split("=") for kv in sys.argv[6:])
unlearn = dataclasses.replace(s.unlearn, **{k: type(getattr(s.unlearn, k))(v) for k, v in over.items()})
base = root/task/f"seed{seed}"
for stage in ("unlearn", "finetune", "evaluate"):
    (out/stage).mkdir(parents=True, exist_ok=True)
started = time.time()
u = run_unlearn(out/"unlearn", base/"data", base/"sft", base/"reward", base/algo/"explain", base/algo/"unsatisfactory",
                task, seed, unlearn, s.explain, s.reward, s.model, s.world)
run_finetune(out/"finetune", base/"data", base/algo/"rlhf", out/"unlearn", base/algo/"unsatisfactory", algo, seed,
             s.finetune, s.rl, s.model, s.world, s.study.judge)
e = run_evaluate(out/"evaluate", base/"data", base/algo/"unsatisfactory", out/"finetune", task, seed, s.rl, s.world,
                 s.evaluate, s.study.judge, root)
w = e["winrate"]["xrlhf_vs_rlhf"]
subsets = ("sat", "all", "unsat_caused", "test_sat", "test_all", "test_unsat_caused")
print(json.dumps(dict(run=f"{task}/{algo}/seed{seed}", over=over, seconds=round(time.time() - started),
                      steps=u["outcome"]["steps"], stopped=u["outcome"]["stopped"],
                      guard=[u["outcome"].get("guard_acc_before"), u["outcome"].get("guard_acc_after")],
                      forget_acc=u["forget_acc_after"], heldout=[u["heldout_acc_before"], u["heldout_acc_after"]],
                      probes=u["rm_prefers_flawed_after"], flipped=u["flipped_share"],
                      random_set_probes=u.get("random_set_rm_prefers_flawed_after"),
                      trait={f: {h: v[h]["xrlhf"] for h in v} for f, v in e["trait_rate"].items()},
                      xrlhf_vs_rlhf={k: w[k]["rate"] for k in subsets})), flush=True)
