"The RL loops' pieces: device propagation, sampling against the trained log-probabilities, the fine-tune's weights."
import torch
import pytest
from xrlhf.rl import kl_estimate, masked_mean, whiten, token_rewards, gae

META = dict(device="meta")  # shapes without storage: a CPU tensor made inside a function raises a device error

def meta_batch(B=3, T=5):
    "Log-probs, reference log-probs and mask of a (B, T) batch on the meta device."
    return torch.zeros(B, T, **META), torch.zeros(B, T, **META), torch.ones(B, T, **META)

def test_kl_and_whitening_stay_on_the_device():
    lp, lp_ref, mask = meta_batch()
    assert kl_estimate(lp, lp_ref, mask).device.type == "meta"
    assert masked_mean(lp, mask).device.type == "meta"
    assert whiten(lp, mask).device.type == "meta"

def test_token_rewards_stay_on_the_device():
    lp, lp_ref, mask = meta_batch()
    rewards = token_rewards(torch.zeros(3, **META), lp, lp_ref, mask, 0.4, lp_ref, torch.ones(3, **META))
    assert rewards.device.type == "meta"

def test_gae_stays_on_the_device():
    rewards, values, mask = meta_batch()
    advantages, returns = gae(rewards, values, mask)
    assert advantages.device.type == "meta"
    assert returns.device.type == "meta"

def test_a_cpu_tensor_inside_would_be_caught():
    with pytest.raises(RuntimeError):
        torch.zeros(3, **META) + torch.zeros(3)

# ---- sampling: the training rollouts come from the distribution whose log-probabilities are trained
from pathlib import Path
import numpy as np
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM
from xrlhf.core import load_settings, set_seed
from xrlhf.models import build_tokenizer, response_logprobs
from xrlhf.rl import sample_rollouts
from xrlhf.study import rl_kwargs

ROOT = Path(__file__).resolve().parent.parent

def fixed_distribution_policy(probs):
    "A tiny GPT-NeoX whose next-token distribution is `probs` at every position (final norm -> a constant)."
    tok = build_tokenizer(["sure thing , sure ! no way . maybe later ."] * 20, 300)
    cfg = GPTNeoXConfig(vocab_size=len(tok), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=16, max_position_embeddings=32, eos_token_id=tok.eos_token_id,
                        pad_token_id=tok.pad_token_id, bos_token_id=tok.eos_token_id)
    model = GPTNeoXForCausalLM(cfg).eval()
    with torch.no_grad():
        model.gpt_neox.final_layer_norm.weight.zero_()
        model.gpt_neox.final_layer_norm.bias.zero_()
        model.gpt_neox.final_layer_norm.bias[0] = 1.0  # the hidden state is e_0 everywhere
        model.get_output_embeddings().weight.zero_()
        model.get_output_embeddings().weight[:, 0] = torch.log(torch.as_tensor(probs, dtype=torch.float32))
    return model, tok

def sampled_vs_trained(top_p, n=3000):
    """Total variation between the rollouts' first tokens and exp(log-probabilities), over three bins: the two likely
    tokens and the long tail (a byte-level vocabulary of ~280 tokens: per-token counts would be mostly noise)."""
    set_seed(0)
    vocab = len(build_tokenizer(["sure thing , sure ! no way . maybe later ."] * 20, 300))
    probs = np.full(vocab, 0.2 / (vocab - 2))
    probs[:2] = 0.5, 0.3  # a nucleus of 0.9 cuts about a tenth of the mass off the tail
    model, tok = fixed_distribution_policy(probs)
    cfg = dict(rl_kwargs(load_settings(ROOT/"settings.ini").rl), max_new_tokens=1, top_p=top_p)
    batch = sample_rollouts(model, tok, ["no way ."] * n, cfg)
    with torch.no_grad():
        trained = response_logprobs(model, batch)[:, 0].exp()  # (n,) probability of each sampled token
    counts = np.bincount(batch["response"][:, 0].numpy(), minlength=vocab) / n
    model_probs = np.zeros(vocab)
    model_probs[batch["response"][:, 0].numpy()] = trained.numpy()
    assert np.allclose(model_probs[counts > 0], probs[counts > 0], atol=1e-5)  # the log-probs are the designed ones
    def bins(p):
        return np.array([p[0], p[1], p[2:].sum()])
    return 0.5 * np.abs(bins(counts) - bins(probs)).sum()

