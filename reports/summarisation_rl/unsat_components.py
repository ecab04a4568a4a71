# Which gold components RLHF loses on, in the default study's summarisation runs: per run, the mean RL - SFT gold
# component over all validation prompts and over the unsatisfactory ones, and on each unsatisfactory prompt the
# component that fell most. usage (repository root, after `xrlhf reproduce`): python reports/summarisation_rl/unsat_components.py
import json, pathlib, pandas as pd
from xrlhf.core import load_settings
from xrlhf.world import World, gold_components
REPO = pathlib.Path(__file__).resolve().parents[2]; S = load_settings(str(REPO/"settings.ini")); out = {}
for seed in S["study"]["seeds"]:
    W = World(seed)
    for alg in S["study"]["algorithms"]:
        d = pd.read_parquet(REPO/S["study"]["artifacts"]/"summarisation"/f"seed{seed}"/alg/"unsatisfactory"/"responses.parquet")
        comp = lambda col: pd.DataFrame([gold_components(W, p, r) for p, r in zip(d.prompt, d[col])])
        D = (comp("response_rlhf") - comp("response_sft"))[["coverage", "faithfulness", "concision", "repetition"]]; U = D[d.unsatisfactory.values]
        out[f"summarisation/{alg}/seed{seed}"] = dict(n_unsat=len(U), all=D.mean().round(3).to_dict(), unsat=U.mean().round(3).to_dict(),
                                                      worst_on_unsat=U.idxmin(axis=1).value_counts(normalize=True).round(3).to_dict())
(pathlib.Path(__file__).parent/"unsat_components.json").write_text(json.dumps(out, indent=1))
for k, v in out.items(): print(k, v["n_unsat"], "all:", v["all"], "| unsat:", v["unsat"], "| falls most:", v["worst_on_unsat"])
