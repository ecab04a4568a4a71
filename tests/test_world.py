"The simulated world: determinism, schema, planted flags, the gold utility on any string, bad settings."
import io
import numpy as np, pandas as pd, pytest
from hypothesis import given, settings, strategies as st
from xrlhf.world import make_datasets, World, gold_utility, gold_components, COMPONENTS, has_flaw_trait, in_flaw_region, TASKS, FLAWS

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
                                         ("flaw_rate", 1.2, "flaw_rate"), ("label_noise", -0.1, "label_noise"), ("tldr_sft", -5, "tldr_sft")])
def test_bad_world_settings(key, val, msg):
    with pytest.raises(ValueError, match=msg): make_datasets(dict(SW, **{key: val}), "dialogue", 0)

def test_tldr_sft_is_summarisations_own_demo_set():
    "tldr_sft > 0 gives summarisation that many demos, held out from validation; dialogue and the other splits are unchanged."
    sw = dict(SW, tldr_sft=120)
    for task in TASKS:
        A, B = make_datasets(SW, task, 2), make_datasets(sw, task, 2)
        assert A["reward"].equals(B["reward"]) and A["rl"].equals(B["rl"]) and A["truth"].equals(B["truth"])
        if task == "dialogue": assert _bytes(A) == _bytes(B)
        else:
            assert len(B["sft"]) == 120 and not set(B["sft"].prompt) & set(B["validation"].prompt)
            assert not B["sft"].equals(A["sft"]) and len(B["validation"]) == len(A["validation"])
