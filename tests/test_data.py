"Real-data loaders on small files in the exact source formats, and every architecture preset on CPU."
import numpy as np, pandas as pd, pytest, torch
from conftest import ROOT
from xrlhf.data import read_rows, PARSERS, paper_split, load_comparisons, DataError, split_dialogue, tldr_prompt

F = ROOT/"tests"/"fixtures"

def test_anthropic():
    df, c = PARSERS["Anthropic/hh-rlhf"](read_rows(F/"anthropic_hh.jsonl"))
    assert dict(c) == {"ok": 3, "no Assistant turn": 1, "chosen and rejected dialogues do not share a prompt": 1,
                       "missing field 'rejected'": 1, "empty 'chosen'": 1}
    assert df.prompt[1].startswith("\n\nHuman: hi\n\nAssistant: hello\n\nHuman: How do I pick a lock?") and df.prompt[1].endswith("\n\nAssistant:")
    assert df.chosen[1] == " I can't help with that." and df.rejected[1] == " First, get a tension wrench."

def test_dahoas():
    df, c = PARSERS["Dahoas/full-hh-rlhf"](read_rows(F/"dahoas_full_hh.jsonl"))
    assert dict(c) == {"ok": 3, "no Assistant turn": 1, "empty 'chosen'": 1, "missing field 'rejected'": 1}
    assert list(df.columns) == ["prompt", "chosen", "rejected"] and df.chosen[0] == " Sure, try Dune."

def test_summarize():
    df, c = PARSERS["openai/summarize_from_feedback"](read_rows(F/"summarize_comparisons.jsonl"))
    assert c["ok"] == 3 and sum(c.values()) == 7 and c["missing field 'info'"] == 1 and c["empty 'post'"] == 1
    assert df.prompt[1] == tldr_prompt("personalfinance", "Landlord raised rent by 30%", "My landlord raised the rent by 30% with one month notice. Is that legal?")
    assert df.prompt[0].startswith("SUBREDDIT: r/relationships\nTITLE: ") and df.prompt[0].endswith("\nTL;DR:")
    assert df.chosen[1] == " Landlord raised rent 30% on short notice; is it legal?" and df.rejected[1] == " Rent up."

def test_tldr_sft():
    df, c = PARSERS["tldr_sft"](read_rows(F/"tldr_sft.jsonl"))
    assert dict(c) == {"ok": 2, "empty 'completion'": 1, "missing field 'completion'": 1} and df.completion[1] == " Dog chewed couch."

def test_split_sizes_and_heldout():
    rows = [dict(prompt=f"\n\nHuman: q{i}\n\nAssistant:", chosen=" a", rejected=" b") for i in range(100)]
    test = [dict(prompt=f"\n\nHuman: t{i % 30}\n\nAssistant:", chosen=" a", rejected=" b") for i in range(60)] + rows[:5]
    tr, _ = PARSERS["Dahoas/full-hh-rlhf"](rows); te, _ = PARSERS["Dahoas/full-hh-rlhf"](test)
    S = paper_split(tr, te, (2, 4, 4), n_validation=25)
    assert (len(S["sft"]), len(S["reward"]), len(S["rl"]), len(S["validation"])) == (20, 40, 40, 25)
    assert not set(S["validation"].prompt) & set(tr.prompt) and S["validation"].prompt.is_unique

def test_load_comparisons_reports_counts():
    S, rep = load_comparisons("Anthropic/hh-rlhf", F/"anthropic_hh.jsonl", F/"anthropic_hh.jsonl", n_validation=10, log=lambda *a: None)
    assert rep["train"]["ok"] == 3 and sum(rep["train"].values()) == 7 and len(S["validation"]) == 0  # test prompts all seen in training

@pytest.mark.parametrize("f,msg", [("not_utf8.jsonl", "line 2: not UTF-8"), ("empty.jsonl", "empty file"), ("broken.jsonl", "line 2: not valid JSON"),
                                   ("missing.jsonl", "no such file")])
def test_bad_files(f, msg):
    with pytest.raises(DataError, match=msg): read_rows(F/f)

def test_hub_name_offline_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1"); monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DataError, match=r"cannot load dataset 'Anthropic/hh-rlhf'.*HF_DATASETS_OFFLINE=1"): read_rows("Anthropic/hh-rlhf")

