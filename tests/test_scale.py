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
