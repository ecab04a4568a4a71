"""Generation: `decode` (the KV-cached loop behind `rollout`) draws what Hugging Face `generate` draws, from the
distribution the training code scores."""
import random
import pytest, torch
from xrlhf.core import set_seed
from xrlhf.models import (build_tokenizer, build_policy, rollout, rollout_pair, response_logprobs, decode,
                          decodes_with_cache, positions_from_mask, choose_tokens, step_function, forward_logits,
                          neox_logits, nucleus)

WORDS = "hello there , how are you today ? the cat sat on a mat and sang about zebras quietly".split()
word_rng = random.Random(0)
TEXTS = [" ".join(word_rng.choice(WORDS) for _ in range(word_rng.randint(2, 30))) for _ in range(200)]
tok = build_tokenizer(TEXTS, 400)
PROMPTS = ["hello", "the cat sat on a mat and sang about zebras quietly , how are you today ?", "how are you",
           "a mat , a cat , a zebra and the cat again , sang quietly"]

def tiny(arch, seed=0, **preset):
    "A random tiny causal LM of `arch`, in eval mode."
    set_seed(seed, 1)
    return build_policy(dict(arch=arch, hidden_size=32, num_layers=2, num_heads=2, max_length=128, **preset), tok).eval()

def generated(model, prompts, max_new_tokens, **sampling):
    "Hugging Face generate's new tokens for left-padded `prompts`: the reference."
    enc = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    sequences = model.generate(input_ids=enc.input_ids, attention_mask=enc.attention_mask,
                               max_new_tokens=max_new_tokens, pad_token_id=tok.pad_token_id,
                               eos_token_id=tok.eos_token_id, **sampling)
    return sequences[:, enc.input_ids.shape[1]:]

def decoded(model, prompts, max_new_tokens, greedy=False, top_p=1.0, temperature=1.0):
    "decode's new tokens and their log-probabilities for left-padded `prompts`."
    enc = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    return decode(model, enc.input_ids, enc.attention_mask, max_new_tokens, tok.eos_token_id, tok.pad_token_id,
                  greedy, top_p, temperature)

def eos_prone(arch, eos_logit=5.0):
    "A tiny model whose output layer favours eos (rows stop after a few tokens each): a bias on the eos logit."
    model = tiny(arch)
    head = model.get_output_embeddings()
    biased_head = torch.nn.Linear(head.in_features, head.out_features, bias=True)
    with torch.no_grad():
        biased_head.weight.copy_(head.weight)
        biased_head.bias.zero_()
        biased_head.bias[tok.eos_token_id] = eos_logit
    model.set_output_embeddings(biased_head)
    return model

ARCHS = ["gpt_neox", "opt", "llama"]

def test_prompts_are_left_padded_to_different_lengths():
    mask = tok(PROMPTS, return_tensors="pt", padding=True, add_special_tokens=False).attention_mask
    assert len(set(mask.sum(-1).tolist())) == len(PROMPTS)

@pytest.mark.parametrize("arch", ARCHS)
def test_greedy_equals_generate(arch):
    model = tiny(arch)
    tokens, _ = decoded(model, PROMPTS, 20, greedy=True)
    assert torch.equal(tokens, generated(model, PROMPTS, 20, do_sample=False))

@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("top_p,temperature", [(1.0, 1.0), (0.9, 1.0), (0.7, 0.6)])
def test_same_seed_samples_what_generate_samples(arch, top_p, temperature):
    model = tiny(arch)
    torch.manual_seed(3)
    reference = generated(model, PROMPTS, 20, do_sample=True, top_p=top_p, temperature=temperature, top_k=0)
    torch.manual_seed(3)
    tokens, _ = decoded(model, PROMPTS, 20, top_p=top_p, temperature=temperature)
    assert torch.equal(tokens, reference)

@pytest.mark.parametrize("arch", ["gpt_neox", "llama"])
def test_rollout_same_seed_same_samples(arch):
    model = tiny(arch)
    first, second, other = [], [], []
    for seed, out in ((5, first), (5, second), (6, other)):
        torch.manual_seed(seed)
        out.append(rollout(model, tok, PROMPTS, 16, top_p=0.9)["response"])
    assert torch.equal(first[0], second[0])
    assert not torch.equal(first[0], other[0])

