"The whole chain through the real runner (papermill) at quick sizes: contract, skipping, failure, provenance."
import ast, json, os, shutil, subprocess, sys, time
from pathlib import Path
import pytest
from conftest import ROOT, xrlhf
from xrlhf.study import STAGES

RUN = "dialogue/remax/seed0"

def test_metrics_contract(quick_study):
    M = json.loads((quick_study["reports"]/"quick"/"metrics.json").read_text())
    assert [key for key in M if key not in ("summary", "paired")] == [RUN]
    assert set(M["summary"]["dialogue/remax"]["xrlhf_vs_rlhf"]["all"]) == {"mean", "sd", "ci_low", "ci_high", "n_seeds"}
    assert set(M["paired"]["dialogue/remax"]["random_set"]["all"]) >= {"mean_diff", "ci_low", "ci_high", "p_wilcoxon", "p_sign", "p_holm"}
    r = M[RUN]
    assert 0 <= r["unsatisfactory_fraction"] <= 1 and 0 <= r["unlearned_fraction"] <= 1
    for comp in ("xrlhf_vs_rlhf", "xrlhf_vs_sft", "rlhf_vs_sft"):
        for sub in ("unsat", "sat", "all"):
            w = r["winrate"][comp][sub]; assert set(w) >= {"rate", "ci_low", "ci_high", "n"}
        assert r["winrate"][comp]["all"]["n"] == r["n_validation"]
    for e in ("xrlhf", "weighted", "comparison", "knn", "random", "gradient"):
        assert set(r["attribution"][e]) >= {"precision", "recall", "n_planted", "n_selected"}
    assert set(r["ablations"]) == {"no_kl", "random_set"}
    # probes: one entry per planted dialogue family, scored against that family's planted comparisons
    import pandas as pd
    truth = pd.read_parquet(quick_study["root"]/"dialogue"/"seed0"/"data"/"truth"/"truth.parquet")
    fams = {f for f in truth.family.dropna().unique() if (truth.planted & truth.family.eq(f)).any()}
    assert fams and set(r["probes"]) == fams
    for f, pr in r["probes"].items():
        assert pr["base_rate"] == pytest.approx((truth.planted & truth.family.eq(f)).mean()) and 0 <= pr["rm_prefers_flawed"] <= 1
        from xrlhf.explain import EXPLAINERS
        E = pr["explainers"]; assert set(E) == {*EXPLAINERS, "tracin", "influence"} and pr["n_queries"] == 30  # influence: seed 0
        # the rankers take the sizes of the Algorithm 1 reading's sets ([explain] reading); the gradient explainers
        # the explained set's ([explain] forget_share of the split)
        assert E["knn"]["mean_size"] == E["random"]["mean_size"] == E["gradient"]["mean_size"] == E["weighted"]["mean_size"] > 0
        from xrlhf.core import load_settings
        from xrlhf.study import explained_size
        n_split = len(pd.read_parquet(quick_study["root"]/"dialogue"/"seed0"/"data"/"train"/"reward.parquet"))
        size = explained_size(load_settings(quick_study["settings"]).explain.forget_share, n_split)
        assert E["tracin"]["mean_size"] == E["influence"]["mean_size"] == size > 0
        assert all(0 <= e["precision_per_query"] <= 1 for e in E.values())
    # the premise (issue 18) and the strata of the unsatisfactory prompts
    assert set(r["premise"]) >= {"families", "unsat_caused_share", "background_unsat_rate", "checks"}
    assert set(r["premise"]["families"]) == fams
    assert {"unsat_caused", "unsat_other", "test_unsat_caused"} <= set(r["winrate"]["xrlhf_vs_rlhf"])
    p = r["provenance"]
    assert p["git_sha"] and p["seed"] == 0 and p["settings_hash"] and p["packages"]["torch"]
    assert p["torch_threads"] == int(os.environ.get("XRLHF_THREADS", 2))  # numbers depend on it, so it is recorded
    assert all(v is not None and v > 0 for v in p["wall_seconds"].values())
    rep = (quick_study["reports"]/"quick"/"README.md").read_text()
    assert rep.index("## Verdict by cell") < rep.index("## Headline by cell")
    assert "XRLHF vs RLHF" in rep and "Probes: queries whose cause is known" in rep and "figures/winrates.png" in rep and (quick_study["reports"]/"quick"/"figures"/"winrates.png").exists()

