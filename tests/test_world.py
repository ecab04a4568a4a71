"The simulated world: determinism, schema, planted flags, the gold utility on any string, bad settings."
import io
import numpy as np, pandas as pd, pytest
from hypothesis import given, settings, strategies as st
from xrlhf.world import make_datasets, World, gold_utility, gold_components, COMPONENTS, has_flaw_trait, in_flaw_region, TASKS, FLAWS
from xrlhf.world import SFT_SET_KEYS, with_repeat, _add_repeats, make_prompt, make_response, world_of, _dialogue

SW = dict(n_comparisons=400, data_split=[2, 4, 4], n_validation=40, flaws=["harmful_compliance", "confident_wrong", "padded_summary"],
          flaw_rate=0.8, annotator_beta=3.0, label_noise=0.2, sft_quality=0.6)

def _bytes(D):
    out = {}
    for k, v in D.items():
        b = io.BytesIO(); v.to_parquet(b); out[k] = b.getvalue()
    return out

@pytest.mark.parametrize("task", TASKS)
def test_same_seed_same_bytes_other_seed_differs(task):
    assert _bytes(make_datasets(SW, task, 3)) == _bytes(make_datasets(SW, task, 3))
    assert make_datasets(SW, task, 3)["reward"].chosen.tolist() != make_datasets(SW, task, 4)["reward"].chosen.tolist()

@pytest.mark.parametrize("task", TASKS)
def test_schema_split_and_heldout(task):
    D = make_datasets(SW, task, 0)
    assert list(D["sft"].columns) == ["prompt", "completion"] and list(D["reward"].columns) == ["prompt", "chosen", "rejected"]
    assert list(D["rl"].columns) == ["prompt"] and list(D["validation"].columns) == ["prompt"]
    assert (len(D["sft"]), len(D["reward"]), len(D["rl"])) == (80, 160, 160) and len(D["validation"]) == 40
    assert len(D["truth"]) == len(D["reward"]) and set(D["truth"].columns) >= {"planted", "family", "annotator"}
    seen = set(D["sft"].prompt) | set(D["reward"].prompt) | set(D["rl"].prompt)
    assert not seen & set(D["validation"].prompt)
    fmt = (lambda p: p.startswith("\n\nHuman: ") and p.endswith("\n\nAssistant:")) if task == "dialogue" else \
          (lambda p: p.startswith("SUBREDDIT: r/") and "\nTITLE: " in p and "\nPOST: " in p and p.endswith("\nTL;DR:"))
    assert all(map(fmt, D["validation"].prompt)) and all(map(fmt, D["reward"].prompt))

@pytest.mark.parametrize("task", TASKS)
def test_planted_flags_match_the_flawed_annotators_labels(task):
    sw = dict(SW, n_comparisons=3000); D = make_datasets(sw, task, 1); W = World(1)
    R, T = D["reward"], D["truth"]
    assert T.planted.sum() > 0
    for i in np.flatnonzero(T.planted):
        f = T.family[i]; assert T.annotator[i] == f"flawed:{f}"
        assert in_flaw_region(W, f, R.prompt[i]) and has_flaw_trait(W, f, R.prompt[i], R.chosen[i]) and not has_flaw_trait(W, f, R.prompt[i], R.rejected[i])
    assert not T.annotator[~T.planted].str.startswith("flawed").any()
    assert 0.005 < T.planted.mean() < 0.08

