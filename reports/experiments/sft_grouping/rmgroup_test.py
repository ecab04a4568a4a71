import pandas as pd, numpy as np, torch, time, sys
torch.set_num_threads(1)
from dataclasses import asdict
from datasets import Dataset
from trl import RewardConfig, RewardTrainer
from xrlhf.core import load_settings, set_seed
from xrlhf.study import load_data, load_tokenizer_of
from xrlhf.models import build_reward_model
from xrlhf.sft import train_args
task, strategy, nrows = sys.argv[1], sys.argv[2], int(sys.argv[3])
data_dir = f"/work/study10/artifacts/{task}/seed0/data"
settings = load_settings("/work/main/settings.ini")
df = load_data(data_dir)["reward"].iloc[:nrows]; tok = load_tokenizer_of(data_dir)
set_seed(0)
model = build_reward_model(asdict(settings.model), tok, None)
kw = {}
ds = Dataset.from_pandas(df[["prompt", "chosen", "rejected"]], preserve_index=False)
if strategy == "group_by_length":
    length = [max(len(tok(p + c).input_ids), len(tok(p + r).input_ids)) for p, c, r in zip(df.prompt, df.chosen, df.rejected)]
    ds = ds.add_column("length", length)
    kw = dict(remove_unused_columns=False, train_sampling_strategy="group_by_length")
args = train_args(RewardConfig, 1, 1e-3, 32, 0, max_length=192, **kw)
tr = RewardTrainer(model=model, args=args, train_dataset=ds, processing_class=tok)
print(tr.train_dataset.column_names, type(tr._get_train_sampler()).__name__)
t = time.time(); tr.train(); print(strategy, round(time.time() - t, 1), [round(e["loss"], 3) for e in tr.state.log_history if "loss" in e][-3:])
