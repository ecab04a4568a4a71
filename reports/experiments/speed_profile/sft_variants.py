"""sft_variants.py {fp32,bf16,chunked} DATA_DIR STEPS: the kit's SFT step (CompletionLossTrainer) for STEPS steps of a
study's demonstrations (DATA_DIR: a data stage's artifact), as the kit runs it (fp32), under CPU bf16 autocast, or with
each batch in CHUNKS (environment, default 4) groups of similar length, as `[model] length_chunks` now does. Run with
XRLHF_THREADS=1 (set_seed pins that count). Prints seconds and the logged losses."""
import sys, time, json, os, tempfile, torch
torch.set_num_threads(1)
from dataclasses import asdict
from datasets import Dataset
from trl import SFTConfig
from xrlhf.core import set_seed, load_settings
from xrlhf.sft import CompletionLossTrainer
from xrlhf.study import load_data, load_tokenizer_of
from xrlhf.models import build_policy
which, d, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = load_settings('settings.ini')
demos = load_data(d)["sft"]
tok = load_tokenizer_of(d)
set_seed(0)
policy = build_policy(asdict(s.model), tok)
args = SFTConfig(output_dir=tempfile.mkdtemp(), num_train_epochs=6, learning_rate=s.sft.lr, per_device_train_batch_size=32,
                 lr_scheduler_type="cosine", warmup_steps=0.05, logging_steps=10, save_strategy="no", report_to="none",
                 seed=0, data_seed=0, dataloader_num_workers=0, bf16=which == "bf16", use_cpu=True, disable_tqdm=True,
                 max_length=s.model.max_length, completion_only_loss=True, max_steps=steps)
import torch.nn.functional as F
CHUNKS = int(os.environ.get("CHUNKS", "4"))
class Autocast(CompletionLossTrainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if which != "chunked":
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=which == "bf16"):
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        # the same batch in length-sorted chunks, each padded to its own longest row: the same sum of NLLs
        mask_all = inputs["attention_mask"]
        lengths = mask_all.sum(1)
        order = lengths.argsort()
        total = 0.0
        n_all = (inputs["labels"][:, 1:] != -100).sum()
        for chunk in order.chunk(CHUNKS):
            width = int(lengths[chunk].max())
            ids, am, lab = (inputs[k][chunk][:, :width] for k in ("input_ids", "attention_mask", "labels"))
            assert int(am.sum()) == int(lengths[chunk].sum()), "not right-padded"
            labels = lab[:, 1:]
            mask = labels != -100
            hidden = model.base_model(input_ids=ids, attention_mask=am)
            logits = model.get_output_embeddings()(hidden.last_hidden_state[:, :-1][mask]).float()
            total = total + F.cross_entropy(logits, labels[mask], reduction="sum")
        n = n_all if num_items_in_batch is None else num_items_in_batch
        return total / torch.as_tensor(n).clamp(min=1)
trainer = Autocast(model=policy, args=args, processing_class=tok,
                                train_dataset=Dataset.from_pandas(demos[["prompt", "completion"]], preserve_index=False))
t = time.time()
trainer.train()
seconds = time.time() - t
losses = [round(e["loss"], 4) for e in trainer.state.log_history if "loss" in e]
print(json.dumps(dict(which=which, data=d, steps=steps, seconds=round(seconds, 2), losses=losses)))
