# greedy responses of the SFT and RLHF policies with HF generate, with and without trigram blocking; gold win rates
import sys, torch, numpy as np, warnings
warnings.filterwarnings("ignore"); torch.set_num_threads(1)
from pathlib import Path
from xrlhf.study import load_data, load_tokenizer_of
from xrlhf.models import load_policy
from xrlhf.world import World, gold_utility, in_flaw_region
root, task, seed, algo = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
base = root/task/f"seed{seed}"
tok = load_tokenizer_of(base/"data"); tok.padding_side = "left"
prompts = list(load_data(base/"data")["validation"].prompt)
w = World(seed)
reg = np.array([in_flaw_region(w, "expert_tldr" if task == "summarisation" else "expert_claim", p) for p in prompts])
def respond(model, nr):
    out = []
    for i in range(0, len(prompts), 100):
        enc = tok(prompts[i:i+100], return_tensors="pt", padding=True, add_special_tokens=False)
        seq = model.generate(**enc, max_new_tokens=32, do_sample=False, no_repeat_ngram_size=nr,
                             pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
        out += tok.batch_decode(seq[:, enc.input_ids.shape[1]:], skip_special_tokens=True)
    return out
sft = load_policy(base/"sft"/"model", "cpu"); rl = load_policy(base/algo/"rlhf"/"model", "cpu")
for nr in [0, 3]:
    rs, rr = respond(sft, nr), respond(rl, nr)
    gs = np.array([gold_utility(w, p, r) for p, r in zip(prompts, rs)]); gr = np.array([gold_utility(w, p, r) for p, r in zip(prompts, rr)])
    win = np.where(gr > gs + 1e-9, 1, np.where(abs(gr - gs) <= 1e-9, .5, 0))
    print(f"no_repeat {nr}: RLHF vs SFT {win.mean():.3f} outside {win[~reg].mean():.3f} region {win[reg].mean():.3f}; gold SFT {gs.mean():.3f} RLHF {gr.mean():.3f}")
    print("   ", rr[1][:150], "|", rs[1][:150])
