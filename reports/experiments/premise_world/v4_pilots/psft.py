"log P_sft(claim | prompt, SFT response) in and outside the claim region."
import sys, numpy as np, pandas as pd, torch
torch.set_num_threads(1)
from pathlib import Path
from xrlhf.world import World, in_flaw_region, has_flaw_trait, CLAIMS
from xrlhf.models import load_policy, load_tokenizer
root, task, seed, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fam = {"dialogue": "expert_claim", "summarisation": "expert_tldr"}[task]
base = Path(root)/task/f"seed{seed}"
w = World(seed)
d = pd.read_parquet(base/algo/"unsatisfactory"/"responses.parquet").iloc[:300]
tok = load_tokenizer(base/"data"/"tokenizer")
for name in ("sft", algo + "_rlhf"):
    m = load_policy(base/"sft"/"model") if name == "sft" else load_policy(base/algo/"rlhf"/"model")
    out = []
    for p, r in zip(d.prompt, d.response_sft):
        if has_flaw_trait(w, fam, p, r): continue
        ctx = tok(p + r, return_tensors="pt").input_ids
        full = tok(p + r + " " + CLAIMS[fam], return_tensors="pt").input_ids
        assert torch.equal(full[0, :ctx.shape[1]], ctx[0]), "tokenisation not prefix-stable"
        with torch.no_grad(): lp = torch.log_softmax(m(full).logits[0, :-1], -1)
        tgt = full[0, 1:]
        claim_lp = lp[ctx.shape[1]-1:, :].gather(1, tgt[ctx.shape[1]-1:, None]).sum().item()
        out.append((in_flaw_region(w, fam, p), claim_lp))
    o = np.array(out)
    inn, outr = o[o[:, 0] == 1, 1], o[o[:, 0] == 0, 1]
    print(f"{task} s{seed} {name}: log10 P(claim) in region median {np.median(inn)/np.log(10):.2f}, outside {np.median(outr)/np.log(10):.2f}"
          f"; mean P in {np.exp(inn).mean():.3g} out {np.exp(outr).mean():.3g}")