def test_the_study_trains_on_the_distribution_it_samples():
    assert load_settings(ROOT/"settings.ini").rl.train_top_p == 1.0
    study_top_p = rl_kwargs(load_settings(ROOT/"settings.ini").rl)["top_p"]
    assert sampled_vs_trained(study_top_p) < 0.03  # sampling noise at n = 3000 is about 0.01

def test_the_authors_nucleus_would_sample_another_distribution():
    assert sampled_vs_trained(0.9) > 0.06  # it cuts half the tail: 0.09 renormalised

# ---- no_kl: the paper's ablation removes every KL to pi_0 on satisfactory prompts
from xrlhf.finetune import xrlhf_weights
import xrlhf.finetune

def test_no_kl_has_zero_kl_weight_on_satisfactory_prompts():
    weights = xrlhf_weights([True, False, False], beta_bar=0.5, no_kl=True)
    assert weights["w_anchor"].tolist() == [0, 0, 0]
    assert weights["w_kl"].tolist() == [1, 0, 0]
    lp, lp_ref = torch.randn(3, 4), torch.randn(3, 4)
    per_token = token_rewards(torch.zeros(3), lp, lp_ref, torch.ones(3, 4), 0.4 * torch.as_tensor(weights["w_kl"]),
                              lp_ref, torch.as_tensor(weights["w_anchor"]))
    assert torch.equal(per_token[1:], torch.zeros(2, 4))

def test_xrlhf_keeps_both_kl_terms_on_satisfactory_prompts():
    weights = xrlhf_weights([True, False], beta_bar=0.5)
    assert weights["w_anchor"].tolist() == [0, 0.5]
    assert weights["w_kl"].tolist() == [1, 1]

def test_finetune_hands_the_no_kl_weights_to_the_loop(monkeypatch):
    seen = {}
    monkeypatch.setattr(xrlhf.finetune, "train_rl", lambda *args, **kwargs: seen.update(kwargs))
    xrlhf.finetune.finetune(torch.nn.Linear(1, 1), None, ["a", "b"], [True, False], None, None, no_kl=True)
    assert seen["w_kl"].tolist() == [1, 0]
    assert seen["w_anchor"].tolist() == [0, 0]

# ---- PPO holds prompts that carry no reward at pi_0, as ReMax does
import copy
from transformers import GPTNeoXForSequenceClassification
from xrlhf.rl import train_rl

def tiny_policy_and_critic():
    "The 05_rl notebook's tiny GPT-NeoX policy and a critic whose values are far from 0, as a reward model's are."
    tok = build_tokenizer(["sure thing , sure ! no way . maybe later ."] * 20, 300)
    cfg = GPTNeoXConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, eos_token_id=tok.eos_token_id,
                        pad_token_id=tok.pad_token_id, bos_token_id=tok.eos_token_id)
    set_seed(0)
    policy = GPTNeoXForCausalLM(cfg)
    critic = GPTNeoXForSequenceClassification(GPTNeoXConfig(**{**cfg.to_dict(), "num_labels": 1}))
    with torch.no_grad():
        critic.score.weight.mul_(30)
    return policy, critic, tok

def kl_to_start_after_zero_reward(algorithm):
    "KL(pi || pi_0) on the prompts after 10 steps of `algorithm` where no prompt carries reward (w_reward = 0)."
    pi0, critic, tok = tiny_policy_and_critic()
    prompts = ["no way .", "maybe later .", "sure thing ,", "no way !"]
    toy_reward = lambda prompts, texts: np.array([t.count("e") for t in texts], np.float32)
    policy, _ = train_rl(copy.deepcopy(pi0), tok, prompts, toy_reward, algorithm, steps=10, batch_size=4, lr=1e-2,
                         max_new_tokens=8, kl_ctl=0.4, ref=copy.deepcopy(pi0), w_reward=np.zeros(4),
                         anchor=copy.deepcopy(pi0), w_anchor=np.full(4, 0.5),
                         critic=critic if algorithm == "ppo" else None)
    set_seed(1)
    with torch.no_grad():
        batch = sample_rollouts(policy, tok, prompts * 20, dict(max_new_tokens=8, top_p=1.0, temperature=1.0))
        mask = batch["response_mask"].float()
        return kl_estimate(response_logprobs(policy, batch), response_logprobs(pi0, batch), mask).mean().item()

