import sys
from dataclasses import asdict
from xrlhf.core import load_settings
from xrlhf.world import make_datasets
task = sys.argv[1]; seeds = [int(s) for s in sys.argv[2].split(",")]
for contrast in sys.argv[3:]:
    s = load_settings("/work/pilot/settings.ini")
    sw = dict(asdict(s.world), claim_contrast=float(contrast), dialogue_sft=1, tldr_sft=1)
    shares = [make_datasets(sw, task, seed)["truth"].planted.mean() for seed in seeds]
    print(task, contrast, " ".join(f"{x:.4f}" for x in shares), f"mean {sum(shares)/len(shares):.4f}", flush=True)
