"Paper-scale code paths on CPU: LoRA through peft on a tiny Llama, accelerate launch of the stages, explain workers."
import copy, json, os, subprocess, sys
from pathlib import Path
import numpy as np, pandas as pd, pytest, torch
from conftest import ROOT, BIN, edit_settings
from xrlhf.data import load_comparisons

F = ROOT/"tests"/"fixtures"
LORA = dict(arch="llama", hidden_size=32, num_layers=1, num_heads=2, max_length=128, lora_r=4, lora_alpha=8.0, lora_dropout=0.0,
            lora_targets=[], bf16=True, gradient_checkpointing=True)

def test_lora_llama_chain_on_cpu():
    "SFT -> reward -> one ReMax and one PPO step -> features with LoRA adapters on a tiny random Llama; only adapters (and the reward head) train."
    from xrlhf.core import set_seed
    from xrlhf.models import build_tokenizer, build_policy, build_reward_model, adapt, merge_lora, save_model, load_reward_model
    from xrlhf.sft import sft
    from xrlhf.reward import train_reward, features, rewards, check_phi
    from xrlhf.rl import train_rl
    S, _ = load_comparisons("Anthropic/hh-rlhf", F/"anthropic_hh.jsonl", F/"anthropic_hh.jsonl", log=lambda *a: None)
    R = pd.concat([S["reward"]] * 4, ignore_index=True); demos = pd.concat([S["sft"]] * 4, ignore_index=True)
    tok = build_tokenizer(list(R.prompt + R.chosen) + list(R.rejected), 300)
    set_seed(0); pi = build_policy(LORA, tok)
    assert next(pi.parameters()).dtype == torch.float32  # bf16 asked for, but no GPU here
    train = [n for n, p in pi.named_parameters() if p.requires_grad]
    assert train and all("lora_A" in n or "lora_B" in n for n in train)
    assert {n.split(".")[-4] for n in train} == {"q_proj", "v_proj"}  # peft's default targets for Llama
    frozen = {n: p.detach().clone() for n, p in pi.named_parameters() if not p.requires_grad}
    pi, _ = sft(pi, tok, demos, epochs=1, lr=1e-2, batch_size=4, max_length=128)
    assert all(torch.equal(p, frozen[n]) for n, p in pi.named_parameters() if n in frozen)  # the base did not move
    rm = build_reward_model(LORA, tok)
    assert {n for n, p in rm.named_parameters() if p.requires_grad and "lora_" not in n} == {"base_model.model.score.modules_to_save.default.weight"}
    rm, _ = train_reward(rm, tok, R, epochs=1, lr=1e-2, batch_size=4, max_length=128)
    rm = merge_lora(rm); pi = merge_lora(pi)
    assert type(rm).__name__ == "LlamaForSequenceClassification" and type(pi).__name__ == "LlamaForCausalLM"
    for algo in ("remax", "ppo"):
        p = adapt(copy.deepcopy(pi), LORA); critic = adapt(copy.deepcopy(rm), LORA, "reward") if algo == "ppo" else None
        before = {n: t.detach().clone() for n, t in p.named_parameters()}
        p, log = train_rl(p, tok, list(R.prompt), lambda q, r: rewards(rm, tok, q, r), algo, steps=1, batch_size=2, max_new_tokens=4,
                          lr=1e-2, ref=pi, critic=critic)
        moved = {n for n, t in p.named_parameters() if not torch.equal(t, before[n])}
        assert len(log) == 1 and np.isfinite(log.reward).all() and moved and all("lora_" in n for n in moved), (algo, moved)
    assert features(rm, tok, R.prompt[:3], R.chosen[:3]).shape == (3, 32) and check_phi(rm, tok, R.prompt[:3], R.chosen[:3], atol=1e-3) < 1e-3


def test_explain_workers_give_the_same_dataframe():
    from xrlhf.explain import explain, SOLVERS
    rng = np.random.default_rng(0)
    D = rng.normal(size=(400, 12)); D[:20] = rng.normal(size=(20, 12)) * 0.3 + 5
    Q = np.vstack([rng.normal(size=(6, 12)) * 3, np.full((1, 12), 5.5)])
    for m in SOLVERS:
        one, three = explain(D, Q, m), explain(D, Q, m, workers=3)
        assert one.equals(three) and len(one) == len(Q), m


