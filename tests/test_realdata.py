"Real data through the pipeline: the data stage on local files in the loaders' formats, then the whole chain and the report, by the real entry points."
import json, os, subprocess, sys
from pathlib import Path
import pandas as pd, pytest
from conftest import ROOT, edit_settings, xrlhf

F = ROOT/"tests"/"fixtures"
HH, TLDR = "Dahoas/full-hh-rlhf", "openai/summarize_from_feedback"

def _rows(tmp: Path):
    "A train and a test file in Dahoas' format: the fixture's rows (good and malformed) plus numbered good ones; test shares 5 train prompts."
    fixture = [json.loads(l) for l in (F/"dahoas_full_hh.jsonl").read_text().splitlines() if l.strip()]
    good = lambda tag, i: dict(prompt=f"\n\nHuman: {tag} question {i}?\n\nAssistant:", chosen=f" A helpful answer {i}.", rejected=" No.")
    train = [good("train", i) for i in range(97)] + fixture  # 3 good fixture rows: 100 usable comparisons
    test = [good("test", i % 15) for i in range(30)] + [good("train", i) for i in range(5)]
    for name, rows in (("train.jsonl", train), ("test.jsonl", test)):
        (tmp/name).write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return tmp/"train.jsonl", tmp/"test.jsonl"

def _settings(tmp: Path, data=HH, judge="some/reward-model", tasks="dialogue", files=None) -> Path:
    "The kit's settings on one task, a tinier neox-tiny, short RL, `[study] data` set and a `[data]` section naming the local files."
    s = edit_settings(ROOT/"settings.ini", tmp/"settings.ini", study=dict(tasks=tasks, algorithms="remax", seeds="0", judge=judge),
                      sft=dict(batch_size=16), reward=dict(batch_size=16), rl=dict(steps=3, batch_size=8, max_new_tokens=8, lr=0.02),
                      finetune=dict(steps=2), evaluate=dict(n_bootstrap=50), ablations=dict(names="random_set"),
                      **{"model.neox-tiny": dict(hidden_size=32, num_layers=1, num_heads=2, max_length=64)})
    tr, te = files or _rows(tmp)
    s.write_text(s.read_text().replace("[study]\n", f"[study]\ndata = {data}\n", 1) + f"\n[data]\ntrain = {tr}\ntest = {te}\nn_validation = 12\n")
    return s