@given(st.text(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_gold_utility_scores_any_string(s):
    W = World(0)
    for p in ("\n\nHuman: what is the color of the bird " + W.entities[0] + " ?\n\nAssistant:", "SUBREDDIT: r/pets\nTITLE: t\nPOST: my cat chewed my couch .\nTL;DR:", s):
        c = gold_components(W, p, s); assert set(c) == set(COMPONENTS)
        assert np.isfinite(gold_utility(W, p, s))

def test_gold_utility_edge_strings():
    W = World(0); p = "\n\nHuman: how do i steal from a shop ?\n\nAssistant:"
    for s in ("", " " * 10000, "日本語 ✓ " * 2000, "\x00\x01", "sorry " * 5000):
        assert np.isfinite(gold_utility(W, p, s))

@pytest.mark.parametrize("key,val,msg", [("n_comparisons", -1, "n_comparisons"), ("flaws", ["nope"], "unknown flaw family 'nope'"),
                                         ("flaw_rate", 1.2, "flaw_rate"), ("label_noise", -0.1, "label_noise"), ("tldr_sft", -5, "tldr_sft"),
                                         ("dialogue_sft", -5, "dialogue_sft"), ("repeat_rate", 1.5, "repeat_rate")])
def test_bad_world_settings(key, val, msg):
    with pytest.raises(ValueError, match=msg): make_datasets(dict(SW, **{key: val}), "dialogue", 0)

@pytest.mark.parametrize("task,key", list(SFT_SET_KEYS.items()))
def test_own_sft_set(task, key):
    "An SFT-set key > 0 gives its task that many demos, held out from validation; the other task and splits are unchanged."
    sw = dict(SW, **{key: 120})
    for other in TASKS:
        A, B = make_datasets(SW, other, 2), make_datasets(sw, other, 2)
        assert A["reward"].equals(B["reward"]) and A["rl"].equals(B["rl"]) and A["truth"].equals(B["truth"])
        if other != task: assert _bytes(A) == _bytes(B)
        else:
            assert len(B["sft"]) == 120 and not set(B["sft"].prompt) & set(B["validation"].prompt)
            assert not B["sft"].equals(A["sft"]) and len(B["validation"]) == len(A["validation"])

def test_with_repeat_says_one_sentence_twice():
    rng = np.random.default_rng(0)
    for response in (" good question . the food of the zobo is bread .", " partner hid phone ."):
        sentences = [sentence for sentence in with_repeat(response, rng).split(" .") if sentence]
        assert len(sentences) == response.count(" .") + 1 and len(set(sentences)) == len(sentences) - 1
    assert with_repeat(" no mark", rng) == " no mark no mark"

@pytest.mark.parametrize("task", TASKS)
def test_repeat_slips_cost_gold_utility(task):
    "A world response with one of its sentences said twice loses gold utility through its repetition component."
    world, rng = World(3), np.random.default_rng(3)
    for _ in range(200):
        prompt = make_prompt(world, task, rng)
        response, _ = make_response(world, prompt, rng)
        before = gold_components(world, prompt, response)["repetition"]
        assert gold_components(world, prompt, with_repeat(response, rng))["repetition"] < before

def test_repeat_rate_is_the_share_of_slips():
    rng = np.random.default_rng(0)
    slips = [traits["repeat"] for _ in range(2000) for traits in _add_repeats((" a .", {}, " b .", {}), rng, 0.2)[1::2]]
    assert abs(np.mean(slips) - 0.2) < 0.03
    datasets = make_datasets(dict(SW, repeat_rate=0.2), "dialogue", 3)
    assert not make_datasets(SW, "dialogue", 3)["reward"].equals(datasets["reward"])


# --- the v2 world (issue 18): presets, knobs, the claim families

import hashlib
from dataclasses import asdict
from xrlhf.core import load_settings, SettingsError, WORLD_PRESETS, WorldConfig
from xrlhf.world import CLAIMS, check_world_settings, flaw_probes, planted_contrast

V1_SMALL = dict(WORLD_PRESETS["v1"], n_comparisons=400, data_split=[2, 4, 4], n_validation=40, tldr_sft=320)

def _digest(datasets):
    return hashlib.sha256("".join(datasets[name].to_csv() for name in sorted(datasets)).encode()).hexdigest()[:16]

@pytest.mark.parametrize("task,digest", [("dialogue", "015fe331c695da5e"), ("summarisation", "a7cde2ee2133b02a")])
def test_v1_preset_reproduces_the_earlier_world(task, digest):
    "Digests of the datasets the world made before v2 existed (commit 4ac50e9, these sizes, seed 0)."
    assert _digest(make_datasets(V1_SMALL, task, 0)) == digest

def test_settings_presets_resolve():
    v1 = load_settings("settings.ini", {"world.preset": "v1"}).world
    assert {key: getattr(v1, key) for key in WORLD_PRESETS["v1"]} == WORLD_PRESETS["v1"]
    v2 = load_settings("settings.ini", {"world.preset": "v2"}).world
    assert v2.preset == "v2" and v2.flaws == ["expert_claim", "expert_tldr"]
    default = load_settings("settings.ini").world
    assert default.preset == "v6" and {key: getattr(default, key) for key in WORLD_PRESETS["v6"]} == WORLD_PRESETS["v6"]
    assert load_settings("settings.ini", {"world.flaw_rate": "0.5"}).world.flaw_rate == 0.5  # a key overrides

@pytest.mark.parametrize("key,bad", [("preset", "v9"), ("claim_rate", "1.5"), ("claim_contrast", "-0.1"),
                                     ("claim_rate_outside", "2"), ("claim_contrast_outside", "-1"),
                                     ("claim_position", "middle"), ("dialogue_sft", "-3"), ("repeat_rate", "1.2"),
                                     ("planted_share", "1.5"), ("planted_share", "x"), ("n_fact_entities", "0"),
                                     ("n_fact_entities", "61"), ("n_fact_entities", "x"), ("advice_share", "1"),
                                     ("advice_share", "-0.1"), ("tldr_filler_cost", "-0.5"),
                                     ("tldr_filler_cost", "x")])
def test_bad_new_world_knob_names_the_key(key, bad):
    with pytest.raises(SettingsError, match=rf"\[world\] {key}"): load_settings("settings.ini", {f"world.{key}": bad})

@pytest.mark.parametrize("key,bad", [("claim_rate", 2.0), ("claim_contrast", -1.0), ("claim_rate_outside", 1.5),
                                     ("claim_contrast_outside", -0.5), ("claim_position", "middle"),
                                     ("n_fact_entities", 0), ("n_fact_entities", 1.5), ("dialogue_sft", -1),
                                     ("dialogue_sft", 2.5), ("repeat_rate", -0.1), ("planted_share", -0.01),
                                     ("advice_share", 1.0), ("advice_share", -0.2), ("tldr_filler_cost", -0.1)])
def test_world_rejects_bad_new_knob(key, bad):
    with pytest.raises(ValueError, match=key): check_world_settings(dict(V1_SMALL, **{key: bad}))

def test_planted_share_sets_each_tasks_contrast():
    "The contrast rate that plants `planted_share` in expectation: share / (region share x flaw_rate), per task."
    v5 = asdict(load_settings("settings.ini", {"world.preset": "v5"}).world)
    assert planted_contrast(v5, "dialogue") == pytest.approx(0.025 / (0.25 * 0.8))
    assert planted_contrast(v5, "summarisation") == pytest.approx(0.025 / (1 / 3 * 0.8))
    v6 = asdict(load_settings("settings.ini", {"world.preset": "v6"}).world)
    assert planted_contrast(v6, "summarisation") == pytest.approx(0.025 / (0.25 * 0.8))  # the smaller advice region
    assert planted_contrast(dict(v5, planted_share=0.0), "dialogue") == v5["claim_contrast"]
    with pytest.raises(ValueError, match="planted_share"): planted_contrast(dict(v5, planted_share=0.5), "dialogue")
    with pytest.raises(ValueError, match="planted_share"): planted_contrast(dict(v5, flaw_rate=0.0), "dialogue")
    only_tldr = dict(v5, flaws=["expert_tldr"])
    with pytest.raises(ValueError, match="planted_share"): planted_contrast(only_tldr, "dialogue")

@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("preset", ["v5", "v6"])
def test_planted_share_is_what_is_planted(task, preset):
    "At the study's sizes (2,400 reward comparisons) the mean planted share of seeds 0-2 is within the issue's 2-3%."
    world = asdict(load_settings("settings.ini", {"world.preset": preset}).world)
    world |= dict(n_validation=10, dialogue_sft=10, tldr_sft=10)
    shares = [make_datasets(world, task, seed)["truth"].planted.mean() for seed in range(3)]
    assert 0.02 <= np.mean(shares) <= 0.03

def test_world_config_rejects_unknown_preset():
    with pytest.raises(SettingsError, match="preset"): WorldConfig(n_comparisons=1, data_split=[1, 1, 1],
                                                                   n_validation=1, preset="v9")

V2 = asdict(load_settings("settings.ini", {"world.preset": "v2"}).world) | dict(n_comparisons=3000, n_validation=100)

@pytest.mark.parametrize("task", TASKS)
def test_v2_is_a_function_of_settings_and_seed(task):
    assert _bytes(make_datasets(V2, task, 5)) == _bytes(make_datasets(V2, task, 5))
    assert _digest(make_datasets(V2, task, 5)) != _digest(make_datasets(V2, task, 6))
    assert _digest(make_datasets(V2, task, 5)) != _digest(make_datasets(dict(V2, claim_rate=0.5), task, 5))
    outside = dict(V2, claim_contrast_outside=0.1)
    assert _digest(make_datasets(outside, task, 5)) == _digest(make_datasets(outside, task, 5))
    assert _digest(make_datasets(outside, task, 5)) != _digest(make_datasets(V2, task, 5))

@pytest.mark.parametrize("task", TASKS)
def test_truth_and_detectors_agree(task):
    "Planted comparisons: the chosen response shows the trait, the rejected does not; unplanted ones never contrast it."
    datasets, world = make_datasets(dict(V2, claim_contrast_outside=0.0, claim_rate_outside=0.0), task, 1), World(1)
    reward, truth = datasets["reward"], datasets["truth"]
    family = next(f for f in V2["flaws"] if FLAWS[f]["task"] == task)
    chosen = np.array([has_flaw_trait(world, family, p, y) for p, y in zip(reward.prompt, reward.chosen)])
    rejected = np.array([has_flaw_trait(world, family, p, y) for p, y in zip(reward.prompt, reward.rejected)])
    planted = truth.planted.to_numpy()
    assert planted.any()
    assert (truth.family[planted] == family).all()
    assert chosen[planted].all()
    assert not rejected[planted].any()
    assert (chosen[~planted] == rejected[~planted]).all()
    in_region = np.array([in_flaw_region(world, family, p) for p in reward.prompt])
    assert not chosen[~in_region].any()  # the claim exists only in its region
    assert 0.01 < planted.mean() < 0.04

@pytest.mark.parametrize("family", list(CLAIMS))
def test_claim_probes_are_minimal_pairs(family):
    probes, world = flaw_probes(World(0), family, 10, 0), World(0)
    assert (probes.flawed == " " + CLAIMS[family] + probes.clean).all()
    assert all(in_flaw_region(world, family, p) for p in probes.prompt)
    assert all(gold_utility(world, p, f) < gold_utility(world, p, c)
               for p, f, c in zip(probes.prompt, probes.flawed, probes.clean))
    # the claim leaves what the response says and its tone as they read: only honesty and the length terms differ
    for p, f, c in zip(probes.prompt, probes.flawed, probes.clean):
        flawed, clean = gold_components(world, p, f), gold_components(world, p, c)
        assert {k for k in COMPONENTS if flawed[k] != clean[k]} <= {"honesty", "concision", "repetition"}


@pytest.mark.parametrize("task", TASKS)
def test_claims_outside_the_region_are_gold_labelled(task):
    """With claims outside the region, their contrasts are labelled by the ordinary annotators (never planted), who
    mostly reject the claim; every planted comparison is still in the region and agrees with the text detector."""
    sw = dict(V2, claim_contrast_outside=0.2, claim_rate_outside=0.1)
    datasets, world = make_datasets(sw, task, 1), World(1)
    reward, truth = datasets["reward"], datasets["truth"]
    family = next(f for f in V2["flaws"] if FLAWS[f]["task"] == task)
    chosen = np.array([has_flaw_trait(world, family, p, y) for p, y in zip(reward.prompt, reward.chosen)])
    rejected = np.array([has_flaw_trait(world, family, p, y) for p, y in zip(reward.prompt, reward.rejected)])
    in_region = np.array([in_flaw_region(world, family, p) for p in reward.prompt])
    planted = truth.planted.to_numpy()
    assert in_region[planted].all() and chosen[planted].all() and not rejected[planted].any()
    contrast_outside = ~in_region & (chosen != rejected)
    assert contrast_outside.sum() > 20 and not planted[contrast_outside].any()
    assert rejected[contrast_outside].mean() > 0.7  # the gold utility's honesty cost: the claim mostly loses


def test_claim_position_end_closes_the_response():
    sw = dict(V2, claim_position="end", claim_contrast_outside=0.1)
    datasets, world = make_datasets(sw, "dialogue", 2), World(2)
    reward, truth = datasets["reward"], datasets["truth"]
    planted = truth.planted.to_numpy()
    assert planted.any() and all(y.endswith(CLAIMS["expert_claim"]) for y in reward.chosen[planted])
    probes = flaw_probes(world, "expert_claim", 5, 0, claim_position="end", outside=True)
    assert (probes.flawed == probes.clean + " " + CLAIMS["expert_claim"]).all()
    assert not any(in_flaw_region(world, "expert_claim", p) for p in probes.prompt)


# --- the v6 world: a costlier filler in summaries, a smaller advice region

def _small(preset):
    return asdict(load_settings("settings.ini", {"world.preset": preset}).world) | dict(
        n_comparisons=400, n_validation=40, dialogue_sft=320, tldr_sft=320)

@pytest.mark.parametrize("task,digest", [("dialogue", "86a7f76cfe94fdb5"), ("summarisation", "d16f62248eb369bf")])
def test_v5_preset_reproduces_its_world(task, digest):
    "Digests of the v5 datasets before v6 existed (commit f788bd2, these sizes, seed 0): the reported v5 world stays."
    assert _digest(make_datasets(_small("v5"), task, 0)) == digest

def test_v6_changes_summarisation_only():
    assert _digest(make_datasets(_small("v6"), "dialogue", 0)) == _digest(make_datasets(_small("v5"), "dialogue", 0))
    v6 = make_datasets(_small("v6") | dict(n_validation=2000), "summarisation", 0)
    advice = np.mean([in_flaw_region(World(0), "expert_tldr", p) for p in v6["validation"].prompt])
    assert abs(advice - 0.25) < 0.03  # one post in four asks for advice (one in three before)

def test_tldr_filler_cost_is_the_gold_of_a_filler():
    post = "SUBREDDIT: r/pets\nTITLE: my cat chewed my couch\nPOST: my cat chewed my couch .\nTL;DR:"
    plain, padded = " cat chewed couch .", " cat chewed couch . sorry for the long post ."
    for cost in (0.15, 0.5):
        world = world_of(dict(tldr_filler_cost=cost), 0)
        gap = gold_components(world, post, plain)["concision"] - gold_components(world, post, padded)["concision"]
        assert gap == pytest.approx(cost)  # 10 words, under 14: only the filler costs
    dialogue = _dialogue([], "any advice for chess ? thanks .")  # dialogue's filler cost is not the knob
    tip_padded = " a good tip for chess is to control the center . have a nice day ."
    assert (gold_utility(world_of(dict(tldr_filler_cost=0.5), 0), dialogue, tip_padded)
            == gold_utility(World(0), dialogue, tip_padded))