def test_executed_notebooks_have_injected_parameters(quick_study):
    nb = quick_study["reports"]/"runs"/"quick"/"dialogue"/"remax"/"seed0"/"explain.ipynb"
    cells = json.loads(nb.read_text())["cells"]
    inj = [c for c in cells if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(inj) == 1 and 'algorithm = "remax"' in "".join(inj[0]["source"])

def test_rerun_skips_everything(quick_study):
    log = quick_study["reports"]/"quick"/"reproduce.json"; first = json.loads(log.read_text())
    # one task, one algorithm, one seed: every stage once
    assert first["stage_runs"] == len(STAGES) and first["skipped"] == 0 and first["wall_seconds"] > 0
    t0 = time.time()
    r = xrlhf("reproduce", "--quick", "--settings", quick_study["settings"], "--root", quick_study["root"], "--reports", quick_study["reports"])
    assert "0 stage runs" in r.stdout + r.stderr and time.time() - t0 < 60
    assert json.loads(log.read_text()) == first  # a run that computed nothing keeps the last real wall time

def test_provenance_command(quick_study):
    art = quick_study["root"]/"dialogue"/"seed0"/"remax"/"explain"
    p = json.loads(xrlhf("provenance", art).stdout)
    assert p["stage"] == "explain" and p["seed"] == 0 and p["git_sha"] and p["settings_hash"] and "torch" in p["packages"]
    q = json.loads(xrlhf("provenance", f"{quick_study['reports']/'quick'/'metrics.json'}#{RUN}").stdout)
    assert q["seed"] == 0

def test_failing_stage_names_itself_and_keeps_earlier_artifacts(quick_study, tmp_path):
    root = tmp_path/"art"; shutil.copytree(quick_study["root"], root)
    (root/"dialogue"/"seed0"/"reward"/"dphi.npy").unlink()  # a broken input: the explain stage must fail
    before = sorted(p.relative_to(root) for p in root.rglob("manifest.json"))
    r = xrlhf("run", "explain", "--quick", "--settings", quick_study["settings"], "--root", root, "--reports", tmp_path/"rep", "--force", check=False)
    assert r.returncode == 2 and "stage 'explain' failed" in r.stderr and "task=dialogue" in r.stderr
    nb = tmp_path/"rep"/"runs"/"quick"/"dialogue"/"remax"/"seed0"/"explain.ipynb"
    assert str(nb) in r.stderr and nb.exists()
    assert sorted(p.relative_to(root) for p in root.rglob("manifest.json")) == before
    assert not list(root.rglob(".*.tmp-*"))

def test_stage_without_inputs_is_a_clear_error(tmp_path):
    from xrlhf.pipeline import open_stage
    from xrlhf.core import ArtifactError
    with pytest.raises(ArtifactError, match="needs the 'data' artifact"):
        open_stage("sft", settings=ROOT/"settings.ini", quick=True, root=tmp_path, build_missing=False)

def test_run_with_setting_overrides(quick_study, tmp_path):
    "`xrlhf run STAGE -p section.key value` reruns the stage with the override, validated like settings.ini."
    s, root = quick_study["settings"], tmp_path/"art"
    xrlhf("run", "data", "--quick", "--settings", s, "--root", root, "--reports", tmp_path/"rep", "-p", "quick.n_validation", "17")
    import pandas as pd
    assert len(pd.read_parquet(root/"dialogue"/"seed0"/"data"/"train"/"validation.parquet")) == 17
    man = json.loads((root/"dialogue"/"seed0"/"data"/"manifest.json").read_text())
    assert man["provenance"]["settings_hash"] != json.loads((quick_study["root"]/"dialogue"/"seed0"/"data"/"manifest.json").read_text())["provenance"]["settings_hash"]
    for bad, why in ((["rl.lr", "fast"], "[rl] lr"), (["rl.speed", "1"], "[rl] speed: unknown key"), (["lr", "1"], "section.key")):
        r = xrlhf("run", "data", "--quick", "--settings", s, "--root", tmp_path/"bad", "-p", *bad, check=False)
        assert r.returncode == 2 and why in r.stderr, r.stderr
    assert not (tmp_path/"bad").exists()

def test_reward_init_from_sft(quick_study, tmp_path):
    "`[reward] init = sft` starts the reward model from the SFT policy's transformer (InstructGPT); scratch does not."
    from xrlhf.models import load_policy, load_reward_model
    root = tmp_path/"art"; shutil.copytree(quick_study["root"], root)
    xrlhf("run", "reward", "--quick", "--settings", quick_study["settings"], "--root", root, "--reports", tmp_path/"rep", "-p", "reward.init", "sft")
    d = root/"dialogue"/"seed0"
    # scratch and sft start from the same random weights (same seed, same shape), so compare where they end:
    # the sft-initialised reward model stays nearer the SFT policy (measured 1.39 against 2.77 in quick mode)
    W = lambda m: m.gpt_neox.state_dict()
    dist = lambda a, b: sum(float((a[k] - b[k]).norm() ** 2) for k in a if a[k].is_floating_point()) ** 0.5
    sft = W(load_policy(d/"sft"/"model"))
    assert dist(W(load_reward_model(d/"reward"/"model")), sft) < 0.75 * dist(W(load_reward_model(quick_study["root"]/"dialogue"/"seed0"/"reward"/"model")), sft)
    man = json.loads((d/"reward"/"manifest.json").read_text())
    assert "sft" in man["inputs"] and man["key"] != json.loads((quick_study["root"]/"dialogue"/"seed0"/"reward"/"manifest.json").read_text())["key"]

def _stale_stages(repo: Path, quick_study) -> list:
    "The stages of the quick study's run that the library copy at `repo` would rerun."
    script = f"""
from xrlhf.core import is_fresh
from xrlhf.pipeline import load_study, stage_key
from xrlhf.study import STAGES, stage_dir
settings, root = load_study({str(quick_study['settings'])!r}, True, {str(quick_study['root'])!r})
print([s for s in STAGES if not is_fresh(stage_dir(root, s, "dialogue", "remax", 0),
                                         stage_key(settings, s, "dialogue", "remax", 0))])
"""
    # cwd: `python -c` puts the working directory first on sys.path, before PYTHONPATH
    r = subprocess.run([sys.executable, "-c", script], cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)},
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return ast.literal_eval(r.stdout.strip().splitlines()[-1])

