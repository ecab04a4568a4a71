"Bad input: a clear error naming the problem, and nothing written."
import errno, json
from pathlib import Path
import numpy as np, pandas as pd, pytest, torch
from xrlhf.core import stage_output, write_json, ArtifactError
from xrlhf.models import build_tokenizer, build_policy, build_reward_model, rollout, save_model, load_reward_model
from xrlhf.sft import check_columns, sft
from xrlhf.reward import train_reward, features, head

TINY = dict(arch="gpt_neox", hidden_size=32, num_layers=1, num_heads=2, max_length=64)
tok = build_tokenizer(["hello there , how are you today ?"] * 10, 300)

@pytest.mark.parametrize("df,msg", [
    (pd.DataFrame(dict(prompt=["a"], chosen=["b"])), "missing column 'rejected'"),
    (pd.DataFrame(dict(prompt=[], chosen=[], rejected=[])), "no rows"),
    (pd.DataFrame(dict(prompt=["a", "b"], chosen=["x", ""], rejected=["y", "z"])), "row 1, column 'chosen'"),
    (pd.DataFrame(dict(prompt=["a"], chosen=[None], rejected=["z"])), "row 0, column 'chosen'"),
])
def test_bad_preference_tables(df, msg):
    with pytest.raises(ValueError, match=msg): train_reward(build_reward_model(TINY, tok), tok, df)

def test_bad_sft_table():
    with pytest.raises(ValueError, match="missing column 'completion'"): sft(build_policy(TINY, tok), tok, pd.DataFrame(dict(prompt=["a"])))

def test_prompt_longer_than_context():
    pi = build_policy(TINY, tok)
    with pytest.raises(ValueError, match=r"prompt 1 has \d+ tokens; with 8 new tokens it exceeds the model's context of 64"):
        rollout(pi, tok, ["hi", "hello there " * 40], max_new_tokens=8)

def test_tokenizer_that_does_not_match_the_model():
    small = build_tokenizer(["ab"] * 5, 260); big = build_tokenizer(["hello there , how are you today ? zebra quantum"] * 10, 400)
    pi, rm = build_policy(TINY, small), build_reward_model(TINY, small)
    with pytest.raises(ValueError, match="does not match the model"): rollout(pi, big, ["hello"], 4)
    with pytest.raises(ValueError, match="does not match the model"): features(rm, big, ["hello"], ["there"])

def test_reward_head_not_scalar(tmp_path):
    from transformers import AutoModelForSequenceClassification
    from xrlhf.models import model_config
    m = AutoModelForSequenceClassification.from_config(model_config(TINY, tok, num_labels=3)); save_model(m, tok, tmp_path/"rm")
    with pytest.raises(ValueError, match="head has 3 outputs"): load_reward_model(tmp_path/"rm")
    with pytest.raises(ValueError, match="3 outputs"): head(m)

def test_disk_full_on_artifact_write_leaves_nothing(tmp_path, monkeypatch):
    import xrlhf.core as core
    real = Path.write_text
    def full(self, *a, **k):
        if self.name.startswith(".manifest.json"): raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *a, **k)
    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(OSError, match="No space left"):
        with stage_output(tmp_path/"stage", "k", "demo") as t: (t/"data.txt").write_bytes(b"x" * 100)
    assert not list(tmp_path.iterdir())  # no artifact, no temporary folder

def test_half_written_artifact_is_never_read(tmp_path):
    d = tmp_path/"stage"; d.mkdir(); (d/"model.safetensors").write_bytes(b"half")
    from xrlhf.core import read_manifest, is_fresh
    with pytest.raises(ArtifactError, match="missing manifest.json"): read_manifest(d)
    assert not is_fresh(d, "anything")
