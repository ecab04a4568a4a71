"""sft_completion_loss.py {trl,completion} TASK: SFT with the loss computed on the completion positions only, against trl's fused head over every position: the same
loss? how much faster? 60 steps of summarisation seed 0's SFT split, one torch thread."""
import sys, time, json, torch
torch.set_num_threads(1)
import torch.nn.functional as F
from datasets import Dataset
from trl import SFTConfig, SFTTrainer
from xrlhf.core import set_seed
from xrlhf.sft import train_args
from xrlhf.study import load_data, load_tokenizer_of
from xrlhf.models import build_policy
from xrlhf.core import load_settings
from dataclasses import asdict

class CompletionLossTrainer(SFTTrainer):
    "The mean NLL over label positions, the LM head applied only where a label is."
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs["labels"][:, 1:]
        hidden = model.gpt_neox(input_ids=inputs["input_ids"], attention_mask=inputs.get("attention_mask")).last_hidden_state
        mask = labels != -100
        logits = model.get_output_embeddings()(hidden[:, :-1][mask])
        total = F.cross_entropy(logits.float(), labels[mask], reduction="sum")
        n = mask.sum() if num_items_in_batch is None else num_items_in_batch
        return total / torch.as_tensor(n).clamp(min=1)

which = sys.argv[1]
d = f'/work/study8/artifacts/{sys.argv[2]}/seed0/data'
s = load_settings('/work/study8/settings.ini')
demos = load_data(d)["sft"]
tok = load_tokenizer_of(d)
set_seed(0)
policy = build_policy(asdict(s.model), tok)
args = train_args(SFTConfig, 6, s.sft.lr, s.sft.batch_size, 0, max_length=s.model.max_length, completion_only_loss=True,
                  max_steps=60)
cls = CompletionLossTrainer if which == "completion" else SFTTrainer
trainer = cls(model=policy, args=args, train_dataset=Dataset.from_pandas(demos[["prompt", "completion"]], preserve_index=False), processing_class=tok)
t = time.time()
trainer.train()
seconds = time.time() - t
losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
print(json.dumps(dict(which=which, task=sys.argv[2], seconds=round(seconds, 2), first=losses[:3], last=losses[-3:])))