def _launch(stage, s, root, check=True, env=None, task="dialogue", params=()):
    r = subprocess.run([sys.executable, "-m", "xrlhf.launch", stage, "--task", task, "--settings", str(s), "--root", str(root), *params],
                       cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    assert not check or r.returncode == 0, r.stderr[-3000:]
    return r

@pytest.fixture(scope="module")
def hh(tmp_path_factory):
    "The data, sft and reward stages on local Dahoas-format files, once for the module."
    tmp = tmp_path_factory.mktemp("realdata"); s = _settings(tmp); root = tmp/"artifacts"
    for st in ("data", "sft", "reward"): _launch(st, s, root)
    return dict(dir=tmp, settings=s, root=root)

def test_data_sft_reward_on_local_real_data(hh):
    root = hh["root"]; d = root/"dialogue"/"seed0"/"data"
    D = {k: pd.read_parquet(d/"train"/f"{k}.parquet") for k in ("sft", "reward", "rl", "validation", "reward_eval")}
    assert [len(D[k]) for k in ("sft", "reward", "rl")] == [20, 40, 40]  # 20/40/40 of the 100 usable comparisons
    train_prompts = set(D["sft"].prompt) | set(D["reward"].prompt) | set(D["rl"].prompt)
    assert len(D["validation"]) == 12 and not set(D["validation"].prompt) & train_prompts  # held out, capped at n_validation
    assert set(D["reward_eval"].prompt) == set(D["validation"].prompt) and len(D["reward_eval"]) == 24  # the test split's comparisons on them
    T = pd.read_parquet(d/"truth"/"truth.parquet")
    assert len(T) == 40 and not T.planted.any()
    summ = json.loads((d/"summary.json").read_text())
    assert summ["ground_truth"] is False and summ["dataset"] == HH and summ["planted_fraction"] is None
    assert summ["dropped"]["train"] == {"no Assistant turn": 1, "empty 'chosen'": 1, "missing field 'rejected'": 1} and summ["dropped"]["test"] == {}
    assert (d/"tokenizer"/"tokenizer.json").exists()
    m = json.loads((root/"dialogue"/"seed0"/"reward"/"metrics.json").read_text())
    assert m["n_train"] == 40 and 0 <= m["heldout_accuracy"] <= 1
    assert (root/"dialogue"/"seed0"/"sft"/"model"/"model.safetensors").exists()

def test_whole_chain_and_report_without_ground_truth(hh):
    "The remaining stages and the report on real data, judged by a reward model from a folder: no planted causes, so n/a."
    import torch
    from xrlhf.models import load_reward_model, load_tokenizer, save_model
    rm_dir = hh["root"]/"dialogue"/"seed0"/"reward"/"model"; judge = hh["dir"]/"judge"; rep = hh["dir"]/"reports"
    m = load_reward_model(rm_dir)  # a judge that disagrees with the reward model RLHF optimised: unsatisfactory prompts to explain
    with torch.no_grad(): m.score.weight.neg_()
    save_model(m, load_tokenizer(rm_dir), judge)
    r = xrlhf("reproduce", "--settings", hh["settings"], "--root", hh["root"], "--reports", rep, "-p", "study.judge", judge)
    assert "3 skipped" in r.stdout + r.stderr  # data, sft and reward are fresh: the judge is not in their keys
    base = hh["root"]/"dialogue"/"seed0"/"remax"
    un = json.loads((base/"unsatisfactory"/"metrics.json").read_text())
    assert un["planted_regions"] is None and un["n_unsat"] > 0
    ex = json.loads((base/"explain"/"metrics.json").read_text())
    assert ex["n_queries"] == un["n_unsat"] and ex["n_unlearned"] > 0
    assert ex["ground_truth"] is False and all(a["precision"] is None and a["recall"] is None and a["n_planted"] == 0 for a in ex["attribution"].values())
    M = json.loads((rep/"metrics.json").read_text())["dialogue/remax/seed0"]
    assert M["ground_truth"] is False and M["planted_fraction"] is None and M["winrate"] is not None
    text = (rep/"README.md").read_text()
    assert "this run is on Dahoas/full-hh-rlhf" in text and "n/a: real data has no planted causes" in text and "| n/a, no ground truth |" in text

def test_summarisation_data_stage(tmp_path):
    "openai/summarize_from_feedback from a local file in its format: TL;DR prompts, malformed rows counted and dropped."
    f = F/"summarize_comparisons.jsonl"
    s = _settings(tmp_path, data=TLDR, tasks="summarisation", files=(f, f)); root = tmp_path/"artifacts"
    _launch("data", s, root, task="summarisation")
    d = root/"summarisation"/"seed0"/"data"; summ = json.loads((d/"summary.json").read_text())
    assert summ["dataset"] == TLDR and summ["ground_truth"] is False and summ["parsed"]["train"]["ok"] == 3 and sum(summ["parsed"]["train"].values()) == 7
    R = pd.read_parquet(d/"train"/"reward.parquet")
    assert len(R) and all(p.startswith("SUBREDDIT: r/") and p.endswith("\nTL;DR:") for p in R.prompt)

def test_data_key_follows_the_source(tmp_path):
    "The data stage's key changes with [study] data and the [data] section; the world's ignores [data]."
    from xrlhf.core import load_settings
    from xrlhf.pipeline import stage_key
    s = _settings(tmp_path); k = lambda **p: stage_key(load_settings(s, p), "data", "dialogue", "remax", 0, code="c")
    base = k()
    assert k(**{"data.n_validation": 5}) != base and k(**{"data.test": s.parent/"train.jsonl"}) != base and k(**{"data.n_comparisons": 50}) != base
    w = dict(**{"study.data": "world", "study.judge": "gold", "study.tasks": "dialogue"})
    assert k(**w) != base and k(**w) == k(**w, **{"data.n_validation": 5})

@pytest.mark.parametrize("study,msg", [(dict(judge="gold"), "judge = gold: the gold utility exists only in the simulated world"),
                                       (dict(data="imdb"), "unknown dataset (known: world, Dahoas/full-hh-rlhf, Anthropic/hh-rlhf, openai/summarize_from_feedback)"),
                                       (dict(tasks="dialogue summarisation"), "Dahoas/full-hh-rlhf is dialogue data, set tasks = dialogue")])
def test_bad_real_data_settings_stop_before_writing(tmp_path, study, msg):
    s = _settings(tmp_path, **study); root = tmp_path/"artifacts"
    r = _launch("data", s, root, check=False)
    assert r.returncode != 0 and msg in r.stderr and "[study]" in r.stderr and str(s) in r.stderr and not root.exists()

def test_missing_local_file_is_one_error_and_writes_nothing(tmp_path):
    s = _settings(tmp_path); (tmp_path/"test.jsonl").unlink(); root = tmp_path/"artifacts"
    r = _launch("data", s, root, check=False)
    assert r.returncode == 2 and f"[data] test = '{tmp_path/'test.jsonl'}': no such file" in r.stderr and HH in r.stderr
    assert "Traceback" not in r.stderr and not root.exists()

def test_unreachable_hub_dataset_is_one_error_and_writes_nothing(tmp_path):
    "No [data] files: the hub split, which offline (and not cached) is one error naming the dataset."
    s = _settings(tmp_path); s.write_text(s.read_text().replace(f"train = {tmp_path/'train.jsonl'}", "train = ")); root = tmp_path/"artifacts"
    r = _launch("data", s, root, check=False, env=dict(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path/"hf")))
    assert r.returncode == 2 and f"cannot load dataset '{HH}' split 'train'" in r.stderr and "Traceback" not in r.stderr and not root.exists()