def test_a_stage_reruns_when_code_it_runs_changes(quick_study, tmp_path):
    "Editing report.py reruns no stage; editing explain.py reruns explain and what reads it, nothing before it."
    repo = tmp_path/"repo"
    shutil.copytree(ROOT/"xrlhf", repo/"xrlhf", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT/"nbs"/"stages", repo/"nbs"/"stages")
    shutil.copy(ROOT/"settings.ini", repo/"settings.ini")
    assert _stale_stages(repo, quick_study) == []
    with open(repo/"xrlhf"/"report.py", "a") as f:
        f.write("\n\ndef a_new_table(metrics):\n    return ''\n")
    assert _stale_stages(repo, quick_study) == []
    with open(repo/"xrlhf"/"explain.py", "a") as f:
        f.write("\n\nMORE_READINGS = ()\n")
    assert _stale_stages(repo, quick_study) == ["explain", "unlearn", "finetune", "evaluate", "ablations"]

SUBSETS = ("unsat", "sat", "all", "test_unsat", "test_sat", "test_all")
STRATA = ("unsat_caused", "unsat_other", "test_unsat_caused", "test_unsat_other")  # world data: the premise's strata

def test_win_rates_on_both_halves_with_replicate_spread(quick_study):
    "Every win rate comes for the fix half and the held-out test half, each with the replicates' rates and spread."
    r = json.loads((quick_study["reports"]/"quick"/"metrics.json").read_text())[RUN]
    for comp in ("xrlhf_vs_rlhf", "xrlhf_vs_sft", "rlhf_vs_sft"):
        for sub in SUBSETS:
            w = r["winrate"][comp][sub]
            assert set(w) >= {"rate", "ci_low", "ci_high", "n", "replicate_rates", "replicate_sd"}
        assert r["winrate"][comp]["test_all"]["n"] == r["n_test"]
        assert r["n_validation"] + r["n_test"] == 60  # [quick] n_validation, split in two halves
    for name, ablation in r["ablations"].items():
        assert set(ablation["winrate"]["xrlhf_vs_rlhf"]) == set(SUBSETS + STRATA), name
    rep = (quick_study["reports"]/"quick"/"README.md").read_text()
    assert "test: all" in rep and "test half" in rep

