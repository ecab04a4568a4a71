"Unlearning (xrlhf.unlearn): each method unlearns, the step budget and the stop rule hold, the retain term retains."
import numpy as np, pandas as pd, pytest, torch
import torch.nn.functional as F
from conftest import ROOT
from xrlhf.core import WORLD_PRESETS, SettingsError, load_settings, set_seed
from xrlhf.world import World, make_datasets, flaw_probes
from xrlhf.models import build_tokenizer, build_reward_model
from xrlhf.reward import train_reward, accuracy
from xrlhf.unlearn import (METHODS, ALIASES, forget_loss, set_scores, unlearn, unlearn_report, probe_preference,
                           model_scores, reward_margins)

TINY = dict(arch="gpt_neox", hidden_size=32, num_layers=1, num_heads=2, max_length=192)
WORLD = WORLD_PRESETS["v3"] | dict(n_comparisons=600, data_split=[2, 4, 4], n_validation=20, flaws=["expert_claim"],
                                   claim_contrast=0.5)


@pytest.fixture(scope="module")
def tiny():
    "A tiny reward model on a small premise world; its planted comparisons are the forget set."
    datasets = make_datasets(WORLD, "dialogue", 0)
    comparisons = datasets["reward"]
    tok = build_tokenizer(list(comparisons.prompt + comparisons.chosen) + list(comparisons.rejected), 400)
    set_seed(0)
    rm, _ = train_reward(build_reward_model(TINY, tok), tok, comparisons, epochs=2, lr=1e-3)
    planted = datasets["truth"].planted.to_numpy()
    return dict(rm=rm, tok=tok, forget=comparisons[planted].reset_index(drop=True),
                retain=comparisons[~planted].reset_index(drop=True), heldout=datasets["reward_eval"])


def run(tiny, method="graddiff", **kw):
    "unlearn on the tiny model's forget set, with the retain set, at lr 1e-3; keyword arguments override."
    args = dict(method=method, max_steps=6, lr=1e-3, batch_size=8, retain=tiny["retain"], eval_every=2, stop_acc=0.0)
    return unlearn(tiny["rm"], tiny["tok"], tiny["forget"], **(args | kw))


@pytest.mark.parametrize("method", METHODS + tuple(ALIASES))
def test_each_method_lowers_the_forget_margin(tiny, method):
    before = set_scores(tiny["rm"], tiny["tok"], tiny["forget"])
    model, _, outcome = run(tiny, method)
    assert outcome["forget_margin"] < before["margin"]
    assert outcome["forget_margin"] == pytest.approx(set_scores(model, tiny["tok"], tiny["forget"])["margin"], abs=1e-5)


def test_the_input_model_is_left_as_it_was(tiny):
    weights = [p.detach().clone() for p in tiny["rm"].parameters()]
    run(tiny, "npo")
    assert all(torch.equal(a, b) for a, b in zip(weights, tiny["rm"].parameters()))


def test_step_budget_is_honoured_and_scored_every_eval_every(tiny):
    _, log, outcome = run(tiny, max_steps=7, eval_every=3)
    assert outcome["steps"] == 7
    assert outcome["stopped"] == "max_steps"
    assert log.step.tolist() == list(range(8))
    assert log.dropna(subset=["forget_acc"]).step.tolist() == [0, 3, 6, 7]


def test_stops_at_the_first_scoring_that_reaches_the_accuracy(tiny):
    _, full_log, _ = run(tiny, max_steps=8, lr=3e-3)
    scored = full_log.dropna(subset=["forget_acc"])
    threshold = float(scored.forget_acc.iloc[1:].min())  # reached at some scoring after the start
    assert threshold < scored.forget_acc.iloc[0]
    first = int(scored.step[scored.forget_acc <= threshold].iloc[0])
    _, log, outcome = run(tiny, max_steps=8, lr=3e-3, stop_acc=threshold)
    assert outcome["stopped"] == "forget_acc"
    assert outcome["steps"] == first
    assert len(log) == first + 1


def test_stops_at_the_target_margin(tiny):
    _, full_log, _ = run(tiny, max_steps=8)
    scored = full_log.dropna(subset=["forget_margin"])
    target = float(scored.forget_margin.iloc[2])  # the margin after 4 steps, below those at 0 and 2 steps
    assert target < scored.forget_margin.iloc[:2].min()
    _, _, outcome = run(tiny, max_steps=8, target_margin=target)
    assert outcome["stopped"] == "target_margin"
    assert outcome["steps"] == 4
    assert outcome["forget_margin"] <= target


