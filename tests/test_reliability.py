"Determinism and resumability."
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path
import numpy as np, pytest, torch
from conftest import ROOT, BIN
from xrlhf.core import set_seed
from xrlhf.world import make_datasets
from xrlhf.models import build_tokenizer, build_policy, build_reward_model
from xrlhf.reward import train_reward, features, rewards
from xrlhf.rl import train_rl

SW = dict(n_comparisons=300, data_split=[2, 4, 4], n_validation=20, flaws=["harmful_compliance"], flaw_rate=0.8,
          annotator_beta=3.0, label_noise=0.2, sft_quality=0.6)
TINY = dict(arch="gpt_neox", hidden_size=32, num_layers=1, num_heads=2, max_length=192)

def tiny_run(seed):
    D = make_datasets(SW, "dialogue", seed); R = D["reward"]
    tok = build_tokenizer(list(R.prompt + R.chosen) + list(R.rejected), 400)
    set_seed(seed); rm, _ = train_reward(build_reward_model(TINY, tok), tok, R, epochs=1, lr=1e-3, seed=seed)
    F = features(rm, tok, R.prompt[:32], R.chosen[:32])
    set_seed(seed); pi = build_policy(TINY, tok)
    _, log = train_rl(pi, tok, D["rl"].prompt, lambda p, r: rewards(rm, tok, p, r), "ppo", steps=2, batch_size=8, max_new_tokens=8,
                      critic=build_reward_model(TINY, tok), seed=seed)
    return F, log.drop(columns="seconds")

def test_same_seed_same_numbers_other_seed_differs():
    F1, L1 = tiny_run(0); F2, L2 = tiny_run(0); F3, L3 = tiny_run(1)
    assert np.array_equal(F1, F2) and L1.equals(L2)
    assert not np.array_equal(F1, F3) and not L1.reward.equals(L3.reward)

LATE = ("explain", "unlearn", "finetune", "evaluate", "ablations")

def _strip(M):
    "Metrics without the parts that legitimately change between runs (wall time, timings)."
    for r in M.values(): r["provenance"].pop("wall_seconds"); r.pop("explain_seconds")
    return M

def test_killed_reproduce_resumes_to_the_same_metrics(quick_study, tmp_path):
    root, rep = tmp_path/"art", tmp_path/"rep"; shutil.copytree(quick_study["root"], root)
    for st in LATE: shutil.rmtree(root/"dialogue"/"seed0"/"remax"/st)
    cmd = [str(BIN/"xrlhf"), "reproduce", "--quick", "--settings", str(quick_study["settings"]), "--root", str(root), "--reports", str(rep)]
    env = {**os.environ, "XRLHF_QUIET": "1"}
    for victim in ("explain", "finetune", "ablations"):  # SIGKILL while that stage's temporary folder exists
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        t0 = time.time()
        while time.time() - t0 < 600 and p.poll() is None and not list((root/"dialogue"/"seed0"/"remax").glob(f".{victim}.tmp-*")): time.sleep(0.2)
        assert p.poll() is None, f"reproduce ended before {victim} started"
        time.sleep(1.0); os.killpg(p.pid, signal.SIGKILL); p.wait()
        assert not (root/"dialogue"/"seed0"/"remax"/victim/"manifest.json").exists()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stderr[-2000:]
    assert not list(root.rglob(".*.tmp-*"))
    a = _strip(json.loads((rep/"quick"/"metrics.json").read_text())); b = _strip(json.loads((quick_study["reports"]/"quick"/"metrics.json").read_text()))
    assert a == b