def test_hub_model_offline_is_one_clear_error(monkeypatch):
    from xrlhf.models import build_policy
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(OSError, match=r"cannot load 'EleutherAI/pythia-410m-deduped'.*HF_HUB_OFFLINE=1"):
        build_policy(dict(arch="pretrained", name="EleutherAI/pythia-410m-deduped"), None)

@pytest.mark.parametrize("arch", ["gpt_neox", "opt", "llama"])
def test_each_architecture_runs_the_chain_on_cpu(arch):
    "SFT -> reward -> one RL step -> features with a tiny random-initialised model of each preset family."
    from xrlhf.core import set_seed
    from xrlhf.models import build_tokenizer, build_policy, build_reward_model
    from xrlhf.sft import sft
    from xrlhf.reward import train_reward, features, rewards, check_phi
    from xrlhf.rl import train_rl
    S, _ = load_comparisons("Anthropic/hh-rlhf", F/"anthropic_hh.jsonl", F/"anthropic_hh.jsonl", log=lambda *a: None)
    R = pd.concat([S["reward"]] * 4, ignore_index=True); demos = pd.concat([S["sft"]] * 4, ignore_index=True)
    tok = build_tokenizer(list(R.prompt + R.chosen) + list(R.rejected), 300)
    P = dict(arch=arch, hidden_size=32, num_layers=1, num_heads=2, max_length=128)
    set_seed(0); pi, _ = sft(build_policy(P, tok), tok, demos, epochs=1, lr=1e-3, batch_size=4, max_length=128)
    rm, _ = train_reward(build_reward_model(P, tok), tok, R, epochs=1, lr=1e-3, batch_size=4, max_length=128)
    _, log = train_rl(pi, tok, list(R.prompt), lambda p, r: rewards(rm, tok, p, r), "remax", steps=1, batch_size=2, max_new_tokens=4)
    assert len(log) == 1 and np.isfinite(log.reward).all()
    assert features(rm, tok, R.prompt[:3], R.chosen[:3]).shape == (3, 32) and check_phi(rm, tok, R.prompt[:3], R.chosen[:3], atol=1e-3) < 1e-3

from hypothesis import given, settings as hsettings, strategies as st
_turn = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), min_size=1, max_size=30).filter(str.strip)

@given(turns=st.lists(st.tuples(_turn, _turn), min_size=1, max_size=4), a=_turn, b=_turn, drop=st.sampled_from([None, "chosen", "rejected"]))
@hsettings(max_examples=150, deadline=None)
def test_anthropic_parser_properties(turns, a, b, drop):
    "Any well-formed dialogue pair splits into its shared prompt and two responses; a pair missing a field is counted, never kept."
    ctx = "".join(f"\n\nHuman: {h}\n\nAssistant: {r}" for h, r in turns[:-1]) + f"\n\nHuman: {turns[-1][0]}\n\nAssistant:"
    row = dict(chosen=ctx + " " + a, rejected=ctx + " " + b)
    if drop: row.pop(drop)
    df, c = PARSERS["Anthropic/hh-rlhf"]([row])
    assert sum(c.values()) == 1
    if drop: assert len(df) == 0 and c[f"missing field '{drop}'"] == 1; return
    assert len(df) == 1 and c["ok"] == 1
    assert df.prompt[0] == ctx and df.chosen[0] == " " + a and df.rejected[0] == " " + b
    assert df.prompt[0] + df.chosen[0] == row["chosen"]

@given(n_train=st.integers(10, 200), n_val=st.integers(1, 40), split=st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)))
@hsettings(max_examples=60, deadline=None)
def test_paper_split_properties(n_train, n_val, split):
    "The split partitions the training rows by its weights, and validation prompts are held out and unique."
    rows = [dict(prompt=f"\n\nHuman: q{i}\n\nAssistant:", chosen=" a", rejected=" b") for i in range(n_train)]
    test = [dict(prompt=f"\n\nHuman: t{i}\n\nAssistant:", chosen=" a", rejected=" b") for i in range(50)] + rows[:3]
    tr, _ = PARSERS["Dahoas/full-hh-rlhf"](rows); te, _ = PARSERS["Dahoas/full-hh-rlhf"](test)
    S = paper_split(tr, te, split, n_validation=n_val)
    sizes = [len(S[k]) for k in ("sft", "reward", "rl")]
    assert sum(sizes) == n_train and all(abs(s - n_train * w / sum(split)) <= 1.5 for s, w in zip(sizes, split))
    assert len(S["validation"]) == min(n_val, 50) and not set(S["validation"].prompt) & set(tr.prompt) and S["validation"].prompt.is_unique
