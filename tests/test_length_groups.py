"""Batches in groups of similar length (`[model] length_chunks`): each row computed as in one forward, up to float
rounding, in its own order; bit for bit the one forward at 1."""
import random
import pytest, torch
from xrlhf.core import set_seed
from xrlhf.models import build_reward_model, build_tokenizer, length_groups, sequence_scores
from xrlhf.reward import encode_responses
from xrlhf.unlearn import bt_margin

WORDS = "hello there , how are you today ? the cat sat on a mat and sang about zebras quietly".split()
word_rng = random.Random(1)
TEXTS = [" ".join(word_rng.choice(WORDS) for _ in range(word_rng.randint(1, 40))) for _ in range(40)]
tok = build_tokenizer(TEXTS, 300)

def reward_model(arch):
    set_seed(0, 1)
    return build_reward_model(dict(arch=arch, hidden_size=32, num_layers=2, num_heads=2, max_length=128), tok).eval()

@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("arch", ["gpt_neox", "opt", "llama"])
def test_groups_give_each_row_its_one_forward_score(arch, side):
    tok.padding_side = side
    enc = tok(TEXTS[:13], return_tensors="pt", padding=True, add_special_tokens=False)
    tok.padding_side = "left"
    model = reward_model(arch)
    with torch.no_grad():
        whole = sequence_scores(model, enc.input_ids, enc.attention_mask)
        for chunks in (2, 3, 5, 13, 20):
            grouped = sequence_scores(model, enc.input_ids, enc.attention_mask, chunks)
            assert grouped.shape == whole.shape
            assert torch.allclose(grouped, whole, atol=1e-5), (chunks, (grouped - whole).abs().max())

def test_groups_cover_every_row_once_and_trim_only_padding():
    enc = tok(TEXTS[:11], return_tensors="pt", padding=True, add_special_tokens=False)
    mask = enc.attention_mask
    groups = length_groups(mask, 4)
    rows = torch.cat([group_rows for group_rows, _ in groups])
    assert sorted(rows.tolist()) == list(range(11))
    lengths = mask.sum(1)
    assert [int(lengths[r].max()) for r, _ in groups] == sorted(int(lengths[r].max()) for r, _ in groups)
    for group_rows, columns in groups:  # no real token falls outside a group's columns
        assert int(mask[group_rows][:, columns].sum()) == int(mask[group_rows].sum())

def test_one_group_is_the_plain_forward_bit_for_bit():
    "At `length_chunks` 1, `bt_margin` is the one forward of the kit before groups: the same floats."
    model = reward_model("gpt_neox").train()
    prompts, chosen, rejected = TEXTS[:8], TEXTS[8:16], TEXTS[16:24]
    enc = encode_responses(tok, prompts + prompts, chosen + rejected, 192)
    scores = model(input_ids=enc.input_ids, attention_mask=enc.attention_mask).logits[:, 0].float()
    assert torch.equal(bt_margin(model, tok, prompts, chosen, rejected, length_chunks=1), scores[:8] - scores[8:])
    assert not torch.equal(bt_margin(model, tok, prompts, chosen, rejected, length_chunks=4), scores[:8] - scores[8:])

def test_bad_chunk_counts_are_refused():
    mask = torch.ones(2, 3, dtype=torch.long)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="positive integer"):
            length_groups(mask, bad)