def test_only_the_fix_half_is_explained_and_fine_tuned(quick_study):
    "The explanation queries are the fix half's unsatisfactory prompts; the test half's are found but never trained on."
    import pandas as pd
    run = quick_study["root"]/"dialogue"/"seed0"/"remax"
    responses = pd.read_parquet(run/"unsatisfactory"/"responses.parquet")
    unsat = json.loads((run/"unsatisfactory"/"metrics.json").read_text())
    fix = responses.half == "fix"
    assert unsat["n_unsat"] == int((responses.unsatisfactory & fix).sum())
    assert unsat["test_n_unsat"] == int((responses.unsatisfactory & ~fix).sum())
    assert json.loads((run/"explain"/"metrics.json").read_text())["n_queries"] == unsat["n_unsat"]

def test_the_explained_set_is_the_explainers(quick_study):
    """`[explain] explainer = tracin` on the quick study: named in the metrics, scored on the probes; the quick world
    has no unsatisfactory prompt, so nothing is explained or unlearned (the sets themselves: the test below)."""
    run = quick_study["root"]/"dialogue"/"seed0"/"remax"/"explain"
    metrics = json.loads((run/"metrics.json").read_text())
    assert metrics["explainer"] == "tracin" and metrics["reading"] == "weighted"
    assert metrics["n_queries"] == metrics["n_unlearned"] == 0 and json.loads((run/"explained.json").read_text()) == []
    assert metrics["attribution_ranking"] is None and metrics["seconds"]["tracin"] > 0
    for family in metrics["probes"].values():
        assert 0 <= family["explainers"]["tracin"]["auc"] <= 1

def test_gradient_explanations_are_each_querys_top_tracin_scores():
    """The explained sets of a gradient explainer: each comparison query's `size` highest tracin scores, best first,
    from one scoring pass with the probes (whose scores come back per flaw); an unknown explainer is refused."""
    import pandas as pd, numpy as np
    from xrlhf.core import set_seed
    from xrlhf.influence import tracin_scores
    from xrlhf.models import build_reward_model, build_tokenizer
    from xrlhf.study import gradient_explanations
    from xrlhf.world import World, flaw_probes
    probes = flaw_probes(World(0), "expert_claim", 14, 0)
    tokenizer = build_tokenizer(list(probes.prompt + probes.flawed + probes.clean), 300)
    set_seed(0)
    preset = dict(arch="gpt_neox", hidden_size=16, num_layers=1, num_heads=2, max_length=192)
    model = build_reward_model(preset, tokenizer)
    train = probes.iloc[:8].rename(columns=dict(flawed="chosen", clean="rejected")).reset_index(drop=True)
    unsat = probes.iloc[8:11].rename(columns=dict(clean="response_rlhf", flawed="response_sft")).reset_index(drop=True)
    held = {"expert_claim": probes.iloc[11:].reset_index(drop=True)}
    explained, seconds = gradient_explanations(model, tokenizer, train, unsat, held, ["tracin"], 3, 192, 0)
    sets, query_scores, probe_scores = explained["tracin"]
    queries = pd.DataFrame(dict(prompt=unsat.prompt, chosen=unsat.response_rlhf, rejected=unsat.response_sft))
    expected = tracin_scores(model, tokenizer, train, queries)
    np.testing.assert_allclose(query_scores, expected, rtol=1e-5, atol=1e-7 * np.abs(expected).max())
    assert [list(s) for s in sets.selected] == [list(np.argsort(-row, kind="stable")[:3]) for row in query_scores]
    assert probe_scores["expert_claim"].shape == (3, 8) and seconds["tracin"] > 0
    with pytest.raises(ValueError, match="unknown gradient explainer 'graddot'"):
        gradient_explanations(model, tokenizer, train, unsat, held, ["graddot"], 3, 192, 0)

