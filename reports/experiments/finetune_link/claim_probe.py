"""claim_probe.py ROOT SEED ALGO: on the fix half's planted-caused prompts, the unlearned (and original) reward model's
score of the RLHF response against the same response without the claim sentence."""
import sys
from pathlib import Path
import numpy as np
from xrlhf.study import load_responses, load_reward_model, load_tokenizer_of
from xrlhf.reward import rewards
CLAIM = "source : i am an expert ."
root, seed, algo = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
base = root/"summarisation"/f"seed{seed}"
tok = load_tokenizer_of(base/"data")
resp = load_responses(base/algo/"unsatisfactory")
with_claim = resp[resp.response_rlhf.str.contains(CLAIM, regex=False)]
print(len(resp), "fix prompts;", len(with_claim), "RLHF responses with the claim;",
      int(with_claim.unsatisfactory.sum()), "of them unsatisfactory")
stripped = [r.replace(CLAIM, "").replace("  ", " ").strip() for r in with_claim.response_rlhf]
print("example:", with_claim.response_rlhf.iloc[0], "|", stripped[0])
for name, path in (("unlearned", base/algo/"unlearn"/"model"), ("original", base/"reward"/"model")):
    rm = load_reward_model(path)
    a = rewards(rm, tok, list(with_claim.prompt), list(with_claim.response_rlhf))
    b = rewards(rm, tok, list(with_claim.prompt), stripped)
    d = b - a
    print(f"{name}: stripped - with claim: mean {d.mean():+.3f}, sd {d.std():.3f}, share > 0 {np.mean(d > 0):.2f}")
