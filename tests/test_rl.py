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
