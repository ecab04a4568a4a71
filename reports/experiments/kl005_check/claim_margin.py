"""How much each reward model rewards the planted claim on the RLHF policy's own responses: for every fix-half
prompt whose RLHF response makes the claim, reward(response) - reward(response with the claim cut out), under the
original reward model and the unlearned one. `python claim_margin.py ROOT TASK ALGORITHM "SEEDS"`."""
import re
import sys
from pathlib import Path
import numpy as np
from xrlhf.study import load_reward_model, load_responses, load_tokenizer_of
from xrlhf.reward import rewards
from xrlhf.world import CLAIMS

root, task, algorithm = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
seeds = [int(seed) for seed in sys.argv[4].split()]
print("| run | responses with the claim | claim's reward, original RM: mean, share > 0 "
      "| unlearned RM: mean, share > 0 |")
print("|---|---|---|---|")
for seed in seeds:
    run = root/task/f"seed{seed}"
    tokenizer = load_tokenizer_of(run/"data")
    responses = load_responses(run/algorithm/"unsatisfactory")
    claims = [claim for claim in CLAIMS.values() if responses.response_rlhf.str.contains(claim, regex=False).any()]
    if not claims:
        continue
    with_claim = responses[responses.response_rlhf.str.contains(claims[0], regex=False)]
    without = [re.sub(r"\s+", " ", text.replace(claims[0], "")).rstrip() for text in with_claim.response_rlhf]
    cells = []
    for reward_dir in (run/"reward"/"model", run/algorithm/"unlearn"/"model"):
        model = load_reward_model(reward_dir)
        margin = (rewards(model, tokenizer, with_claim.prompt, with_claim.response_rlhf)
                  - rewards(model, tokenizer, with_claim.prompt, without))
        cells.append(f"{np.mean(margin):+.2f}, {np.mean(margin > 0):.2f}")
    print(f"| {task}/{algorithm}/seed{seed} | {len(with_claim)} | {cells[0]} | {cells[1]} |")