@pytest.mark.parametrize("arch", ARCHS)
def test_training_scores_the_distribution_sampled_from(arch):
    model = tiny(arch)
    torch.manual_seed(0)
    enc = tok(PROMPTS, return_tensors="pt", padding=True, add_special_tokens=False)
    tokens, sampler_logprobs = decode(model, enc.input_ids, enc.attention_mask, 16, tok.eos_token_id,
                                      tok.pad_token_id, top_p=1.0, temperature=1.0)
    torch.manual_seed(0)
    batch = rollout(model, tok, PROMPTS, 16, top_p=1.0, temperature=1.0)
    assert torch.equal(batch["response"][batch["response_mask"].bool()], tokens[batch["response_mask"].bool()])
    with torch.no_grad():
        training_logprobs = response_logprobs(model, batch)
    kept = batch["response_mask"].bool()
    torch.testing.assert_close(training_logprobs[kept], sampler_logprobs[kept], atol=1e-5, rtol=1e-5)

@pytest.mark.parametrize("arch", ["gpt_neox", "opt"])
@pytest.mark.parametrize("top_p", [0.5, 0.8])
def test_no_sampled_token_outside_the_nucleus(arch, top_p):
    model = tiny(arch)
    torch.manual_seed(0)
    batch = rollout(model, tok, PROMPTS * 4, 24, top_p=top_p)
    ids = torch.cat([batch["query"], batch["response"]], 1)
    mask = torch.cat([batch["query_mask"], batch["response_mask"]], 1)
    T = batch["response"].shape[1]
    with torch.no_grad():
        probs = model(input_ids=ids, attention_mask=mask, position_ids=positions_from_mask(mask)).logits[:, -T - 1:-1]
    probs = probs.float().softmax(-1)  # (B, T, vocab)
    token_probs = probs.gather(-1, batch["response"][..., None])  # (B, T, 1)
    # a token is in the nucleus when the tokens more likely than it hold less than top_p
    mass_above = (probs * (probs > token_probs)).sum(-1)  # (B, T)
    kept = batch["response_mask"].bool()
    assert (mass_above[kept] < top_p + 1e-5).all()
    # the check can fail: drawn from the full softmax, this many of the tokens would lie outside the nucleus
    sorted_probs = probs.sort(-1, descending=True).values
    outside_mass = (sorted_probs * (sorted_probs.cumsum(-1) - sorted_probs >= top_p)).sum(-1)  # (B, T)
    assert outside_mass[kept].sum() > 5

@pytest.mark.parametrize("arch", ["gpt_neox", "llama"])
def test_eos_masks_and_pads_and_stops_early(arch):
    model = eos_prone(arch)
    torch.manual_seed(0)
    batch = rollout(model, tok, PROMPTS * 2, 30, top_p=1.0)
    response, response_mask = batch["response"], batch["response_mask"]
    is_eos = response == tok.eos_token_id
    assert is_eos.any(-1).all()  # every row ended, so generation stopped before max_new_tokens
    assert response.shape[1] < 30
    first_eos = is_eos.long().argmax(-1)  # (B,)
    positions = torch.arange(response.shape[1])
    assert torch.equal(response_mask, (positions[None] <= first_eos[:, None]).long())
    assert (response[~response_mask.bool()] == tok.pad_token_id).all()
    assert all(tok.eos_token not in text and tok.pad_token not in text for text in batch["texts"])
    assert (~response_mask.bool()).any()  # rows of different lengths: some padding to check
    torch.manual_seed(0)
    assert torch.equal(response, generated(model, PROMPTS * 2, 30, do_sample=True, top_p=1.0, top_k=0))

def test_lora_wrapped_policy_decodes_like_generate():
    set_seed(0, 1)
    preset = dict(arch="gpt_neox", hidden_size=32, num_layers=2, num_heads=2, max_length=128, lora_r=4,
                  lora_dropout=0.0)
    model = build_policy(preset, tok).eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name: parameter.normal_(0, 0.5)  # adapters that change the outputs
    assert decodes_with_cache(model)
    tokens, _ = decoded(model, PROMPTS, 12, greedy=True)
    assert torch.equal(tokens, generated(model, PROMPTS, 12, do_sample=False))
    with model.disable_adapter():
        assert not torch.equal(tokens, decoded(model, PROMPTS, 12, greedy=True)[0])