def test_replicates_average_the_fine_tunes(quick_study, tmp_path):
    "`[finetune] replicates = 2`: two fine-tune seeds, two models, win rates averaged with their spread."
    root = tmp_path/"art"
    shutil.copytree(quick_study["root"], root)
    xrlhf("run", "evaluate", "--quick", "--settings", quick_study["settings"], "--root", root, "--reports",
          tmp_path/"rep", "-p", "finetune.replicates", "2")
    run = root/"dialogue"/"seed0"/"remax"
    assert (run/"finetune"/"model").exists() and (run/"finetune"/"model_replicate1").exists()
    win = json.loads((run/"evaluate"/"metrics.json").read_text())["winrate"]["xrlhf_vs_rlhf"]["all"]
    assert len(win["replicate_rates"]) == 2
    assert win["rate"] == pytest.approx(sum(win["replicate_rates"]) / 2)

def test_unlearn_report_and_its_controls(quick_study):
    "The unlearn stage's contract keys, its controls' reward models, and the explained set within its share."
    r = json.loads((quick_study["reports"]/"quick"/"metrics.json").read_text())[RUN]["unlearn"]
    keys = {"forget_acc_before", "forget_acc_after", "heldout_acc_before", "heldout_acc_after", "rm_prefers_flawed_before",
            "rm_prefers_flawed_after", "flipped_share", "outcome", "removal_margin"}
    assert keys <= set(r)
    from xrlhf.core import load_settings
    unlearned_controls = load_settings(ROOT/"settings.ini").unlearn.controls
    for control in ("random_set", "knn_set", "exact_removal"):
        ran = control in (*unlearned_controls, "exact_removal")
        assert ({f"{control}_rm_prefers_flawed_after", f"{control}_flipped_share", f"{control}_heldout_acc_after"}
                <= set(r)) == ran
        assert (quick_study["root"]/"dialogue"/"seed0"/"remax"/"unlearn"/control/"model").exists() == ran
    run = quick_study["root"]/"dialogue"/"seed0"/"remax"
    explained = json.loads((run/"explain"/"explained.json").read_text())
    explain_metrics = json.loads((run/"explain"/"metrics.json").read_text())
    assert r["n_forget"] == len(explained) == explain_metrics["n_unlearned"]
    assert explain_metrics["unlearned_fraction"] <= 0.01 + 1 / 240  # [explain] forget_share of the quick reward split
    assert r["outcome"]["steps"] is not None and r["outcome"]["steps"] <= 200  # [unlearn] max_steps
    if r["n_forget"]:  # the guard half of the held-out comparisons lost at most [unlearn] max_guard_drop
        guard_loss = r["outcome"]["guard_acc_before"] - r["outcome"]["guard_acc_after"]
        assert guard_loss <= load_settings(ROOT/"settings.ini").unlearn.max_guard_drop + 1e-9
    else:  # an empty explained set (the quick world's may be): nothing unlearned, nothing guarded
        assert r["outcome"]["stopped"] == "empty forget set" and "guard_acc_before" not in r["outcome"]
    assert r["random_set_n_forget"] == len(explained)  # a random set of the explained set's size
