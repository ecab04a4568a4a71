"""The influence explainer: kronfluence's identity strategy is the gradient dot product, the sign says which way the
margin moves, EK-FAC is deterministic, bad input is refused, and nothing is left behind."""
import copy
import numpy as np, pandas as pd, pytest, torch
import torch.nn.functional as F
from xrlhf.core import set_seed
from xrlhf.influence import influence_scores, pack_comparisons, packed_rewards, tracin_scores
from xrlhf.models import build_tokenizer, build_reward_model
from xrlhf.unlearn import bt_margin
from xrlhf.world import World, flaw_probes

TINY = dict(arch="gpt_neox", hidden_size=16, num_layers=2, num_heads=2, max_length=192)

@pytest.fixture(scope="module")
def tiny():
    "A tiny untrained reward model, its tokenizer, 6 training comparisons and 2 queries (world probes)."
    probes = flaw_probes(World(0), "expert_claim", 8, 0).rename(columns=dict(flawed="chosen", clean="rejected"))
    # mix the sides so that the training comparisons are not all alike
    probes.loc[::2, ["chosen", "rejected"]] = probes.loc[::2, ["rejected", "chosen"]].to_numpy()
    tokenizer = build_tokenizer(list(probes.prompt + probes.chosen + probes.rejected), 300)
    set_seed(0)
    model = build_reward_model(TINY, tokenizer)
    return model, tokenizer, probes.iloc[:6].reset_index(drop=True), probes.iloc[6:].reset_index(drop=True)

def linear_weights(model):
    return [p for module in model.modules() if isinstance(module, torch.nn.Linear) for p in module.parameters()]

def gradient(model, value):
    return torch.cat([g.flatten() for g in torch.autograd.grad(value, linear_weights(model))])

def row_of(table, index):
    return next(table.iloc[[index]].itertuples())

def margin(model, tokenizer, row):
    return bt_margin(model, tokenizer, [row.prompt], [row.chosen], [row.rejected]).sum()

def test_packed_rewards_are_the_models_margins(tiny):
    model, tokenizer, train, _ = tiny
    batch = pack_comparisons(tokenizer, train.prompt, train.chosen, train.rejected, 192)
    with torch.no_grad():
        rewards = packed_rewards(model, batch["input_ids"], batch["attention_mask"])
        expected = bt_margin(model, tokenizer, train.prompt, train.chosen, train.rejected)
    np.testing.assert_allclose((rewards[:, 0] - rewards[:, 1]).numpy(), expected.numpy(), atol=1e-5)

def test_identity_scores_are_minus_the_gradient_dot_product(tiny):
    model, tokenizer, train, queries = tiny
    scores = influence_scores(model, tokenizer, train, queries, strategy="identity", batch_size=4, query_batch_size=1)
    train_gradients = torch.stack([gradient(model, -F.logsigmoid(margin(model, tokenizer, row)))
                                   for row in train.itertuples()])
    query_gradients = torch.stack([gradient(model, margin(model, tokenizer, row)) for row in queries.itertuples()])
    by_hand = -(query_gradients @ train_gradients.T).double().numpy()
    assert scores.shape == (2, 6)
    np.testing.assert_allclose(scores, by_hand, rtol=1e-4, atol=1e-5 * np.abs(by_hand).max())

def test_positive_score_means_upweighting_raises_the_margin(tiny):
    """One small gradient step on a training comparison's loss (up-weighting it, identity curvature) moves the query
    margin by lr times its identity score, sign included."""
    model, tokenizer, train, queries = tiny
    scores = influence_scores(model, tokenizer, train, queries, strategy="identity")
    lr = 1e-3
    for query in (0, 1):
        for train_index in (int(np.argmax(scores[query])), int(np.argmin(scores[query]))):
            stepped = copy.deepcopy(model)
            loss = -F.logsigmoid(margin(stepped, tokenizer, row_of(train, train_index)))
            weight_gradients = torch.autograd.grad(loss, linear_weights(stepped))
            with torch.no_grad():
                for weight, weight_gradient in zip(linear_weights(stepped), weight_gradients):
                    weight -= lr * weight_gradient
                moved = float(margin(stepped, tokenizer, row_of(queries, query))
                              - margin(model, tokenizer, row_of(queries, query)))
            assert np.sign(moved) == np.sign(scores[query, train_index])
            assert moved / lr == pytest.approx(scores[query, train_index], rel=0.05)

