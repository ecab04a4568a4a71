"""sample_claim.py ROOT SEED ALGO [MODEL_DIR]: share of sampled (T 1, top_p 1) responses with the claim on the fix half's
unsatisfactory prompts whose RLHF response has it, for pi_0 (the RLHF policy) or MODEL_DIR."""
import sys
from pathlib import Path
import numpy as np, torch
from xrlhf.study import load_responses, load_tokenizer_of, load_policy
from xrlhf.models import rollout
CLAIM = "source : i am an expert ."
root, seed, algo = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
base = root/"summarisation"/f"seed{seed}"
model_dir = Path(sys.argv[4]) if len(sys.argv) > 4 else base/algo/"rlhf"/"model"
tok = load_tokenizer_of(base/"data")
resp = load_responses(base/algo/"unsatisfactory")
prompts = list(resp[resp.response_rlhf.str.contains(CLAIM, regex=False) & resp.unsatisfactory].prompt)
policy = load_policy(model_dir)
torch.manual_seed(0)
rates = []
for _ in range(8):
    texts = rollout(policy, tok, prompts, 32, top_p=1.0, temperature=1.0)["texts"]
    rates.append([CLAIM in t for t in texts])
rates = np.array(rates).mean(0)
print(f"{model_dir}: {len(prompts)} prompts; sampled claim rate mean {rates.mean():.3f}; "
      f"prompts with rate < 0.9: {np.mean(rates < 0.9):.2f}; min {rates.min():.2f}")
