"Run under `accelerate launch --num_processes 2`: two ReMax and PPO steps through DDP; the main process writes what it saw to argv[1]."
import json, sys
import numpy as np, torch
from accelerate import Accelerator
from xrlhf.core import set_seed
from xrlhf.models import build_tokenizer, build_policy, build_reward_model
from xrlhf.rl import train_rl

acc = Accelerator(cpu=True)
tok = build_tokenizer(["sure thing , sure ! no way . maybe later ."] * 20, 300)
P = dict(arch="gpt_neox", hidden_size=32, num_layers=1, num_heads=2, max_length=64)
toy = lambda prompts, texts: np.array([t.count("e") for t in texts], np.float32)
prompts = [f"prompt {i} ." for i in range(40)]
out = dict(world=acc.num_processes, type=str(acc.distributed_type))
for algo in ("remax", "ppo"):
    set_seed(0); pi = build_policy(P, tok); critic = build_reward_model(P, tok) if algo == "ppo" else None
    seen = []
    pi, log = train_rl(pi, tok, prompts, lambda p, t: (seen.append(list(p)), toy(p, t))[1], algo, steps=2, batch_size=4, lr=1e-2,
                       max_new_tokens=6, critic=critic, accelerator=acc)
    flat = torch.cat([p.detach().flatten() for p in pi.parameters()])
    sums = acc.gather(flat.double().sum().reshape(1)).tolist()  # one checksum per process: DDP keeps them equal
    first = acc.gather(torch.tensor([prompts.index(seen[0][0])])).tolist()  # each process's first prompt
    out[algo] = dict(param_sums=sums, first_prompt=first, steps=len(log), unwrapped=type(pi).__name__)
if acc.is_main_process: json.dump(out, open(sys.argv[1], "w"))
acc.wait_for_everyone()
torch.distributed.destroy_process_group()  # without it gloo's threads can abort a process at exit ("terminate called without an active exception")
