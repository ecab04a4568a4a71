"Determinism, and resuming a study killed with SIGKILL."
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path
import numpy as np, pytest, torch
from conftest import ROOT, BIN, xrlhf, edit_settings
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


def _strip_timing(o):
    "metrics.json without what legitimately differs between runs: timings and provenance."
    if isinstance(o, dict): return {k: _strip_timing(v) for k, v in o.items() if "seconds" not in k and k != "provenance"}
    if isinstance(o, list): return [_strip_timing(v) for v in o]
    return o

def _half_written(root: Path) -> list:
    "Stage folders without a manifest: what a reader could mistake for a complete artifact."
    from xrlhf.study import STAGES
    return [d for d in root.rglob("*") if d.is_dir() and d.name in STAGES and not (d/"manifest.json").exists()]

def test_sigkill_at_three_points_then_resume_gives_the_same_metrics(quick_study, tmp_path):
    """SIGKILL the runner (and its kernels) at three points, each after a resume, then let it finish: the
    metrics equal the uninterrupted quick study's, no folder without a manifest is ever left as an
    artifact, and no temporary survives. The run starts from a copy of the quick study's artifacts without one
    cell's per-algorithm stages (rlhf to ablations), so the kills land among the stages it rebuilds and the
    rest is reused, as a resume does. Every start here is `--cold` (a fresh kernel per stage) while the quick study
    kept one kernel warm, so equal metrics also show that a warm kernel carries nothing over."""
    s = quick_study["settings"]; root, rep = tmp_path/"artifacts", tmp_path/"reports"
    shutil.copytree(quick_study["root"], root)
    rebuilt = root/"dialogue"/"seed0"/"remax"
    shutil.rmtree(rebuilt)
    reused = len(list(root.rglob("manifest.json")))
    cmd = [str(BIN/"xrlhf"), "reproduce", "--quick", "--cold", "--settings", str(s), "--root", str(root),
           "--reports", str(rep)]
    kills = []
    # Kill points by progress, not by clock (fixed delays broke once the warm kernel made the study fast):
    # each (re)start runs until `done` of the cell's 7 stages have manifests, then dies 1 s into the next stage
    # (kernel reset, compute or artifact write), so the three kills land in three different stages.
    for done in (1, 3, 5):
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        while len(list(root.rglob("manifest.json"))) < reused + done:
            if p.poll() is not None: pytest.fail(f"the study ended (rc {p.returncode}) before {done} stages; nothing was killed")
            time.sleep(0.2)
        time.sleep(1.0)
        if p.poll() is not None: pytest.fail("the study finished before the kill")
        os.killpg(p.pid, signal.SIGKILL); p.wait()
        done = sorted(str(m.parent.relative_to(root)) for m in rebuilt.rglob("manifest.json"))
        kills.append(done)
        assert not _half_written(root), _half_written(root)
    assert kills[0] != kills[-1], f"the kills did not land in different stages: {kills}"
    xrlhf("reproduce", "--quick", "--cold", "--settings", s, "--root", root, "--reports", rep)
    assert not [t for t in root.rglob(".*") if ".tmp-" in t.name or ".old-" in t.name]
    got = json.loads((rep/"quick"/"metrics.json").read_text())
    want = json.loads((quick_study["reports"]/"quick"/"metrics.json").read_text())
    assert _strip_timing(got) == _strip_timing(want)