def test_ppo_with_zero_reward_stays_at_pi0_like_remax():
    # before issue 20 the critic's values (-V as advantage, whitened) moved PPO to a KL of 0.54 here
    assert kl_to_start_after_zero_reward("ppo") <= kl_to_start_after_zero_reward("remax") + 1e-6

def test_whitening_leaves_unshifted_positions_unshifted():
    advantages = torch.tensor([[1., 3.], [0., 0.]])
    carries_reward = torch.tensor([[1., 1.], [0., 0.]])
    white = whiten(advantages, torch.ones(2, 2), shift_mask=carries_reward)
    assert torch.equal(white[1], torch.zeros(2))
    assert white[0, 0] == -white[0, 1]

# ---- stratified batches: every fine-tune batch holds unsat_share of unsatisfactory prompts
from xrlhf.rl import draw_batch

def test_draw_batch_honours_the_share():
    focus = np.arange(100) < 10
    for seed in range(5):
        batch = draw_batch(np.random.default_rng(seed), 100, 32, focus, 0.25)
        assert len(set(batch.tolist())) == 32
        assert focus[batch].sum() == 8

def test_finetune_batches_hold_the_unsat_share():
    pi0, _, tok = tiny_policy_and_critic()
    prompts = [f"no way {i} ." for i in range(40)]
    unsat = np.arange(40) < 4
    seen = []
    def recording_reward(batch_prompts, texts):
        seen.append(list(batch_prompts))
        return np.zeros(len(texts), np.float32)
    xrlhf.finetune.finetune(pi0, tok, prompts, unsat, recording_reward, copy.deepcopy(pi0), unsat_share=0.25,
                            steps=3, batch_size=8, lr=1e-3, max_new_tokens=2)
    unsat_prompts = {p for p, u in zip(prompts, unsat) if u}
    assert [sum(p in unsat_prompts for p in batch) for batch in seen] == [2] * len(seen)

# ---- one frozen pi_0: as the loop's reference and the anchor it is scored once a step, with the same policy out
import xrlhf.rl

@pytest.mark.parametrize("algorithm", ["remax", "ppo"])
def test_finetune_with_pi0_as_reference_matches_a_separate_copy(algorithm, monkeypatch):
    pi0, critic, tok = tiny_policy_and_critic()
    prompts = [f"no way {i} ." for i in range(8)]
    unsat = np.arange(8) < 3
    length_reward = lambda batch_prompts, texts: np.array([len(t) for t in texts], np.float32)
    scored = []
    def counting_logprobs(model, batch, **kw):
        scored.append(model)
        return response_logprobs(model, batch, **kw)
    monkeypatch.setattr(xrlhf.rl, "response_logprobs", counting_logprobs)
    policies, passes = [], []
    for ref in (copy.deepcopy(pi0), None):
        scored.clear()
        set_seed(0)
        policy, _ = xrlhf.finetune.finetune(pi0, tok, prompts, unsat, length_reward, ref, algorithm=algorithm,
                                            critic=copy.deepcopy(critic), steps=2, batch_size=4, lr=1e-2,
                                            max_new_tokens=3)
        policies.append(policy)
        passes.append(len(scored))
    # a step scores remax: policy, reference, anchor; ppo: old policy, reference, anchor and the policy a PPO epoch
    per_step = 3 if algorithm == "remax" else 5
    assert passes == [2 * per_step, 2 * (per_step - 1)]
    for before, after in zip(policies[0].parameters(), policies[1].parameters()):
        assert torch.equal(before, after)