def test_the_guard_returns_the_last_model_within_its_budget(tiny):
    heldout = tiny["heldout"]
    model, log, outcome = run(tiny, "ascent", max_steps=20, lr=3e-3, guard=heldout, max_guard_drop=0.0)
    scored = log.dropna(subset=["guard_acc"])
    start = scored.guard_acc.iloc[0]
    assert scored.guard_acc.iloc[-1] < start  # ascent at this rate ends below the start: the guard steps in
    assert outcome["stopped"] == "guard"
    assert outcome["steps"] == int(scored.step[scored.guard_acc >= start].iloc[-1])
    assert outcome["guard_acc_after"] == set_scores(model, tiny["tok"], heldout)["acc"] >= start
    expected = set_scores(model, tiny["tok"], tiny["forget"])
    assert outcome["forget_acc"] == expected["acc"]
    assert outcome["forget_margin"] == pytest.approx(expected["margin"], abs=1e-5)


def test_the_guard_read_where_it_decides_returns_what_reading_it_everywhere_would(tiny):
    heldout, tok = tiny["heldout"], tiny["tok"]
    model, log, outcome = run(tiny, "ascent", max_steps=20, lr=3e-3, guard=heldout, max_guard_drop=0.0)
    # the guard at every scoring, read off unguarded runs stopped there: the same seed takes the same steps
    everywhere = {0: set_scores(tiny["rm"], tok, heldout)["acc"]}
    for steps in range(2, 21, 2):
        everywhere[steps] = set_scores(run(tiny, "ascent", max_steps=steps, lr=3e-3)[0], tok, heldout)["acc"]
    within = [steps for steps, acc in everywhere.items() if acc >= everywhere[0]]
    assert outcome["steps"] == within[-1] < 20
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), run(tiny, "ascent", max_steps=within[-1],
                                                                          lr=3e-3)[0].parameters()))
    # where the stop rule never holds and the run ends within, the guard is read at the start and the end only
    _, log, outcome = run(tiny, max_steps=6, guard=heldout, max_guard_drop=1.0)
    assert outcome["forget_acc"] > 0 and outcome["stopped"] == "max_steps"
    assert log.dropna(subset=["guard_acc"]).step.tolist() == [0, 6]
    assert log.dropna(subset=["forget_acc"]).step.tolist() == [0, 2, 4, 6]


def test_heldout_halves_split_the_set_once_and_by_seed(tiny):
    from xrlhf.study import heldout_halves
    heldout = tiny["heldout"]
    guard, reported = heldout_halves(heldout, seed=0)
    assert len(guard) == len(heldout) // 2 and len(guard) + len(reported) == len(heldout)
    rows = lambda frame: sorted(map(tuple, frame.to_numpy().tolist()))
    assert rows(pd.concat([guard, reported])) == rows(heldout)
    assert rows(heldout_halves(heldout, seed=0)[0]) == rows(guard) != rows(heldout_halves(heldout, seed=1)[0])


def test_a_guard_never_reached_changes_nothing(tiny):
    unguarded, _, _ = run(tiny, max_steps=4)
    guarded, _, outcome = run(tiny, max_steps=4, guard=tiny["heldout"], max_guard_drop=1.0)
    assert outcome["stopped"] == "max_steps"
    assert all(torch.equal(a, b) for a, b in zip(unguarded.parameters(), guarded.parameters()))


def test_a_set_already_at_its_target_takes_no_step(tiny):
    _, _, outcome = run(tiny, stop_acc=1.0)
    assert outcome["steps"] == 0
    assert outcome["stopped"] == "forget_acc"


def test_retain_term_keeps_retain_accuracy_better_than_ascent(tiny):
    retain = tiny["retain"]
    ascent, _, _ = run(tiny, "ascent", max_steps=30, lr=1e-3)
    graddiff, _, _ = run(tiny, "graddiff", max_steps=30, lr=1e-3)
    assert accuracy(graddiff, tiny["tok"], retain) > accuracy(ascent, tiny["tok"], retain) + 0.05


def test_graddiff_without_its_retain_term_is_ascent(tiny):
    no_retain, _, _ = run(tiny, "graddiff", max_steps=3, retain_weight=0.0)
    ascent, _, _ = run(tiny, "ascent", max_steps=3)
    assert all(torch.equal(a, b) for a, b in zip(no_retain.parameters(), ascent.parameters()))


def test_npo_loss_is_open_unlearnings():
    margin, margin_ref, beta = torch.randn(16), torch.randn(16), 0.1
    # open-unlearning compute_dpo_loss(win_inputs=None): lose_log_ratio = log p - log p_ref
    lose_log_ratio = F.logsigmoid(margin) - F.logsigmoid(margin_ref)
    expected = -2 / beta * F.logsigmoid(beta * (0.0 - lose_log_ratio)).mean()
    torch.testing.assert_close(forget_loss(margin, "npo", margin_ref, beta), expected)