def test_other_models_fall_back_to_generate():
    from transformers import GPT2Config, GPT2LMHeadModel
    set_seed(0, 1)
    gpt2 = GPT2LMHeadModel(GPT2Config(n_embd=32, n_layer=1, n_head=2, vocab_size=len(tok))).eval()
    assert not decodes_with_cache(gpt2)
    batch = rollout(gpt2, tok, PROMPTS, 8, greedy=True)
    assert torch.equal(batch["response"], generated(gpt2, PROMPTS, 8, do_sample=False))
    penalised = tiny("gpt_neox")
    penalised.generation_config.repetition_penalty = 2.0
    assert not decodes_with_cache(penalised)
    batch = rollout(penalised, tok, PROMPTS, 12, greedy=True)
    assert torch.equal(batch["response"], generated(penalised, PROMPTS, 12, do_sample=False))
    assert not torch.equal(batch["response"], decoded(penalised, PROMPTS, 12, greedy=True)[0])

def test_rollout_restores_training_mode_and_refuses_no_tokens():
    model = tiny("gpt_neox").train()
    rollout(model, tok, PROMPTS, 4)
    assert model.training
    with pytest.raises(ValueError, match="max_new_tokens must be at least 1"): decoded(model, PROMPTS, 0)

@pytest.mark.parametrize("arch", ["gpt_neox", "llama"])
@pytest.mark.parametrize("eos_logit", [None, 3.0])
def test_rollout_pair_equals_two_rollouts(arch, eos_logit):
    model = tiny(arch) if eos_logit is None else eos_prone(arch, eos_logit)
    torch.manual_seed(4)
    separate = rollout(model, tok, PROMPTS * 2, 24, top_p=0.9), rollout(model, tok, PROMPTS * 2, 24, greedy=True)
    after_separate = torch.rand(3)
    torch.manual_seed(4)
    paired = rollout_pair(model, tok, PROMPTS * 2, 24, top_p=0.9)
    for one, other in zip(separate, paired):
        for key in ("query", "query_mask", "response", "response_mask"):
            assert torch.equal(one[key], other[key]), key
        assert one["texts"] == other["texts"]
    assert torch.equal(torch.rand(3), after_separate)  # the same random numbers drawn: later draws agree too

def test_rollout_pair_halves_end_where_their_own_rows_end():
    model = eos_prone("gpt_neox", 3.0)
    torch.manual_seed(4)
    sampled, greedy = rollout_pair(model, tok, PROMPTS * 2, 24, top_p=0.9)
    for batch in (sampled, greedy):
        last_column = batch["response_mask"][:, -1]
        assert last_column.any() and (batch["response"][:, -1][last_column.bool()] != tok.pad_token_id).all()

def test_eager_attention_steps_through_forward():
    set_seed(0, 1)
    preset = dict(arch="gpt_neox", hidden_size=32, num_layers=2, num_heads=2, max_length=128)
    from transformers import AutoModelForCausalLM
    from xrlhf.models import model_config
    model = AutoModelForCausalLM.from_config(model_config(preset, tok), attn_implementation="eager").eval()
    assert step_function(model) is forward_logits
    assert step_function(tiny("gpt_neox")) is neox_logits
    tokens, _ = decoded(model, PROMPTS, 12, greedy=True)
    assert torch.equal(tokens, generated(model, PROMPTS, 12, do_sample=False))

def test_choose_tokens_mixes_greedy_and_sampled_rows():
    logits = torch.randn(6, 50)
    greedy_rows = torch.tensor([True, False, True, False, False, True])
    torch.manual_seed(0)
    tokens, logprobs = choose_tokens(logits, greedy_rows, draw=True)
    torch.manual_seed(0)
    drawn = torch.multinomial(logits[~greedy_rows].softmax(-1), 1).squeeze(1)
    assert torch.equal(tokens[greedy_rows], logits[greedy_rows].argmax(-1))
    assert torch.equal(tokens[~greedy_rows], drawn)
    torch.testing.assert_close(logprobs, logits.log_softmax(-1).gather(1, tokens[:, None]).squeeze(1))
    state = torch.get_rng_state()
    tokens, _ = choose_tokens(logits, greedy_rows, draw=False)
    assert torch.equal(torch.get_rng_state(), state)  # no draw: the random stream is untouched
    assert torch.equal(tokens, logits.argmax(-1))

def test_nucleus_keeps_the_most_likely_token_even_at_top_p_zero():
    scores = torch.randn(5, 40)
    kept = nucleus(scores, 0.0).isfinite()
    assert torch.equal(kept.sum(-1), torch.ones(5, dtype=torch.long))
    assert torch.equal(kept.float().argmax(-1), scores.argmax(-1))