def test_tracin_is_the_embedding_gradient_dot_product_and_a_step_moves_the_margin_by_it(tiny):
    """TracIn on the token embeddings: the scores equal the dot products of the margins' gradients for the embedding
    matrix (batched, padded, sides mixed), and one small step on a training comparison's margin along the embedding
    matrix moves the query margin by lr times its score, sign included. Batch sizes do not change the scores."""
    model, tokenizer, train, queries = tiny
    scores = tracin_scores(model, tokenizer, train, queries, batch_size=4)
    embedding = model.get_input_embeddings().weight
    by_hand = np.array([[float(torch.autograd.grad(margin(model, tokenizer, query), embedding)[0].flatten()
                               @ torch.autograd.grad(margin(model, tokenizer, row), embedding)[0].flatten())
                         for row in train.itertuples()] for query in queries.itertuples()])
    np.testing.assert_allclose(scores, by_hand, rtol=1e-4, atol=1e-5 * np.abs(by_hand).max())
    np.testing.assert_allclose(tracin_scores(model, tokenizer, train, queries, batch_size=1), scores, rtol=1e-5,
                               atol=1e-6 * np.abs(scores).max())
    lr = 1e-3
    for query in (0, 1):
        for train_index in (int(np.argmax(scores[query])), int(np.argmin(scores[query]))):
            stepped = copy.deepcopy(model)
            weight = stepped.get_input_embeddings().weight
            (step,) = torch.autograd.grad(margin(stepped, tokenizer, row_of(train, train_index)), weight)
            with torch.no_grad():
                weight += lr * step
                moved = float(margin(stepped, tokenizer, row_of(queries, query))
                              - margin(model, tokenizer, row_of(queries, query)))
            assert np.sign(moved) == np.sign(scores[query, train_index])
            assert moved / lr == pytest.approx(scores[query, train_index], rel=0.05)

def test_tracin_refuses_bad_input(tiny):
    model, tokenizer, train, queries = tiny
    with pytest.raises(ValueError, match="tracin: training comparisons: missing column 'chosen'"):
        tracin_scores(model, tokenizer, train.rename(columns=dict(chosen="good")), queries)
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        tracin_scores(model, tokenizer, train, queries, batch_size=0)

def test_ekfac_shape_and_determinism(tiny):
    model, tokenizer, train, queries = tiny
    first = influence_scores(model, tokenizer, train, queries, batch_size=4)
    second = influence_scores(model, tokenizer, train, queries, batch_size=4)
    assert first.shape == (len(queries), len(train))
    assert np.isfinite(first).all()
    np.testing.assert_array_equal(first, second)

def test_the_reward_model_is_left_as_it_was(tiny):
    model, tokenizer, train, queries = tiny
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    influence_scores(model, tokenizer, train, queries, strategy="identity")
    assert all(type(module).__module__.split(".")[0] != "kronfluence" for module in model.modules())
    assert all(p.requires_grad for p in model.parameters())
    assert all(torch.equal(before[name], p) for name, p in model.named_parameters())

def test_nothing_left_in_the_working_directory(tiny, tmp_path, monkeypatch):
    model, tokenizer, train, queries = tiny
    monkeypatch.chdir(tmp_path)
    influence_scores(model, tokenizer, train, queries, strategy="identity")
    assert list(tmp_path.iterdir()) == []
    influence_scores(model, tokenizer, train, queries, strategy="identity", workdir=tmp_path/"kept")
    assert (tmp_path/"kept").is_dir() and any((tmp_path/"kept").rglob("*.safetensors"))

@pytest.mark.parametrize("edit,message", [
    (lambda table: table.rename(columns=dict(chosen="good")), "training comparisons: missing column 'chosen'"),
    (lambda table: table.iloc[:0], "training comparisons: no rows"),
    (lambda table: table.assign(rejected=[""] + list(table.rejected[1:])), "row 0, column 'rejected'"),
])
def test_bad_training_table(tiny, edit, message):
    model, tokenizer, train, queries = tiny
    with pytest.raises(ValueError, match=message): influence_scores(model, tokenizer, edit(train), queries)

def test_bad_queries_and_settings(tiny):
    model, tokenizer, train, queries = tiny
    with pytest.raises(ValueError, match="queries: missing column 'prompt'"):
        influence_scores(model, tokenizer, train, queries.drop(columns="prompt"))
    with pytest.raises(ValueError, match="strategy must be one of identity, diagonal, kfac, ekfac, got 'exact'"):
        influence_scores(model, tokenizer, train, queries, strategy="exact")
    with pytest.raises(ValueError, match="damping must be None or >= 0"):
        influence_scores(model, tokenizer, train, queries, damping=-1.0)
