"""bt_chunks.py ROOT: seconds of an unlearning step's forward and backward (16 forget + 16 retain comparisons, bt_margin)
at length_chunks 1, 2, 4, on a study's dialogue seed-0 reward model and reward split; one torch thread."""
import sys, time, json, numpy as np, torch
from xrlhf.core import set_seed
from xrlhf.study import load_data, load_tokenizer_of, load_reward_model
from xrlhf.unlearn import bt_margin
root = sys.argv[1]
set_seed(0, 1)
data = f"{root}/dialogue/seed0/data"
comparisons, tok = load_data(data)["reward"], load_tokenizer_of(data)
model = load_reward_model(f"{root}/dialogue/seed0/reward/model").train()
rng = np.random.default_rng(0)
batches = [comparisons.iloc[rng.choice(len(comparisons), 16, replace=False)] for _ in range(40)]
out = {}
for chunks in (1, 2, 4, 1, 2, 4):
    started = time.perf_counter()
    for batch in batches:
        margin = bt_margin(model, tok, batch.prompt, batch.chosen, batch.rejected, 192, chunks)
        margin.sum().backward()
        model.zero_grad()
    out.setdefault(chunks, []).append(round((time.perf_counter() - started) / len(batches), 4))
print(json.dumps(out))
