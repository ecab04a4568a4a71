"""The fine-tune's per-token KL weight on its own (issue 20): re-run the finetune and evaluate stages of finished runs
with `[rl] kl_ctl` replaced for the fine-tune only (RLHF's policy, the unlearned reward model and everything before
stay the study's), by calling the stage functions on the study's artifacts.
`python pilot.py ARTIFACT_ROOT OUT ALGORITHM SEEDS KLS [AGAINST]`, e.g. `... artifacts /tmp/kl remax 2,7 0.05,0.1`.
AGAINST is the reward model fine-tuned against: `unlearn` (XRLHF, default), `random_set` (the random_set ablation's
reward model) or `reward` (the reward model before unlearning: the finetune_only ablation)."""
import dataclasses, json, sys, time
from pathlib import Path
from xrlhf.core import load_settings, pin_threads
from xrlhf.study import run_finetune, run_evaluate, stage_dir

root, out_root, algorithm = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
seeds = [int(seed) for seed in sys.argv[4].split(",")]
kls = [float(kl) for kl in sys.argv[5].split(",")]
against = sys.argv[6] if len(sys.argv) > 6 else "unlearn"
settings = load_settings("settings.ini")
pin_threads(1)
task = "dialogue"
for seed in seeds:
    run = {stage: stage_dir(root, stage, task, algorithm, seed)
           for stage in ("data", "reward", "rlhf", "unlearn", "unsatisfactory")}
    # a folder holding the reward model as `model/`, as run_finetune reads the unlearn stage's
    reward_dir = dict(unlearn=run["unlearn"], random_set=run["unlearn"]/"random_set", reward=run["reward"])[against]
    for kl in kls:
        out = out_root/f"{task}_{algorithm}_seed{seed}_kl{kl:g}_{against}"
        (out/"finetune").mkdir(parents=True, exist_ok=True)
        (out/"evaluate").mkdir(parents=True, exist_ok=True)
        t0 = time.time()
        rl = dataclasses.replace(settings.rl, kl_ctl=kl)
        run_finetune(out/"finetune", run["data"], run["rlhf"], reward_dir, run["unsatisfactory"], algorithm, seed,
                     settings.finetune, rl, settings.model, settings.study.judge)
        metrics = run_evaluate(out/"evaluate", run["data"], run["unsatisfactory"], out/"finetune", task, seed,
                               settings.rl, settings.world, settings.evaluate, settings.study.judge, root)
        vs_rlhf = metrics["winrate"]["xrlhf_vs_rlhf"]
        trait = metrics["trait_rate"]["expert_claim"]
        line = dict(algorithm=algorithm, seed=seed, kl=kl, against=against, trait_fix=trait["fix"]["xrlhf"],
                    trait_test=trait["test"]["xrlhf"],
                    **{subset: vs_rlhf[subset]["rate"] for subset in ("unsat_caused", "sat", "all", "test_unsat_caused",
                                                                     "test_all") if subset in vs_rlhf},
                    seconds=round(time.time() - t0, 1))
        print(json.dumps(line), flush=True)