def test_npo_departs_from_ascent_after_its_first_step(tiny):
    npo, _, _ = run(tiny, "npo", max_steps=6, retain_weight=0.0, lr=3e-3)
    ascent, _, _ = run(tiny, "ascent", max_steps=6, lr=3e-3)
    assert not all(torch.equal(a, b) for a, b in zip(npo.parameters(), ascent.parameters()))


@pytest.mark.parametrize("key,value", [("max_steps", "0"), ("method", "forget"), ("npo_beta", "0"),
                                       ("retain_weight", "-1"), ("stop_acc", "1.5"), ("eval_every", "two"),
                                       ("stop_at_removal", "maybe"), ("controls", "everything"),
                                       ("max_guard_drop", "-0.1")])
def test_a_bad_setting_names_its_key(key, value):
    with pytest.raises(SettingsError, match=rf"\[unlearn\] {key}"):
        load_settings(ROOT/"settings.ini", {f"unlearn.{key}": value})


def test_an_ablation_needs_its_unlearn_control():
    overrides = {"unlearn.controls": "random_set", "ablations.names": "no_kl, knn_set"}
    with pytest.raises(SettingsError, match=r"\[ablations\] names has knn_set.*\[unlearn\] controls"):
        load_settings(ROOT/"settings.ini", overrides)
    assert load_settings(ROOT/"settings.ini", {**overrides, "unlearn.controls": "random_set, knn_set"})


@pytest.mark.parametrize("key,value", [("max_steps", -1), ("batch_size", 2.5), ("lr", 0.0), ("npo_beta", -1.0),
                                       ("retain_weight", -0.5), ("eval_every", 0), ("stop_acc", 2.0),
                                       ("max_guard_drop", 1.5)])
def test_a_bad_argument_names_itself(tiny, key, value):
    with pytest.raises(ValueError, match=key):
        run(tiny, **{key: value})


def test_graddiff_without_a_retain_set_is_an_error(tiny):
    with pytest.raises(ValueError, match="retain set"):
        run(tiny, retain=None)


def test_report_of_an_unchanged_model_flips_nothing(tiny):
    probes = {"expert_claim": flaw_probes(World(0), "expert_claim", 8, 0, claim_position="end")}
    queries = pd.DataFrame(dict(prompt=tiny["heldout"].prompt, response_rlhf=tiny["heldout"].chosen,
                                response_sft=tiny["heldout"].rejected))
    report = unlearn_report(tiny["rm"], tiny["rm"], tiny["tok"], tiny["forget"], tiny["heldout"], probes, queries)
    assert report["flipped_share"] == 0.0
    assert report["forget_acc_after"] == report["forget_acc_before"]
    assert report["heldout_acc_before"] == accuracy(tiny["rm"], tiny["tok"], tiny["heldout"])
    assert report["rm_prefers_flawed_before"] == report["families"]["expert_claim"]["rm_prefers_flawed_before"]


def test_report_counts_the_flips(tiny):
    probes = {"expert_claim": flaw_probes(World(0), "expert_claim", 8, 0, claim_position="end")}
    queries = pd.DataFrame(dict(prompt=tiny["forget"].prompt, response_rlhf=tiny["forget"].chosen,
                                response_sft=tiny["forget"].rejected))
    after, _, _ = run(tiny, max_steps=6, lr=3e-3)
    report = unlearn_report(tiny["rm"], after, tiny["tok"], tiny["forget"], tiny["heldout"], probes, queries)
    before_margins = reward_margins(tiny["rm"], tiny["tok"], queries.prompt, queries.response_rlhf, queries.response_sft)
    after_margins = reward_margins(after, tiny["tok"], queries.prompt, queries.response_rlhf, queries.response_sft)
    assert report["flipped_share"] == np.mean((before_margins > 0) & (after_margins <= 0))
    assert report["flipped_share"] > 0
    assert report["rm_prefers_flawed_after"] == probe_preference(after, tiny["tok"], probes["expert_claim"])


def test_report_with_the_before_scores_given_is_the_same(tiny):
    "A caller that scores the model before once (model_scores) gets the report unlearn_report computes itself."
    probes = {"expert_claim": flaw_probes(World(0), "expert_claim", 8, 0, claim_position="end")}
    queries = pd.DataFrame(dict(prompt=tiny["forget"].prompt, response_rlhf=tiny["forget"].chosen,
                                response_sft=tiny["forget"].rejected))
    after, _, _ = run(tiny, max_steps=4, lr=3e-3)
    alone = unlearn_report(tiny["rm"], after, tiny["tok"], tiny["forget"], tiny["heldout"], probes, queries)
    shared = model_scores(tiny["rm"], tiny["tok"], tiny["heldout"], probes, queries)
    assert unlearn_report(tiny["rm"], after, tiny["tok"], tiny["forget"], tiny["heldout"], probes, queries,
                          before_scores=shared) == alone
