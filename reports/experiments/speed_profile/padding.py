"""padding.py DATA_DIR: the share of the positions the SFT and reward batches compute that are padding (random batches
as the trainers draw them), and the share of SFT positions that carry loss."""
import sys, json, numpy as np
from xrlhf.study import load_data, load_tokenizer_of
d = sys.argv[1]
splits, tok = load_data(d), load_tokenizer_of(d)
rng = np.random.default_rng(0)
def lengths(texts):
    return np.array([len(ids) for ids in tok(list(texts), add_special_tokens=False).input_ids])
def batched_share(length_rows, batch):  # length_rows: (n, k) lengths of the k sequences one example contributes
    order = rng.permutation(len(length_rows))
    real = padded = 0
    for start in range(0, len(order), batch):
        rows = length_rows[order[start:start + batch]]
        real += rows.sum()
        padded += rows.size * rows.max()
    return real, padded
sft = splits["sft"]
p, c = lengths(sft.prompt), lengths(sft.completion) + 1  # + eos
real, padded = batched_share((p + c)[:, None], 32)
out = dict(sft=dict(n=len(sft), mean_len=float((p + c).mean()), real_share=round(real / padded, 3),
                    loss_share=round(c.sum() / padded, 3)))
rw = splits["reward"]
pl = lengths(rw.prompt)
ch, rj = pl + lengths(rw.chosen), pl + lengths(rw.rejected)
real, padded = batched_share(np.stack([ch, rj], 1), 32)
out["reward"] = dict(n=len(rw), mean_len=float(np.r_[ch, rj].mean()), real_share=round(real / padded, 3))
print(json.dumps(out))