def test_accelerate_configs_parse():
    from accelerate.commands.config.config_args import load_config_from_file
    names = sorted(p.name for p in (ROOT/"accelerate").glob("*.yaml"))
    assert names == ["cpu.yaml", "ddp.yaml", "deepspeed_zero2.yaml", "deepspeed_zero3.yaml", "single_gpu.yaml"]
    kinds = {n: str(load_config_from_file(str(ROOT/"accelerate"/n)).distributed_type) for n in names}
    assert kinds["ddp.yaml"].endswith("MULTI_GPU") and kinds["deepspeed_zero3.yaml"].endswith("DEEPSPEED") and kinds["cpu.yaml"].endswith("NO")


def _tiny_settings(d: Path) -> Path:
    return edit_settings(ROOT/"settings.ini", d/"settings.ini", study=dict(tasks="dialogue", algorithms="remax"),
                         quick=dict(n_comparisons=200, n_validation=20, rl_steps=2), rl=dict(batch_size=8, max_new_tokens=8),
                         sft=dict(batch_size=16), reward=dict(batch_size=16), **{"model.neox-tiny": dict(hidden_size=32, num_layers=1, num_heads=2)})

def _run(*cmd):
    r = subprocess.run([str(c) for c in cmd], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stderr[-3000:]}"
    return r

def test_stages_under_accelerate_launch(tmp_path):
    """sft and rlhf under `accelerate launch` (cpu.yaml), data and reward by `xrlhf.launch.launch` in this process: complete
    artifacts with the runner's keys (a later `xrlhf run` skips them); then rlhf again on 2 processes (torchrun, gloo)."""
    from accelerate.state import PartialState
    from xrlhf.launch import launch
    from xrlhf.pipeline import load_study, stage_key
    from xrlhf.study import stage_dir
    from xrlhf.core import is_fresh, read_manifest
    s = _tiny_settings(tmp_path); root = tmp_path/"artifacts"; args = ["--quick", "--settings", s, "--root", root]
    try:
        launch("data", settings=s, quick=True, root=root)
        launch("reward", settings=s, quick=True, root=root)
    finally: PartialState._reset_state()
    for st in ("sft", "rlhf"): _run(BIN/"accelerate", "launch", "--config_file", ROOT/"accelerate"/"cpu.yaml", "-m", "xrlhf.launch", st, *args)
    settings, r = load_study(s, True, root)
    for st in ("data", "sft", "reward", "rlhf"):
        d = stage_dir(r, st, "dialogue", "remax", 0)
        assert is_fresh(d, stage_key(settings, st, "dialogue", "remax", 0)), st
    d = stage_dir(r, "rlhf", "dialogue", "remax", 0)
    assert (d/"model"/"model.safetensors").exists() and len(pd.read_parquet(d/"log.parquet")) == 2
    before = read_manifest(d)["provenance"]["time"]
    _run(BIN/"torchrun", "--nproc_per_node", 2, "--master_port", 29000 + os.getpid() % 1000, "-m", "xrlhf.launch", "rlhf", *args)
    assert is_fresh(d, stage_key(settings, "rlhf", "dialogue", "remax", 0)) and (d/"model"/"model.safetensors").exists()
    assert not [t for t in d.parent.iterdir() if ".tmp-" in t.name or ".old-" in t.name]


def test_two_process_ddp_rl_step(tmp_path):
    "ReMax and PPO through DDP on 2 CPU processes (gloo): the processes draw different prompts and end with the same weights."
    out = tmp_path/"ddp.json"
    _run(BIN/"torchrun", "--nproc_per_node", 2, "--master_port", 30000 + os.getpid() % 1000, ROOT/"tests"/"ddp_rl_check.py", out)
    r = json.loads(out.read_text())
    assert r["world"] == 2 and r["type"].endswith("MULTI_CPU")
    for algo in ("remax", "ppo"):
        a = r[algo]
        assert a["steps"] == 2 and a["unwrapped"] == "GPTNeoXForCausalLM"
        assert a["param_sums"][0] == a["param_sums"][1] and a["first_prompt"][0] != a["first_prompt"][1], a
