"""seed0_reproduced.py ROOT: every field of `collect_run` (timings and provenance left out) of seed 0's four runs in
ROOT/artifacts' study against the committed reports/metrics.json: does the code reproduce the committed study?"""
import json, sys
from xrlhf.report import collect_run
committed = json.load(open('reports/metrics.json'))

def strip(x):
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if 'seconds' not in k and k != 'provenance'}
    if isinstance(x, list): return [strip(v) for v in x]
    return x

for task in ("dialogue", "summarisation"):
    for algorithm in ("remax", "ppo"):
        key = f"{task}/{algorithm}/seed0"
        run, old = strip(collect_run(sys.argv[1], task, algorithm, 0)), strip(committed[key])
        differ = [k for k in run if run[k] != old.get(k)]
        print(key, "fields equal:", len(run) - len(differ), "differ:", differ, "| XRLHF vs RLHF all:",
              run["winrate"]["xrlhf_vs_rlhf"]["all"]["rate"], old["winrate"]["xrlhf_vs_rlhf"]["all"]["rate"])
